import { h100Sxm, type GpuParams } from "./gpu-params.js";

/**
 * GPU power for groups of GPUs that share one trajectory (cohorts), as a structure of arrays:
 * one Float64Array per field, index c = cohort. Every power is per GPU, in watts; the hall
 * multiplies by the number of GPUs of each cohort in each rack.
 *
 * Time representation: a tick covers [t, t + dtS). `utilFrac` is the utilisation during the tick
 * and every output is the MEAN over the tick (energy over the tick ÷ dtS), like a 20 ms NVML power
 * sample or a PDU meter, which average the interval before their timestamp. The model integrates
 * its continuous-time trajectory in closed form inside a tick (first-order lags towards targets that
 * are constant or decay exponentially, a sinusoidal ripple), so energy is the same at any tick
 * length, an overshoot shorter than a tick shows as its share of the tick, and a 20 ms and a 40 ms
 * run of the same input agree when averaged to 40 ms. Model and calibration: models/gpu/README.md.
 */
export interface GpuCohorts {
  readonly count: number;

  // Params, per cohort (copied from a GpuParams by setCohortParams).
  readonly limitW: Float64Array;
  readonly idleW: Float64Array;
  readonly fullFrac: Float64Array;
  readonly overshootFrac: Float64Array;
  readonly overshootTauS: Float64Array;
  readonly overshootDelayS: Float64Array;
  readonly overshootRearmS: Float64Array;
  readonly tauS: Float64Array;
  readonly fallTauS: Float64Array;
  readonly tailFrac: Float64Array;
  readonly tailTauS: Float64Array;
  readonly rippleFrac: Float64Array;
  readonly rippleHz: Float64Array;
  readonly ripplePhaseRad: Float64Array;

  // Input, written by workloads each tick: 0 idle .. 1 full compute (clamped to [0, 1]; NaN = 0).
  readonly utilFrac: Float64Array;

  // Setpoints (actuators), written by the engine from controller commands.
  /** Power cap, W (default limitW). The effective limit is min(limitW, capW, thermalCapW), at least idleW. */
  readonly capW: Float64Array;
  /**
   * The GPU's own thermal slowdown, W (default Infinity: none): the firmware lowers clocks, and so
   * power, while the GPU is at its slowdown temperature. Written by the thermal stage, not by controllers.
   */
  readonly thermalCapW: Float64Array;
  /** Power smoothing on (1) or off (0). */
  readonly smoothingOn: Float64Array;
  /** Power floor as a fraction of limitW (NVML PERCENT_TMP_FLOOR ÷ 100); used while smoothing is on. */
  readonly floorFrac: Float64Array;
  /** Largest rise of powerW, W/s (NVML RAMP_UP_RATE; Infinity = unlimited, the default). */
  readonly rampUpWps: Float64Array;
  /** Largest fall of powerW once the hold has run out, W/s (NVML RAMP_DOWN_RATE; Infinity = unlimited). */
  readonly rampDownWps: Float64Array;
  /** Time demand must stay below powerW before powerW may fall, s (NVML RAMP_DOWN_HYSTERESIS ÷ 1000). */
  readonly holdS: Float64Array;

  // Outputs, per GPU, mean over the last tick.
  /** Electrical power drawn, W. */
  readonly powerW: Float64Array;
  /** What the work alone draws (the response without smoothing), W. */
  readonly demandW: Float64Array;
  /** Power above demand because of the smoothing floor / hold / ramp-down limit: burned without work, W ≥ 0. */
  readonly burnW: Float64Array;
  /** Demand withheld by the ramp-up limit, W ≥ 0. */
  readonly throttledW: Float64Array;

