import type { Issue } from "../lib/errors.js";

/**
 * Electric heat pumps that lift data-centre water (27-45 °C) to district-heating supply (70-90 °C),
 * as a structure of arrays (index i = unit). Steady state within a tick: every output is the mean
 * over [t, t + dtS) and the heat balance closes exactly, heatW = sourceHeatW + powerW.
 *
 * COP (docs/physics-sources.md §5.1): COP = carnotFrac × COP_Carnot, COP_Carnot = T_cond / (T_cond − T_evap)
 * in kelvin [D], with the temperatures of the actual lift this tick:
 *   T_evap = sourceOutC − pinchK  (the source fluid as it LEAVES the evaporator: its coldest point),
 *   T_cond = sinkOutC + pinchK    (the sink fluid as it LEAVES the condenser: its hottest point).
 * This is the single-stage, constant-temperature (Carnot, not Lorenz) bound, so it is conservative for
 * gliding streams. The §5.1 worked table (27→75 °C: COP_C 7.25, ×0.5 = 3.6; 45→80 °C: 10.1 → 5.0) is
 * for fluid temperatures with no pinch, which is why the defaults are carnotFrac 0.5 and pinchK 0;
 * a refrigerant-side efficiency (e.g. 0.55) is meant to go with a pinch of a few kelvin.
 *
 * Sign convention: powerW is electrical power drawn from the grid (consumption, > 0 when running);
 * heatW (to the sink) and sourceHeatW (from the source) are positive thermal flows.
 */
export interface HeatPumpParams {
  /** Largest heat delivered to the sink, W (thermal). > 0. */
  readonly capacityW: number;
  /** Smallest heat while running, as a fraction of capacityW (0..1): a running unit never delivers less. */
  readonly minPartLoadFrac: number;
  /** Real COP ÷ Carnot COP of the lift (docs/physics-sources.md §5.1: 0.45-0.6 [R]). In (0, 1]. */
  readonly carnotFrac: number;
  /** Refrigerant-to-fluid temperature difference at the evaporator and at the condenser, K (≥ 0). */
  readonly pinchK: number;
  /** Highest condenser (sink) outlet temperature, °C. */
  readonly sinkOutMaxC: number;
  /** Lowest evaporator (source) outlet temperature, °C (freeze and evaporator-pressure margin). */
  readonly sourceOutMinC: number;
}

/**
 * One of the large district-heating heat pumps of the Meta Odense → Fjernvarme Fyn plant:
 * - capacityW 5 MW: 45 MW of heat pumps in nine units [S] (docs/physics-sources.md §5.1), 45 / 9 [D].
 * - carnotFrac 0.5, pinchK 0: reproduce the §5.1 worked table ("×0.5"; η_Lorenz 0.45-0.6 [R]); they
 *   give COP 3.6 for Odense's 27 → 75 °C, near the 3.4-3.7 measured seasonal COP of a two-stage
 *   ammonia river-water heat pump [P-abs] (§5.1).
 * - sinkOutMaxC 90 °C: the top of the issue's 70-90 °C supply range.
 * - minPartLoadFrac 0.3 and sourceOutMinC 5 °C are assumptions (no source here): large screw /
 *   turbo units modulate down to roughly a third of capacity, and 5 °C keeps water well above freezing.
 */
export const odenseHeatPump: HeatPumpParams = Object.freeze({
  capacityW: 5e6,
  minPartLoadFrac: 0.3,
  carnotFrac: 0.5,
  pinchK: 0,
  sinkOutMaxC: 90,
  sourceOutMinC: 5,
});

/** Named presets, as scenario files refer to them. */
export const HEAT_PUMP_PRESETS: Readonly<Record<string, HeatPumpParams>> = Object.freeze({ odenseHeatPump });

