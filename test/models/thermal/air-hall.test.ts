import { test } from "uvu";
import * as assert from "uvu/assert";
import { airHallStoredHeatJ, createAirHall, rowEndRecircFrac, ROW_AIR_CAP_JPK, stepAirHall, type AirHall } from "../../../models/thermal/air-hall.js";
import { airflowForHeatM3s, CRAH_100KW, crahSupplyC, m3sToCfm } from "../../../models/thermal/crah.js";

/** `rows` rows of 12 air racks (12 K rise, row-end recirculation) at `rackW`, each row with 2 CRAH_100KW at setpoint 20 °C, chilled water 14 °C. */
function hall(rows = 1, rackW = 12_000): AirHall {
  const racks = [];
  for (let j = 0; j < rows; j++) for (let i = 0; i < 12; i++) racks.push({ row: j, recircFrac: rowEndRecircFrac(i, 12), airRiseK: 12 });
  const crahs = [];
  for (let j = 0; j < rows; j++) crahs.push({ ...CRAH_100KW, row: j }, { ...CRAH_100KW, row: j });
  const s = createAirHall(racks, Array.from({ length: rows }, () => ROW_AIR_CAP_JPK), crahs, 20);
  s.heatW.fill(rackW);
  s.crahChwC.fill(14);
  s.crahSupplySetC.fill(20);
  return s;
}

function run(s: AirHall, seconds: number): void {
  for (let k = 0; k < seconds; k++) stepAirHall(s, 1);
}

function near(name: string, value: number, expected: number, tol: number): void {
  assert.ok(Math.abs(value - expected) < tol, `${name}: ${value} vs ${expected}`);
}

test("airflowForHeatM3s reproduces the docs/physics-sources.md §5.3 airflow-per-kW table", () => {
  const table: { riseK: number; m3sPerKw: number; cfmPerKw: number }[] = [
    { riseK: 10, m3sPerKw: 0.083, cfmPerKw: 176 },
    { riseK: 12, m3sPerKw: 0.069, cfmPerKw: 146 },
    { riseK: 15, m3sPerKw: 0.055, cfmPerKw: 117 },
  ];
  for (const row of table) {
    const v = airflowForHeatM3s(1000, row.riseK);
    near(`${row.riseK} K m³/s`, v, row.m3sPerKw, 0.0006);
    near(`${row.riseK} K CFM`, m3sToCfm(v), row.cfmPerKw, 0.5);
  }
});

test("crahSupplyC holds the setpoint, limited by chilled water + approach, by capacity, and never heats", () => {
  const w = 8_333.33; // W/K at full speed
  const table: { setC: number; returnC: number; chwC: number; airWpK: number; expectedC: number }[] = [
    { setC: 20, returnC: 30, chwC: 14, airWpK: w, expectedC: 20 }, // duty 83 kW: within capacity
    { setC: 16, returnC: 30, chwC: 14, airWpK: w, expectedC: 18 }, // chilled water 14 + 4 K approach
    { setC: 20, returnC: 35, chwC: 14, airWpK: w, expectedC: 35 - 100_000 / w }, // 125 kW wanted, 100 kW capacity
    { setC: 20, returnC: 19, chwC: 14, airWpK: w, expectedC: 19 }, // air already colder than the setpoint
    { setC: 20, returnC: 30, chwC: 14, airWpK: 0, expectedC: 30 }, // no airflow
  ];
  for (const row of table) near(JSON.stringify(row), crahSupplyC(CRAH_100KW, row.setC, row.returnC, row.chwC, row.airWpK), row.expectedC, 1e-9);
});

test("stepAirHall settles at the hand-calculated hot aisle and rack inlets (12 × 12 kW, 2 CRAHs at 100 %)", () => {
  // CRAH air rate at full speed: 100 kW / 12 K = 8,333.3 W/K each (6.91 m³/s). Rack heat 144 kW, fan heat 2 × 6 kW.
  //   Hot aisle: 156 kW = 16,666.7 W/K × (T_h − 20) → T_h = 29.36 °C; duty 78 kW per unit (< 100 kW).
  //   Racks draw 144 kW / (1.2 × 1,005 × 12) = 9.950 m³/s < 13.82 m³/s supplied: no deficit.
  //   Inlets: interior 20 + 0.03 × 9.36 = 20.2808 °C; next to the ends 20 + 0.08 × 9.36 = 20.7488; ends 20 + 0.15 × 9.36 = 21.404 °C.
  const s = hall();
  run(s, 1_000);
  near("hotAisleC", s.hotAisleC[0], 29.36, 1e-6);
  near("crahDutyW", s.crahDutyW[0], 78_000, 1e-3);
  near("crahFanPowerW", s.crahFanPowerW[0], 6_000, 1e-9);
  assert.is(s.rowDeficitFrac[0], 0);
  near("rowDemandM3s", s.rowDemandM3s[0], 9.950249, 1e-6);
  near("inletC interior", s.inletC[5], 20.2808, 1e-6);
  near("inletC next to end", s.inletC[1], 20.7488, 1e-6);
  near("inletC end", s.inletC[11], 21.404, 1e-6);
  near("outletC end", s.outletC[11], 33.404, 1e-6);
});

