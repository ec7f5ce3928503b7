import { parentPort, workerData } from "node:worker_threads";
import { UserError } from "../../models/lib/errors.js";
import { createDuckDbSink, type DuckDbSinkOptions } from "./duckdb-sink.js";
import { StorageError } from "./storage-error.js";
import type { Sink } from "./sink.js";
import type { SinkReply, SinkRequest } from "./worker-sink.js";

/**
 * The thread behind createWorkerDuckDbSink (worker-sink.ts): one DuckDB sink, driven by the
 * requests the owning thread posts, answered in order. Chunks arrive on shared memory and are not
 * copied; the reply to a write tells the owner it may reuse them.
 */
const { path, options } = workerData as { path: string; options: DuckDbSinkOptions };

// The thread keeps the process's priority. Lowering it (nice 19) made the loop worse, not better:
// 40 ms loop, 2 min, p99 lateness 3.4-6.0 ms at nice 19 against 0.33 ms at nice 0. A preempted
// low-priority thread holding a lock the loop's thread then needs (V8's or the allocator's) is a
// priority inversion.
const sink: Sink = createDuckDbSink(path, options);
const port = parentPort!;

async function handle(request: SinkRequest): Promise<unknown> {
  switch (request.op) {
    case "open":
      return sink.open(request.tables);
    case "beginRun":
      return sink.beginRun(request.runId);
    case "write":
      return sink.write(request.chunk);
    case "endRun":
      return sink.endRun(request.run);
    case "abortRun":
      return sink.abortRun(request.runId);
    case "completedRuns":
      return [...(await sink.completedRuns())];
    case "close":
      return sink.close();
  }
}

// One request at a time, in the order posted (the DuckDB sink is not re-entrant).
let queue: Promise<void> = Promise.resolve();
port.on("message", (request: SinkRequest) => {
  queue = queue.then(async () => {
    let reply: SinkReply;
    try {
      reply = { id: request.id, ok: true, value: await handle(request) };
    } catch (error) {
      const e = error as Error;
      reply = { id: request.id, ok: false, user: error instanceof UserError, storage: error instanceof StorageError, message: e.message, stack: e.stack ?? "" };
    }
    port.postMessage(reply);
    if (request.op === "close") port.close();
  });
});
