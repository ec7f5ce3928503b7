import type { Issue } from "../lib/errors.js";
import { WATER } from "../thermal/fluids.js";
import { demandAt, type DistrictDemand } from "./district-demand.js";

/**
 * District-heating networks as a structure of arrays (index i = network), each two mixed water
 * volumes: the supply pipes (temperature supplyC) and the return pipes (returnC), joined by one loop
 * flow. Water leaves the plant into the supply pipes, the consumers' substations take heat from it
 * and send it into the return pipes, and the plant heats it again:
 *   C_s·dT_s/dt = G·(T_r − T_s) + Q_plant − k_s·(T_s − T_ground)
 *   C_r·dT_r/dt = G·(T_s − T_r) − Q_delivered − k_r·(T_r − T_ground)
 * with C = ρ·cp·volume (J/K), G = ṁ·cp (W/K), k the pipes' loss conductance (W/K). Summed, the
 * stored heat changes by Q_plant − Q_delivered − losses, so
 *   supplied = delivered + Δstored + losses
 * holds per tick to rounding (tested). Integration is implicit (backward) Euler over the tick with
 * flow, plant heat and delivered heat held: unconditionally stable at the 1-min heat period and even
 * at 1 h, first-order accurate in dtS / τ (τ = C/G, hours for real networks); losses and temperatures
 * are those at the end of the tick.
 *
 * Flow and delivery (the network's flow target; planDistrictNetworks), at the start of each tick:
 * the substations return water at returnDesignC, so the flow that meets demand D at supply T_s is
 * ṁ = D / (cp·(T_s − returnDesignC)), clamped to [flowMinKgS, flowMaxKgS]; delivered =
 * min(D, flowMaxKgS·cp·(T_s − returnDesignC)) (0 when T_s ≤ returnDesignC); unmet = D − delivered.
 * A network that cools toward its return temperature therefore fails to deliver, as a real one does.
 * The plant sees the return temperature and the flow (returnC, flowKgS) before it decides its heat.
 *
 * Sign convention: a network draws no power from the grid (its pumps are not modelled here);
 * every heat flow is positive in the direction named (plant → water, water → consumers, pipes → ground).
 * Transport delay along the pipes is not modelled: a mixed volume responds first-order, at once.
 */
export interface DistrictNetworkParams {
  /** Water in the supply (flow) pipes, m³ (> 0). */
  readonly supplyVolumeM3: number;
  /** Water in the return pipes, m³ (> 0). */
  readonly returnVolumeM3: number;
  /** Heat-loss conductance of the supply pipes to the ground, W/K (≥ 0). */
  readonly supplyLossWpK: number;
  /** Heat-loss conductance of the return pipes to the ground, W/K (≥ 0). */
  readonly returnLossWpK: number;
  /** Temperature at which the substations return water, °C. */
  readonly returnDesignC: number;
  /** Supply temperature the consumers need (domestic hot water); time below it is counted, °C. */
  readonly supplyMinC: number;
  /** Largest loop flow, kg/s (> 0). */
  readonly flowMaxKgS: number;
  /** Smallest loop flow (bypasses keep the pipes warm), kg/s (0 ≤ flowMinKgS ≤ flowMaxKgS). */
  readonly flowMinKgS: number;
  /** Initial supply and return temperatures, °C. */
  readonly supplyInitC: number;
  readonly returnInitC: number;
}

/** Design figures for sizing a network from its demand (all have defaults; see sizeDistrictNetwork). */
export interface NetworkDesign {
  /** Supply temperature at design, °C (default 70). */
  readonly supplyDesignC?: number;
  /** Return temperature of the substations, °C (default 35). */
  readonly returnDesignC?: number;
  /** Supply temperature the consumers need, °C (default 60). */
  readonly supplyMinC?: number;
  /** Mean ground temperature around the pipes, °C (default 8). */
  readonly groundC?: number;
  /** Share of the heat put into the network that the pipes lose over the profile (default 0.2). */
  readonly lossFrac?: number;
  /** Water per house, m³ (default 0.6). */
  readonly waterM3PerHouse?: number;
  /** Largest flow ÷ the flow that meets the peak at design temperatures (default 1.25). */
  readonly flowMargin?: number;
  /** Smallest flow ÷ largest flow (default 0.05). */
  readonly flowMinFrac?: number;
}

