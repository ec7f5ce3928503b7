import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { UserError } from "../../models/lib/errors.js";
import { createDuckDbSink, type DuckDbSinkOptions } from "./duckdb-sink.js";
import type { Sink } from "./sink.js";
import type { SinkReply, SinkRequest } from "./worker-sink.js";

/**
 * The thread behind createWorkerDuckDbSink (worker-sink.ts): one DuckDB sink, driven by the
 * requests the owning thread posts, answered in order. Chunks arrive on shared memory and are not
 * copied; the reply to a write tells the owner it may reuse them.
 */
const { path, options } = workerData as { path: string; options: DuckDbSinkOptions };

// The real-time loop's thread must win the core whenever both want it: this thread takes the
// lowest priority, nice 19 (on Linux a thread id is a valid target of setpriority; elsewhere, or
// if refused, it keeps the process's priority). Writes then fill the loop's idle time.
try {
  const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
  if (tid > 0) setPriority(tid, 19);
} catch {
  // not Linux, or not allowed: the default priority
}
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
      reply = { id: request.id, ok: false, user: error instanceof UserError, message: e.message, stack: e.stack ?? "" };
    }
    port.postMessage(reply);
    if (request.op === "close") port.close();
  });
});
