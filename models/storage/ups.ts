import type { Issue } from "../lib/errors.js";

/**
 * UPS battery and ride-through for n units (structure of arrays, index i = unit): the energy store
 * behind a double-conversion UPS (or, with rack-bbu.ts params, a rack battery backup unit). The
 * UPS's conversion loss in normal operation is the electrical chain's (models/electrical); this
 * model adds what happens on a grid sag or outage: the load is carried from the battery until the
 * grid returns or the battery is empty (then the load drops: an event), and the battery recharges
 * afterwards at a limited power.
 *
 * Sign convention (the engine's): power drawn from upstream is positive. `gridDrawW` is what the UPS
 * takes from upstream: the load while the grid is healthy plus the recharge power, 0 on battery.
 * Every power output is the MEAN over the tick [t, t + dtS); `socFrac` and `storedWh` are end of tick.
 *
 * Online double conversion: transfer to battery is instantaneous (no break) [R]. On battery the
 * cells give loadW ÷ dischargeEff; charging, they get chargeEff × the recharge power. Energy
 * accounting is exact to float rounding:
 *   rechargeWh − chargeLossWh − (batteryOutWh + dischargeLossWh) = storedWh − initialStoredWh.
 */
export interface UpsBatteryParams {
  /** Usable energy of the full battery, Wh (> 0): full → empty (the UPS's cut-off). */
  readonly energyWh: number;
  /** Largest load carried on battery, W (> 0); a larger load drops at the transfer (overload). */
  readonly powerMaxW: number;
  /** Battery → load efficiency on battery (the UPS inverter stage), one way, in (0, 1]. */
  readonly dischargeEff: number;
  /** Upstream → battery efficiency while recharging (the charger), one way, in (0, 1]. */
  readonly chargeEff: number;
  /** Largest recharge power drawn from upstream, W (≥ 0). */
  readonly rechargeMaxW: number;
  /** State of charge at creation, fraction of energyWh in [0, 1]. */
  readonly socInit: number;
}

/**
 * A 1 MW UPS module with 5 minutes of autonomy at full load: NFPA 110 Class 0.083 (5 min) [S]
 * (docs/physics-sources.md §3), enough to bridge a Type 10 generator start (≤ 10 s) many times over.
 * energyWh = 1 MW × 5 min ÷ dischargeEff. dischargeEff 0.95, chargeEff 0.95 and a recharge at 10 %
 * of rating are recalled typical values [R]; all are scenario parameters.
 */
export const ups1MW5min: UpsBatteryParams = Object.freeze({
  energyWh: (1e6 * (5 / 60)) / 0.95,
  powerMaxW: 1e6,
  dischargeEff: 0.95,
  chargeEff: 0.95,
  rechargeMaxW: 100e3,
  socInit: 1,
});

/** Events of the last tick (bits of `events`). */
export const UPS_TRANSFER = 1; // grid lost: the load moved to the battery
export const UPS_RETRANSFER = 2; // grid back: the load moved off the battery
export const UPS_LOAD_DROPPED = 4; // the load went down (battery empty, or overload on battery)
export const UPS_LOAD_RESTORED = 8; // grid back after a drop: the load is fed again
export const UPS_OVERLOAD = 16; // with UPS_LOAD_DROPPED: the load exceeded powerMaxW on battery

/** A battery within this fraction of empty after a tick counts as empty (float rounding). */
const EMPTY_FRAC = 1e-12;

export interface UpsBatteries {
  readonly count: number;

  // Params, per unit.
  readonly energyWh: Float64Array;
  readonly powerMaxW: Float64Array;
  readonly dischargeEff: Float64Array;
  readonly chargeEff: Float64Array;
  readonly rechargeMaxW: Float64Array;

  // Inputs, per tick.
  /** Critical load behind the UPS, W (negative or NaN = 0). */
  readonly loadW: Float64Array;
  /** 1 while the upstream supply is healthy; 0 during a sag beyond tolerance or an outage (NaN = 1). */
  readonly gridOk: Float64Array;

  // Outputs, mean over the last tick.
  /** Power taken from upstream: load (grid healthy) + recharge, W; 0 on battery. */
  readonly gridDrawW: Float64Array;
  /** Load power delivered, W. */
  readonly servedW: Float64Array;
  /** Load power delivered from the battery, W. */
  readonly fromBatteryW: Float64Array;
  /** Recharge power taken from upstream, W. */
  readonly rechargeW: Float64Array;
  /** Load power not delivered (dropped), W. */
  readonly unservedW: Float64Array;
  readonly socFrac: Float64Array;
  readonly storedWh: Float64Array;
  /** 1 while the load is carried on battery (end of tick). */
  readonly onBattery: Float64Array;
  /** 1 while the load is down (from a drop until the grid returns). */
  readonly loadDropped: Float64Array;
  /** Events of the last tick: UPS_* bits (0: none). */
  readonly events: Float64Array;