/**
 * Sizes a network for a demand signal (usually districtDemand of the house data). Defaults and sources:
 * - water 0.6 m³ per house, half in each direction: Danish district heating holds "about a billion
 *   litres" in 30,000 km of flow and 30,000 km of return pipe for 1,672,000 households [S] (Dansk
 *   Fjernvarme, "Facts about district heating", 2017), 1e6 m³ / 1.672e6 = 0.60 m³ [D];
 * - supply 70 °C / return 35 °C: the committed house's flow-weighted 2019 means are 68.3 / 33.3 °C
 *   [D] (datasets/heat-demand-dk); Odense returns 35-40 °C and supplies 75 °C [S] (docs/physics-sources.md §5.1);
 * - supplyMinC 60 °C, ground 8 °C, losses 20 % of the heat put in, flow margin 1.25 and minimum flow
 *   5 % are assumptions (typical Danish figures [R], not re-read at a source);
 * - loss conductance: the pipes lose lossFrac/(1 − lossFrac) × the profile's energy over its length
 *   at design temperatures: k = that mean loss ÷ ((T_supply − T_ground) + (T_return − T_ground)),
 *   the same k for both directions;
 * - flowMax = flowMargin × peak / (cp × (T_supply − T_return)).
 * The houses count comes from the demand (its scale factor).
 */
export function sizeDistrictNetwork(demand: DistrictDemand, design: NetworkDesign = {}): DistrictNetworkParams {
  const supplyC = design.supplyDesignC ?? 70;
  const returnC = design.returnDesignC ?? 35;
  const groundC = design.groundC ?? 8;
  const lossFrac = design.lossFrac ?? 0.2;
  const water = design.waterM3PerHouse ?? 0.6;
  const margin = design.flowMargin ?? 1.25;
  const minFrac = design.flowMinFrac ?? 0.05;
  if (!(supplyC > returnC && returnC > groundC)) {
    throw new RangeError(`sizeDistrictNetwork: needs supply > return > ground, got ${supplyC} / ${returnC} / ${groundC} °C`);
  }
  if (!(lossFrac >= 0 && lossFrac < 1)) throw new RangeError(`sizeDistrictNetwork: lossFrac must be in [0, 1), got ${lossFrac}`);
  const durationS = demand.stepS * demand.demandW.length;
  const meanDeliveredW = (demand.totalWh * 3600) / durationS;
  const meanLossW = (lossFrac / (1 - lossFrac)) * meanDeliveredW;
  const k = meanLossW / (supplyC - groundC + (returnC - groundC));
  const flowMaxKgS = (margin * demand.peakW) / (WATER.cpJpKgK * (supplyC - returnC));
  const volume = 0.5 * water * demand.houses;
  return Object.freeze({
    supplyVolumeM3: volume,
    returnVolumeM3: volume,
    supplyLossWpK: k,
    returnLossWpK: k,
    returnDesignC: returnC,
    supplyMinC: design.supplyMinC ?? 60,
    flowMaxKgS,
    flowMinKgS: minFrac * flowMaxKgS,
    supplyInitC: supplyC,
    returnInitC: returnC,
  });
}

export interface DistrictNetworks {
  readonly count: number;

  // Params (copied by setDistrictNetworkParams).
  /** Thermal masses ρ·cp·V of the supply and return water, J/K. */
  readonly supplyMassJpK: Float64Array;
  readonly returnMassJpK: Float64Array;
  readonly supplyLossWpK: Float64Array;
  readonly returnLossWpK: Float64Array;
  readonly returnDesignC: Float64Array;
  readonly supplyMinC: Float64Array;
  readonly flowMaxKgS: Float64Array;
  /**
   * Smallest loop flow, kg/s: set from the params, and a setpoint the heat dispatcher may raise
   * (opening bypasses) so that a heat pump at its minimum load has enough sink flow in summer.
   */
  readonly flowMinKgS: Float64Array;