/** Why a unit delivers what it does this tick (`limit` field). */
export const HeatPumpLimit = Object.freeze({
  /** Running and delivering the request. */
  None: 0,
  /** Commanded off (onCmd ≤ 0). */
  Off: 1,
  /** The request exceeds capacityW: delivering capacityW. */
  Capacity: 2,
  /** The request is below minPartLoadFrac × capacityW: delivering the minimum. */
  MinLoad: 3,
  /** Capped so that the sink leaves at sinkOutSetC. */
  Setpoint: 4,
  /** Capped (or stopped) so that the source leaves at sourceOutMinC. */
  Source: 5,
  /** Capped (or stopped) because the lift would give COP ≤ 1. */
  Lift: 6,
  /** Capped (or stopped) so that the sink leaves at no more than sinkOutMaxC. */
  SinkMax: 7,
  /** No source or no sink flow (capacity rate ≤ 0): stopped. */
  NoFlow: 8,
});

export interface HeatPumps {
  readonly count: number;

  // Params, per unit (copied from a HeatPumpParams by setHeatPumpParams).
  readonly capacityW: Float64Array;
  readonly minPartLoadFrac: Float64Array;
  readonly carnotFrac: Float64Array;
  readonly pinchK: Float64Array;
  readonly sinkOutMaxC: Float64Array;
  readonly sourceOutMinC: Float64Array;

  // Commands (written by the engine from the heat-reuse dispatcher).
  /** Run (> 0) or stop (≤ 0). */
  readonly onCmd: Float64Array;
  /** Heat wanted at the sink, W (NaN counts as 0; a running unit delivers at least its minimum). */
  readonly heatRequestW: Float64Array;
  /** Condenser outlet setpoint, °C: the unit delivers no more than sinkCWpK × (sinkOutSetC − sinkInC). */
  readonly sinkOutSetC: Float64Array;

  // Inputs (written by the engine from the connected loops).
  /** Source fluid entering the evaporator, °C. */
  readonly sourceInC: Float64Array;
  /**
   * Source capacity rate, W/K: the source leaves at sourceInC − sourceHeatW / sourceCWpK. A stream
   * of flow ṁ gives ṁ·cp; a source reached through an exchanger gives ε·Cmin with sourceInC its hot
   * inlet (reuseExchangerConductanceWpK); Infinity = a source that does not cool.
   */
  readonly sourceCWpK: Float64Array;
  /** Sink fluid entering the condenser (network return), °C. */
  readonly sinkInC: Float64Array;
  /** Sink capacity rate ṁ·cp, W/K: the sink leaves at sinkInC + heatW / sinkCWpK. */
  readonly sinkCWpK: Float64Array;

  // Outputs, mean over the last tick.
  /** 1 while running, else 0. */
  readonly running: Float64Array;
  /** Heat delivered to the sink, W. */
  readonly heatW: Float64Array;
  /** Heat taken from the source, W (= heatW − powerW, exactly). */
  readonly sourceHeatW: Float64Array;
  /** Electrical power drawn, W (> 0: consumption). */
  readonly powerW: Float64Array;
  /** heatW ÷ powerW (0 when stopped). */
  readonly cop: Float64Array;
  /** Carnot COP of this tick's lift, T_cond / (T_cond − T_evap) (0 when stopped). */
  readonly copCarnot: Float64Array;
  /** Source leaving the evaporator, °C (= sourceInC when stopped). */
  readonly sourceOutC: Float64Array;
  /** Sink leaving the condenser, °C (= sinkInC when stopped). */
  readonly sinkOutC: Float64Array;
  /** heatW ÷ capacityW. */
  readonly partLoadFrac: Float64Array;
  /** A HeatPumpLimit code. */
  readonly limit: Float64Array;

  // Totals since creation (or the last setHeatPumpParams).
  readonly heatWh: Float64Array;
  readonly sourceWh: Float64Array;
  readonly electricWh: Float64Array;
  /** Time running, s. */
  readonly runS: Float64Array;
  /** Number of stopped → running transitions. */
  readonly starts: Float64Array;
}

/** 0 °C in kelvin. */
const KELVIN = 273.15;
/**
 * Smallest lift used in the Carnot COP, K: a numerical guard (a lift below it is evaluated as 1 K).
 * A heat pump is the wrong tool there; a direct exchanger does the job.
 */
