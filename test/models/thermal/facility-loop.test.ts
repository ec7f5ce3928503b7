import { test } from "uvu";
import * as assert from "uvu/assert";
import { chillerCop, chillerDutyW, TRIM_CHILLER_1MW } from "../../../models/thermal/chiller.js";
import {
  COOLING_TOWER_1MW, saturatedAirEnthalpyJpKg, saturationPressurePa, towerEvaporationKgS, towerMakeupKgS,
} from "../../../models/thermal/cooling-tower.js";
import { DRY_COOLER_1MW, rateDryCooler } from "../../../models/thermal/dry-cooler.js";
import {
  createFacilityLoops, facilityStoredHeatJ, stepFacilityLoops, warmWaterLoopParams,
  type FacilityLoopParams, type FacilityLoops,
} from "../../../models/thermal/facility-loop.js";
import { WATER } from "../../../models/thermal/fluids.js";

/** Water flow of 100 kW/K (the 1 MW units' rated 10 K range). */
const FLOW_100KWPK = 100_000 / (WATER.densityKgM3 * WATER.cpJpKgK);

/** One loop with one unit of `kind`, one 1 MW trim chiller, 2 m³ + 2 m³ of water, no pump power (hand calculations). */
function loop(kind: "dry-cooler" | "cooling-tower", pumpW = 0): FacilityLoopParams {
  return {
    fluid: WATER,
    ratedFlowM3s: FLOW_100KWPK,
    ratedPumpPowerW: pumpW,
    pumpHeatFrac: 1,
    pumpRampFracPerS: 0.1,
    fanRampFracPerS: Infinity,
    supplyVolumeM3: 2,
    returnVolumeM3: 2,
    rejection: kind === "dry-cooler" ? { kind, units: 1, unit: DRY_COOLER_1MW } : { kind, units: 1, unit: COOLING_TOWER_1MW },
    chiller: TRIM_CHILLER_1MW,
    chillerUnits: 1,
  };
}

function settle(s: FacilityLoops, seconds: number): void {
  for (let k = 0; k < seconds; k++) stepFacilityLoops(s, 1);
}

function near(name: string, value: number, expected: number, tol: number): void {
  assert.ok(Math.abs(value - expected) < tol, `${name}: ${value} vs ${expected}`);
}

test("rateDryCooler: 1 MW, water 40 → 30 °C, air 25 °C + 10 K gives ε 2/3, NTU 2, UA 200 kW/K", () => {
  const r = rateDryCooler(DRY_COOLER_1MW);
  near("waterWpK", r.waterWpK, 100_000, 1e-9);
  near("airWpK", r.airWpK, 100_000, 1e-9);
  near("uaWpK", r.uaWpK, 200_000, 1e-6);
  near("airKgS", r.airKgS, 100_000 / 1005, 1e-9);
});

test("stepFacilityLoops with a dry cooler settles at the hand-calculated temperatures (fans 100 % and 80 %)", () => {
  // 1 MW in, C_water = 100 kW/K, dry bulb 25 °C, chiller off.
  // Fans 100 %: the rating point: Q = 2/3 × 100 kW/K × (T_ret − 25) = 1 MW → T_ret = 40, T_sup = 30 °C; fans 25 kW.
  // Fans 80 %: C_air = 80 kW/K (Cmin), UA = 200 kW/K × 0.8^0.6 = 174.94 kW/K, NTU = 2.18672, Cr = 0.8,
  //   ε = (1 − e^(−0.43734)) / (1 − 0.8·e^(−0.43734)) = 0.732831 → T_ret = 25 + 1 MW / (0.732831 × 80 kW/K)
  //   = 42.0571 °C, T_sup = 32.0571 °C; fans 25 kW × 0.512 = 12.8 kW.
  const table: { fanFrac: number; returnC: number; supplyC: number; fanW: number }[] = [
    { fanFrac: 1, returnC: 40, supplyC: 30, fanW: 25_000 },
    { fanFrac: 0.8, returnC: 42.057138, supplyC: 32.057138, fanW: 12_800 },
  ];
  for (const row of table) {
    const s = createFacilityLoops([loop("dry-cooler")], 30);
    s.heatInW[0] = 1e6;
    s.dryBulbC[0] = 25;
    s.chillerOn[0] = 0;
    s.fanSpeedCmd[0] = row.fanFrac;
    settle(s, 8_000);
    near(`returnC @${row.fanFrac}`, s.returnC[0], row.returnC, 1e-5);
    near(`supplyC @${row.fanFrac}`, s.supplyC[0], row.supplyC, 1e-5);
    near(`freeCoolingW @${row.fanFrac}`, s.freeCoolingW[0], 1e6, 1);
    near(`fanPowerW @${row.fanFrac}`, s.fanPowerW[0], row.fanW, 1e-6);
    assert.is(s.chillerDutyW[0], 0);
  }
});

