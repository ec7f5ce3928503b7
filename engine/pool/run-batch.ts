import { performance } from "node:perf_hooks";
import { MessageChannel } from "node:worker_threads";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import type { RunPlan } from "../batch/sweep.js";
import type { KpiRow } from "../kpis/kpi-row.js";
import type { Chunk, RunRow, Sink } from "../sinks/sink.js";
import { StorageError } from "../sinks/storage-error.js";
import { type AckMessage, type ChunksMessage, type RunResult, type RunTask } from "./protocol.js";
import { runTask } from "./run-task.js";
import type { WorkloadInputs } from "../plant/workload-factory.js";

/**
 * Runs a batch's runs (or one run: `dctwin run` is a batch of one) into one sink. With `threads` > 1 each run is a piscina task in a worker
 * thread that streams its chunks here; with 1, runs execute in-process one after another (the same
 * runTask function). Either way this thread is the only writer of the results. Up to `threads`
 * runs are in flight; each is committed with its `runs` row when it ends. A run that fails (an
 * invalid parameter value, a model error) is recorded in `runs` with its error and the batch goes
 * on. On abort (Ctrl-C) no new run starts, runs in flight are rolled back, and finished ones stay.
 * A storage failure (a full disk, an I/O error: a StorageError from the sink) is not the run's
 * result: the batch stops as on abort, nothing of the runs in flight is recorded (so `--resume`
 * runs them again), and the result says which runs were not written and why.
 */
export interface BatchOptions {
  threads: number;
  chunkTicks?: number;
  /** Wall clock in ms and ISO time, injected (metadata and progress only). */
  nowMs: () => number;
  isoNow: () => string;
  engineVersion: string;
  nodeVersion: string;
  /** The sweep file, for the runs table. */
  scenarioName: string;
  signal?: AbortSignal;
  onProgress?: (progress: BatchProgress) => void;
  onRunDone?: (outcome: BatchRunOutcome, progress: BatchProgress) => void;
}

export interface BatchProgress {
  runsDone: number;
  runsTotal: number;
  /** Simulated seconds finished so far, over all runs (including runs in flight). */
  simulatedS: number;
  /** Simulated seconds of the whole batch. */
  totalSimulatedS: number;
  elapsedS: number;
}

export interface BatchRunOutcome {
  plan: RunPlan;
  status: "ok" | "failed";
  error: string;
  kpis: KpiRow[];
  wallS: number;
}

export interface BatchResult {
  outcomes: BatchRunOutcome[];
  interrupted: boolean;
  /** The storage failure that stopped the batch, and the runs it left unwritten. */
  storageFailure?: { error: StorageError; notWritten: string[] };
  wallS: number;
  /**
   * Seconds this (the main) thread was busy: writing results and orchestrating. DuckDB moves
   * staged rows on its own thread, so time spent waiting for it is not counted.
   */
  mainBusyS: number;
  /** Wall seconds spent inside sink writes (in-process, the rest of the wall time is simulation). */
  writeS: number;
}

/** Runs in flight per worker thread (see the lanes below). */
const LANES_PER_THREAD = 2;

const WORKER = fileURLToPath(new URL("./worker.js", import.meta.url));