const MIN_LIFT_K = 1;
/** Bisection steps when a temperature limit caps the heat (2^-60 of the request: far below rounding of a W). */
const BISECT_STEPS = 60;

/**
 * Carnot COP of a heat pump between a source at `sourceC` and a sink at `sinkC` (°C), in kelvin:
 * T_sink / (T_sink − T_source) (docs/physics-sources.md §5.1 [D]); a lift below 1 K is evaluated as 1 K.
 * Example: carnotCop(27, 75) → 7.253.
 */
export function carnotCop(sourceC: number, sinkC: number): number {
  const sinkK = sinkC + KELVIN;
  const lift = sinkC - sourceC;
  return sinkK / (lift > MIN_LIFT_K ? lift : MIN_LIFT_K);
}

/**
 * Real COP from fluid temperatures (°C): carnotFrac × carnotCop(sourceOutC − pinchK, sinkOutC + pinchK).
 * Example: heatPumpCop(0.5, 0, 27, 75) → 3.63 (docs/physics-sources.md §5.1: 3.6).
 */
export function heatPumpCop(carnotFrac: number, pinchK: number, sourceOutC: number, sinkOutC: number): number {
  return carnotFrac * carnotCop(sourceOutC - pinchK, sinkOutC + pinchK);
}

/**
 * Allocates `count` stopped units (a non-negative integer) with odenseHeatPump params. Inputs start
 * at a 35 °C source with Infinity capacity rate, a 40 °C sink at 0 W/K and a 75 °C setpoint.
 */
export function createHeatPumps(count: number): HeatPumps {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`createHeatPumps: count must be an integer ≥ 0, got ${count}`);
  const f = (): Float64Array => new Float64Array(count);
  const state: HeatPumps = {
    count,
    capacityW: f(), minPartLoadFrac: f(), carnotFrac: f(), pinchK: f(), sinkOutMaxC: f(), sourceOutMinC: f(),
    onCmd: f(), heatRequestW: f(), sinkOutSetC: f(),
    sourceInC: f(), sourceCWpK: f(), sinkInC: f(), sinkCWpK: f(),
    running: f(), heatW: f(), sourceHeatW: f(), powerW: f(), cop: f(), copCarnot: f(),
    sourceOutC: f(), sinkOutC: f(), partLoadFrac: f(), limit: f(),
    heatWh: f(), sourceWh: f(), electricWh: f(), runS: f(), starts: f(),
  };
  for (let i = 0; i < count; i++) setHeatPumpParams(state, i, odenseHeatPump);
  return state;
}

/**
 * (Re)initialises unit i: copies `params`, stops it (onCmd 0, request 0, setpoint 75 °C), resets
 * the inputs to their creation values, the outputs to stopped and the totals to 0.
 * Throws a RangeError when i is not a unit index.
 */
export function setHeatPumpParams(state: HeatPumps, i: number, params: HeatPumpParams): void {
  if (!Number.isInteger(i) || i < 0 || i >= state.count) {
    throw new RangeError(`setHeatPumpParams: unit ${i} is outside 0..${state.count - 1}`);
  }
  state.capacityW[i] = params.capacityW;
  state.minPartLoadFrac[i] = params.minPartLoadFrac;
  state.carnotFrac[i] = params.carnotFrac;
  state.pinchK[i] = params.pinchK;
  state.sinkOutMaxC[i] = params.sinkOutMaxC;
  state.sourceOutMinC[i] = params.sourceOutMinC;
  state.onCmd[i] = 0;
  state.heatRequestW[i] = 0;
  state.sinkOutSetC[i] = 75;
  state.sourceInC[i] = 35;
  state.sourceCWpK[i] = Infinity;
  state.sinkInC[i] = 40;
  state.sinkCWpK[i] = 0;
  stopUnit(state, i, HeatPumpLimit.Off);
  state.heatWh[i] = 0;
  state.sourceWh[i] = 0;
  state.electricWh[i] = 0;
  state.runS[i] = 0;
  state.starts[i] = 0;
}

