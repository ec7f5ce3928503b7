import type { MessagePort } from "node:worker_threads";
import type { KpiRow } from "../kpis/kpi-row.js";
import type { Scenario } from "../scenario/scenario-types.js";
import type { Chunk } from "../sinks/sink.js";

/**
 * Messages between the batch's main thread and its worker threads. A task carries one run and a
 * MessagePort; the worker streams the run's chunks over the port with their buffers moved
 * (transfer list), and the main thread, once it has written them, moves the buffers back for
 * reuse. At most MAX_CHUNKS_IN_FLIGHT chunk messages of a run wait unwritten, so a slow writer
 * holds back the workers instead of piling up memory.
 */
export const MAX_CHUNKS_IN_FLIGHT = 2;

export interface RunTask {
  runId: string;
  scenario: Scenario;
  /** Ticks per site_series chunk. */
  chunkTicks?: number;
  port?: MessagePort;
}

/** Worker → main: the chunks of one advance() step, buffers transferred. */
export interface ChunksMessage {
  type: "chunks";
  chunks: Chunk[];
  /** Ticks done so far and in all. */
  k: number;
  totalTicks: number;
}

/** Main → worker: these chunks are written; their buffers come back for reuse. */
export interface AckMessage {
  type: "ack";
  chunks: Chunk[];
}

/** The value a task resolves to. */
export interface RunResult {
  runId: string;
  status: "ok" | "failed";
  error: string;
  kpis: KpiRow[];
  ticks: number;
}

/** Buffers of the chunks' typed-array columns, for a transfer list. */
export function transferablesOf(chunks: readonly Chunk[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const chunk of chunks) for (const column of chunk.columns) if (!Array.isArray(column)) buffers.add(column.buffer as ArrayBuffer);
  return [...buffers];
}
