import type { MessagePort } from "node:worker_threads";
import type { KpiRow } from "../kpis/kpi-row.js";
import type { Scenario } from "../scenario/scenario-types.js";
import type { Chunk } from "../sinks/sink.js";

/**
 * Messages between the batch's main thread and its worker threads. A task carries one run and a
 * MessagePort; the worker streams the run's chunks over the port, and the main thread, once it
 * has written them, hands them back for reuse. The chunks' numeric columns live on shared memory
 * (engine/columns.ts), so a message moves them without copying and without detaching anything;
 * between the send and the ack only the main thread touches them. At most MAX_CHUNKS_IN_FLIGHT
 * chunk messages of a run wait unwritten, so a slow writer holds back the workers instead of
 * piling up memory.
 */
export const MAX_CHUNKS_IN_FLIGHT = 2;

export interface RunTask {
  runId: string;
  scenario: Scenario;
  /** Ticks per site_series chunk. */
  chunkTicks?: number;
  port?: MessagePort;
}

/** Worker → main: the chunks of one advance() step (numeric columns on shared memory). */
export interface ChunksMessage {
  type: "chunks";
  chunks: Chunk[];
  /** Ticks done so far and in all. */
  k: number;
  totalTicks: number;
}

/** Main → worker: the oldest unacknowledged chunks message is written; its chunks are the worker's again. */
export interface AckMessage {
  type: "ack";
}

/** The value a task resolves to. */
export interface RunResult {
  runId: string;
  status: "ok" | "failed";
  error: string;
  kpis: KpiRow[];
  ticks: number;
}

/**
 * Throws unless every numeric column of `chunks` is on shared memory: any other buffer would be
 * copied into the message (an engine bug: its columns come from engine/columns.ts).
 */
export function checkShared(chunks: readonly Chunk[]): void {
  for (const chunk of chunks) {
    for (const column of chunk.columns) {
      if (!Array.isArray(column) && !(column.buffer instanceof SharedArrayBuffer)) {
        throw new Error(`table ${chunk.table}: a ${column.constructor.name} column is not on shared memory and would be copied`);
      }
    }
  }
}
