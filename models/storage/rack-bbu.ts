import { createUpsBatteries, type UpsBatteries, type UpsBatteryParams } from "./ups.js";

/**
 * Rack battery backup units (BBU): the same ride-through model as the UPS battery (ups.ts: carry
 * the load on a sag or outage until the grid returns or the battery empties, then drop; recharge at
 * a limited power afterwards), sized per rack. In an OCP Open Rack V3 rack the BBU shelf sits on the
 * 48 V busbar beside the power shelves, with a regulated output [S] (OCP ORv3 overview, Keyhani &
 * Harris 2019, docs/physics-sources.md §3): `loadW` is the rack's DC load, `gridDrawW` is what the BBU adds
 * to (or, on battery, removes from) the power shelves' DC output, before the PSU loss.
 *
 * No verified ORv3 BBU holdup or recharge figure was found (docs/physics-sources.md §3 lists none): the
 * defaults below are assumptions [R] and every one is a scenario parameter.
 */

/**
 * BBU params for a rack drawing `rackPowerW` (DC, W > 0) with `holdupS` of ride-through at that load
 * (default 90 s: bridges a generator start, NFPA 110 Type 10 ≤ 10 s [S], several times over).
 * - powerMaxW = rackPowerW (the BBU shelf is sized for the rack);
 * - dischargeEff 0.97: one regulated DC/DC stage onto the busbar [R]; chargeEff 0.95 [R];
 * - rechargeMaxW = 5 % of rackPowerW [R] (a full recharge in ~30 min at 90 s holdup).
 * Example: rackBbuParams(132e3).energyWh ≈ 3.40 kWh.
 */
export function rackBbuParams(rackPowerW: number, holdupS = 90): UpsBatteryParams {
  if (!(rackPowerW > 0) || !Number.isFinite(rackPowerW)) throw new RangeError(`rackBbuParams: rackPowerW must be > 0, got ${rackPowerW}`);
  if (!(holdupS > 0) || !Number.isFinite(holdupS)) throw new RangeError(`rackBbuParams: holdupS must be > 0, got ${holdupS}`);
  const dischargeEff = 0.97;
  return Object.freeze({
    energyWh: (rackPowerW * holdupS) / 3600 / dischargeEff,
    powerMaxW: rackPowerW,
    dischargeEff,
    chargeEff: 0.95,
    rechargeMaxW: 0.05 * rackPowerW,
    socInit: 1,
  });
}

/** BBU for an NVL72-class rack: 132 kW DC (8 power shelves, docs/physics-sources.md §1.3 [S]), 90 s holdup. */
export const nvl72Bbu: UpsBatteryParams = rackBbuParams(132e3);

/** Rack BBUs use the UPS battery state and step (stepUpsBatteries). */
export type RackBbus = UpsBatteries;

/** Allocates `count` rack BBUs (an integer ≥ 0) with `params` (default nvl72Bbu), full, grid healthy. */
export function createRackBbus(count: number, params: UpsBatteryParams = nvl72Bbu): RackBbus {
  return createUpsBatteries(count, params);
}