  // Inputs.
  /** Heat demanded by the consumers, W (NaN or < 0 counts as 0). */
  readonly demandW: Float64Array;
  /** Heat the plant puts into the loop water this tick, W (heat pumps' heatW + any other source). */
  readonly plantHeatW: Float64Array;
  /** Ground temperature around the pipes, °C. */
  readonly groundC: Float64Array;

  // State (end of the last tick).
  readonly supplyC: Float64Array;
  readonly returnC: Float64Array;

  // This tick's plan (planDistrictNetworks), then outputs, mean over the last tick.
  /** Loop flow, kg/s. */
  readonly flowKgS: Float64Array;
  /** Heat taken by the consumers, W (≤ demandW). */
  readonly deliveredW: Float64Array;
  /** demandW − deliveredW, W. */
  readonly unmetW: Float64Array;
  /** Heat lost by the pipes, W. */
  readonly lossW: Float64Array;
  /** Rate of change of the stored heat, W (ΔE / dtS). */
  readonly storedW: Float64Array;
  /** Water leaving the plant into the supply pipes, °C (returnC + plantHeatW / (ṁ·cp)). */
  readonly plantOutC: Float64Array;
  /** Water leaving the substations into the return pipes, °C (supplyC − deliveredW / (ṁ·cp)). */
  readonly consumerReturnC: Float64Array;

  // Totals since creation (or the last setDistrictNetworkParams), Wh; time in s.
  readonly demandWh: Float64Array;
  readonly deliveredWh: Float64Array;
  readonly unmetWh: Float64Array;
  readonly suppliedWh: Float64Array;
  readonly lossWh: Float64Array;
  /** Heat stored relative to the initial state, Wh. */
  readonly storedWh: Float64Array;
  /** Time with supplyC below supplyMinC (end of tick), s. */
  readonly underTempS: Float64Array;
}

/**
 * A network of 1,000 copies of the committed house (sizeDistrictNetwork defaults on
 * districtDemand(house, { houses: 1000 }): 17.52 GWh a year, hourly peak 9.05 MW), written out so that
 * creating a network needs no data: 300 m³ each way, 5.62 kW/K loss conductance per direction
 * (20 % of the heat put in is lost at 70 / 35 °C over 8 °C ground), flow 3.87-77.35 kg/s.
 */
export const network1000Houses: DistrictNetworkParams = Object.freeze({
  supplyVolumeM3: 300,
  returnVolumeM3: 300,
  supplyLossWpK: 5_617.1,
  returnLossWpK: 5_617.1,
  returnDesignC: 35,
  supplyMinC: 60,
  flowMaxKgS: 77.35,
  flowMinKgS: 3.867,
  supplyInitC: 70,
  returnInitC: 35,
});

/** Allocates `count` networks (a non-negative integer) with network1000Houses params, no demand, 8 °C ground. */
export function createDistrictNetworks(count: number): DistrictNetworks {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`createDistrictNetworks: count must be an integer ≥ 0, got ${count}`);
  }
  const f = (): Float64Array => new Float64Array(count);
  const state: DistrictNetworks = {
    count,
    supplyMassJpK: f(), returnMassJpK: f(), supplyLossWpK: f(), returnLossWpK: f(),
    returnDesignC: f(), supplyMinC: f(), flowMaxKgS: f(), flowMinKgS: f(),
    demandW: f(), plantHeatW: f(), groundC: f(),
    supplyC: f(), returnC: f(),
    flowKgS: f(), deliveredW: f(), unmetW: f(), lossW: f(), storedW: f(), plantOutC: f(), consumerReturnC: f(),
    demandWh: f(), deliveredWh: f(), unmetWh: f(), suppliedWh: f(), lossWh: f(), storedWh: f(), underTempS: f(),
  };
  for (let i = 0; i < count; i++) setDistrictNetworkParams(state, i, network1000Houses);
  return state;
}

