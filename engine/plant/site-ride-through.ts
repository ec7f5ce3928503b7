import type { ElectricalChain } from "../../models/electrical/electrical-chain.js";
import { lossW } from "../../models/electrical/loss-curve.js";
import { buswayLossW, transformerLossW } from "../../models/electrical/transformer.js";
import { rackBbuParams } from "../../models/storage/rack-bbu.js";
import {
  createUpsBatteries,
  setUpsBatteryParams,
  stepUpsBatteries,
  UPS_LOAD_DROPPED,
  UPS_LOAD_RESTORED,
  UPS_OVERLOAD,
  UPS_RETRANSFER,
  UPS_TRANSFER,
  type UpsBatteries,
  type UpsBatteryParams,
} from "../../models/storage/ups.js";
import type { KpiRow } from "../kpis/kpi-row.js";
import type { RideThroughSpec } from "../scenario/scenario-types.js";

/**
 * Voltage-sag ride-through of the hall: while a sag at the PCC is deeper than `sagTolerance`, the
 * UPS modules' batteries (by: ups) or a battery backup unit in every rack (by: rack-bbu) carry the
 * IT load (models/storage/ups.ts, rack-bbu.ts); when a battery empties first, its load trips.
 * Afterwards the batteries recharge from the grid.
 *
 * Stepped once per tick right after the electrical chain: it rewrites the chain's site totals so
 * that the PCC sees what the grid really supplies.
 * - ups: the chain's UPS output (IT + busway) is shared equally by the modules. The grid-fed share g
 *   of it passes the UPS with the chain's conversion loss (loss share ls = upsLoss / output, the
 *   model README's rule: "the electrical chain applies its UPS conversion loss"); on battery the
 *   inverter loss comes from the cells (dischargeEff). UPS input = g·(1 + ls) + recharge R; the
 *   transformer loss is recomputed for it. Then pcc = it + busway + ups + transformer − (battery
 *   output b − R) − unserved u, with b − R written as `ups_battery_w` in grid_series.
 * - rack-bbu: each rack's BBU sits on its DC busbar: the PSUs supply the BBU's grid draw (load +
 *   recharge, 0 on battery); rack AC = draw + PSU loss (0 when nothing is drawn), then rows, busway,
 *   UPS (a pass-through conversion with its loss curve: a BBU hall has no UPS battery) and
 *   transformer are recomputed: pcc = it + busway + ups + transformer holds exactly. Racks of one
 *   rack class draw the same power, so there is one BBU state per class (exact, like the chain).
 * In a full outage (depth 100 %) the transformers and UPS modules are de-energised: no no-load loss
 * is drawn, the PCC sees 0 (during a partial sag they stay energised).
 *
 * A tripped load receives no power, and no table may say it does: the served share of the load
 * (UPS: 1 − unserved ÷ UPS output, the same share of every rack, as the modules share the hall;
 * BBU: per rack class) scales the chain's GPU, DC, PSU-loss, rack AC, row, IT and busway figures,
 * so site_series, rack_series, the thermal stage's IT heat and the port's it / gpu measurements
 * only count what reached the load; `gpuServedFrac` gives the site's share for the engine's GPU
 * columns. With the UPS, IT + busway was the load the modules were asked for, so after scaling
 * pcc = it + busway + ups + transformer − ups_battery (b − R): `load_unserved_w` (what the tripped
 * load would have drawn) is not in it_power_w and so not in the PCC balance. With BBUs, it_power_w
 * is what the racks' PSUs draw from the grid (0 while on battery), so pcc = it + busway + ups +
 * transformer. The GPU model itself keeps running (its state is what the GPUs would do when fed).
 */
export interface RideThrough {
  /** Sag beyond tolerance this tick (1) or not (0), from the last step. */
  readonly onBatteryUnits: number;
  /** Σ battery output − Σ recharge over the units, W (AC for the UPS, DC for BBUs); last tick. */
  readonly batteryW: number;
  /** Lowest state of charge over the units, last tick. */
  readonly socMinFrac: number;
  /** IT load not served (tripped), W, last tick. */
  readonly unservedW: number;
  /** Share of the GPUs' power that reached them (1 unless a load tripped), last tick. */
  readonly gpuServedFrac: number;
  /** Steps the batteries for a sag of `sagDepthFrac` and rewrites chain.site (and the rack AC powers for BBUs). */
  step(sagDepthFrac: number): void;
  kpis(): KpiRow[];
}

