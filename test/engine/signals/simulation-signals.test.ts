import { spawnSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadInputs } from "../../../engine/plant/load-inputs.js";
import { fromScenario } from "../../../engine/scenario/from-scenario.js";
import { loadData } from "../../../engine/scenario/load-scenario.js";
import { createSimulation } from "../../../engine/simulation.js";
import type { Chunk } from "../../../engine/sinks/sink.js";
import { hashChunks, ROOT, tempDir } from "../../helpers.js";

async function run(signals: Record<string, unknown>) {
  const raw = loadData(`${ROOT}scenarios/hall-training-1h.yaml`) as Record<string, unknown>;
  const scenario = fromScenario({ ...raw, horizon: "1h", signals }, "t");
  const sim = createSimulation(scenario, "r", { inputs: await loadInputs(scenario) });
  const chunks: Chunk[] = [];
  while (!sim.done) chunks.push(...sim.advance());
  const kpi = (name: string) => sim.kpis().find((k) => k.name === name)!.value;
  return { scenario, sim, chunks, kpi };
}

const LEGACY = { price: "agile-2020", carbon: "gb-2020" };

test("opting in changes no plant output, and the cost and carbon KPIs equal the data-driven ones at the data's own periods", async () => {
  const legacy = await run(LEGACY);
  const port = await run({ ...LEGACY, port: { marketPeriod: "30min", carbon: { kind: "dataset", period: "1h" } } });
  const plant = (chunks: Chunk[]) => hashChunks(chunks.filter((c) => c.table === "site_series" || c.table === "rack_series"));
  assert.is(plant(port.chunks), plant(legacy.chunks));
  for (const name of ["energy_cost", "carbon"]) {
    assert.ok(Math.abs(port.kpi(name) / legacy.kpi(name) - 1) < 1e-12, `${name}: ${port.kpi(name)} vs ${legacy.kpi(name)}`);
  }
  assert.not.ok(legacy.chunks.some((c) => c.table.startsWith("signal_")), "no signal tables without signals.port");
  const series = port.chunks.find((c) => c.table === "signal_series")!;
  assert.equal((series.columns[1] as string[]).slice(0, series.length), ["grid.priceGbpPerMWh", "grid.carbonGPerKWh", "grid.priceGbpPerMWh"]);
});

test("a 1-h market: the port shows the hour's mean price and energy_cost sums exactly that", async () => {
  const r = await run({ ...LEGACY, port: { marketPeriod: "1h" } });
  const series = r.chunks.find((c) => c.table === "signal_series")!;
  const names = (series.columns[1] as string[]).slice(0, series.length);
  const price = (series.columns[2] as Float64Array)[names.indexOf("grid.priceGbpPerMWh")]!;
  const h = r.sim.port.measurement("grid.priceGbpPerMWh");
  assert.is(r.sim.port.read(h), price, "what a controller reads is what was recorded");
  let joules = 0;
  for (const c of r.chunks.filter((x) => x.table === "site_series")) {
    const pcc = c.columns[1] as Float64Array;
    for (let i = 0; i < c.length; i++) joules += pcc[i]! * r.scenario.dtS;
  }
  const expected = (joules * price) / 3.6e9;
  assert.ok(Math.abs(r.kpi("energy_cost") / expected - 1) < 1e-9, `${r.kpi("energy_cost")} vs ${expected}`);
});

test("dctwin run writes signal_series to DuckDB and Arrow; a 15-min market gives four prices an hour", () => {
  const dir = tempDir();
  try {
    const scenario = join(dir.path, "s.yaml");
    writeFileSync(
      scenario,
      [
        "name: sig",
        "horizon: 1h",
        'startTime: "2020-07-15T00:00:00Z"',
        "hall: { rows: 1, racksPerRow: 2 }",
        "signals:",
        "  price: agile-2020",
        "  port:",
        "    marketPeriod: 15min",
        "    stress: { kind: static, values: [0.1, 0.9], period: 30min }",
        "",
      ].join("\n"),
    );
    const db = join(dir.path, "r.duckdb");
    const run = spawnSync(process.execPath, [`${ROOT}dist/engine/cli/main.js`, "run", scenario, "--out", db, "--arrow", join(dir.path, "arrow")], { encoding: "utf8" });
    assert.is(run.status, 0, run.stderr);
    const q = spawnSync(
      process.execPath,
      [`${ROOT}dist/engine/cli/main.js`, "query", db, "SELECT signal, count(*) AS n, min(value) AS lo, max(value) AS hi FROM signal_series GROUP BY signal ORDER BY signal"],
      { encoding: "utf8" },
    );
    assert.is(q.status, 0, q.stderr);
    assert.match(q.stdout, /grid\.priceGbpPerMWh\s*│?\s*4\b/);
    assert.match(q.stdout, /grid\.stressFrac\s*│?\s*2\b/);
    assert.ok(readdirSync(join(dir.path, "arrow")).includes("signal_series"), "and an Arrow folder");
  } finally {
    dir.remove();
  }
});

test.run();
