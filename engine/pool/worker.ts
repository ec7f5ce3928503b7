import type { WorkloadInputs } from "../workload-factory.js";
import { MAX_CHUNKS_IN_FLIGHT, transferablesOf, type AckMessage, type ChunksMessage, type RunResult, type RunTask } from "./protocol.js";
import { runTask } from "./run-task.js";

/** Datasets loaded once per worker thread, shared by the runs it executes. */
const inputsCache = new Map<string, WorkloadInputs>();

/**
 * The piscina worker: runs one task, streaming chunks to the main thread over `task.port` with
 * their buffers moved, and waits for acknowledgements when MAX_CHUNKS_IN_FLIGHT are unwritten
 * (and for all of them before it returns).
 */
export default async function run(task: RunTask): Promise<RunResult> {
  const port = task.port!;
  let inFlight = 0;
  const returned: AckMessage["chunks"][] = [];
  let wake: (() => void) | undefined;
  port.on("message", (message: AckMessage) => {
    inFlight--;
    returned.push(message.chunks);
    wake?.();
  });
  const drained = async () => {
    while (inFlight > 0) await new Promise<void>((resolve) => (wake = resolve));
  };
  try {
    const result = await runTask(
      task,
      async (chunks, k, totalTicks) => {
        const message: ChunksMessage = { type: "chunks", chunks, k, totalTicks };
        port.postMessage(message, transferablesOf(chunks));
        inFlight++;
        while (inFlight >= MAX_CHUNKS_IN_FLIGHT) await new Promise<void>((resolve) => (wake = resolve));
        return returned.splice(0).flat();
      },
      inputsCache,
    );
    // Every chunk is written before the result reaches the main thread (the result travels on
    // piscina's own channel, which is not ordered with this port).
    await drained();
    return result;
  } finally {
    port.close();
  }
}