test("stepAirHall: short airflow makes the row recirculate and its ends run hottest (fans at 60 %)", () => {
  // Fans 60 %: supply 8.2919 m³/s vs 9.9502 m³/s drawn → deficit d = 1/6. Air rate 10,000 W/K, fan heat
  //   2 × 6 kW × 0.216 = 2,592 W → T_h = 20 + 146,592 / 10,000 = 34.6592 °C.
  //   f = 1 − (1 − f_r)(1 − d): interior 0.19167 → 22.8097 °C; next to end 0.23333 → 23.4205; ends 0.29167 → 24.2756 °C.
  const s = hall();
  s.crahFanSpeedCmd.fill(0.6);
  run(s, 2_000);
  near("hotAisleC", s.hotAisleC[0], 34.6592, 1e-6);
  near("rowDeficitFrac", s.rowDeficitFrac[0], 1 / 6, 1e-9);
  near("crahFanPowerW", s.crahFanPowerW[0], 6_000 * 0.216, 1e-9); // affinity: 60 % speed → 21.6 % power
  near("inletC interior", s.inletC[5], 22.80968, 1e-5);
  near("inletC next to end", s.inletC[1], 23.42048, 1e-5);
  near("inletC end", s.inletC[0], 24.2756, 1e-5);
  const hottest = Array.from(s.inletC).indexOf(Math.max(...s.inletC));
  assert.ok(hottest === 0 || hottest === 11);
});

test("stepAirHall: a row with a heat spike runs hotter than its neighbour, an over-supplied row bypasses", () => {
  const s = hall(2);
  for (let i = 0; i < 12; i++) s.heatW[i] = 18_000; // row 0: 216 kW (above the 2 × 100 kW capacity)
  run(s, 2_000);
  assert.ok(s.hotAisleC[0] > s.hotAisleC[1] + 5);
  assert.ok(s.crahDutyW[0] > 99_999); // at capacity: supply air warms above the setpoint
  assert.ok(s.crahSupplyC[0] > 20.5);
  assert.ok(s.rowSupplyM3s[1] > s.rowDemandM3s[1]); // row 1 gets more air than its racks draw
  assert.ok(Math.min(...s.inletC.subarray(0, 12)) > Math.max(...s.inletC.subarray(12, 24)));
});

test("stepAirHall: a failed CRAH stops its fans and cooling; the hot aisle rises at (heat − remaining duty)/C_row", () => {
  const s = hall();
  run(s, 1_000);
  const t0 = s.hotAisleC[0];
  s.crahFailed[0] = 1;
  s.crahFailed[1] = 1;
  stepAirHall(s, 0.01);
  // All cooling lost: dT/dt = 144 kW / (200 m³ × 1.2 × 1,005) = 0.597 K/s.
  near("dT/dt", (s.hotAisleC[0] - t0) / 0.01, 144_000 / ROW_AIR_CAP_JPK, 1e-9);
  assert.is(s.crahFanPowerW[0], 0);
  assert.is(s.crahDutyW[1], 0);
});

test("stepAirHall closes the heat balance: ∫rack heat + ∫fan heat = ∫duty + Δstored, to rounding", () => {
  const s = hall(3);
  const stored0 = airHallStoredHeatJ(s);
  let inJ = 0;
  let outJ = 0;
  for (let k = 0; k < 1_800; k++) {
    for (let r = 0; r < s.rackCount; r++) s.heatW[r] = 6_000 + 8_000 * (0.5 + 0.5 * Math.sin(k / (50 + r)));
    for (let u = 0; u < s.crahCount; u++) {
      s.crahFanSpeedCmd[u] = 0.4 + 0.6 * ((k >> 6) % 2);
      s.crahSupplySetC[u] = 18 + 4 * Math.sin(k / 200);
      s.crahChwC[u] = 12 + 6 * Math.sin(k / 300);
      s.crahFailed[u] = k > 1_000 && k < 1_050 && u === 2 ? 1 : 0;
    }
    const dtS = k % 5 === 0 ? 0.5 : 1;
    stepAirHall(s, dtS);
    for (let r = 0; r < s.rackCount; r++) inJ += s.heatW[r] * dtS;
    for (let u = 0; u < s.crahCount; u++) { inJ += CRAH_100KW.fanHeatFrac * s.crahFanPowerW[u] * dtS; outJ += s.crahDutyW[u] * dtS; }
  }
  const residual = inJ - outJ - (airHallStoredHeatJ(s) - stored0);
  assert.ok(Math.abs(residual) < 1e-9 * inJ, `residual ${residual} J of ${inJ} J`);
});

test("createAirHall rejects racks or CRAHs on missing rows; stepAirHall(state, 0) changes nothing", () => {
  assert.throws(() => createAirHall([{ row: 1, recircFrac: 0, airRiseK: 12 }], [ROW_AIR_CAP_JPK], []), /row 1/);
  assert.throws(() => createAirHall([], [ROW_AIR_CAP_JPK], [{ ...CRAH_100KW, row: 2 }]), /row 2/);
  const s = hall();
  run(s, 3);
  const before = [s.hotAisleC[0], s.inletC[0], s.crahFanSpeedFrac[0]];
  stepAirHall(s, 0);
  stepAirHall(s, NaN);
  assert.equal([s.hotAisleC[0], s.inletC[0], s.crahFanSpeedFrac[0]], before);
});

test.run();