function stopUnit(state: HeatPumps, i: number, limit: number): void {
  state.running[i] = 0;
  state.heatW[i] = 0;
  state.sourceHeatW[i] = 0;
  state.powerW[i] = 0;
  state.cop[i] = 0;
  state.copCarnot[i] = 0;
  state.sourceOutC[i] = state.sourceInC[i];
  state.sinkOutC[i] = state.sinkInC[i];
  state.partLoadFrac[i] = 0;
  state.limit[i] = limit;
}

/**
 * Electrical power and temperatures of unit i delivering `heatW` to the sink, written into its
 * powerW, sourceOutC, sinkOutC and copCarnot (stepHeatPumps also uses them as scratch while it
 * searches for a feasible heat). With T_c = sinkOut + pinch (K), T_src' = sourceIn − pinch (K) and
 * a = sourceCWpK, the source leaves at sourceIn − (Q − W)/a, so W = Q (T_c − T_e)/(η T_c) is
 * linear in W and solves in closed form:
 *   W = Q (T_c − T_src' + Q/a) / (η T_c + Q/a).
 * When that lift is below MIN_LIFT_K the lift is held at MIN_LIFT_K: W = Q·MIN_LIFT_K/(η T_c).
 */
function operatingPoint(state: HeatPumps, i: number, heatW: number): void {
  const eta = state.carnotFrac[i];
  const pinch = state.pinchK[i];
  const a = state.sourceCWpK[i];
  const sinkOutC = state.sinkInC[i] + heatW / state.sinkCWpK[i];
  const condK = sinkOutC + pinch + KELVIN;
  const srcK = state.sourceInC[i] - pinch + KELVIN;
  const qa = heatW / a; // 0 for an infinite source
  let powerW = (heatW * (condK - srcK + qa)) / (eta * condK + qa);
  let evapK = srcK - (heatW - powerW) / a;
  let lift = condK - evapK;
  if (!(lift >= MIN_LIFT_K)) {
    lift = MIN_LIFT_K;
    powerW = (heatW * MIN_LIFT_K) / (eta * condK);
    evapK = srcK - (heatW - powerW) / a;
  }
  state.powerW[i] = powerW;
  state.sourceOutC[i] = evapK + pinch - KELVIN;
  state.sinkOutC[i] = sinkOutC;
  state.copCarnot[i] = condK / lift;
}

/** Which temperature limit unit i breaks at `heatW` (HeatPumpLimit.None when none); runs operatingPoint. */
function brokenLimit(state: HeatPumps, i: number, heatW: number): number {
  operatingPoint(state, i, heatW);
  if (state.sourceOutC[i] < state.sourceOutMinC[i]) return HeatPumpLimit.Source;
  if (!(heatW <= 0 || state.powerW[i] < heatW)) return HeatPumpLimit.Lift; // COP ≤ 1
  return HeatPumpLimit.None;
}

/**
 * Advances every unit by dtS seconds (allocation-free). Per unit, when onCmd > 0 and both capacity
 * rates are > 0 (else stopped, limit Off / NoFlow):
 * 1. Q = clamp(heatRequestW, minPartLoadFrac·capacityW, capacityW) (limit MinLoad / Capacity);
 * 2. Q ≤ sinkCWpK·(sinkOutSetC − sinkInC) (Setpoint), but never below the minimum: at the minimum the
 *    sink may leave above the setpoint, up to sinkOutMaxC;
 * 3. Q ≤ sinkCWpK·(sinkOutMaxC − sinkInC) (SinkMax);
 * 4. the largest Q at or below that with the source leaving at ≥ sourceOutMinC and COP > 1, found by
 *    bisection (Source / Lift);
 * 5. a Q below the minimum after 3-4 stops the unit (with that limit).
 * Then powerW = Q/COP (operatingPoint), sourceHeatW = Q − powerW, outlet temperatures and totals.
 * dtS ≤ 0 (or NaN) leaves the state unchanged.
 */
