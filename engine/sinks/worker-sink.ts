import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { UserError } from "../../models/lib/errors.js";
import type { DuckDbSinkOptions } from "./duckdb-sink.js";
import { StorageError } from "./storage-error.js";
import type { Chunk, RunRow, Sink, TableSpec } from "./sink.js";

/** Owner → sink thread. */
export type SinkRequest = { id: number } & (
  | { op: "open"; tables: readonly TableSpec[] }
  | { op: "beginRun"; runId: string }
  | { op: "write"; chunk: Chunk }
  | { op: "endRun"; run: RunRow }
  | { op: "abortRun"; runId: string }
  | { op: "completedRuns" }
  | { op: "close" }
);

/** Sink thread → owner: the answer to request `id`. */
export type SinkReply = { id: number } & ({ ok: true; value: unknown } | { ok: false; user: boolean; storage: boolean; message: string; stack: string });

const WORKER = fileURLToPath(new URL("./sink-worker.js", import.meta.url));

/**
 * A DuckDB sink on a thread of its own, for the real-time loops (`dctwin hil`, `dctwin serve`):
 * appending a chunk, flushing a row group or committing a run then costs the loop a message, not
 * the 5-40 ms DuckDB may take, which made cycles skip their deadlines (issue #11). Every call
 * resolves once the sink thread has done it, in order, so a chunk's buffers may be reused when
 * its write resolves, exactly as with the in-thread sink. Chunks' numeric columns are shared
 * memory (engine/columns.ts): posting one copies only its string columns.
 *
 * A user error in the sink thread is a UserError here too, and a storage failure (a full disk, a
 * busy or unwritable file) a StorageError.
 */
export function createWorkerDuckDbSink(path: string, options: DuckDbSinkOptions = {}): Sink {
  const worker = new Worker(WORKER, { workerData: { path, options } });
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let dead: Error | undefined;

  const failAll = (error: Error) => {
    dead ??= error;
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  };
  worker.on("message", (reply: SinkReply) => {
    const w = waiting.get(reply.id);
    if (w === undefined) return;
    waiting.delete(reply.id);
    if (reply.ok) w.resolve(reply.value);
    else if (reply.storage) w.reject(new StorageError(reply.message));
    else if (reply.user) w.reject(new UserError(reply.message));
    else {
      const error = new Error(reply.message);
      error.stack = reply.stack;
      w.reject(error);
    }
  });
  worker.on("error", (error) => failAll(error));
  worker.on("exit", (code) => failAll(new Error(`the DuckDB sink thread for ${path} exited (code ${code})`)));

  const call = <T>(request: SinkRequest extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never): Promise<T> => {
    if (dead !== undefined) return Promise.reject(dead);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ id, ...request });
    });
  };

  return {
    open: (tables) => call<void>({ op: "open", tables }),
    beginRun: (runId) => call<void>({ op: "beginRun", runId }),
    write: (chunk) => call<void>({ op: "write", chunk }),
    endRun: (run) => call<void>({ op: "endRun", run }),
    abortRun: (runId) => call<void>({ op: "abortRun", runId }),
    completedRuns: async () => new Set(await call<string[]>({ op: "completedRuns" })),
    async close() {
      if (dead !== undefined) return;
      try {
        await call<void>({ op: "close" });
      } finally {
        await worker.terminate();
      }
    },
  };
}
