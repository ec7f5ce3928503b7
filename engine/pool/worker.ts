import type { Chunk } from "../sinks/sink.js";
import type { WorkloadInputs } from "../plant/workload-factory.js";
import { checkShared, MAX_CHUNKS_IN_FLIGHT, type AckMessage, type ChunksMessage, type RunResult, type RunTask } from "./protocol.js";
import { runTask } from "./run-task.js";

/** Datasets loaded once per worker thread, shared by the runs it executes. */
const inputsCache = new Map<string, WorkloadInputs>();

/**
 * The piscina worker: runs one task, streaming chunks to the main thread over `task.port` (their
 * numeric columns on shared memory, so nothing is copied), and waits for acknowledgements when
 * MAX_CHUNKS_IN_FLIGHT are unwritten, and for all of them before it returns: only then may the
 * run's columns be recycled (run-task.ts).
 */
export default async function run(task: RunTask): Promise<RunResult> {
  const port = task.port!;
  /** Chunks sent and not yet acknowledged, oldest first (the port keeps messages in order). */
  const unacked: Chunk[][] = [];
  const returned: Chunk[][] = [];
  let wake: (() => void) | undefined;
  port.on("message", (_message: AckMessage) => {
    returned.push(unacked.shift()!);
    wake?.();
  });
  const drained = async () => {
    while (unacked.length > 0) await new Promise<void>((resolve) => (wake = resolve));
  };
  try {
    const result = await runTask(
      task,
      async (chunks, k, totalTicks) => {
        const message: ChunksMessage = { type: "chunks", chunks, k, totalTicks };
        checkShared(chunks);
        port.postMessage(message);
        unacked.push(chunks);
        while (unacked.length >= MAX_CHUNKS_IN_FLIGHT) await new Promise<void>((resolve) => (wake = resolve));
        return returned.splice(0).flat();
      },
      inputsCache,
      drained,
    );
    // Every chunk is written before the result reaches the main thread (the result travels on
    // piscina's own channel, which is not ordered with this port).
    await drained();
    return result;
  } finally {
    port.close();
  }
}
