import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { planOf } from "../engine/batch/sweep.js";
import { REPO_ROOT } from "../engine/plant/load-inputs.js";
import { runBatch } from "../engine/pool/run-batch.js";
import { loadScenario } from "../engine/scenario/load-scenario.js";
import { SIMULATION_TABLES } from "../engine/simulation.js";
import { createDuckDbSink } from "../engine/sinks/duckdb-sink.js";
import { machineLine, peakRssMB } from "./machine.js";

/**
 * The hall-day benchmark: scenarios/hall-day-24h.yaml (72 racks × 72 GPUs at 40 ms for 24
 * simulated hours, adaptive smoothing on), results written to a DuckDB file. Run it pinned to one
 * core (`npm run bench` uses taskset) so the figure is single-core. Pass `--hours N` for a shorter
 * horizon (e.g. to check that peak memory does not grow with the horizon), and `--scenario FILE`
 * for another day (e.g. scenarios/cooling-hall-winter-24h-heat-reuse.yaml: the hall with its
 * cooling plant and heat reuse). The last line is JSON.
 *
 * Baseline: the first working version (before profiling) took 27.6 s; see bench/RESULTS.md.
 */
const hoursArg = process.argv.indexOf("--hours");
const scenarioArg = process.argv.indexOf("--scenario");
const scenarioFile = scenarioArg > 0 ? process.argv[scenarioArg + 1]! : "scenarios/hall-day-24h.yaml";
const scenario = loadScenario(join(REPO_ROOT, scenarioFile));
if (hoursArg > 0) {
  scenario.horizonS = Number(process.argv[hoursArg + 1]) * 3600;
  scenario.ticks = Math.round(scenario.horizonS / scenario.dtS);
}
const dir = mkdtempSync(join(tmpdir(), "dctwin-bench-"));
const out = join(dir, "hall-day.duckdb");
console.log(machineLine());
const sink = createDuckDbSink(out);
await sink.open(SIMULATION_TABLES);
const t0 = performance.now();
const batch = await runBatch([planOf(scenario, "bench")], sink, {
  threads: 1,
  nowMs: () => performance.now(),
  isoNow: () => new Date().toISOString(),
  engineVersion: "bench",
  nodeVersion: process.version,
  scenarioName: scenarioFile,
});
const outcome = { ...batch.outcomes[0]!, writeS: batch.writeS };
await sink.close();
const wallS = (performance.now() - t0) / 1000;
if (outcome.status !== "ok") throw new Error(outcome.error);
const gpus = outcome.kpis.find((k) => k.name === "gpus")!.value;
const fileMB = statSync(out).size / 1e6;
rmSync(dir, { recursive: true, force: true });
const result = {
  scenario: scenario.name,
  ticks: scenario.ticks,
  gpus,
  simS: scenario.horizonS,
  wallS: round(wallS),
  writeS: round(outcome.writeS),
  simulateS: round(wallS - outcome.writeS),
  realTimeFactor: Math.round(scenario.horizonS / wallS),
  gpuTicksPerS: Math.round((gpus * scenario.ticks) / wallS),
  peakRssMB: Math.round(peakRssMB()),
  duckdbFileMB: round(fileMB),
  node: process.version,
};
console.log(`${scenario.name}: ${scenario.ticks.toLocaleString("en")} ticks × ${gpus} GPUs in ${result.wallS} s (${result.simulateS} s simulating, ${result.writeS} s writing), ${result.realTimeFactor}× real time, ${(result.gpuTicksPerS / 1e9).toFixed(2)} G GPU-ticks/s, peak RSS ${result.peakRssMB} MB`);
console.log(JSON.stringify(result));

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
