import type { Rng } from "../lib/rng.js";

/**
 * A workload drives GPU utilisation. It owns a few GPU cohorts: sets of GPUs that share one
 * utilisation trajectory (all GPUs of a synchronous training job with the same jitter offset, the
 * GPUs of one inference replica, ...). The hall multiplies each cohort's per-GPU power by the
 * number of its GPUs in each rack, so 5,184 GPUs of one job cost a handful of cohort steps per
 * tick instead of 5,184 GPU steps.
 */
export interface Workload {
  readonly id: string;
  /** Number of cohorts this workload writes, starting at its `cohortOffset`. */
  readonly cohortCount: number;
  /**
   * Advances one tick and writes each cohort's utilisation for tick k into
   * `utilFrac[cohortOffset + c]` (0 = idle, 1 = full compute load). Allocation-free.
   */
  step(k: number, tS: number, utilFrac: Float64Array, ctx: WorkloadContext): void;
  /** Values the workload publishes as measurement points (e.g. job running, tokens/s). */
  readonly outputs: readonly WorkloadOutput[];
  /** Commands the workload accepts as setpoints `workload.<id>.<name>` (e.g. pause a flexible job). */
  readonly inputs?: readonly WorkloadInput[];
  /**
   * The GPU power cap of the workload's GPUs changed (`gpu.<id>.capW` ÷ the power limit, 0-1): a
   * workload whose speed depends on it (compute-bound training) slows down. Optional.
   */
  setPowerLimitFrac?(frac: number): void;
  /** End-of-run figures (iterations, failures, tokens served ...), named `<id>_<metric>`. */
  kpis?(): { name: string; value: number; unit: string }[];
}

export interface WorkloadOutput {
  /** Point name suffix; the full name is `workload.<id>.<name>`. */
  name: string;
  unit: string;
  description: string;
  /** Current value. */
  value(): number;
}

export interface WorkloadInput {
  /** Point name suffix; the full name is `workload.<id>.<name>`. */
  name: string;
  unit: string;
  description: string;
  min: number;
  max: number;
  initial: number;
  /** Applies a value (called by the port when a write falls due). */
  set(value: number): void;
}

export interface WorkloadContext {
  dtS: number;
  rng: Rng;
  /** Records an event (job start, checkpoint, failure, restart ...). Rare: not per tick. */
  event(kind: string, value: number, detail: string): void;
}