  // Internal state.
  /** Instantaneous power of the lagged response at the end of the last tick, W. */
  readonly levelW: Float64Array;
  /**
   * Decaying part of the target at the end of the last tick, W: the onset overshoot (above the
   * sustained level, decays with overshootTauS) or the fall tail (above idle, tailTauS).
   */
  readonly excessW: Float64Array;
  /** Which decaying target is active: 0 none, 1 onset overshoot, 2 fall tail. */
  readonly excessKind: Float64Array;
  /** Time utilisation has been below 1/2, s (Infinity at start: a fresh GPU has been idle). */
  readonly lowS: Float64Array;
  /** Utilisation of the last tick (onset detection). */
  readonly lastUtilFrac: Float64Array;
  /** Ripple phasor at the end of the last tick: cos and sin of 2π·rippleHz·(t − onset) + phase. */
  readonly rippleCos: Float64Array;
  readonly rippleSin: Float64Array;
  /** Time demand has been below powerW while smoothing, s. */
  readonly holdElapsedS: Float64Array;
  /** powerW of the last tick without the ripple (what smoothing ramps from), W. */
  readonly smoothedW: Float64Array;
  /**
   * Per-dt factors, cached for `cachedDtS`: e^(−dt/τ) and τ/dt·(1 − e^(−dt/τ)) of the rise, the
   * fall, the overshoot and the tail; cos and sin of the ripple's turn per tick and its mean factor.
   */
  readonly cache: Float64Array;
  readonly cachedDtS: Float64Array;
}

/** Utilisation at which a rise counts as an onset and below which the GPU counts as pausing. */
const ONSET_UTIL_FRAC = 0.5;
/** Cached per-dt factors per cohort (see GpuCohorts.cache). */
const CACHE = 13;
const C_RISE_DECAY = 0, C_RISE_MEAN = 1, C_FALL_DECAY = 2, C_FALL_MEAN = 3, C_OVER_DECAY = 4, C_OVER_MEAN = 5;
const C_TAIL_DECAY = 6, C_TAIL_MEAN = 7, C_RIPPLE_COS = 8, C_RIPPLE_SIN = 9, C_RIPPLE_MEAN = 10;
/** β = τx / (τx − τ) of the overshoot (with the rise lag) and of the tail (with the fall lag). */
const C_OVER_BETA = 11, C_TAIL_BETA = 12;
/** A decaying target below this is dropped (W; 1e-12 of a tick's energy): the common path is then cheaper. */
const EXCESS_EPS_W = 1e-9;
const EXCESS_NONE = 0, EXCESS_OVERSHOOT = 1, EXCESS_TAIL = 2;

/**
 * Allocates `count` cohorts (a non-negative integer), each with h100Sxm params, default setpoints
 * and idle state. Example: createGpuCohorts(2).powerW → Float64Array [121, 121].
 */
export function createGpuCohorts(count: number): GpuCohorts {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`createGpuCohorts: count must be an integer ≥ 0, got ${count}`);
  const f = (): Float64Array => new Float64Array(count);
  const state: GpuCohorts = {
    count,
    limitW: f(), idleW: f(), fullFrac: f(), overshootFrac: f(), overshootTauS: f(), overshootDelayS: f(), overshootRearmS: f(),
    tauS: f(), fallTauS: f(), tailFrac: f(), tailTauS: f(), rippleFrac: f(), rippleHz: f(), ripplePhaseRad: f(),
    utilFrac: f(),
    capW: f(), thermalCapW: f(), smoothingOn: f(), floorFrac: f(), rampUpWps: f(), rampDownWps: f(), holdS: f(),
    powerW: f(), demandW: f(), burnW: f(), throttledW: f(),
    levelW: f(), excessW: f(), excessKind: f(), lowS: f(), lastUtilFrac: f(), rippleCos: f(), rippleSin: f(), holdElapsedS: f(), smoothedW: f(),
    cache: new Float64Array(count * CACHE), cachedDtS: f(),
  };
  for (let c = 0; c < count; c++) setCohortParams(state, c, h100Sxm);
  return state;
}

/**
 * (Re)initialises cohort c: copies `params`, resets the setpoints to their defaults (capW = limitW,
 * smoothing off, floor 0, unlimited ramps, no hold), utilFrac to 0 and the state to idle.
 * Throws a RangeError when c is not a cohort index.
 */
