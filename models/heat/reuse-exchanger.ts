import type { Issue } from "../lib/errors.js";
import { counterflowEffectiveness } from "../thermal/effectiveness-ntu.js";

/**
 * Heat-reuse exchangers between the data-centre facility water loop (hot side) and the heat-pump
 * source loop or a district network (cold side), as a structure of arrays (index i = exchanger).
 * Counterflow, rated by its conductance UA (W/K); the duty follows the ε-NTU method of
 * models/thermal/effectiveness-ntu.ts (Incropera ch. 11 [R], docs/physics-sources.md §4):
 *   Q = ε(NTU = UA/Cmin, Cr = Cmin/Cmax) · Cmin · (hotInC − coldInC),
 *   hotOutC = hotInC − Q/cHotWpK, coldOutC = coldInC + Q/cColdWpK.
 * No thermal mass (steady within a tick; the loops on either side carry the mass), so every output
 * is the tick mean and hot-side loss = cold-side gain = dutyW exactly. An exchanger draws no power
 * from the grid; the pumps that drive its streams are accounted with their loops.
 *
 * Coupling to a heat pump whose evaporator water is the cold stream: write the heat pump's
 * sourceInC = hotInC and sourceCWpK = conductanceWpK (ε·Cmin), step the heat pump, then write
 * coldInC = its sourceOutC and step the exchanger: dutyW then equals the heat pump's sourceHeatW
 * (to rounding), with no lag and no iteration.
 */
export interface ReuseExchangerParams {
  /** Conductance UA, W/K (> 0). `uaFromApproach` / `uaFromRating` in effectiveness-ntu.ts rate one. */
  readonly uaWpK: number;
}

/**
 * A 10 MW reuse exchanger at a 3 K approach with a 10 K range on equal streams: UA = 10 MW / 3 K
 * = 3.33 MW/K (uaFromApproach(1 MW/K, 10, 3)); approach 3-5 K is the liquid-to-liquid figure of
 * docs/physics-sources.md §4 [S], 10 K the TCS ΔT of 8-12 K [S] there.
 */
export const reuseExchanger10MW: ReuseExchangerParams = Object.freeze({ uaWpK: 1e7 / 3 });

export interface ReuseExchangers {
  readonly count: number;
  // Params.
  readonly uaWpK: Float64Array;
  // Inputs.
  /** Facility water entering, °C. */
  readonly hotInC: Float64Array;
  /** Facility water capacity rate through the exchanger ṁ·cp, W/K (0 = bypassed). */
  readonly hotCWpK: Float64Array;
  /** Cold stream entering, °C. */
  readonly coldInC: Float64Array;
  /** Cold stream capacity rate ṁ·cp, W/K. */
  readonly coldCWpK: Float64Array;
  // Outputs, mean over the last tick.
  /** Heat moved from hot to cold, W (negative if the cold stream is the warmer one). */
  readonly dutyW: Float64Array;
  readonly hotOutC: Float64Array;
  readonly coldOutC: Float64Array;
  /** ε of this tick (0..1). */
  readonly effectiveness: Float64Array;
  /** ε·Cmin, W/K: duty per kelvin between the inlets (the source conductance for a heat pump). */
  readonly conductanceWpK: Float64Array;
  // Totals.
  /** Heat moved since creation (or the last setReuseExchangerParams), Wh. */
  readonly heatWh: Float64Array;
}

/**
 * ε·Cmin (W/K) of a counterflow exchanger of conductance `uaWpK` between streams of capacity rates
 * `cHotWpK` and `cColdWpK` (W/K): the duty per kelvin of inlet difference. 0 when either is ≤ 0.
 * Example: UA 200 kW/K, both streams 100 kW/K → ε = 2/3, 66.7 kW/K.
 */
