import type { Chunk } from "../../sinks/sink.js";
import { COOLING_UNIT_SERIES, RACK_THERMAL_SERIES, THERMAL_SERIES } from "../../tables.js";
import type { ThermalPlant } from "./thermal-plant.js";
import { f32Column, f64Column, i32Column } from "../../columns.js";

/**
 * Records the thermal stage's tables, one step at a time: a `thermal_series` row from the step's
 * site figures, and from the plant's state a `rack_thermal_series` row per rack (when asked for) and a
 * `cooling_unit_series` row per unit (CDUs, then CRAHs, then facility loops: the `cooling_units`
 * order). Buffers hold STEPS_PER_BUFFER steps; a full buffer becomes chunks and fresh buffers follow.
 */
export interface ThermalRecorder {
  /** Records step `tS` (its start) from `row` and the plant's state at the end of the step. */
  record(tS: number, row: ThermalSiteRow): void;
  /** Moves every row recorded so far into chunks. */
  emit(out: Chunk[]): void;
}

/** The site figures of one thermal step: powers and heats are means over the step. */
export interface ThermalSiteRow {
  itHeatW: number;
  liquidHeatW: number;
  coolingPowerW: number;
  /** Cooling load the PCC carried over the step (the previous step's coolingPowerW; the initial load first). */
  coolingPccPowerW: number;
  cduPumpPowerW: number;
  crahFanPowerW: number;
  facilityPumpPowerW: number;
  rejectionFanPowerW: number;
  chillerPowerW: number;
  freeCoolingW: number;
  chillerDutyW: number;
  heatReusedW: number;
  /** Heat held by coolant, air and water relative to the start. */
  storedHeatJ: number;
  waterKgS: number;
  dryBulbC: number;
  wetBulbC: number;
  inletMaxC: number;
  /** NaN without liquid racks (as gpuMaxC). */
  coolantMaxC: number;
  gpuMaxC: number;
}

export function newThermalSiteRow(): ThermalSiteRow {
  return {
    itHeatW: 0, liquidHeatW: 0, coolingPowerW: 0, coolingPccPowerW: 0, cduPumpPowerW: 0, crahFanPowerW: 0, facilityPumpPowerW: 0, rejectionFanPowerW: 0,
    chillerPowerW: 0, freeCoolingW: 0, chillerDutyW: 0, heatReusedW: 0, storedHeatJ: 0, waterKgS: 0, dryBulbC: 0, wetBulbC: 0,
    inletMaxC: 0, coolantMaxC: NaN, gpuMaxC: NaN,
  };
}

/** Steps per buffer: 4,096 s of a 1 s thermal step per chunk. */
const STEPS_PER_BUFFER = 4096;