export function setCohortParams(state: GpuCohorts, c: number, params: GpuParams): void {
  if (!Number.isInteger(c) || c < 0 || c >= state.count) {
    throw new RangeError(`setCohortParams: cohort ${c} is outside 0..${state.count - 1}`);
  }
  state.limitW[c] = params.limitW;
  state.idleW[c] = params.idleW;
  state.fullFrac[c] = params.fullFrac;
  state.overshootFrac[c] = params.overshootFrac;
  state.overshootTauS[c] = params.overshootTauS;
  state.overshootDelayS[c] = params.overshootDelayS;
  state.overshootRearmS[c] = params.overshootRearmS;
  state.tauS[c] = params.tauS;
  state.fallTauS[c] = params.fallTauS;
  state.tailFrac[c] = params.tailFrac;
  state.tailTauS[c] = params.tailTauS;
  state.rippleFrac[c] = params.rippleFrac;
  state.rippleHz[c] = params.rippleHz;
  state.ripplePhaseRad[c] = params.ripplePhaseRad;
  state.utilFrac[c] = 0;
  state.capW[c] = params.limitW;
  state.thermalCapW[c] = Infinity;
  state.smoothingOn[c] = 0;
  state.floorFrac[c] = 0;
  state.rampUpWps[c] = Infinity;
  state.rampDownWps[c] = Infinity;
  state.holdS[c] = 0;
  state.powerW[c] = params.idleW;
  state.demandW[c] = params.idleW;
  state.burnW[c] = 0;
  state.throttledW[c] = 0;
  state.levelW[c] = params.idleW;
  state.excessW[c] = 0;
  state.excessKind[c] = EXCESS_NONE;
  state.lowS[c] = Infinity;
  state.lastUtilFrac[c] = 0;
  state.rippleCos[c] = Math.cos(params.ripplePhaseRad);
  state.rippleSin[c] = Math.sin(params.ripplePhaseRad);
  state.holdElapsedS[c] = 0;
  state.smoothedW[c] = params.idleW;
  state.cachedDtS[c] = NaN; // forces the per-dt factors to be computed at the first step
}

/** e^(−dt/τ) and τ/dt·(1 − e^(−dt/τ)) into cache[at], cache[at + 1] (0, 0 for τ = 0: no lag). */
function lagFactors(cache: Float64Array, at: number, tauS: number, dtS: number): void {
  const decay = tauS > 0 ? Math.exp(-dtS / tauS) : 0;
  cache[at] = decay;
  cache[at + 1] = tauS > 0 ? (tauS / dtS) * (1 - decay) : 0;
}

/**
 * Advances every cohort by dtS seconds (allocation-free). Per cohort, with L = min(limitW, capW,
 * thermalCapW) and u = clamp(utilFrac, 0, 1):
 * 1. Target: idleW + u·(fullFrac·L − idleW), plus a decaying part X·e^(−s/τx):
 *    - onset (u crosses 1/2 upwards): X = gain·u·(overshootFrac − fullFrac)·L, τx = overshootTauS,
 *      gain = clamp((pause − overshootDelayS) / overshootRearmS, 0, 1) for the time spent below 1/2
 *      before the onset. It may exceed the cap, as measured;
 *    - fall (u crosses 1/2 downwards): X = tailFrac·(level − new target), τx = tailTauS: the slow
 *      second stage of a fall.
 * 2. Response: first-order towards the target, solved in closed form over the tick, with tauS
 *    while an overshoot decays or the target is above the level, fallTauS while a tail decays or
 *    the target is below it.
 * 3. Ripple at full load (u = 1, the limiter engaged): rippleFrac·L·sin(2π·rippleHz·(t − onset) +
 *    ripplePhaseRad), its exact mean over the tick (a phasor turned once per tick).
 * 4. Smoothing (NVML power-smoothing semantics, docs/physics-sources.md §1.4), on the power without
 *    the ripple: rises limited to rampUpWps; falls wait holdS, then are limited to rampDownWps;
 *    floor floorFrac × limitW (reached at rampUpWps when smoothing is switched on); smoothing
 *    never burns above L. The ripple is then added to powerW and demandW alike.
 * powerW ≥ demandW by burnW, or ≤ by throttledW. dtS ≤ 0 (or NaN) leaves the state unchanged.
 */