export function reuseExchangerConductanceWpK(uaWpK: number, cHotWpK: number, cColdWpK: number): number {
  if (!(cHotWpK > 0) || !(cColdWpK > 0) || !(uaWpK > 0)) return 0;
  const cMin = cHotWpK < cColdWpK ? cHotWpK : cColdWpK;
  const cMax = cHotWpK < cColdWpK ? cColdWpK : cHotWpK;
  return counterflowEffectiveness(uaWpK / cMin, cMin / cMax) * cMin;
}

/** Allocates `count` exchangers (a non-negative integer) with reuseExchanger10MW params and no flow. */
export function createReuseExchangers(count: number): ReuseExchangers {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`createReuseExchangers: count must be an integer ≥ 0, got ${count}`);
  }
  const f = (): Float64Array => new Float64Array(count);
  const state: ReuseExchangers = {
    count,
    uaWpK: f(),
    hotInC: f(), hotCWpK: f(), coldInC: f(), coldCWpK: f(),
    dutyW: f(), hotOutC: f(), coldOutC: f(), effectiveness: f(), conductanceWpK: f(),
    heatWh: f(),
  };
  for (let i = 0; i < count; i++) setReuseExchangerParams(state, i, reuseExchanger10MW);
  return state;
}

/**
 * (Re)initialises exchanger i: copies `params`, sets both streams to 0 W/K at 35 °C, the outputs
 * to no duty and the total to 0. Throws a RangeError when i is not an exchanger index.
 */
export function setReuseExchangerParams(state: ReuseExchangers, i: number, params: ReuseExchangerParams): void {
  if (!Number.isInteger(i) || i < 0 || i >= state.count) {
    throw new RangeError(`setReuseExchangerParams: exchanger ${i} is outside 0..${state.count - 1}`);
  }
  state.uaWpK[i] = params.uaWpK;
  state.hotInC[i] = 35;
  state.hotCWpK[i] = 0;
  state.coldInC[i] = 35;
  state.coldCWpK[i] = 0;
  state.dutyW[i] = 0;
  state.hotOutC[i] = 35;
  state.coldOutC[i] = 35;
  state.effectiveness[i] = 0;
  state.conductanceWpK[i] = 0;
  state.heatWh[i] = 0;
}

/**
 * Advances every exchanger by dtS seconds (allocation-free): duty by ε-NTU from this tick's inlets
 * and capacity rates, outlet temperatures, total heat. A stream at ≤ 0 W/K (bypassed) moves no heat:
 * duty 0, each outlet = its inlet. dtS ≤ 0 (or NaN) leaves the state unchanged.
 */
export function stepReuseExchangers(state: ReuseExchangers, dtS: number): void {
  if (!(dtS > 0)) return;
  const hours = dtS / 3600;
  for (let i = 0; i < state.count; i++) {
    const cHot = state.hotCWpK[i];
    const cCold = state.coldCWpK[i];
    const g = reuseExchangerConductanceWpK(state.uaWpK[i], cHot, cCold);
    const q = g * (state.hotInC[i] - state.coldInC[i]);
    state.conductanceWpK[i] = g;
    state.effectiveness[i] = g > 0 ? g / (cHot < cCold ? cHot : cCold) : 0;
    state.dutyW[i] = q;
    state.hotOutC[i] = g > 0 ? state.hotInC[i] - q / cHot : state.hotInC[i];
    state.coldOutC[i] = g > 0 ? state.coldInC[i] + q / cCold : state.coldInC[i];
    state.heatWh[i] += q * hours;
  }
}

/** Lists what is wrong with a parameter set (empty when valid), each issue under `path.<field>`. */
export function reuseExchangerParamIssues(params: ReuseExchangerParams, path: string): Issue[] {
  const ok = typeof params.uaWpK === "number" && Number.isFinite(params.uaWpK) && params.uaWpK > 0;
  return ok ? [] : [{ path: path ? `${path}.uaWpK` : "uaWpK", value: params.uaWpK, expected: "a conductance above 0 W/K" }];
}
