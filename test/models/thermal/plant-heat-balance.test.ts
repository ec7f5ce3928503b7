import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadWeather, secondsFromStart, SUMMER_DAY_UTC, weatherAt, WINTER_DAY_UTC } from "../../../datasets/load-weather.js";
import { airHallStoredHeatJ, createAirHall, rowEndRecircFrac, ROW_AIR_CAP_JPK, stepAirHall } from "../../../models/thermal/air-hall.js";
import { accumulateEnvelope, createEnvelopeCounters } from "../../../models/thermal/ashrae.js";
import { cduStoredHeatJ, createCduLoops, IN_ROW_CDU, stepCduLoops } from "../../../models/thermal/cdu.js";
import { TRIM_CHILLER_1MW } from "../../../models/thermal/chiller.js";
import { NVL72_COLD_PLATE } from "../../../models/thermal/cold-plate.js";
import { CRAH_100KW } from "../../../models/thermal/crah.js";
import { DRY_COOLER_1MW } from "../../../models/thermal/dry-cooler.js";
import { createFacilityLoops, facilityStoredHeatJ, stepFacilityLoops, warmWaterLoopParams } from "../../../models/thermal/facility-loop.js";

const weather = await loadWeather();

/**
 * A small mixed hall wired the way the engine will wire it: 8 NVL72 racks on one CDU (warm-water
 * facility loop: dry coolers + trim chiller, 30 °C), and one row of 12 air racks (12 kW each) plus the
 * liquid racks' air share in a second row, with two CRAH_100KW per row on a chilled-water loop
 * (dry cooler + chiller, 14 °C). Weather from the Bedford trace from `startIso`.
 */
function runPlant(startIso: string, hours: number, dtS: number) {
  const liquidRacks = 8;
  const cdu = createCduLoops([IN_ROW_CDU], Array.from({ length: liquidRacks }, () => ({ ...NVL72_COLD_PLATE, cdu: 0 })), 33);
  cdu.supplySetC[0] = 33;
  const airRacks = [];
  for (let i = 0; i < 12; i++) airRacks.push({ row: 0, recircFrac: rowEndRecircFrac(i, 12), airRiseK: 12 });
  for (let i = 0; i < liquidRacks; i++) airRacks.push({ row: 1, recircFrac: rowEndRecircFrac(i, liquidRacks), airRiseK: 15 });
  const crahs = [{ ...CRAH_100KW, row: 0 }, { ...CRAH_100KW, row: 0 }, { ...CRAH_100KW, row: 1 }, { ...CRAH_100KW, row: 1 }];
  const air = createAirHall(airRacks, [ROW_AIR_CAP_JPK, ROW_AIR_CAP_JPK], crahs, 22);
  air.crahSupplySetC.fill(20);
  // Loop 0: warm water for the CDU (~0.9 MW); loop 1: chilled water for the CRAHs (~0.3 MW).
  const warm = warmWaterLoopParams(0.95e6, DRY_COOLER_1MW, TRIM_CHILLER_1MW);
  const chw = { ...warmWaterLoopParams(0.35e6, DRY_COOLER_1MW, TRIM_CHILLER_1MW), ratedFlowM3s: 0.35e6 / (1000 * 4180 * 8) };
  const fac = createFacilityLoops([warm, chw], 25);
  fac.chillerSetC[0] = 30;
  fac.chillerSetC[1] = 14;
  const inlets = createEnvelopeCounters(air.rackCount);

  const stored = (): number => cduStoredHeatJ(cdu) + airHallStoredHeatJ(air) + facilityStoredHeatJ(fac);
  const stored0 = stored();
  const t0 = secondsFromStart(weather, startIso);
  const sums = { itJ: 0, liquidJ: 0, airJ: 0, splitResidualJ: 0, pumpFanHeatJ: 0, toOutdoorsJ: 0, chillerElecJ: 0, chillerDutyJ: 0, freeJ: 0 };
  const steps = Math.round((hours * 3600) / dtS);
  for (let k = 0; k < steps; k++) {
    const tS = t0 + k * dtS;
    const db = weatherAt(weather, weather.dryBulbC, tS);
    const wb = weatherAt(weather, weather.wetBulbC, tS);
    // IT: a training-like load between 60 % and 100 % of 130 kW, and air racks 8-12 kW.
    const loadFrac = 0.8 + 0.2 * Math.sin((2 * Math.PI * k * dtS) / 1800);
    for (let r = 0; r < liquidRacks; r++) { cdu.itHeatW[r] = 130_000 * loadFrac; cdu.gpuPowerW[r] = 1_193 * loadFrac; }
    // Boundary conditions from the facility loops (state at the start of the step).
    cdu.facSupplyC[0] = fac.supplyC[0];
    cdu.facFlowFrac[0] = fac.pumpSpeedFrac[0];
    air.crahChwC.fill(fac.supplyC[1]);
    stepCduLoops(cdu, dtS);
    for (let i = 0; i < 12; i++) air.heatW[i] = 10_000 * loadFrac + 2_000;
    for (let r = 0; r < liquidRacks; r++) air.heatW[12 + r] = cdu.airHeatW[r];
    stepAirHall(air, dtS);
    fac.heatInW[0] = cdu.hxDutyW[0];
    fac.heatInW[1] = air.crahDutyW[0] + air.crahDutyW[1] + air.crahDutyW[2] + air.crahDutyW[3];
    for (let l = 0; l < 2; l++) { fac.dryBulbC[l] = db; fac.wetBulbC[l] = wb; }
    stepFacilityLoops(fac, dtS);
    accumulateEnvelope(inlets, air.inletC, dtS);

    let itW = 0;
    let liquidW = 0;
    let airW = 0;
    for (let r = 0; r < liquidRacks; r++) { itW += cdu.itHeatW[r]; liquidW += cdu.liquidHeatW[r]; airW += cdu.airHeatW[r]; }
    for (let i = 0; i < 12; i++) { itW += air.heatW[i]; airW += air.heatW[i]; }
    sums.itJ += itW * dtS;
    sums.liquidJ += liquidW * dtS;
    sums.airJ += airW * dtS;
    sums.splitResidualJ += (itW - liquidW - airW) * dtS;
    let pumpFanHeatW = cdu.pumpPowerW[0] * IN_ROW_CDU.pumpHeatFrac + fac.pumpPowerW[0] + fac.pumpPowerW[1];
    for (let u = 0; u < 4; u++) pumpFanHeatW += air.crahFanPowerW[u] * CRAH_100KW.fanHeatFrac;
    sums.pumpFanHeatJ += pumpFanHeatW * dtS;
    for (let l = 0; l < 2; l++) {
      sums.toOutdoorsJ += (fac.freeCoolingW[l] + fac.chillerDutyW[l]) * dtS;
      sums.freeJ += fac.freeCoolingW[l] * dtS;
      sums.chillerDutyJ += fac.chillerDutyW[l] * dtS;
      sums.chillerElecJ += fac.chillerPowerW[l] * dtS;
    }
  }
  return { sums, dStoredJ: stored() - stored0, cdu, air, fac, inlets };
}