export function stepGpuCohorts(state: GpuCohorts, dtS: number): void {
  if (!(dtS > 0)) return;
  const n = state.count;
  const { limitW, idleW, fullFrac, overshootFrac, overshootTauS, overshootDelayS, overshootRearmS } = state;
  const { tauS, fallTauS, tailFrac, tailTauS, rippleFrac, rippleHz } = state;
  const { utilFrac, capW, thermalCapW, smoothingOn, floorFrac, rampUpWps, rampDownWps, holdS } = state;
  const { powerW, demandW, burnW, throttledW } = state;
  const { levelW, excessW, excessKind, lowS, lastUtilFrac, rippleCos, rippleSin, holdElapsedS, smoothedW, cache, cachedDtS } = state;

  for (let c = 0; c < n; c++) {
    const at = c * CACHE;
    if (cachedDtS[c] !== dtS) {
      // Per-dt factors, cached per cohort (setCohortParams clears the cache).
      lagFactors(cache, at + C_RISE_DECAY, tauS[c], dtS);
      lagFactors(cache, at + C_FALL_DECAY, fallTauS[c], dtS);
      lagFactors(cache, at + C_OVER_DECAY, overshootTauS[c], dtS);
      lagFactors(cache, at + C_TAIL_DECAY, tailTauS[c], dtS);
      const turn = 2 * Math.PI * rippleHz[c] * dtS;
      cache[at + C_RIPPLE_COS] = Math.cos(turn);
      cache[at + C_RIPPLE_SIN] = Math.sin(turn);
      cache[at + C_RIPPLE_MEAN] = turn > 0 ? 1 / turn : 0;
      cache[at + C_OVER_BETA] = overshootTauS[c] / (overshootTauS[c] - tauS[c]);
      cache[at + C_TAIL_BETA] = tailTauS[c] / (tailTauS[c] - fallTauS[c]);
      cachedDtS[c] = dtS;
    }
    const uRaw = utilFrac[c];
    const u = uRaw > 0 ? (uRaw < 1 ? uRaw : 1) : 0; // also maps NaN to 0
    const idle = idleW[c];
    let limit = capW[c] < limitW[c] ? capW[c] : limitW[c];
    if (thermalCapW[c] < limit) limit = thermalCapW[c];
    if (!(limit >= idle)) limit = idle; // a GPU cannot be capped below idle
    let sustainedW = fullFrac[c] * limit;
    if (sustainedW < idle) sustainedW = idle;
    const targetW = idle + u * (sustainedW - idle);
    let level = levelW[c];

    // Onsets and falls start a decaying target; the re-arm clock counts the pause before an onset.
    const last = lastUtilFrac[c];
    if (u >= ONSET_UTIL_FRAC && last < ONSET_UTIL_FRAC) {
      const rearm = overshootRearmS[c];
      const pastDelayS = lowS[c] - overshootDelayS[c];
      let gain = pastDelayS <= 0 ? 0 : rearm > 0 ? pastDelayS / rearm : 1;
      if (gain > 1) gain = 1;
      const x = gain * u * (overshootFrac[c] - fullFrac[c]) * limit;
      excessW[c] = x;
      excessKind[c] = x > EXCESS_EPS_W ? EXCESS_OVERSHOOT : EXCESS_NONE;
      const phase = state.ripplePhaseRad[c];
      rippleCos[c] = Math.cos(phase);
      rippleSin[c] = Math.sin(phase);
    } else if (u < ONSET_UTIL_FRAC && last >= ONSET_UTIL_FRAC) {
      const x = level > targetW ? tailFrac[c] * (level - targetW) : 0;
      excessW[c] = x;
      excessKind[c] = x > EXCESS_EPS_W ? EXCESS_TAIL : EXCESS_NONE;
    }
    lowS[c] = u < ONSET_UTIL_FRAC ? lowS[c] + dtS : 0;
    lastUtilFrac[c] = u;

    // Response over the tick: lag τ (rise or fall) towards targetW + X·e^(−s/τx). With β = τx/(τx − τ):
    //   level(s) = T + β·X·e^(−s/τx) + (level0 − T − β·X)·e^(−s/τ); the tick mean uses the mean factors.
    // The lag is the rise's while an overshoot decays and the fall's while a tail does (the level
    // may cross the moving target: one lag per episode keeps the result independent of the tick);
    // otherwise the level approaches a constant target monotonically.
    const kind = excessKind[c];
    const x = kind === EXCESS_NONE ? 0 : excessW[c];
    const rising = kind === EXCESS_NONE ? targetW >= level : kind === EXCESS_OVERSHOOT;
    const lagAt = at + (rising ? C_RISE_DECAY : C_FALL_DECAY);
    let demand: number;
    if (kind === EXCESS_NONE) {
      demand = targetW + (level - targetW) * cache[lagAt + 1];
      level = targetW + (level - targetW) * cache[lagAt];
    } else {
      // An overshoot always goes with the rise lag, a tail with the fall lag (rising is kind-bound).
      const over = kind === EXCESS_OVERSHOOT;
      const xAt = at + (over ? C_OVER_DECAY : C_TAIL_DECAY);
      const bx = x * cache[at + (over ? C_OVER_BETA : C_TAIL_BETA)];
      const rest = level - targetW - bx;
      demand = targetW + bx * cache[xAt + 1] + rest * cache[lagAt + 1];
      level = targetW + bx * cache[xAt] + rest * cache[lagAt];
      const xEnd = x * cache[xAt];
      if (xEnd > EXCESS_EPS_W) {
        excessW[c] = xEnd;
      } else {
        excessW[c] = 0;
        excessKind[c] = EXCESS_NONE;
      }
    }
    levelW[c] = level;

    // Ripple: the exact tick mean of the sine, then the phasor turns by one tick. It is the power
    // limiter's own oscillation, so only at full load (u = 1: below it the GPU runs under its limit
    // and the limiter is idle); smoothing acts on the power without it, and it is added to both.
    const rc = rippleCos[c];
    const rs = rippleSin[c];
    const cd = cache[at + C_RIPPLE_COS];
    const sd = cache[at + C_RIPPLE_SIN];
    const rippleW = u === 1 ? rippleFrac[c] * limit * (rc * (1 - cd) + rs * sd) * cache[at + C_RIPPLE_MEAN] : 0;
    rippleCos[c] = rc * cd - rs * sd;
    rippleSin[c] = rs * cd + rc * sd;
    demandW[c] = demand + rippleW;

    // Smoothing acts on the tick means: the firmware's ramp limits are far slower than a tick.
    let out = demand;
    if (smoothingOn[c] > 0) {
      const prev = smoothedW[c];
      const upLimitW = prev + rampUpWps[c] * dtS;
      if (demand > prev) {
        holdElapsedS[c] = 0;
        out = demand < upLimitW ? demand : upLimitW;
      } else if (demand < prev) {
        const held = holdElapsedS[c] + dtS;
        holdElapsedS[c] = held;
        const pastHoldS = held - holdS[c];
        if (pastHoldS <= 0) {
          out = prev;
        } else {
          const fallW = rampDownWps[c] * (pastHoldS < dtS ? pastHoldS : dtS);
          out = prev - fallW > demand ? prev - fallW : demand;
        }
      } else {
        holdElapsedS[c] = 0;
        out = prev;
      }
      let floorW = floorFrac[c] * limitW[c];
      if (floorW > limit) floorW = limit;
      if (out < floorW) {
        // The floor itself is approached at the ramp-up rate (switching on never steps the load).
        const reachW = upLimitW < floorW ? upLimitW : floorW;
        if (out < reachW) out = reachW;
      }
      // Burning never goes above the effective limit (a lowered cap wins over hold and ramp-down).
      if (out > demand && out > limit) out = demand > limit ? demand : limit;
    } else {
      holdElapsedS[c] = 0;
    }
    smoothedW[c] = out;
    powerW[c] = out + rippleW;
    burnW[c] = out > demand ? out - demand : 0;
    throttledW[c] = demand > out ? demand - out : 0;
  }
}