/**
 * (Re)initialises network i: copies `params` (volumes become thermal masses with WATER's ρ·cp),
 * sets the temperatures to their initial values, the inputs to no demand, no plant heat and 8 °C
 * ground, the outputs to zero and the totals to 0. Throws a RangeError for a bad index.
 */
export function setDistrictNetworkParams(state: DistrictNetworks, i: number, params: DistrictNetworkParams): void {
  if (!Number.isInteger(i) || i < 0 || i >= state.count) {
    throw new RangeError(`setDistrictNetworkParams: network ${i} is outside 0..${state.count - 1}`);
  }
  const rhoCp = WATER.densityKgM3 * WATER.cpJpKgK;
  state.supplyMassJpK[i] = rhoCp * params.supplyVolumeM3;
  state.returnMassJpK[i] = rhoCp * params.returnVolumeM3;
  state.supplyLossWpK[i] = params.supplyLossWpK;
  state.returnLossWpK[i] = params.returnLossWpK;
  state.returnDesignC[i] = params.returnDesignC;
  state.supplyMinC[i] = params.supplyMinC;
  state.flowMaxKgS[i] = params.flowMaxKgS;
  state.flowMinKgS[i] = params.flowMinKgS;
  state.demandW[i] = 0;
  state.plantHeatW[i] = 0;
  state.groundC[i] = 8;
  state.supplyC[i] = params.supplyInitC;
  state.returnC[i] = params.returnInitC;
  state.flowKgS[i] = params.flowMinKgS;
  state.deliveredW[i] = 0;
  state.unmetW[i] = 0;
  state.lossW[i] = 0;
  state.storedW[i] = 0;
  state.plantOutC[i] = params.returnInitC;
  state.consumerReturnC[i] = params.supplyInitC;
  state.demandWh[i] = 0;
  state.deliveredWh[i] = 0;
  state.unmetWh[i] = 0;
  state.suppliedWh[i] = 0;
  state.lossWh[i] = 0;
  state.storedWh[i] = 0;
  state.underTempS[i] = 0;
}

/**
 * Sets this tick's flow target and delivery from the state and demandW (flowKgS, deliveredW,
 * unmetW; see the module doc), so the plant can size its heat on returnC and flowKgS. Idempotent:
 * stepDistrictNetworks calls it again and gets the same values.
 */
export function planDistrictNetworks(state: DistrictNetworks): void {
  const cp = WATER.cpJpKgK;
  for (let i = 0; i < state.count; i++) {
    const d = state.demandW[i] > 0 ? state.demandW[i] : 0; // NaN → 0
    const dT = state.supplyC[i] - state.returnDesignC[i];
    const flowMax = state.flowMaxKgS[i];
    const flowMin = state.flowMinKgS[i];
    let delivered = 0;
    let flow = flowMin;
    if (dT > 0) {
      const capability = flowMax * cp * dT;
      delivered = d < capability ? d : capability;
      const need = delivered / (cp * dT);
      flow = need > flowMin ? (need < flowMax ? need : flowMax) : flowMin;
    }
    state.flowKgS[i] = flow;
    state.deliveredW[i] = delivered;
    state.unmetW[i] = d - delivered;
  }
}

/**
 * Advances every network by dtS seconds (allocation-free): plans the tick (planDistrictNetworks),
 * solves the two implicit-Euler energy balances (a 2×2 linear system) for the end temperatures,
 * then sets losses, stored-heat rate, plant and consumer outlet temperatures and the totals.
 * dtS ≤ 0 (or NaN) leaves the state unchanged (the plan is still refreshed).
 */
