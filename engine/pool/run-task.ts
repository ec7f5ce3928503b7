import { inputsKey, loadInputs } from "../load-inputs.js";
import { createSimulation } from "../simulation.js";
import type { Chunk } from "../sinks/sink.js";
import type { WorkloadInputs } from "../workload-factory.js";
import type { RunResult, RunTask } from "./protocol.js";

/**
 * Runs one batch task: simulates the run and hands each step's chunks to `emit`, which resolves
 * once they are written and returns the chunks whose buffers may be reused. The same function
 * runs inside a worker thread (emit = post over the port) and in-process (`--threads 1`, emit =
 * write to the sink), so both paths produce the same bytes.
 */
export async function runTask(
  task: RunTask,
  emit: (chunks: Chunk[], k: number, totalTicks: number) => Promise<Chunk[] | void>,
  inputsCache: Map<string, WorkloadInputs> = new Map(),
): Promise<RunResult> {
  try {
    const key = inputsKey(task.scenario);
    let inputs = inputsCache.get(key);
    if (inputs === undefined) {
      inputs = await loadInputs(task.scenario);
      inputsCache.set(key, inputs);
    }
    const sim = createSimulation(task.scenario, task.runId, { inputs, ...(task.chunkTicks ? { chunkTicks: task.chunkTicks } : {}) });
    while (!sim.done) {
      const chunks = sim.advance();
      const returned = await emit(chunks, sim.k, sim.totalTicks);
      if (returned) sim.release(returned);
    }
    return { runId: task.runId, status: "ok", error: "", kpis: sim.kpis(), ticks: sim.totalTicks };
  } catch (error) {
    return { runId: task.runId, status: "failed", error: error instanceof Error ? error.message : String(error), kpis: [], ticks: 0 };
  }
}