test("the plant's heat balance closes over a summer day: IT = liquid + air, and IT + pump/fan heat = to outdoors + Δstored", () => {
  const { sums, dStoredJ, cdu } = runPlant(SUMMER_DAY_UTC, 24, 5);
  // IT heat splits exactly into the liquid and air shares (0.85 / 0.15 for the NVL72 racks).
  assert.ok(Math.abs(sums.splitResidualJ) < 1e-9 * sums.itJ, `split residual ${sums.splitResidualJ} J`);
  assert.ok(Math.abs(sums.liquidJ + sums.airJ - sums.itJ) < 1e-9 * sums.itJ);
  // Everything that entered the water and air left to the outdoors or is stored.
  const residualJ = sums.itJ + sums.pumpFanHeatJ - sums.toOutdoorsJ - dStoredJ;
  assert.ok(Math.abs(residualJ) < 1e-9 * sums.itJ, `residual ${residualJ} J of ${sums.itJ} J`);
  // On 19 July 2022 (39 °C) the warm loop needs its chiller in the afternoon.
  assert.ok(sums.chillerDutyJ > 0.05 * sums.toOutdoorsJ, `chiller share ${sums.chillerDutyJ / sums.toOutdoorsJ}`);
  assert.ok(cdu.supplyC[0] < 33.5);
});

test("the plant on the coldest day runs on free cooling alone (no chiller energy), with the same balance", () => {
  const { sums, dStoredJ, fac, inlets } = runPlant(WINTER_DAY_UTC, 24, 5);
  const residualJ = sums.itJ + sums.pumpFanHeatJ - sums.toOutdoorsJ - dStoredJ;
  assert.ok(Math.abs(residualJ) < 1e-9 * sums.itJ, `residual ${residualJ} J`);
  assert.is(sums.chillerElecJ, 0);
  // Dry-cooler fans flat out at −4 °C over-cool both loops far below their setpoints (a fan-speed
  // controller's job); the CDU and CRAH valves still hold their own supply setpoints, so no rack
  // inlet falls below the recommended 18 °C.
  assert.ok(fac.supplyC[0] < 20 && fac.supplyC[1] < 10, `${fac.supplyC[0]} ${fac.supplyC[1]}`);
  let belowS = 0;
  for (let i = 0; i < inlets.count; i++) belowS += inlets.belowS[i];
  assert.is(belowS, 0);
});

test("the plant's hottest rack inlets are at row ends (positional recirculation)", () => {
  const { inlets } = runPlant(SUMMER_DAY_UTC, 2, 5);
  const peaks = Array.from(inlets.peakC);
  const hottest = peaks.indexOf(Math.max(...peaks));
  // Racks 0-11: air row (ends 0, 11); racks 12-19: the liquid racks' air share (ends 12, 19).
  assert.ok([0, 11, 12, 19].includes(hottest), `hottest inlet at rack ${hottest}`);
  assert.ok(peaks[5] < peaks[0] && peaks[15] < peaks[12]);
});

test.run();