export async function runBatch(plans: readonly RunPlan[], sink: Sink, o: BatchOptions): Promise<BatchResult> {
  const t0 = o.nowMs();
  const elu0 = performance.eventLoopUtilization();
  // Stops the batch: Ctrl-C (o.signal) or a storage failure.
  const stop = new AbortController();
  if (o.signal?.aborted) stop.abort();
  o.signal?.addEventListener("abort", () => stop.abort(), { once: true });
  let storageFailure: StorageError | undefined;
  const notWritten: string[] = [];
  // Each run's sink calls are ordered (one run's chain of promises); runs interleave freely, each
  // on its own connection of the one writer.
  const workers = Math.min(o.threads, plans.length);
  const pool = o.threads > 1 && workers > 0 ? new Piscina({ filename: WORKER, minThreads: workers, maxThreads: workers, idleTimeout: 1000 }) : undefined;
  /** Datasets of in-process runs, loaded once per batch (each worker thread keeps its own). */
  const inputsCache = new Map<string, WorkloadInputs>();
  const ticksDone = new Map<string, number>();
  const dtOf = new Map(plans.map((p) => [p.runId, p.scenario?.dtS ?? 0]));
  let writeMs = 0;
  const totalSimulatedS = plans.reduce((s, p) => s + (p.scenario?.horizonS ?? 0), 0);
  let doneSimulatedS = 0;
  const outcomes: BatchRunOutcome[] = [];
  const progress = (): BatchProgress => {
    let inFlightS = 0;
    for (const [runId, k] of ticksDone) inFlightS += k * dtOf.get(runId)!;
    return { runsDone: outcomes.length, runsTotal: plans.length, simulatedS: doneSimulatedS + inFlightS, totalSimulatedS, elapsedS: (o.nowMs() - t0) / 1000 };
  };
  const row = (plan: RunPlan, status: "ok" | "failed", error: string, startedAt: string, wallS: number): RunRow => ({
    runId: plan.runId,
    scenario: o.scenarioName,
    paramsJson: JSON.stringify(plan.params),
    seed: plan.seed,
    dtS: plan.scenario?.dtS ?? 0,
    horizonS: plan.scenario?.horizonS ?? 0,
    ticks: plan.scenario?.ticks ?? 0,
    engineVersion: o.engineVersion,
    nodeVersion: o.nodeVersion,
    startedAt,
    wallS,
    status,
    error,
  });

  const executeOne = async (plan: RunPlan): Promise<RunResult> => {
    const task: RunTask = { runId: plan.runId, scenario: plan.scenario!, ...(o.chunkTicks ? { chunkTicks: o.chunkTicks } : {}) };
    const writeChunks = async (chunks: Chunk[], k: number) => {
      const w0 = o.nowMs();
      for (const chunk of chunks) await sink.write(chunk);
      writeMs += o.nowMs() - w0;
      ticksDone.set(plan.runId, k);
      o.onProgress?.(progress());
    };
    if (pool === undefined) {
      return runTask(task, async (chunks, k) => {
        if (stop.signal.aborted) throw new Error("interrupted");
        await writeChunks(chunks, k);
        return chunks;
      }, inputsCache);
    }
    const channel = new MessageChannel();
    let writeError: unknown;
    let pending: Promise<void> = Promise.resolve();
    channel.port1.on("message", (message: ChunksMessage) => {
      pending = pending.then(async () => {
        try {
          if (writeError === undefined) await writeChunks(message.chunks, message.k);
        } catch (error) {
          writeError = error;
        } finally {
          const ack: AckMessage = { type: "ack" };
          channel.port1.postMessage(ack);
        }
      });
    });
    try {
      const result: RunResult = await pool.run({ ...task, port: channel.port2 }, { transferList: [channel.port2] as any, signal: stop.signal });
      await pending;
      if (writeError !== undefined) throw writeError;
      return result;
    } finally {
      channel.port1.close();
    }
  };

  const runOne = async (plan: RunPlan): Promise<void> => {
    try {
      await runOneRecorded(plan);
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      storageFailure ??= error;
      if (!notWritten.includes(plan.runId)) notWritten.push(plan.runId);
      stop.abort();
      ticksDone.delete(plan.runId);
      await sink.abortRun(plan.runId).catch(() => undefined);
    }
  };

  const runOneRecorded = async (plan: RunPlan): Promise<void> => {
    const startedAt = o.isoNow();
    const r0 = o.nowMs();
    await sink.beginRun(plan.runId);
    let result: RunResult;
    if (plan.error !== undefined) {
      result = { runId: plan.runId, status: "failed", error: plan.error, kpis: [], ticks: 0 };
    } else {
      try {
        result = await executeOne(plan);
      } catch (error) {
        if (error instanceof StorageError) throw error;
        result = { runId: plan.runId, status: "failed", error: error instanceof Error ? error.message : String(error), kpis: [], ticks: 0 };
      }
    }
    ticksDone.delete(plan.runId);
    if (stop.signal.aborted) {
      if (storageFailure !== undefined) notWritten.push(plan.runId);
      await sink.abortRun(plan.runId);
      return;
    }
    const wallS = (o.nowMs() - r0) / 1000;
    if (result.status === "ok") {
      await sink.endRun(row(plan, "ok", "", startedAt, wallS));
    } else {
      await sink.abortRun(plan.runId);
      await sink.beginRun(plan.runId);
      await sink.endRun(row(plan, "failed", result.error, startedAt, wallS));
    }
    doneSimulatedS += result.status === "ok" ? plan.scenario!.horizonS : 0;
    const outcome: BatchRunOutcome = { plan, status: result.status, error: result.error, kpis: result.kpis, wallS };
    outcomes.push(outcome);
    o.onRunDone?.(outcome, progress());
  };

  let next = 0;
  const lane = async () => {
    while (next < plans.length && !stop.signal.aborted) await runOne(plans[next++]!);
  };
  // Two runs per worker thread are in flight, so a worker never waits while this thread begins or
  // commits a run: the second run is already queued in piscina when the first one returns.
  const lanes = pool === undefined ? 1 : LANES_PER_THREAD * workers;
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(lanes, plans.length)) }, lane));
  } finally {
    await pool?.destroy();
  }
  const busy = performance.eventLoopUtilization(elu0);
  return {
    ...(storageFailure !== undefined ? { storageFailure: { error: storageFailure, notWritten } } : {}),
    outcomes,
    interrupted: o.signal?.aborted ?? false,
    wallS: (o.nowMs() - t0) / 1000,
    mainBusyS: busy.active / 1000,
    writeS: writeMs / 1000,
  };
}
