import { h100Sxm, type GpuParams } from "./gpu-params.js";

/**
 * GPU power for groups of GPUs that share one trajectory (cohorts), as a structure of arrays:
 * one Float64Array per field, index c = cohort. Every power is per GPU, in watts; the hall
 * multiplies by the number of GPUs of each cohort in each rack.
 *
 * Time representation: a tick covers [t, t + dtS). `utilFrac` is the utilisation during the tick
 * and every output is the MEAN over the tick (energy over the tick ÷ dtS), like an NVML power
 * sample, which averages the interval before its timestamp. The model integrates its
 * continuous-time trajectory exactly inside a tick, so energy is the same at any tick length, an
 * overshoot shorter than a tick shows as its share of the tick, and a 20 ms and a 40 ms run of the
 * same input agree when averaged to 40 ms.
 */
export interface GpuCohorts {
  readonly count: number;

  // Params, per cohort (copied from a GpuParams by setCohortParams).
  readonly limitW: Float64Array;
  readonly idleW: Float64Array;
  readonly fullFrac: Float64Array;
  readonly overshootFrac: Float64Array;
  readonly overshootS: Float64Array;
  readonly overshootRearmS: Float64Array;
  readonly tauS: Float64Array;

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
  /** Instantaneous power of the first-order response at the end of the last tick, W. */
  readonly levelW: Float64Array;
  /** Time left of the current onset overshoot, s. */
  readonly overshootLeftS: Float64Array;
  /** Size of the current onset overshoot, 0..1 (re-arm fraction captured at the onset). */
  readonly overshootGain: Float64Array;
  /** Time utilisation has been below 1/2, s (Infinity at start: a fresh GPU has been idle). */
  readonly lowS: Float64Array;
  /** Utilisation of the last tick (onset detection). */
  readonly lastUtilFrac: Float64Array;
  /** Time demand has been below powerW while smoothing, s. */
  readonly holdElapsedS: Float64Array;
  /** Cached exp(-dtS / tauS) and tauS / dtS × (1 - exp(-dtS / tauS)) for `cachedDtS`. */
  readonly decay: Float64Array;
  readonly meanGain: Float64Array;
  readonly cachedDtS: Float64Array;
}

/** Utilisation at which a rise counts as an onset and below which the GPU counts as pausing. */
const ONSET_UTIL_FRAC = 0.5;

/**
 * Allocates `count` cohorts (a non-negative integer), each with h100Sxm params, default setpoints
 * and idle state. Example: createGpuCohorts(2).powerW → Float64Array [121, 121].
 */
export function createGpuCohorts(count: number): GpuCohorts {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`createGpuCohorts: count must be an integer ≥ 0, got ${count}`);
  const f = (): Float64Array => new Float64Array(count);
  const state: GpuCohorts = {
    count,
    limitW: f(), idleW: f(), fullFrac: f(), overshootFrac: f(), overshootS: f(), overshootRearmS: f(), tauS: f(),
    utilFrac: f(),
    capW: f(), thermalCapW: f(), smoothingOn: f(), floorFrac: f(), rampUpWps: f(), rampDownWps: f(), holdS: f(),
    powerW: f(), demandW: f(), burnW: f(), throttledW: f(),
    levelW: f(), overshootLeftS: f(), overshootGain: f(), lowS: f(), lastUtilFrac: f(), holdElapsedS: f(),
    decay: f(), meanGain: f(), cachedDtS: f(),
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
  state.overshootS[c] = params.overshootS;
  state.overshootRearmS[c] = params.overshootRearmS;
  state.tauS[c] = params.tauS;
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
  state.overshootLeftS[c] = 0;
  state.overshootGain[c] = 0;
  state.lowS[c] = Infinity;
  state.lastUtilFrac[c] = 0;
  state.holdElapsedS[c] = 0;
  state.cachedDtS[c] = NaN; // forces the decay factors to be computed at the first step
}

/**
 * Advances every cohort by dtS seconds (allocation-free). Per cohort, with L = min(limitW, capW, thermalCapW):
 * 1. Demand: the target idleW + u × (fullFrac × L − idleW) is approached first-order with tauS
 *    (exact: level' = target + (level − target)·e^(−dt/τ); tick mean uses τ/dt·(1 − e^(−dt/τ))).
 * 2. Onset overshoot: when u crosses 1/2 upwards, for overshootS from the tick start the target
 *    rises by gain × u × (overshootFrac − fullFrac) × L, gain = min(1, pause / overshootRearmS)
 *    for the time spent below 1/2 before the onset. It may exceed the cap, as measured.
 * 3. Smoothing (NVML power-smoothing semantics, docs/physics-sources.md §1.4): rises limited to rampUpWps;
 *    falls wait holdS, then are limited to rampDownWps; floor floorFrac × limitW (reached at
 *    rampUpWps when smoothing is switched on); smoothing never burns above L.
 * powerW ≥ demandW by burnW, or ≤ by throttledW. dtS ≤ 0 (or NaN) leaves the state unchanged.
 */
