import { createAirHall, rowEndRecircFrac, ROW_AIR_CAP_JPK, type AirHall, type AirRackSpec, type CrahSpec } from "../../../models/thermal/air-hall.js";
import { TRIM_CHILLER_1MW } from "../../../models/thermal/chiller.js";
import { NVL72_COLD_PLATE } from "../../../models/thermal/cold-plate.js";
import { COOLING_TOWER_1MW } from "../../../models/thermal/cooling-tower.js";
import { createCduLoops, IN_ROW_CDU, type CduLoops, type CduParams, type LiquidRackSpec } from "../../../models/thermal/cdu.js";
import { CRAH_100KW } from "../../../models/thermal/crah.js";
import { DRY_COOLER_1MW } from "../../../models/thermal/dry-cooler.js";
import { createFacilityLoops, warmWaterLoopParams, type FacilityLoopParams, type FacilityLoops } from "../../../models/thermal/facility-loop.js";
import { WATER } from "../../../models/thermal/fluids.js";
import { RACK_PRESETS } from "../../../models/hall/rack-presets.js";
import type { RackInfo } from "../build-plant.js";
import { rowLetter } from "../../scenario/rack-selection.js";
import type { CoolingSpec } from "../../scenario/scenario-types.js";

/**
 * The hall's cooling plant, laid out from the scenario's `cooling` section and the racks (pure: no
 * I/O). Models from models/thermal/ (see its README for the equations and sources):
 * - every liquid-cooled rack (preset cooling "liquid") on a cold-plate node and rack coolant,
 *   `captureShare` of its IT heat to the liquid (or its preset's entry in `presetShares`), the rest
 *   to its row's air; each row's liquid racks
 *   split in order into in-row CDUs of `racksPerCdu` racks, named by row and number (`c1`, `c2`);
 *   each CDU is IN_ROW_CDU scaled by its racks' rated power (IN_ROW_CDU serves 8 × 132 kW: 1,600
 *   L/min at 1.5 L/min/kW [S], pump 8.8 kW, volumes scaled alike);
 * - every rack in the air hall (liquid racks with their air share, air racks with all their heat),
 *   one hot aisle per row, CRAH_100KW units per row (ids `c1`, `c2`, ...) with positional
 *   recirculation (row ends); air rise through the servers 12 K for air racks, 15 K for the air
 *   share of liquid racks (assumptions; §5.3 table: 10-15 K);
 * - facility loops: `warm` (the CDUs; warmWaterLoopParams: 10 K rise, 1 MW dry-cooler or tower
 *   units and trim chillers, 3 % margin) when there are liquid racks, and `chilled` (the CRAH coils;
 *   the same units, water at an 8 K rise).
 * Design loads use the racks' PSU ratings (the most they can draw).
 */
export interface ThermalPlant {
  cdu: CduLoops;
  air: AirHall;
  fac: FacilityLoops;
  /** Loop index of the warm (CDU) and chilled (CRAH) loops; warm is −1 without liquid racks. */
  warm: number;
  chilled: number;
  loopIds: string[];
  cduIds: string[];
  cduRow: Int32Array;
  crahIds: string[];
  /** Liquid index of each rack (into cdu's rack arrays), −1 for air racks. */
  liquidIndex: Int32Array;
  /** Hall rack of each liquid rack. */
  liquidRack: Int32Array;
  rowIds: string[];
}

/** Air rise through the servers of air racks and of liquid racks' air share, K (assumptions). */
const AIR_RACK_RISE_K = 12;
const LIQUID_RACK_AIR_RISE_K = 15;
/** CRAHs sized to a row's design air heat × this margin when the scenario gives no count. */
const CRAH_MARGIN = 1.25;
/** Chilled-water rise at design, K (assumption, typical 6-8 K). */
const CHILLED_RISE_K = 8;
const NVL72_RATED_W = 132_000;