  // Counters since creation (or setUpsBatteryParams).
  /** Transfers to battery (outages and sags seen). */
  readonly transfers: Float64Array;
  /** Load drops. */
  readonly drops: Float64Array;
  /** Time the load was carried on battery, s (all outages). */
  readonly onBatteryS: Float64Array;
  /** Time the load was carried in the current (or last) outage, s. */
  readonly rideThroughS: Float64Array;
  readonly unservedWh: Float64Array;
  /** AC energy delivered to the load from the battery. */
  readonly batteryOutWh: Float64Array;
  /** Energy taken from upstream to recharge. */
  readonly rechargeWh: Float64Array;
  readonly chargeLossWh: Float64Array;
  readonly dischargeLossWh: Float64Array;
  readonly initialStoredWh: Float64Array;
}

/**
 * Allocates `count` units (an integer ≥ 0) with ups1MW5min params, full, grid healthy, no load.
 * Example: createUpsBatteries(1).socFrac → Float64Array [1].
 */
export function createUpsBatteries(count: number, params: UpsBatteryParams = ups1MW5min): UpsBatteries {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`createUpsBatteries: count must be an integer ≥ 0, got ${count}`);
  const f = (): Float64Array => new Float64Array(count);
  const state: UpsBatteries = {
    count,
    energyWh: f(), powerMaxW: f(), dischargeEff: f(), chargeEff: f(), rechargeMaxW: f(),
    loadW: f(), gridOk: f(),
    gridDrawW: f(), servedW: f(), fromBatteryW: f(), rechargeW: f(), unservedW: f(), socFrac: f(), storedWh: f(),
    onBattery: f(), loadDropped: f(), events: f(),
    transfers: f(), drops: f(), onBatteryS: f(), rideThroughS: f(), unservedWh: f(), batteryOutWh: f(), rechargeWh: f(),
    chargeLossWh: f(), dischargeLossWh: f(), initialStoredWh: f(),
  };
  for (let i = 0; i < count; i++) setUpsBatteryParams(state, i, params);
  return state;
}

/**
 * (Re)initialises unit i: copies `params`, SOC socInit, grid healthy, no load, counters zero.
 * Throws a RangeError when i is not a unit.
 */
export function setUpsBatteryParams(state: UpsBatteries, i: number, params: UpsBatteryParams): void {
  if (!Number.isInteger(i) || i < 0 || i >= state.count) {
    throw new RangeError(`setUpsBatteryParams: unit ${i} is outside 0..${state.count - 1}`);
  }
  state.energyWh[i] = params.energyWh;
  state.powerMaxW[i] = params.powerMaxW;
  state.dischargeEff[i] = params.dischargeEff;
  state.chargeEff[i] = params.chargeEff;
  state.rechargeMaxW[i] = params.rechargeMaxW;
  state.loadW[i] = 0;
  state.gridOk[i] = 1;
  const storedWh = params.socInit * params.energyWh;
  state.storedWh[i] = storedWh;
  state.initialStoredWh[i] = storedWh;
  state.socFrac[i] = params.socInit;
  for (const field of [
    state.gridDrawW, state.servedW, state.fromBatteryW, state.rechargeW, state.unservedW, state.onBattery, state.loadDropped,
    state.events, state.transfers, state.drops, state.onBatteryS, state.rideThroughS, state.unservedWh, state.batteryOutWh,
    state.rechargeWh, state.chargeLossWh, state.dischargeLossWh,
  ]) {
    field[i] = 0;
  }
}

/**
 * Advances every unit by dtS seconds (allocation-free). Per unit, with L = loadW and E the stored
 * energy at the tick start:
 * - grid healthy: the load is fed from upstream (UPS_RETRANSFER if it was on battery,
 *   UPS_LOAD_RESTORED if it was down); the battery recharges at min(rechargeMaxW, what fills it
 *   this tick); gridDrawW = L + rechargeW.
 * - grid lost: the first such tick transfers to battery (UPS_TRANSFER, rideThroughS restarts).
 *   L > powerMaxW drops the load at once (UPS_LOAD_DROPPED | UPS_OVERLOAD). Otherwise the cells give
 *   L·dt/dischargeEff; when E runs out within the tick (or at its end) the load is carried for the
 *   part of the tick that E lasts (servedW is that tick's mean) and then drops (UPS_LOAD_DROPPED). A dropped load
 *   stays down until the grid returns. gridDrawW = 0.
 * dtS ≤ 0 (or NaN) leaves the state unchanged.
 */
