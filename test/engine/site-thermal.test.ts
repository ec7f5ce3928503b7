import { test } from "uvu";
import * as assert from "uvu/assert";
import { fromScenario } from "../../engine/scenario/from-scenario.js";
import { createSimulation, type Simulation } from "../../engine/simulation.js";
import type { Chunk, TableSpec } from "../../engine/sinks/sink.js";
import { COOLING_UNIT_SERIES, RACK_THERMAL_SERIES, SITE_SERIES, THERMAL_SERIES } from "../../engine/tables.js";
import { hashChunks } from "../helpers.js";

function runAll(sim: Simulation): Chunk[] {
  const chunks: Chunk[] = [];
  while (!sim.done) chunks.push(...sim.advance());
  return chunks;
}

function col(chunks: Chunk[], table: TableSpec, name: string): number[] {
  const i = table.columns.findIndex((c) => c.name === name);
  if (i < 0) throw new Error(`no column ${name}`);
  return chunks.filter((c) => c.table === table.name).flatMap((c) => Array.from((c.columns[i] as Float64Array).subarray(0, c.length)));
}

const kpi = (sim: Simulation, name: string) => {
  const row = sim.kpis().find((x) => x.name === name);
  if (row === undefined) throw new Error(`no KPI ${name}`);
  return row.value;
};

/** The 72-rack hall (rows A-D NVL72 liquid racks training, E-F air inference-air racks steady) with cooling. */
function hall(extra: Record<string, unknown> = {}, horizon = "20min") {
  return fromScenario(
    {
      name: "thermal-test",
      dt: "40ms",
      horizon,
      startTime: "2022-07-19T10:00:00Z",
      hall: { rows: 6, racksPerRow: 12, overrides: [{ racks: ["row:E", "row:F"], preset: "inference-air" }] },
      workloads: [
        { kind: "training", id: "train", racks: "A1-D12", start: "30s", checkpointInterval: "5min", checkpointDuration: "20s" },
        { kind: "steady", id: "serve", racks: ["row:E", "row:F"], util: 0.7 },
      ],
      cooling: { period: "1s" },
      ...extra,
    },
    "test",
  );
}

test("heat balance closes through the engine: IT heat = liquid + air, and IT + pump/fan heat = rejected + reused + Δstored (to rounding)", () => {
  const scenario = hall();
  const sim = createSimulation(scenario, "r", { chunkTicks: 10_000 });
  const chunks = runAll(sim);
  const periodS = 1;
  const it = col(chunks, THERMAL_SERIES, "it_heat_w");
  const liquid = col(chunks, THERMAL_SERIES, "liquid_heat_w");
  const airHeat = col(chunks, THERMAL_SERIES, "air_heat_w");
  assert.is(it.length, 1200);
  let itJ = 0, residualJ = 0;
  const g = (n: string) => col(chunks, THERMAL_SERIES, n);
  const [cduPump, crahFan, facPump, free, chiller, reused, stored] = ["cdu_pump_power_w", "crah_fan_power_w", "facility_pump_power_w", "free_cooling_w", "chiller_duty_w", "heat_reused_w", "stored_heat_j"].map(g) as number[][];
  for (let i = 0; i < it.length; i++) {
    assert.ok(Math.abs(it[i]! - liquid[i]! - airHeat[i]!) <= 1e-9 * it[i]!, `step ${i}`);
    itJ += it[i]! * periodS;
    // All pump and fan power of the presets ends up as heat in the water or air (pumpHeatFrac, fanHeatFrac = 1).
    residualJ += (it[i]! + cduPump![i]! + crahFan![i]! + facPump![i]! - free![i]! - chiller![i]! - reused![i]!) * periodS;
  }
  residualJ -= stored![stored!.length - 1]!;
  assert.ok(Math.abs(residualJ) < 1e-9 * itJ, `residual ${residualJ} J of ${itJ} J`);
  assert.ok(Math.abs(kpi(sim, "heat_balance_residual")) * 3600 < 1e-9 * itJ);
  // The IT heat the plant saw is the IT energy the electrical chain drew, tick by tick.
  const siteIt = col(chunks, SITE_SERIES, "it_power_w");
  const siteItJ = siteIt.reduce((a, b) => a + b, 0) * scenario.dtS;
  assert.ok(Math.abs(siteItJ - itJ) < 1e-9 * itJ, `${siteItJ} vs ${itJ}`);
  // Liquid share: 48 NVL72 racks at 85 %, the air racks all air.
  const share = kpi(sim, "liquid_heat_fraction");
  assert.ok(share > 0.75 && share < 0.85, `${share}`);
});

test("the cooling load is held over the next period and added at the PCC; PUE = PCC / IT energy", () => {
  const scenario = hall({}, "2min");
  const sim = createSimulation(scenario, "r", { chunkTicks: 1_000 });
  const chunks = runAll(sim);
  const pcc = col(chunks, SITE_SERIES, "pcc_power_w");
  const itW = col(chunks, SITE_SERIES, "it_power_w");
  const losses = ["busway_loss_w", "ups_loss_w", "transformer_loss_w"].map((n) => col(chunks, SITE_SERIES, n));
  const cooling = col(chunks, THERMAL_SERIES, "cooling_power_w");
  for (const k of [30, 25 * 7 + 3, 25 * 60 + 24, 25 * 119]) {
    const chainW = itW[k]! + losses[0]![k]! + losses[1]![k]! + losses[2]![k]!;
    const step = Math.floor(k / 25);
    assert.ok(Math.abs(pcc[k]! - chainW - cooling[step - 1]!) < 1e-6, `tick ${k}: ${pcc[k]! - chainW} vs ${cooling[step - 1]}`);
  }
  const pue = kpi(sim, "pue");
  assert.ok(Math.abs(pue - kpi(sim, "pcc_energy") / kpi(sim, "it_energy")) < 1e-12);
  assert.ok(pue > 1.02 && pue < 1.6, `pue ${pue}`);
  assert.ok(kpi(sim, "ppue_cooling") > 1 && kpi(sim, "ppue_cooling") < pue);
});

test("results with cooling are identical whatever the chunk size; a hall without cooling writes no thermal rows", () => {
  const scenario = hall({}, "3min");
  const a = runAll(createSimulation(scenario, "r", { chunkTicks: 65_536 }));
  const b = runAll(createSimulation(scenario, "r", { chunkTicks: 777 }));
  for (const t of [THERMAL_SERIES, RACK_THERMAL_SERIES, COOLING_UNIT_SERIES]) {
    for (const c of t.columns) assert.equal(col(a, t, c.name), col(b, t, c.name), `${t.name}.${c.name}`);
  }
  assert.equal(col(a, SITE_SERIES, "pcc_power_w"), col(b, SITE_SERIES, "pcc_power_w"));
  const plain = fromScenario({ name: "plain", dt: "40ms", horizon: "1min", hall: { rows: 2, racksPerRow: 4 }, workloads: [{ kind: "steady", id: "s", racks: "all" }] }, "t");
  const chunks = runAll(createSimulation(plain, "r"));
  assert.ok(!chunks.some((c) => [THERMAL_SERIES.name, RACK_THERMAL_SERIES.name, COOLING_UNIT_SERIES.name, "cooling_units"].includes(c.table)));
  assert.is(hashChunks(chunks), hashChunks(runAll(createSimulation(plain, "r"))));
});

test.run();
