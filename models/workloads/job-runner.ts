import type { Workload, WorkloadContext } from "./workload.js";

/**
 * A job's workload, run and held on command. The inner workload (a training job, a steady load)
 * lives in job time: a clock that advances only while the job runs, so holding the job freezes it
 * where it is (mid-iteration included: a process suspended, its GPUs idle) and resuming continues
 * from there. Holding and resuming act in the tick they are applied: the job's utilisation goes to
 * idle (or back) at once, and its GPUs' power follows within their response time (tens of ms).
 *
 * Progress, in GPU-hours at full speed: a training job counts its iterations × the nominal
 * iteration period × its GPUs (so a power cap, which slows iterations, slows progress); a steady
 * load counts its running time × its GPUs. Inner failures (job_failure ... job_restart events) are
 * seen as `failed`.
 *
 * The GPU cap of the job's group is the lower of the group's `capW` setpoint and the job's throttle
 * (a fraction of the power limit); both reach the GPUs and the inner workload's speed through `applyCapW`.
 */
export interface JobRunner extends Workload {
  /** True while the job runs (job time advances). */
  readonly running: boolean;
  /** True between an inner failure and its restart. */
  readonly failed: boolean;
  /** Work done, GPU-hours at full speed. */
  readonly progressGpuH: number;
  /** Time run so far, s (job time). */
  readonly runS: number;
  /** Run (true) or hold (false) from this tick on. */
  setRunning(on: boolean): void;
  /** The group's capW setpoint (W per GPU). */
  setGroupCapW(capW: number): void;
  /** The job's throttle, fraction of the GPU power limit (1: none). */
  setThrottleFrac(frac: number): void;
}

export interface JobRunnerOptions {
  inner: Workload;
  /** First cohort of the inner workload. */
  cohortOffset: number;
  gpus: number;
  /** Training: nominal iteration period, s (progress per iteration); 0 for a steady load. */
  iterationS: number;
  /** GPU power limit, W (caps are fractions of it). */
  limitW: number;
  /** Writes the effective cap to the job's GPU cohorts. */
  applyCapW: (capW: number) => void;
}

export function createJobRunner(o: JobRunnerOptions): JobRunner {
  const inner = o.inner;
  let running = false;
  let failed = false;
  let jobTimeS = 0;
  let steps = 0;
  let groupCapW = o.limitW;
  let throttleFrac = 1;
  const iterations = inner.outputs.find((x) => x.name === "iterations");
  // Inner events pass through; failures are also seen here.
  let outer: WorkloadContext | undefined;
  const innerCtx: WorkloadContext = {
    dtS: 0,
    rng: undefined as unknown as WorkloadContext["rng"],
    event(kind, value, detail) {
      if (kind === "job_failure") failed = true;
      else if (kind === "job_restart") failed = false;
      outer!.event(kind, value, detail);
    },
  };
  const applyCap = () => {
    const capW = Math.min(groupCapW, throttleFrac * o.limitW);
    o.applyCapW(capW);
    inner.setPowerLimitFrac?.(capW / o.limitW);
  };
  return {
    id: inner.id,
    cohortCount: inner.cohortCount,
    outputs: inner.outputs,
    ...(inner.kpis ? { kpis: inner.kpis } : {}),
    get running() {
      return running;
    },
    get failed() {
      return failed;
    },
    get progressGpuH() {
      if (o.iterationS > 0 && iterations !== undefined) return (iterations.value() * o.iterationS * o.gpus) / 3600;
      return (jobTimeS * o.gpus) / 3600;
    },
    get runS() {
      return jobTimeS;
    },
    setRunning(on) {
      running = on;
    },
    setGroupCapW(capW) {
      groupCapW = capW;
      applyCap();
    },
    setThrottleFrac(frac) {
      throttleFrac = frac;
      applyCap();
    },
    setPowerLimitFrac(frac) {
      inner.setPowerLimitFrac?.(frac);
    },
    step(k, _tS, utilFrac, ctx) {
      if (!running) {
        // Held: the GPUs idle; job time stands still.
        for (let c = 0; c < inner.cohortCount; c++) utilFrac[o.cohortOffset + c] = 0;
        return;
      }
      outer = ctx;
      innerCtx.dtS = ctx.dtS;
      innerCtx.rng = ctx.rng;
      inner.step(k, jobTimeS, utilFrac, innerCtx);
      steps++;
      jobTimeS = steps * ctx.dtS; // derived from the step count, never accumulated
    },
  };
}