test("stepFacilityLoops trims with the chiller when free cooling cannot reach the setpoint (35 °C outside)", () => {
  // Setpoint 30 °C, 1 MW in: supply 30, return 40 °C. Dry cooler at 35 °C air: 2/3 × 100 kW/K × 5 K =
  // 333.3 kW; chiller 666.7 kW at COP 0.5 × (28 + 273.15) / (35 + 10 − 28) = 8.8574 → 75.27 kW.
  const s = createFacilityLoops([loop("dry-cooler")], 30);
  s.heatInW[0] = 1e6;
  s.dryBulbC[0] = 35;
  s.chillerSetC[0] = 30;
  settle(s, 3_000);
  near("supplyC", s.supplyC[0], 30, 1e-6);
  near("returnC", s.returnC[0], 40, 1e-6);
  near("freeCoolingW", s.freeCoolingW[0], 333_333.333, 1e-2);
  near("chillerDutyW", s.chillerDutyW[0], 666_666.667, 1e-2);
  near("chillerCop", s.chillerCop[0], 8.857353, 1e-5);
  near("chillerPowerW", s.chillerPowerW[0], 75_267.03, 1e-1);
  near("rejectedW", s.rejectedW[0], 1e6 + 75_267.03, 1e-1);
});

test("stepFacilityLoops: after a chiller failure the supply rises at (lost duty)/C_supply, then settles on free cooling alone", () => {
  // Lost duty 666.7 kW into C_supply = 2 m³ × 1,000 × 4,180 = 8.36 MJ/K → 0.079745 K/s at the first instant.
  // New steady state: 2/3 × 100 kW/K × (T_ret − 35) = 1 MW → T_ret = 50, T_sup = 40 °C.
  const s = createFacilityLoops([loop("dry-cooler")], 30);
  s.heatInW[0] = 1e6;
  s.dryBulbC[0] = 35;
  s.chillerSetC[0] = 30;
  settle(s, 3_000);
  const t0 = s.supplyC[0];
  s.chillerFailed[0] = 1;
  stepFacilityLoops(s, 0.01);
  near("dT/dt", (s.supplyC[0] - t0) / 0.01, 666_666.667 / 8.36e6, 1e-6);
  assert.is(s.chillerDutyW[0], 0);
  assert.is(s.chillerPowerW[0], 0);
  settle(s, 5_000);
  near("returnC", s.returnC[0], 50, 1e-5);
  near("supplyC", s.supplyC[0], 40, 1e-5);
  // Switching the chiller off has the same effect as a failure; back on, it trims to its setpoint again.
  s.chillerFailed[0] = 0;
  settle(s, 5_000);
  near("supplyC restored", s.supplyC[0], 30, 1e-5);
});

test("stepFacilityLoops with a cooling tower reproduces its rating point and its water use (1 MW at 21 °C wet bulb)", () => {
  // Rating: water 37 → 27 °C at 21 °C wet bulb: with 1 MW in and fans at 100 % the loop settles there.
  // Water: evaporation 1 MW / 2.43 MJ/kg = 0.41152 kg/s (1,481 kg/h per MW); makeup × 4/3 (4 cycles)
  // = 0.54870 kg/s; drift 0.005 % × 23.923 kg/s = 0.0011962 kg/s; blowdown = 0.54870 − 0.41152 − 0.00120 = 0.13598 kg/s.
  const s = createFacilityLoops([loop("cooling-tower")], 30);
  s.heatInW[0] = 1e6;
  s.dryBulbC[0] = 28;
  s.wetBulbC[0] = 21;
  s.chillerOn[0] = 0;
  settle(s, 3_000);
  near("returnC", s.returnC[0], 37, 1e-5);
  near("supplyC", s.supplyC[0], 27, 1e-5);
  near("evaporationKgS", s.evaporationKgS[0], 0.411523, 1e-6);
  near("makeupKgS", s.makeupKgS[0], 0.548697, 1e-6);
  near("driftKgS", s.driftKgS[0], 0.0011962, 1e-7);
  near("blowdownKgS", s.blowdownKgS[0], 0.135978, 1e-5);
  near("fanPowerW", s.fanPowerW[0], 8_000, 1e-9);
  near("towerEvaporationKgS", towerEvaporationKgS(COOLING_TOWER_1MW, 1e6) * 3600, 1481.5, 0.1);
  near("towerMakeupKgS", towerMakeupKgS(COOLING_TOWER_1MW, 0.3), 0.4, 1e-12);
  // A colder wet bulb lowers the leaving water; a tower never cools below the wet bulb.
  s.wetBulbC[0] = 10;
  settle(s, 3_000);
  assert.ok(s.supplyC[0] > 10 && s.supplyC[0] < 27, `${s.supplyC[0]}`);
});