export function stepUpsBatteries(state: UpsBatteries, dtS: number): void {
  if (!(dtS > 0)) return;
  const n = state.count;
  const dtH = dtS / 3600;
  const { energyWh, powerMaxW, dischargeEff, chargeEff, rechargeMaxW, loadW, gridOk } = state;
  const { gridDrawW, servedW, fromBatteryW, rechargeW, unservedW, socFrac, storedWh, onBattery, loadDropped, events } = state;
  const { transfers, drops, onBatteryS, rideThroughS, unservedWh, batteryOutWh, rechargeWh, chargeLossWh, dischargeLossWh } = state;
  for (let i = 0; i < n; i++) {
    const l = loadW[i];
    const load = l > 0 ? l : 0; // also maps NaN to 0
    let e = storedWh[i];
    const full = energyWh[i];
    let ev = 0;
    let served = 0;
    let fromBattery = 0;
    let recharge = 0;
    if (!(gridOk[i] < 0.5)) {
      if (onBattery[i] > 0) ev |= UPS_RETRANSFER;
      if (loadDropped[i] > 0) ev |= UPS_LOAD_RESTORED;
      onBattery[i] = 0;
      loadDropped[i] = 0;
      served = load;
      const etaC = chargeEff[i];
      const headroomWh = full - e;
      recharge = rechargeMaxW[i];
      if (!(recharge * etaC * dtH <= headroomWh)) recharge = headroomWh > 0 ? headroomWh / (etaC * dtH) : 0;
      if (recharge > 0) {
        const acWh = recharge * dtH;
        const dcWh = etaC * acWh;
        rechargeWh[i] += acWh;
        chargeLossWh[i] += acWh - dcWh;
        e += dcWh;
        if (e > full) e = full; // float rounding at the top only
      }
      gridDrawW[i] = load + recharge;
    } else {
      gridDrawW[i] = 0;
      if (loadDropped[i] === 0) {
        if (onBattery[i] === 0) {
          ev |= UPS_TRANSFER;
          transfers[i]++;
          rideThroughS[i] = 0;
          onBattery[i] = 1;
        }
        if (load > powerMaxW[i]) {
          ev |= UPS_LOAD_DROPPED | UPS_OVERLOAD;
        } else {
          const etaD = dischargeEff[i];
          const needWh = (load * dtH) / etaD;
          let carriedS = dtS;
          if (needWh <= e) {
            served = load;
            e -= needWh;
            if (load > 0 && e <= EMPTY_FRAC * full) {
              // Emptied exactly at the tick's end (to float rounding): the load drops from the next
              // tick; the rounding residue is booked as loss so the balance stays exact.
              dischargeLossWh[i] += e;
              e = 0;
              ev |= UPS_LOAD_DROPPED;
            }
          } else {
            // The battery empties within the tick: the load is carried while it lasts.
            const outWh = e > 0 ? e : 0;
            served = (outWh * etaD) / dtH;
            carriedS = load > 0 ? (dtS * served) / load : dtS;
            e -= outWh;
            ev |= UPS_LOAD_DROPPED;
          }
          fromBattery = served;
          const acWh = served * dtH;
          batteryOutWh[i] += acWh;
          dischargeLossWh[i] += acWh / etaD - acWh;
          rideThroughS[i] += carriedS;
          onBatteryS[i] += carriedS;
        }
        if (ev & UPS_LOAD_DROPPED) {
          drops[i]++;
          loadDropped[i] = 1;
          onBattery[i] = 0;
        }
      }
    }
    storedWh[i] = e;
    socFrac[i] = full > 0 ? e / full : 0;
    servedW[i] = served;
    fromBatteryW[i] = fromBattery;
    rechargeW[i] = recharge;
    unservedW[i] = load - served;
    unservedWh[i] += (load - served) * dtH;
    events[i] = ev;
  }
}

/**
 * Ride-through of unit i at a constant load from its present charge, s: storedWh × dischargeEff ÷
 * loadW (Infinity at no load, 0 above powerMaxW). Example: a full ups1MW5min at 1 MW → 300 s.
 */
export function upsAutonomyS(state: UpsBatteries, i: number, loadW: number): number {
  if (loadW > state.powerMaxW[i]) return 0;
  if (!(loadW > 0)) return Infinity;
  return (state.storedWh[i] * state.dischargeEff[i] * 3600) / loadW;
}

/**
 * Lists what is wrong with a parameter set (empty when valid), each issue under `path.<field>`.
 * Example: upsBatteryParamIssues({ ...ups1MW5min, energyWh: 0 }, "ups")[0].path === "ups.energyWh".
 */
export function upsBatteryParamIssues(params: UpsBatteryParams, path: string): Issue[] {
  const issues: Issue[] = [];
  const at = (field: keyof UpsBatteryParams, expected: string): void => {
    issues.push({ path: path ? `${path}.${field}` : field, value: params[field], expected });
  };
  const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
  if (!finite(params.energyWh) || params.energyWh <= 0) at("energyWh", "an energy above 0 Wh");
  if (!finite(params.powerMaxW) || params.powerMaxW <= 0) at("powerMaxW", "a power above 0 W");
  if (!finite(params.dischargeEff) || params.dischargeEff <= 0 || params.dischargeEff > 1) at("dischargeEff", "a fraction in (0, 1]");
  if (!finite(params.chargeEff) || params.chargeEff <= 0 || params.chargeEff > 1) at("chargeEff", "a fraction in (0, 1]");
  if (!finite(params.rechargeMaxW) || params.rechargeMaxW < 0) at("rechargeMaxW", "a power of at least 0 W");
  if (!finite(params.socInit) || params.socInit < 0 || params.socInit > 1) at("socInit", "a fraction in [0, 1]");
  return issues;
}