export function stepGpuCohorts(state: GpuCohorts, dtS: number): void {
  if (!(dtS > 0)) return;
  const n = state.count;
  const { limitW, idleW, fullFrac, overshootFrac, overshootS, overshootRearmS, tauS } = state;
  const { utilFrac, capW, thermalCapW, smoothingOn, floorFrac, rampUpWps, rampDownWps, holdS } = state;
  const { powerW, demandW, burnW, throttledW } = state;
  const { levelW, overshootLeftS, overshootGain, lowS, lastUtilFrac, holdElapsedS, decay, meanGain, cachedDtS } = state;

  for (let c = 0; c < n; c++) {
    const uRaw = utilFrac[c];
    const u = uRaw > 0 ? (uRaw < 1 ? uRaw : 1) : 0; // also maps NaN to 0
    const idle = idleW[c];
    let limit = capW[c] < limitW[c] ? capW[c] : limitW[c];
    if (thermalCapW[c] < limit) limit = thermalCapW[c];
    if (!(limit >= idle)) limit = idle; // a GPU cannot be capped below idle
    let sustainedW = fullFrac[c] * limit;
    if (sustainedW < idle) sustainedW = idle;
    const targetW = idle + u * (sustainedW - idle);
    const tau = tauS[c];

    // Onset detection and the re-arm clock, on the utilisation of this tick vs the last one.
    if (u >= ONSET_UTIL_FRAC && lastUtilFrac[c] < ONSET_UTIL_FRAC) {
      const rearm = overshootRearmS[c];
      const g = rearm > 0 ? lowS[c] / rearm : 1;
      overshootGain[c] = g < 1 ? g : 1;
      overshootLeftS[c] = overshootS[c];
    }
    lowS[c] = u < ONSET_UTIL_FRAC ? lowS[c] + dtS : 0;
    lastUtilFrac[c] = u;

    // Demand: exact first-order response over the tick, split where the overshoot target ends.
    let level = levelW[c];
    let demand: number;
    const leftS = overshootLeftS[c];
    if (leftS > 0) {
      // Rare path (onset ticks only): two exact sub-steps, averaged by their energy.
      const wS = leftS < dtS ? leftS : dtS;
      const peakTargetW = targetW + overshootGain[c] * u * (overshootFrac[c] - fullFrac[c]) * limit;
      let a = tau > 0 ? Math.exp(-wS / tau) : 0;
      let k = tau > 0 ? (tau / wS) * (1 - a) : 0;
      let energyJ = (peakTargetW + (level - peakTargetW) * k) * wS;
      level = peakTargetW + (level - peakTargetW) * a;
      const restS = dtS - wS;
      if (restS > 1e-12) {
        a = tau > 0 ? Math.exp(-restS / tau) : 0;
        k = tau > 0 ? (tau / restS) * (1 - a) : 0;
        energyJ += (targetW + (level - targetW) * k) * restS;
        level = targetW + (level - targetW) * a;
      }
      overshootLeftS[c] = leftS - wS > 1e-12 ? leftS - wS : 0;
      demand = energyJ / dtS;
    } else {
      // Common path: decay factors cached per cohort for this dt (setCohortParams clears the cache).
      if (cachedDtS[c] !== dtS) {
        decay[c] = tau > 0 ? Math.exp(-dtS / tau) : 0;
        meanGain[c] = tau > 0 ? (tau / dtS) * (1 - decay[c]) : 0;
        cachedDtS[c] = dtS;
      }
      demand = targetW + (level - targetW) * meanGain[c];
      level = targetW + (level - targetW) * decay[c];
    }
    levelW[c] = level;
    demandW[c] = demand;

    // Smoothing acts on the tick means: the firmware's ramp limits are far slower than a tick.
    let out = demand;
    if (smoothingOn[c] > 0) {
      const prev = powerW[c];
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
    powerW[c] = out;
    burnW[c] = out > demand ? out - demand : 0;
    throttledW[c] = demand > out ? demand - out : 0;
  }
}