test("saturationPressurePa is within 0.5 % of steam-table values (10-40 °C)", () => {
  // Steam tables [R]: 1,228 Pa (10 °C), 2,339 (20), 4,247 (30), 7,385 (40).
  const table: { tempC: number; steamTablePa: number }[] = [
    { tempC: 10, steamTablePa: 1228 }, { tempC: 20, steamTablePa: 2339 }, { tempC: 30, steamTablePa: 4247 }, { tempC: 40, steamTablePa: 7385 },
  ];
  for (const row of table) near(`${row.tempC} °C`, saturationPressurePa(row.tempC) / row.steamTablePa, 1, 0.005);
  // h_sat = 1006·T + W·(2.501e6 + 1860·T): at 20 °C, W = 0.621945 × 2,333.4 / (101,325 − 2,333.4) = 0.014661 → 57.33 kJ/kg.
  near("h_sat(20)", saturatedAirEnthalpyJpKg(20, 101_325), 57_331, 1);
});

test("chillerCop: fixed, fraction of Carnot for the lift, capped at copMax; chillerDutyW caps at capacity", () => {
  // 0.5 × (T_set − 2 K) / (T_sink + 10 K − (T_set − 2 K)), in kelvin.
  const table: { leavingC: number; sinkC: number; expectedCop: number }[] = [
    { leavingC: 30, sinkC: 39, expectedCop: 7.170238 }, // 0.5 × 301.15 / 21
    { leavingC: 14, sinkC: 25, expectedCop: 6.198913 }, // 0.5 × 285.15 / 23
    { leavingC: 30, sinkC: 35, expectedCop: 8.857353 }, // 0.5 × 301.15 / 17
    { leavingC: 30, sinkC: 5, expectedCop: 10 }, // lift −15 K: copMax
  ];
  for (const row of table) near(`${row.leavingC}/${row.sinkC}`, chillerCop(TRIM_CHILLER_1MW, row.leavingC, row.sinkC), row.expectedCop, 1e-6);
  assert.is(chillerCop({ ...TRIM_CHILLER_1MW, copFixed: 6.5 }, 30, 39), 6.5);
  assert.is(chillerDutyW(TRIM_CHILLER_1MW, 2, 100_000, 60, 30), 2e6); // needs 3 MW, 2 units give 2 MW
  assert.is(chillerDutyW(TRIM_CHILLER_1MW, 2, 100_000, 29, 30), 0);
});

test("stepFacilityLoops closes the heat balance: ∫heat in + ∫pump heat = ∫free cooling + ∫chiller + Δstored", () => {
  const s = createFacilityLoops([loop("dry-cooler", 30_000), loop("cooling-tower", 30_000), warmWaterLoopParams(8e6, DRY_COOLER_1MW, TRIM_CHILLER_1MW)], 28);
  const stored0 = facilityStoredHeatJ(s);
  let inJ = 0;
  let outJ = 0;
  for (let k = 0; k < 2_400; k++) {
    for (let l = 0; l < 3; l++) {
      s.heatInW[l] = (l === 2 ? 8e6 : 1e6) * (0.6 + 0.4 * Math.sin(k / 97 + l));
      s.dryBulbC[l] = 20 + 15 * Math.sin(k / 600);
      s.wetBulbC[l] = s.dryBulbC[l] - 6;
      s.fanSpeedCmd[l] = 0.3 + 0.7 * ((k >> 8) % 2);
      s.pumpSpeedCmd[l] = k > 1_500 && k < 1_600 ? 0 : 1;
      s.chillerOn[l] = (k >> 9) % 2;
      s.chillerFailed[l] = k > 2_000 ? 1 : 0;
      s.chillerSetC[l] = 27 + l;
    }
    const dtS = k % 7 === 0 ? 0.25 : 1;
    stepFacilityLoops(s, dtS);
    for (let l = 0; l < 3; l++) {
      inJ += (s.heatInW[l] + s.pumpPowerW[l]) * dtS;
      outJ += (s.freeCoolingW[l] + s.chillerDutyW[l]) * dtS;
    }
  }
  const residual = inJ - outJ - (facilityStoredHeatJ(s) - stored0);
  assert.ok(Math.abs(residual) < 1e-9 * inJ, `residual ${residual} J of ${inJ} J`);
});

test("warmWaterLoopParams sizes flow at a 10 K rise and whole units with a 3 % margin", () => {
  const p = warmWaterLoopParams(8.1e6, DRY_COOLER_1MW, TRIM_CHILLER_1MW);
  near("flow", p.ratedFlowM3s, 8.1e6 / (1000 * 4180 * 10), 1e-12);
  assert.equal(p.rejection.kind === "dry-cooler" ? p.rejection.units : -1, 9);
  assert.is(p.chillerUnits, 9);
});

test.run();