export function stepHeatPumps(state: HeatPumps, dtS: number): void {
  if (!(dtS > 0)) return;
  const hours = dtS / 3600;
  for (let i = 0; i < state.count; i++) {
    const wasRunning = state.running[i];
    if (!(state.onCmd[i] > 0)) {
      stopUnit(state, i, HeatPumpLimit.Off);
      continue;
    }
    const sinkC = state.sinkCWpK[i];
    if (!(sinkC > 0) || !(state.sourceCWpK[i] > 0)) {
      stopUnit(state, i, HeatPumpLimit.NoFlow);
      continue;
    }
    const capW = state.capacityW[i];
    const frac = state.minPartLoadFrac[i];
    const minW = capW * (frac > 0 ? (frac < 1 ? frac : 1) : 0);
    const req = state.heatRequestW[i];
    let q = req > minW ? req : minW; // NaN → minimum
    let limit: number = req > minW ? HeatPumpLimit.None : HeatPumpLimit.MinLoad;
    if (q > capW) {
      q = capW;
      limit = HeatPumpLimit.Capacity;
    }
    const setW = sinkC * (state.sinkOutSetC[i] - state.sinkInC[i]);
    if (q > setW) {
      q = setW > minW ? setW : minW;
      limit = HeatPumpLimit.Setpoint;
    }
    const maxW = sinkC * (state.sinkOutMaxC[i] - state.sinkInC[i]);
    if (q > maxW) {
      q = maxW;
      limit = HeatPumpLimit.SinkMax;
    }
    if (q > 0) {
      const broken = brokenLimit(state, i, q);
      if (broken !== HeatPumpLimit.None) {
        let lo = 0;
        let hi = q;
        for (let k = 0; k < BISECT_STEPS; k++) {
          const mid = 0.5 * (lo + hi);
          if (brokenLimit(state, i, mid) === HeatPumpLimit.None) lo = mid;
          else hi = mid;
        }
        q = lo;
        limit = broken;
      }
    }
    if (!(q > 0) || q < minW * (1 - 1e-12)) {
      stopUnit(state, i, limit);
      continue;
    }
    operatingPoint(state, i, q); // powerW, sourceOutC, sinkOutC, copCarnot
    const powerW = state.powerW[i];
    state.running[i] = 1;
    state.heatW[i] = q;
    state.sourceHeatW[i] = q - powerW;
    state.cop[i] = q / powerW;
    state.partLoadFrac[i] = q / capW;
    state.limit[i] = limit;
    state.heatWh[i] += q * hours;
    state.sourceWh[i] += (q - powerW) * hours;
    state.electricWh[i] += powerW * hours;
    state.runS[i] += dtS;
    if (!(wasRunning > 0)) state.starts[i] += 1;
  }
}

/**
 * Lists what is wrong with a parameter set (empty when valid), each issue under `path.<field>`.
 * Example: heatPumpParamIssues({ ...odenseHeatPump, carnotFrac: 1.2 }, "hp")[0].path === "hp.carnotFrac".
 */
export function heatPumpParamIssues(params: HeatPumpParams, path: string): Issue[] {
  const issues: Issue[] = [];
  const at = (field: keyof HeatPumpParams, expected: string): void => {
    issues.push({ path: path ? `${path}.${field}` : field, value: params[field], expected });
  };
  const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
  if (!finite(params.capacityW) || params.capacityW <= 0) at("capacityW", "a heat output above 0 W");
  if (!finite(params.minPartLoadFrac) || params.minPartLoadFrac < 0 || params.minPartLoadFrac > 1) {
    at("minPartLoadFrac", "a fraction in [0, 1]");
  }
  if (!finite(params.carnotFrac) || params.carnotFrac <= 0 || params.carnotFrac > 1) at("carnotFrac", "a fraction in (0, 1]");
  if (!finite(params.pinchK) || params.pinchK < 0) at("pinchK", "a temperature difference of at least 0 K");
  if (!finite(params.sinkOutMaxC)) at("sinkOutMaxC", "a temperature in °C");
  if (!finite(params.sourceOutMinC)) at("sourceOutMinC", "a temperature in °C");
  else if (finite(params.sinkOutMaxC) && params.sourceOutMinC >= params.sinkOutMaxC) {
    at("sourceOutMinC", `below sinkOutMaxC = ${params.sinkOutMaxC} °C`);
  }
  return issues;
}
