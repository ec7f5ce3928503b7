import { test } from "uvu";
import * as assert from "uvu/assert";
import { createPowerStatsKpis } from "../../../engine/kpis/power-stats-kpis.js";
import type { KpiRow } from "../../../engine/kpis/kpi-row.js";

function value(rows: KpiRow[], name: string): number {
  const row = rows.find((r) => r.name === name);
  if (!row) throw new Error(`no row ${name} in ${rows.map((r) => r.name).join(", ")}`);
  return row.value;
}

test("createPowerStatsKpis(prefix, dtS) gives energy = P·t of a constant", () => {
  const rows: [powerW: number, dtS: number, samples: number, energyWh: number][] = [
    [1e6, 0.04, 90_000, 1e6], // 1 MW for 1 h
    [700, 0.02, 180_000, 700], // one GPU at 700 W for 1 h at 20 ms
    [-2.5e5, 1, 7200, -5e5], // export 250 kW for 2 h
    [0, 0.04, 1000, 0],
  ];
  for (const [powerW, dtS, samples, energyWh] of rows) {
    const acc = createPowerStatsKpis("pcc", dtS);
    acc.add(new Float64Array(samples).fill(powerW), samples);
    const out = acc.finish();
    assert.ok(Math.abs(value(out, "pcc_energy") - energyWh) <= 1e-9 * Math.abs(energyWh), `P = ${powerW} W`);
    assert.is(value(out, "pcc_peak_power"), powerW);
    assert.is(value(out, "pcc_mean_power"), powerW);
    assert.is(value(out, "pcc_min_power"), powerW);
  }
});

test("createPowerStatsKpis(...).finish() reports peak, mean and min with their units", () => {
  const acc = createPowerStatsKpis("it", 0.5);
  acc.add(Float64Array.of(100, 400, -50, 250, 999), 4); // the 5th value is beyond `length`
  assert.equal(acc.finish(), [
    { name: "it_energy", value: (700 * 0.5) / 3600, unit: "Wh" },
    { name: "it_peak_power", value: 400, unit: "W" },
    { name: "it_mean_power", value: 175, unit: "W" },
    { name: "it_min_power", value: -50, unit: "W" },
  ]);
});

test("createPowerStatsKpis(...) with no samples gives energy 0 and NaN elsewhere", () => {
  const out = createPowerStatsKpis("pcc", 0.04).finish();
  assert.is(value(out, "pcc_energy"), 0);
  assert.ok(Number.isNaN(value(out, "pcc_peak_power")));
  assert.ok(Number.isNaN(value(out, "pcc_mean_power")));
  assert.ok(Number.isNaN(value(out, "pcc_min_power")));
});

test("createPowerStatsKpis rejects dtS ≤ 0 and add() rejects a length beyond the array", () => {
  assert.throws(() => createPowerStatsKpis("pcc", 0), /dtS: got 0, expected a finite number > 0 \(s\)/);
  assert.throws(() => createPowerStatsKpis("pcc", NaN), /dtS/);
  const acc = createPowerStatsKpis("pcc", 0.04);
  assert.throws(() => acc.add(new Float64Array(4), 5), RangeError);
  assert.throws(() => acc.add(new Float64Array(4), -1), RangeError);
});

test.run();