/** Recharge at 10 % of the module rating for a UPS [R] (ups1MW5min), 5 % of the rack's for a BBU [R] (rack-bbu.ts). */
const UPS_RECHARGE_FRAC = 0.1;
const UPS_DISCHARGE_EFF = 0.95;

export function createRideThrough(
  spec: RideThroughSpec,
  chain: ElectricalChain,
  dtS: number,
  event: (source: string, kind: string, value: number, detail: string) => void,
): RideThrough {
  const byUps = spec.by === "ups";
  const source = byUps ? "ups" : "rack-bbu";
  // One unit per UPS module, or one per rack class (weighted by its rack count).
  const units = byUps ? chain.upsModules : chain.classCount;
  const weight = new Float64Array(units).fill(1);
  const batteries: UpsBatteries = createUpsBatteries(units);
  for (let i = 0; i < units; i++) {
    let params: UpsBatteryParams;
    if (byUps) {
      const ratedW = chain.upsModuleRatedW;
      const etaD = spec.dischargeEfficiency ?? UPS_DISCHARGE_EFF;
      params = {
        energyWh: (ratedW * spec.upsAutonomy) / 3600 / etaD,
        powerMaxW: ratedW,
        dischargeEff: etaD,
        chargeEff: spec.chargeEfficiency,
        rechargeMaxW: (spec.rechargeFrac ?? UPS_RECHARGE_FRAC) * ratedW,
        socInit: spec.initialSoc,
      };
    } else {
      const rack = chain.classRack[i]!;
      const base = rackBbuParams(chain.rackPsuRatedW[rack]!, spec.bbuHoldup);
      const etaD = spec.dischargeEfficiency ?? base.dischargeEff;
      params = {
        ...base,
        energyWh: (chain.rackPsuRatedW[rack]! * spec.bbuHoldup) / 3600 / etaD,
        dischargeEff: etaD,
        chargeEff: spec.chargeEfficiency,
        rechargeMaxW: spec.rechargeFrac === undefined ? base.rechargeMaxW : spec.rechargeFrac * chain.rackPsuRatedW[rack]!,
        socInit: spec.initialSoc,
      };
      let racks = 0;
      for (let j = 0; j < chain.rowCount; j++) racks += chain.classRowRacks[j * chain.classCount + i]!;
      weight[i] = racks;
    }
    setUpsBatteryParams(batteries, i, params);
  }
  const totalUnits = weight.reduce((a, b) => a + b, 0);

  let sagTicks = 0;
  let sags = 0;
  let inSag = false;
  let minSoc = spec.initialSoc;
  let longestS = 0;
  const out = { onBatteryUnits: 0, batteryW: 0, socMinFrac: spec.initialSoc, unservedW: 0, gpuServedFrac: 1 };

  const logEvents = () => {
    let transfer = 0;
    let retransfer = 0;
    let dropped = 0;
    let overload = 0;
    let restored = 0;
    for (let i = 0; i < units; i++) {
      const ev = batteries.events[i]!;
      if (ev === 0) continue;
      const w = weight[i]!;
      if (ev & UPS_TRANSFER) transfer += w;
      if (ev & UPS_RETRANSFER) retransfer += w;
      if (ev & UPS_LOAD_DROPPED) dropped += w;
      if (ev & UPS_OVERLOAD) overload += w;
      if (ev & UPS_LOAD_RESTORED) restored += w;
    }
    const what = byUps ? "UPS module(s)" : "rack BBU(s)";
    if (transfer > 0) event(source, "on_battery", transfer, `${transfer} ${what} carry the IT load from battery`);
    if (retransfer > 0) {
      let rideS = 0;
      for (let i = 0; i < units; i++) if (batteries.events[i]! & UPS_RETRANSFER && batteries.rideThroughS[i]! > rideS) rideS = batteries.rideThroughS[i]!;
      event(source, "back_on_mains", retransfer, `${retransfer} ${what} back on mains after ${rideS.toFixed(2)} s on battery`);
    }
    if (dropped > 0) event(source, "load_trip", dropped, `${dropped} ${what} dropped their load (${overload > 0 ? "overload on battery" : "battery empty"})`);
    if (restored > 0) event(source, "load_restored", restored, `${restored} ${what} feed their load again`);
  };

  const rideThrough: RideThrough = {
    get onBatteryUnits() {
      return out.onBatteryUnits;
    },
    get batteryW() {
      return out.batteryW;
    },
    get socMinFrac() {
      return out.socMinFrac;
    },
    get unservedW() {
      return out.unservedW;
    },
    get gpuServedFrac() {
      return out.gpuServedFrac;
    },
    step(sagDepthFrac) {
      const gridOk = sagDepthFrac > spec.sagTolerance ? 0 : 1;
      if (gridOk === 0) {
        sagTicks++;
        if (!inSag) sags++;
      }
      inSag = gridOk === 0;
      const site = chain.site;
      batteries.gridOk.fill(gridOk);
      if (byUps) {
        const loadW = (site.itPowerW + site.buswayLossW) / units;
        batteries.loadW.fill(loadW);
      } else {
        for (let i = 0; i < units; i++) batteries.loadW[i] = chain.classDcW[i]!;
      }
      stepUpsBatteries(batteries, dtS);

      let changed = false;
      let batteryW = 0;
      let unservedW = 0;
      let socMin = 1;
      let onBattery = 0;
      for (let i = 0; i < units; i++) {
        const w = weight[i]!;
        if (batteries.gridDrawW[i]! !== batteries.loadW[i]!) changed = true;
        batteryW += w * (batteries.fromBatteryW[i]! - batteries.rechargeW[i]!);
        unservedW += w * batteries.unservedW[i]!;
        if (batteries.socFrac[i]! < socMin) socMin = batteries.socFrac[i]!;
        if (batteries.onBattery[i]! > 0) onBattery += w;
        if (batteries.events[i]! !== 0) changed = true;
        if (batteries.rideThroughS[i]! > longestS) longestS = batteries.rideThroughS[i]!;
      }
      out.batteryW = batteryW;
      out.unservedW = unservedW;
      out.socMinFrac = socMin;
      out.onBatteryUnits = onBattery;
      out.gpuServedFrac = 1;
      if (socMin < minSoc) minSoc = socMin;
      if (!changed) return;
      logEvents();
      // A full outage (depth 1) de-energises the chain above the batteries: no no-load losses either.
      const outage = sagDepthFrac >= 1;

      if (byUps) {
        const upsOutW = site.itPowerW + site.buswayLossW;
        const lossShare = upsOutW > 0 ? site.upsLossW / upsOutW : 0;
        let gridFedW = 0;
        let rechargeW = 0;
        for (let i = 0; i < units; i++) {
          gridFedW += batteries.gridDrawW[i]! - batteries.rechargeW[i]!;
          rechargeW += batteries.rechargeW[i]!;
        }
        const inputW = gridFedW * (1 + lossShare) + rechargeW;
        site.upsLossW = gridFedW * lossShare;
        site.transformerLossW = outage ? 0 : transformerLossW(chain.transformer, inputW);
        site.pccPowerW = inputW + site.transformerLossW;
        if (unservedW > 0) {
          // Served share of the UPS output: IT and busway scale with it (Σ served = grid-fed + battery).
          const servedFrac = upsOutW > 0 ? servedShare(unservedW, upsOutW) : 1;
          site.itPowerW *= servedFrac;
          site.buswayLossW *= servedFrac;
          site.psuLossW *= servedFrac;
          site.gpuPowerW *= servedFrac;
          site.itDcPowerW *= servedFrac;
          for (let c = 0; c < chain.classCount; c++) {
            chain.classAcW[c] *= servedFrac;
            chain.classDcW[c] *= servedFrac;
            chain.classGpuW[c] *= servedFrac;
          }
          for (let j = 0; j < chain.rowCount; j++) chain.rowW[j] *= servedFrac;
          out.gpuServedFrac = servedFrac;
        }
        return;
      }
      // Rack BBUs: rebuild the chain above the racks from each class's grid draw.
      const classes = chain.classCount;
      let dcDrawW = 0;
      let gpuW = 0;
      let gpuServedW = 0;
      let dcServedW = 0;
      for (let c = 0; c < classes; c++) {
        // A tripped BBU's racks get nothing: their GPU and DC power are the served share.
        const loadW = batteries.loadW[c]!;
        const servedFrac = loadW > 0 ? servedShare(batteries.unservedW[c]!, loadW) : 1;
        gpuW += weight[c]! * chain.classGpuW[c]!;
        chain.classGpuW[c] *= servedFrac;
        chain.classDcW[c] *= servedFrac;
        gpuServedW += weight[c]! * chain.classGpuW[c]!;
        dcServedW += weight[c]! * chain.classDcW[c]!;
        const drawW = batteries.gridDrawW[c]!;
        const rack = chain.classRack[c]!;
        chain.classAcW[c] = drawW > 0 ? drawW + lossW(chain.psuCurve, drawW, chain.rackPsuRatedW[rack]!) : 0;
        dcDrawW += weight[c]! * drawW;
      }
      let itW = 0;
      let buswayW = 0;
      for (let j = 0; j < chain.rowCount; j++) {
        let rowAcW = 0;
        for (let c = 0; c < classes; c++) rowAcW += chain.classRowRacks[j * classes + c]! * chain.classAcW[c]!;
        chain.rowW[j] = rowAcW;
        itW += rowAcW;
        buswayW += buswayLossW(rowAcW, chain.buswayRatedW, chain.buswayLossAtRatedFrac);
      }
      const upsOutW = itW + buswayW;
      const upsW = outage ? 0 : chain.upsModules * lossW(chain.upsCurve, upsOutW / chain.upsModules, chain.upsModuleRatedW);
      const transformerOutW = upsOutW + upsW;
      site.psuLossW = itW - dcDrawW;
      site.gpuPowerW = gpuServedW;
      site.itDcPowerW = dcServedW;
      out.gpuServedFrac = gpuW > 0 ? gpuServedW / gpuW : 1;
      site.itPowerW = itW;
      site.buswayLossW = buswayW;
      site.upsLossW = upsW;
      site.transformerLossW = outage ? 0 : transformerLossW(chain.transformer, transformerOutW);
      site.pccPowerW = transformerOutW + site.transformerLossW;
    },
    kpis() {
      let transfers = 0;
      let drops = 0;
      let outWh = 0;
      let unservedWh = 0;
      let rechargeWh = 0;
      for (let i = 0; i < units; i++) {
        const w = weight[i]!;
        transfers += w * batteries.transfers[i]!;
        drops += w * batteries.drops[i]!;
        outWh += w * batteries.batteryOutWh[i]!;
        unservedWh += w * batteries.unservedWh[i]!;
        rechargeWh += w * batteries.rechargeWh[i]!;
      }
      return [
        { name: "ride_through_sags", value: sags, unit: "count" },
        { name: "ride_through_sag_time", value: sagTicks * dtS, unit: "s" },
        { name: "ride_through_units", value: totalUnits, unit: "count" },
        { name: "ride_through_transfers", value: transfers, unit: "count" },
        { name: "ride_through_load_trips", value: drops, unit: "count" },
        { name: "ride_through_success", value: drops === 0 ? 1 : 0, unit: "bool" },
        { name: "ride_through_longest", value: longestS, unit: "s" },
        { name: "ride_through_battery_energy", value: outWh, unit: "Wh" },
        { name: "ride_through_recharge_energy", value: rechargeWh, unit: "Wh" },
        { name: "ride_through_min_soc", value: minSoc, unit: "fraction" },
        { name: "ride_through_unserved_energy", value: unservedWh, unit: "Wh" },
      ];
    },
  };
  return rideThrough;
}

/** 1 − unserved ÷ load, exactly 0 when the whole load tripped (a sum of shares may differ from it by rounding). */
function servedShare(unservedW: number, loadW: number): number {
  const frac = 1 - unservedW / loadW;
  return frac < 1e-12 ? 0 : frac;
}