export function stepDistrictNetworks(state: DistrictNetworks, dtS: number): void {
  planDistrictNetworks(state);
  if (!(dtS > 0)) return;
  const cp = WATER.cpJpKgK;
  const hours = dtS / 3600;
  for (let i = 0; i < state.count; i++) {
    const cs = state.supplyMassJpK[i] / dtS;
    const cr = state.returnMassJpK[i] / dtS;
    const ks = state.supplyLossWpK[i];
    const kr = state.returnLossWpK[i];
    const g = state.flowKgS[i] * cp;
    const tg = state.groundC[i];
    const qp = state.plantHeatW[i] === state.plantHeatW[i] ? state.plantHeatW[i] : 0; // NaN → 0
    const qc = state.deliveredW[i];
    const s0 = state.supplyC[i];
    const r0 = state.returnC[i];
    // [cs + g + ks, −g; −g, cr + g + kr] · [s1; r1] = [cs·s0 + qp + ks·tg; cr·r0 − qc + kr·tg]
    const a11 = cs + g + ks;
    const a22 = cr + g + kr;
    const b1 = cs * s0 + qp + ks * tg;
    const b2 = cr * r0 - qc + kr * tg;
    const det = a11 * a22 - g * g;
    const s1 = (b1 * a22 + g * b2) / det;
    const r1 = (a11 * b2 + g * b1) / det;
    const lossW = ks * (s1 - tg) + kr * (r1 - tg);
    const storedW = cs * (s1 - s0) + cr * (r1 - r0);
    state.supplyC[i] = s1;
    state.returnC[i] = r1;
    state.lossW[i] = lossW;
    state.storedW[i] = storedW;
    state.plantOutC[i] = g > 0 ? r1 + qp / g : r1;
    state.consumerReturnC[i] = g > 0 ? s1 - qc / g : s1;
    state.plantHeatW[i] = qp;
    state.demandWh[i] += (state.deliveredW[i] + state.unmetW[i]) * hours;
    state.deliveredWh[i] += qc * hours;
    state.unmetWh[i] += state.unmetW[i] * hours;
    state.suppliedWh[i] += qp * hours;
    state.lossWh[i] += lossW * hours;
    state.storedWh[i] += storedW * hours;
    if (s1 < state.supplyMinC[i]) state.underTempS[i] += dtS;
  }
}

/**
 * Demand of network i at elapsed time tS from a signal, written into demandW (a convenience for the
 * engine: demandAt + the write). Returns the value written.
 */
export function setNetworkDemandFrom(state: DistrictNetworks, i: number, demand: DistrictDemand, tS: number): number {
  const w = demandAt(demand, tS);
  state.demandW[i] = w;
  return w;
}

/** Lists what is wrong with a parameter set (empty when valid), each issue under `path.<field>`. */
export function districtNetworkParamIssues(params: DistrictNetworkParams, path: string): Issue[] {
  const issues: Issue[] = [];
  const at = (field: keyof DistrictNetworkParams, expected: string): void => {
    issues.push({ path: path ? `${path}.${field}` : field, value: params[field], expected });
  };
  const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
  if (!finite(params.supplyVolumeM3) || params.supplyVolumeM3 <= 0) at("supplyVolumeM3", "a volume above 0 m³");
  if (!finite(params.returnVolumeM3) || params.returnVolumeM3 <= 0) at("returnVolumeM3", "a volume above 0 m³");
  if (!finite(params.supplyLossWpK) || params.supplyLossWpK < 0) at("supplyLossWpK", "a conductance of at least 0 W/K");
  if (!finite(params.returnLossWpK) || params.returnLossWpK < 0) at("returnLossWpK", "a conductance of at least 0 W/K");
  if (!finite(params.returnDesignC)) at("returnDesignC", "a temperature in °C");
  if (!finite(params.supplyMinC)) at("supplyMinC", "a temperature in °C");
  if (!finite(params.flowMaxKgS) || params.flowMaxKgS <= 0) at("flowMaxKgS", "a flow above 0 kg/s");
  if (!finite(params.flowMinKgS) || params.flowMinKgS < 0 || (finite(params.flowMaxKgS) && params.flowMinKgS > params.flowMaxKgS)) {
    at("flowMinKgS", "a flow from 0 kg/s to flowMaxKgS");
  }
  if (!finite(params.supplyInitC)) at("supplyInitC", "a temperature in °C");
  if (!finite(params.returnInitC)) at("returnInitC", "a temperature in °C");
  return issues;
}