export function createThermalRecorder(tp: ThermalPlant, rackCount: number, rackSeries: boolean, runId: string): ThermalRecorder {
  const { cdu, air, fac, warm, chilled, liquidIndex } = tp;
  const cduCount = cdu.cduCount;
  const crahCount = air.crahCount;
  const loopCount = fac.count;
  const unitCount = cduCount + crahCount + loopCount;
  const siteCols = THERMAL_SERIES.columns.map((c) => c.name);
  let site: Record<string, Float64Array | Float32Array> = {};
  let rackT = f64Column(0), rackI = i32Column(0), rackIt = f32Column(0), rackIn = f32Column(0), rackCool = f32Column(0), rackGpu = f32Column(0);
  let unitT = f64Column(0), unitI = i32Column(0), unitSup = f32Column(0), unitRet = f32Column(0), unitSet = f32Column(0), unitSpeed = f32Column(0), unitPow = f32Column(0), unitDuty = f32Column(0);
  let rows = 0;
  const allocate = () => {
    const n = STEPS_PER_BUFFER;
    site = {};
    for (const c of THERMAL_SERIES.columns) site[c.name] = c.type === "f64" ? f64Column(n) : f32Column(n);
    const nr = rackSeries ? n * rackCount : 0;
    rackT = f64Column(nr); rackI = i32Column(nr); rackIt = f32Column(nr); rackIn = f32Column(nr); rackCool = f32Column(nr); rackGpu = f32Column(nr);
    const nu = n * unitCount;
    unitT = f64Column(nu); unitI = i32Column(nu); unitSup = f32Column(nu); unitRet = f32Column(nu); unitSet = f32Column(nu); unitSpeed = f32Column(nu); unitPow = f32Column(nu); unitDuty = f32Column(nu);
    rows = 0;
  };
  allocate();
  const pending: Chunk[] = [];
  const flush = () => {
    if (rows === 0) return;
    const n = rows;
    pending.push({ table: THERMAL_SERIES.name, runId, length: n, columns: siteCols.map((c) => site[c]!) });
    if (rackSeries) pending.push({ table: RACK_THERMAL_SERIES.name, runId, length: n * rackCount, columns: [rackT, rackI, rackIt, rackIn, rackCool, rackGpu] });
    pending.push({ table: COOLING_UNIT_SERIES.name, runId, length: n * unitCount, columns: [unitT, unitI, unitSup, unitRet, unitSet, unitSpeed, unitPow, unitDuty] });
    allocate();
  };

  return {
    record(tS, row) {
      if (rows === STEPS_PER_BUFFER) flush();
      const i = rows++;
      const s = site;
      s.t_s![i] = tS;
      s.it_heat_w![i] = row.itHeatW;
      s.liquid_heat_w![i] = row.liquidHeatW;
      s.air_heat_w![i] = row.itHeatW - row.liquidHeatW;
      s.cooling_power_w![i] = row.coolingPowerW;
      s.cooling_pcc_power_w![i] = row.coolingPccPowerW;
      s.cdu_pump_power_w![i] = row.cduPumpPowerW;
      s.crah_fan_power_w![i] = row.crahFanPowerW;
      s.facility_pump_power_w![i] = row.facilityPumpPowerW;
      s.rejection_fan_power_w![i] = row.rejectionFanPowerW;
      s.chiller_power_w![i] = row.chillerPowerW;
      s.free_cooling_w![i] = row.freeCoolingW;
      s.chiller_duty_w![i] = row.chillerDutyW;
      s.heat_reused_w![i] = row.heatReusedW;
      s.stored_heat_j![i] = row.storedHeatJ;
      s.water_kg_s![i] = row.waterKgS;
      s.warm_supply_c![i] = warm >= 0 ? fac.supplyC[warm]! : NaN;
      s.warm_return_c![i] = warm >= 0 ? fac.returnC[warm]! : NaN;
      s.chilled_supply_c![i] = fac.supplyC[chilled]!;
      s.chilled_return_c![i] = fac.returnC[chilled]!;
      s.dry_bulb_c![i] = row.dryBulbC;
      s.wet_bulb_c![i] = row.wetBulbC;
      s.inlet_max_c![i] = row.inletMaxC;
      s.coolant_max_c![i] = row.coolantMaxC;
      s.gpu_max_c![i] = row.gpuMaxC;
      if (rackSeries) {
        let o = i * rackCount;
        for (let r = 0; r < rackCount; r++, o++) {
          const l = liquidIndex[r]!;
          rackT[o] = tS;
          rackI[o] = r;
          rackIt[o] = l >= 0 ? cdu.itHeatW[l]! : air.heatW[r]!;
          rackIn[o] = air.inletC[r]!;
          rackCool[o] = l >= 0 ? cdu.outletC[l]! : NaN;
          rackGpu[o] = l >= 0 ? cdu.gpuTempC[l]! : NaN;
        }
      }
      let o = i * unitCount;
      for (let c = 0; c < cduCount; c++, o++) {
        unitT[o] = tS; unitI[o] = o - i * unitCount;
        unitSup[o] = cdu.supplyC[c]!; unitRet[o] = cdu.returnC[c]!; unitSet[o] = cdu.supplySetC[c]!;
        unitSpeed[o] = cdu.pumpSpeedFrac[c]!; unitPow[o] = cdu.pumpPowerW[c]!; unitDuty[o] = cdu.hxDutyW[c]!;
      }
      for (let u = 0; u < crahCount; u++, o++) {
        unitT[o] = tS; unitI[o] = o - i * unitCount;
        unitSup[o] = air.crahSupplyC[u]!; unitRet[o] = air.hotAisleC[air.crahRow[u]!]!; unitSet[o] = air.crahSupplySetC[u]!;
        unitSpeed[o] = air.crahFanSpeedFrac[u]!; unitPow[o] = air.crahFanPowerW[u]!; unitDuty[o] = air.crahDutyW[u]!;
      }
      for (let l = 0; l < loopCount; l++, o++) {
        unitT[o] = tS; unitI[o] = o - i * unitCount;
        unitSup[o] = fac.supplyC[l]!; unitRet[o] = fac.returnC[l]!; unitSet[o] = fac.chillerSetC[l]!;
        unitSpeed[o] = fac.fanSpeedFrac[l]!; unitPow[o] = fac.pumpPowerW[l]! + fac.fanPowerW[l]! + fac.chillerPowerW[l]!; unitDuty[o] = fac.freeCoolingW[l]! + fac.chillerDutyW[l]!;
      }
    },
    emit(out) {
      flush();
      out.push(...pending);
      pending.length = 0;
    },
  };
}
