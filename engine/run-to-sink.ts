import type { KpiRow } from "./kpis/kpi-row.js";
import type { Scenario } from "./scenario/scenario-types.js";
import { createSimulation } from "./simulation.js";
import type { RunRow, Sink } from "./sinks/sink.js";
import type { WorkloadInputs } from "./workload-factory.js";

export interface RunToSinkOptions {
  runId: string;
  /** Scenario file or name, for the runs table. */
  scenarioName: string;
  /** JSON of swept parameters (`{}` for a single run). */
  paramsJson?: string;
  inputs?: WorkloadInputs;
  /** Wall clock in ms, injected by the caller (only for the runs table and progress). */
  nowMs: () => number;
  /** ISO time the run started, injected by the caller (metadata only). */
  startedAt: string;
  engineVersion: string;
  nodeVersion: string;
  /** Called after each chunk with ticks done and total. */
  onProgress?: (k: number, totalTicks: number) => void;
}

export interface RunOutcome {
  runId: string;
  status: "ok" | "failed";
  error: string;
  kpis: KpiRow[];
  wallS: number;
  /** Wall seconds spent inside sink writes (the rest is simulation). */
  writeS: number;
}

/**
 * Runs one scenario into a sink. The run's rows are committed with its `runs` row at the end; if
 * the model fails, its partial rows are dropped and a `failed` runs row with the error is written,
 * so a failed run is visible and never half-written.
 */
export async function runToSink(scenario: Scenario, sink: Sink, o: RunToSinkOptions): Promise<RunOutcome> {
  const t0 = o.nowMs();
  let writeMs = 0;
  const row = (status: "ok" | "failed", error: string, wallS: number): RunRow => ({
    runId: o.runId,
    scenario: o.scenarioName,
    paramsJson: o.paramsJson ?? "{}",
    seed: scenario.seed,
    dtS: scenario.dtS,
    horizonS: scenario.horizonS,
    ticks: scenario.ticks,
    engineVersion: o.engineVersion,
    nodeVersion: o.nodeVersion,
    startedAt: o.startedAt,
    wallS,
    status,
    error,
  });
  await sink.beginRun(o.runId);
  try {
    const sim = createSimulation(scenario, o.runId, { inputs: o.inputs ?? {} });
    while (!sim.done) {
      const chunks = sim.advance();
      const w0 = o.nowMs();
      for (const chunk of chunks) await sink.write(chunk);
      sim.release(chunks);
      writeMs += o.nowMs() - w0;
      o.onProgress?.(sim.k, sim.totalTicks);
    }
    const w0 = o.nowMs();
    const wallS = (o.nowMs() - t0) / 1000;
    await sink.endRun(row("ok", "", wallS));
    writeMs += o.nowMs() - w0;
    return { runId: o.runId, status: "ok", error: "", kpis: sim.kpis(), wallS: (o.nowMs() - t0) / 1000, writeS: writeMs / 1000 };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await sink.abortRun(o.runId);
    await sink.beginRun(o.runId);
    const wallS = (o.nowMs() - t0) / 1000;
    await sink.endRun(row("failed", message, wallS));
    return { runId: o.runId, status: "failed", error: message, kpis: [], wallS, writeS: writeMs / 1000 };
  }
}