export function buildThermalPlant(c: CoolingSpec, racks: readonly RackInfo[], rows: number, racksPerRow: number): ThermalPlant {
  const rowIds = Array.from({ length: rows }, (_, j) => rowLetter(j));
  const shareOf = (preset: string) => c.liquid.presetShares.find((x) => x.preset === preset)?.captureShare ?? c.liquid.captureShare;
  const liquidIndex = new Int32Array(racks.length).fill(-1);
  const liquidRack: number[] = [];
  const liquidSpecs: LiquidRackSpec[] = [];
  const cduParams: CduParams[] = [];
  const cduIds: string[] = [];
  const cduRow: number[] = [];
  let designLiquidW = 0;
  const rowAirDesignW = new Float64Array(rows);
  const airRacks: AirRackSpec[] = [];
  for (let j = 0; j < rows; j++) {
    let group: RackInfo[] = [];
    const flush = () => {
      if (group.length === 0) return;
      const ratedW = group.reduce((sum, r) => sum + RACK_PRESETS[r.preset]!.psuRatedW, 0);
      const scale = ratedW / (8 * NVL72_RATED_W);
      const cdu = cduParams.length;
      cduParams.push({
        ...IN_ROW_CDU,
        ratedFlowM3s: IN_ROW_CDU.ratedFlowM3s * scale,
        ratedPumpPowerW: IN_ROW_CDU.ratedPumpPowerW * scale,
        supplyVolumeM3: IN_ROW_CDU.supplyVolumeM3 * scale,
        returnVolumeM3: IN_ROW_CDU.returnVolumeM3 * scale,
        facRatedFlowM3s: IN_ROW_CDU.facRatedFlowM3s * scale,
      });
      cduIds.push(`${rowIds[j]!.toLowerCase()}${cduRow.filter((x) => x === j).length + 1}`);
      cduRow.push(j);
      for (const r of group) {
        liquidIndex[r.index] = liquidSpecs.length;
        liquidRack.push(r.index);
        liquidSpecs.push({ ...NVL72_COLD_PLATE, liquidFrac: shareOf(r.preset), gpus: r.gpus, cdu });
      }
      group = [];
    };
    for (let n = 0; n < racksPerRow; n++) {
      const rack = racks[j * racksPerRow + n]!;
      const preset = RACK_PRESETS[rack.preset]!;
      const liquid = preset.cooling === "liquid";
      airRacks.push({ row: j, recircFrac: rowEndRecircFrac(n, racksPerRow), airRiseK: liquid ? LIQUID_RACK_AIR_RISE_K : AIR_RACK_RISE_K });
      if (liquid) {
        const share = shareOf(rack.preset);
        designLiquidW += preset.psuRatedW * share;
        rowAirDesignW[j] += preset.psuRatedW * (1 - share);
        group.push(rack);
        if (group.length === c.liquid.racksPerCdu) flush();
      } else {
        rowAirDesignW[j] += preset.psuRatedW;
      }
    }
    flush();
  }

  const crahs: CrahSpec[] = [];
  const crahIds: string[] = [];
  const crahSet: number[] = [];
  const crahFan: number[] = [];
  for (let j = 0; j < rows; j++) {
    const letter = rowIds[j]!;
    let count = c.air.crahs > 0 ? c.air.crahs : Math.max(1, Math.ceil((rowAirDesignW[j]! * CRAH_MARGIN) / CRAH_100KW.capacityW));
    let supplyC = c.air.supplyTemp;
    let fan = c.air.fanSpeed;
    for (const o of c.air.rows) {
      if (!o.rows.some((x) => x.toUpperCase() === letter)) continue;
      if (o.crahs !== undefined) count = o.crahs;
      if (o.supplyTemp !== undefined) supplyC = o.supplyTemp;
      if (o.fanSpeed !== undefined) fan = o.fanSpeed;
    }
    for (let u = 0; u < count; u++) {
      crahs.push({ ...CRAH_100KW, row: j });
      crahIds.push(`${letter.toLowerCase()}${u + 1}`);
      crahSet.push(supplyC);
      crahFan.push(fan);
    }
  }
  const air = createAirHall(airRacks, Array.from({ length: rows }, () => ROW_AIR_CAP_JPK), crahs, c.air.supplyTemp);
  crahSet.forEach((v, u) => { air.crahSupplySetC[u] = v; air.crahSupplyC[u] = v; });
  crahFan.forEach((v, u) => { air.crahFanSpeedCmd[u] = v; air.crahFanSpeedFrac[u] = v; });

  const cdu = createCduLoops(cduParams, liquidSpecs, c.liquid.supplyTemp);
  cdu.pumpSpeedCmd.fill(c.liquid.pumpSpeed);
  cdu.pumpSpeedFrac.fill(c.liquid.pumpSpeed);

  const withRejection = (p: FacilityLoopParams, heatW: number): FacilityLoopParams =>
    c.rejection === "cooling-tower" ? { ...p, rejection: { kind: "cooling-tower", units: Math.ceil((heatW * 1.03) / COOLING_TOWER_1MW.ratedDutyW), unit: COOLING_TOWER_1MW } } : p;
  const loops: FacilityLoopParams[] = [];
  const loopIds: string[] = [];
  const loopSet: number[] = [];
  let warm = -1;
  if (liquidSpecs.length > 0) {
    warm = loops.length;
    loops.push(withRejection(warmWaterLoopParams(designLiquidW, DRY_COOLER_1MW, TRIM_CHILLER_1MW), designLiquidW));
    loopIds.push("warm");
    loopSet.push(c.liquid.facilitySupplyTemp);
  }
  const designAirW = rowAirDesignW.reduce((a, b) => a + b, 0) + crahs.length * CRAH_100KW.ratedFanPowerW;
  const chilledFlowM3s = designAirW / (WATER.densityKgM3 * WATER.cpJpKgK * CHILLED_RISE_K);
  const chilled = loops.length;
  loops.push({
    ...withRejection(warmWaterLoopParams(designAirW, DRY_COOLER_1MW, TRIM_CHILLER_1MW), designAirW),
    ratedFlowM3s: chilledFlowM3s,
    // 2.5 bar at 70 % wire-to-water, as warmWaterLoopParams (assumption).
    ratedPumpPowerW: (chilledFlowM3s * 250_000) / 0.7,
  });
  loopIds.push("chilled");
  loopSet.push(c.air.chilledWaterTemp);
  const fac = createFacilityLoops(loops, c.air.chilledWaterTemp);
  loopSet.forEach((v, l) => {
    fac.chillerSetC[l] = v;
    fac.supplyC[l] = v;
    fac.returnC[l] = v;
  });
  return {
    cdu,
    air,
    fac,
    warm,
    chilled,
    loopIds,
    cduIds,
    cduRow: Int32Array.from(cduRow),
    crahIds,
    liquidIndex,
    liquidRack: Int32Array.from(liquidRack),
    rowIds,
  };
}
