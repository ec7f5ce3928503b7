import { test } from "uvu";
import * as assert from "uvu/assert";
import { UserError } from "../../models/lib/errors.js";
import { fromHeatMeterCsv, loadHeatDemand } from "../../datasets/load-heat-demand.js";
import { WATER } from "../../models/thermal/fluids.js";

const HEADER = "customer_id,meter_id,time_rounded,energy_heat_kwh,volume_flow_m3,inlet_flow_energy_m3xC,back_flow_energy_m3xC";
const house = await loadHeatDemand();

function sum(a: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k];
  return s;
}

test("loadHeatDemand() reads 8,760 hours of 2019 (UTC) from the committed file", () => {
  assert.is(house.heatW.length, 8760);
  assert.is(house.volumeM3.length, 8760);
  assert.is(house.startUtc, "2019-01-01T00:00:00Z");
  assert.is(house.stepS, 3600);
  assert.is(house.meterId, "660");
  assert.is(house.customerId, "772");
});

test("loadHeatDemand() first and last hours are the register differences of the file's rows", () => {
  // Rows 1-2: 22950.7333333333 → 22953.0816326531 kWh; last two rows: 40463.234375 → 40467.921875 kWh.
  assert.ok(Math.abs(house.heatW[0] - (22953.0816326531 - 22950.7333333333) * 1000) < 1e-6, `${house.heatW[0]}`);
  assert.ok(Math.abs(house.heatW[8759] - 4687.5) < 1e-6, `${house.heatW[8759]}`);
  // Volume 563.324222222222 → 563.373265306123 m³; inlet 39629.6 → 39633.1632653061 m³·°C.
  const dv = 563.373265306123 - 563.324222222222;
  assert.ok(Math.abs(house.volumeM3[0] - dv) < 1e-12);
  assert.ok(Math.abs(house.supplyC[0] - (39633.1632653061 - 39629.6) / dv) < 1e-6, `${house.supplyC[0]}`);
  assert.ok(Math.abs(house.returnC[0] - (19387.0816326531 - 19385.8222222222) / dv) < 1e-6, `${house.returnC[0]}`);
});

test("loadHeatDemand() totals: 17,517.19 kWh in 2019, peak 9.053 kWh at hour 608, 975 hours at zero", () => {
  const totalKwh = sum(house.heatW) / 1000;
  assert.ok(Math.abs(totalKwh - (40467.921875 - 22950.7333333333)) < 1e-6, `${totalKwh}`);
  let peak = 0;
  let at = -1;
  let zeros = 0;
  for (let k = 0; k < 8760; k++) {
    if (house.heatW[k] > peak) { peak = house.heatW[k]; at = k; }
    if (house.heatW[k] === 0) zeros++;
    assert.ok(house.heatW[k] >= 0);
  }
  assert.is(at, 608); // 2019-01-26 08:00 UTC
  assert.ok(Math.abs(peak - 9052.631578899) < 1e-3, `${peak}`);
  assert.is(zeros, 975);
});

test("loadHeatDemand() flow-weighted supply 68.3 °C and return 33.3 °C; registers agree within 2.5 %", () => {
  let v = 0;
  let vs = 0;
  let vr = 0;
  let nan = 0;
  for (let k = 0; k < 8760; k++) {
    if (Number.isNaN(house.supplyC[k])) { nan++; continue; }
    v += house.volumeM3[k];
    vs += house.volumeM3[k] * house.supplyC[k];
    vr += house.volumeM3[k] * house.returnC[k];
  }
  assert.is(nan, 4);
  assert.ok(Math.abs(vs / v - 68.348) < 0.01, `supply ${vs / v}`);
  assert.ok(Math.abs(vr / v - 33.319) < 0.01, `return ${vr / v}`);
  // Heat register vs ρ·cp·Σ ΔV·ΔT (water at 1,000 kg/m³, 4,180 J/(kg·K)): 17,908 vs 17,517 kWh (+2.2 %).
  const fromTemps = (WATER.densityKgM3 * WATER.cpJpKgK * (vs - vr)) / 3.6e6;
  const ratio = fromTemps / (sum(house.heatW) / 1000);
  assert.ok(ratio > 1 && ratio < 1.025, `ratio ${ratio}`);
});

test("fromHeatMeterCsv(text) differences the registers and accepts CRLF and blank lines", async () => {
  const t = await fromHeatMeterCsv(`${HEADER}\r\n1,7,2019-01-01T00:00:00Z,10,1,60,30\r\n\r\n1,7,2019-01-01T01:00:00Z,12.5,1.1,66.5,33\r\n`);
  assert.equal(Array.from(t.heatW), [2500]);
  assert.ok(Math.abs(t.volumeM3[0] - 0.1) < 1e-12);
  assert.ok(Math.abs(t.supplyC[0] - 65) < 1e-9);
  assert.ok(Math.abs(t.returnC[0] - 30) < 1e-9);
});

test("fromHeatMeterCsv(text) gives NaN temperatures in an hour without flow", async () => {
  const t = await fromHeatMeterCsv(`${HEADER}\n1,7,2019-01-01T00:00:00Z,10,1,60,30\n1,7,2019-01-01T01:00:00Z,10,1,60,30\n`);
  assert.equal(Array.from(t.heatW), [0]);
  assert.ok(Number.isNaN(t.supplyC[0]) && Number.isNaN(t.returnC[0]));
});

test("fromHeatMeterCsv(text) refuses bad input with the line and column", async () => {
  const row0 = "1,7,2019-01-01T00:00:00Z,10,1,60,30";
  const cases: [string, RegExp][] = [
    ["a,b,c\n", /line 1: .*expected the header/],
    [`${HEADER}\n${row0}\n1,7,2019-01-01T02:00:00Z,11,1,60,30\n`, /line 3, column time_rounded: .*one hour after/],
    [`${HEADER}\n${row0}\n1,7,2019-01-01 01:00,11,1,60,30\n`, /line 3, column time_rounded/],
    [`${HEADER}\n${row0}\n1,7,2019-01-01T01:00:00Z,x,1,60,30\n`, /line 3, column energy_heat_kwh: got "x"/],
    [`${HEADER}\n${row0}\n1,7,2019-01-01T01:00:00Z,9,1,60,30\n`, /line 3, column energy_heat_kwh: .*only count up/],
    [`${HEADER}\n${row0}\n1,8,2019-01-01T01:00:00Z,11,1,60,30\n`, /line 3, column meter_id/],
    [`${HEADER}\n${row0}\n1,7,2019-01-01T01:00:00Z,11,1\n`, /line 3: got 5 cells/],
    [`${HEADER}\n${row0}\n`, /at least 2/],
  ];
  for (const [text, message] of cases) {
    try {
      await fromHeatMeterCsv(text, "t.csv");
      assert.unreachable(`accepted ${JSON.stringify(text)}`);
    } catch (error) {
      assert.instance(error, UserError);
      assert.match((error as Error).message, /^t\.csv: /);
      assert.match((error as Error).message, message);
    }
  }
});

test("loadHeatDemand(dir) names the missing file in a UserError", async () => {
  try {
    await loadHeatDemand("/nonexistent-dir");
    assert.unreachable();
  } catch (error) {
    assert.instance(error, UserError);
    assert.match((error as Error).message, /nonexistent-dir\/meter660-2019\.csv/);
  }
});

test.run();
