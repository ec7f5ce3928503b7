import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSweep } from "../engine/batch/load-sweep.js";
import { expandSweep } from "../engine/batch/sweep.js";
import { REPO_ROOT } from "../engine/plant/load-inputs.js";
import { runBatch } from "../engine/pool/run-batch.js";
import { SIMULATION_TABLES } from "../engine/simulation.js";
import { createDuckDbSink, rowGroupSizeFor } from "../engine/sinks/duckdb-sink.js";
import { machineLine, peakRssMB } from "./machine.js";

/**
 * The batch benchmark: scenarios/sweeps/iteration-period-16.yaml (16 runs of the 72-rack hall for
 * one simulated hour) with 1 thread (in-process) and with 2 worker threads, each into a fresh
 * DuckDB file. The wall time runs from opening the file to closing it (its final checkpoint
 * included). Prints wall times, process CPU time, the speedup and how much of the wall time the
 * main thread (the only writer) was busy; the last line is JSON.
 */
const path = join(REPO_ROOT, "scenarios/sweeps/iteration-period-16.yaml");
const plans = expandSweep(loadSweep(path), path);
console.log(machineLine());
const results: Record<string, { wallS: number; busyS: number; writeS: number; cpuS: number }> = {};
for (const threads of [1, 2]) {
  const dir = mkdtempSync(join(tmpdir(), "dctwin-batch-bench-"));
  const sink = createDuckDbSink(join(dir, "batch.duckdb"), { rowGroupSize: rowGroupSizeFor(plans.map((p) => p.scenario!.ticks)) });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await sink.open(SIMULATION_TABLES);
  const r = await runBatch(plans, sink, {
    threads,
    nowMs: () => performance.now(),
    isoNow: () => new Date().toISOString(),
    engineVersion: "bench",
    nodeVersion: process.version,
    scenarioName: path,
  });
  await sink.close();
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  rmSync(dir, { recursive: true, force: true });
  if (r.outcomes.some((o) => o.status !== "ok")) throw new Error("a run failed");
  results[threads] = { wallS, busyS: r.mainBusyS, writeS: r.writeS, cpuS };
  console.log(`${threads} thread(s): ${plans.length} runs in ${wallS.toFixed(2)} s (CPU ${cpuS.toFixed(2)} s); main thread (the writer) busy ${r.mainBusyS.toFixed(2)} s (${((100 * r.mainBusyS) / wallS).toFixed(0)} % of wall), ${r.writeS.toFixed(2)} s of it inside sink writes`);
}
const speedup = results[1]!.wallS / results[2]!.wallS;
console.log(`speedup 2 vs 1 thread: ${speedup.toFixed(2)}×`);
console.log(JSON.stringify({ runs: plans.length, wallS1: round(results[1]!.wallS), wallS2: round(results[2]!.wallS), cpuS1: round(results[1]!.cpuS), cpuS2: round(results[2]!.cpuS), speedup: round(speedup), mainBusyFraction2: round(results[2]!.busyS / results[2]!.wallS), mainWriteFraction2: round(results[2]!.writeS / results[2]!.wallS), peakRssMB: Math.round(peakRssMB()), node: process.version }));

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
