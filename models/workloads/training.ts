import type { Workload, WorkloadContext, WorkloadInput, WorkloadOutput } from "./workload.js";

/**
 * A synchronous training job. Every iteration, all nodes start computing together (after the
 * previous all-reduce), each finishes after its own jittered compute time, and the whole job waits
 * for the slowest before the next iteration: rises are synchronous, falls are spread by per-node
 * jitter. This is the swing mechanism described by Choukse et al., arXiv:2508.14318 (compute near
 * TDP, communication near idle, synchronous across the job) and measured on an H100 in
 * datasets/gpu-power (all-reduce waits and checkpoints at idle).
 *
 * Nodes are split into `cohorts` groups; each group draws its own compute time per iteration, so a
 * 5,184-GPU job costs `cohorts` cheap updates per tick. Iteration times are continuous (not rounded
 * to ticks): a cohort's utilisation in a tick is the share of the tick it computes, so the
 * iteration period and its spectrum are exact at any tick length.
 * Checkpoints hold all GPUs idle for their duration. Failures arrive with exponential times
 * (mean `mtbfS`): the job drops to idle at once, restarts after `restartS` with its start ramp, and
 * the work since the last checkpoint is lost (Llama 3: ~1 unexpected interruption per 3 h on 16k
 * GPUs, Dubey et al. arXiv:2407.21783, docs/physics-sources.md §1.2).
 *
 * Deferral (input `paused`, e.g. from a demand-response controller): set to 1, the job finishes
 * the iteration in progress and then holds its GPUs idle (no work is lost: the next iteration
 * simply starts later); set back to 0, it resumes with its start ramp. `pausedS` counts the time
 * held (the work deferred).
 *
 * Power cap (`setPowerLimitFrac`, from the GPU group's `capW`): a cap below the GPU's power limit
 * lowers its clocks, so compute takes longer: each iteration's compute time is stretched by
 * (limit ÷ cap)^CAP_STRETCH_EXPONENT, communication is unchanged. The exponent makes a cap at 70 %
 * of TDP stretch compute ×1.30, the H100 prefill derating of the Splitwise characterisation
 * (splitwise-sim perf_model.csv, h100-80gb-pcap; docs/physics-sources.md): a compute-bound phase
 * under a cap. A cap thus saves power but not energy per iteration for free: the work takes longer.
 */
export interface TrainingOptions {
  id: string;
  cohortOffset: number;
  cohorts: number;
  startS: number;
  /** End of the job; Infinity for none. */
  stopS: number;
  iterationS: number;
  computeFrac: number;
  commUtilFrac: number;
  /** 0 for no checkpoints. */
  checkpointIntervalS: number;
  checkpointS: number;
  startRampS: number;
  jitterS: number;
  stragglerProb: number;
  stragglerDelayS: number;
  /** 0 for no failures. */
  mtbfS: number;
  restartS: number;
}

/** Compute stretch under a cap: (limit ÷ cap)^this; ln 1.30 ÷ ln(1 ÷ 0.7) = 0.7356 (70 % cap → ×1.30). */
export const CAP_STRETCH_EXPONENT = Math.log(1.3) / Math.log(1 / 0.7);

/** Time comparisons allow this much float noise (k × dt is not exact in binary). */
const EPS_S = 1e-9;

const WAITING = 0;
const RUNNING = 1;
const CHECKPOINT = 2;
const FAILED = 3;
const STOPPED = 4;
const PAUSED = 5;

/** Creates the job. Utilisation of cohort c at tick k is the compute share of [t, t + dt). */
export function createTrainingJob(o: TrainingOptions): Workload {
  const computeEndS = new Float64Array(o.cohorts);
  // The previous iteration's compute ends, for the tick in which one iteration ends and the next begins.
  const previousEndS = new Float64Array(o.cohorts);
  const nominalComputeS = o.iterationS * o.computeFrac;
  const commS = o.iterationS - nominalComputeS;
  // The job's times and sums in a typed array (a double in a closure variable is a new heap number
  // on every store: garbage per tick, issue #17). COMPUTE_S: compute time per iteration under the
  // current power cap (the nominal one without a cap).
  const t = new Float64Array(14);
  const ITERATION_START_S = 0;
  const PREVIOUS_START_S = 1;
  const COMPUTE_S = 2;
  const CAP_FRAC = 3;
  const LAUNCH_S = 4;
  const ITERATION_END_S = 5;
  const CHECKPOINT_END_S = 6;
  const NEXT_CHECKPOINT_S = 7;
  const NEXT_FAILURE_S = 8;
  const RESTART_AT_S = 9;
  const LAST_SAFE_S = 10;
  const LOST_WORK_S = 11;
  const PAUSED_S = 12;
  const PAUSE_START_S = 13;
  t[COMPUTE_S] = nominalComputeS;
  t[CAP_FRAC] = 1;
  t[NEXT_CHECKPOINT_S] = Infinity;
  t[NEXT_FAILURE_S] = Infinity;
  let state = WAITING;
  let iterations = 0;
  let failures = 0;
  let checkpoints = 0;
  let pauseWanted = false;
  let pauses = 0;

  const launch = (tS: number, ctx: WorkloadContext) => {
    state = RUNNING;
    t[LAUNCH_S] = tS;
    t[LAST_SAFE_S] = tS;
    t[ITERATION_END_S] = tS;
    t[ITERATION_START_S] = tS;
    t[PREVIOUS_START_S] = tS;
    computeEndS.fill(tS);
    previousEndS.fill(tS);
    t[NEXT_CHECKPOINT_S] = o.checkpointIntervalS > 0 ? tS + o.checkpointIntervalS : Infinity;
    t[NEXT_FAILURE_S] = o.mtbfS > 0 ? tS + ctx.rng.exponential(o.mtbfS) : Infinity;
  };

  const beginIteration = (tS: number, ctx: WorkloadContext) => {
    t[PREVIOUS_START_S] = t[ITERATION_START_S];
    previousEndS.set(computeEndS);
    t[ITERATION_START_S] = tS;
    let slowestS = 0;
    const straggler = o.stragglerProb > 0 && ctx.rng.uniform() < o.stragglerProb ? ctx.rng.int(o.cohorts) : -1;
    for (let c = 0; c < o.cohorts; c++) {
      let durationS = o.jitterS > 0 ? ctx.rng.normal(t[COMPUTE_S], o.jitterS) : t[COMPUTE_S];
      if (c === straggler) durationS += o.stragglerDelayS;
      if (durationS < 0) durationS = 0;
      computeEndS[c] = tS + durationS;
      if (durationS > slowestS) slowestS = durationS;
    }
    t[ITERATION_END_S] = tS + slowestS + commS;
    iterations++;
  };

  const outputs: WorkloadOutput[] = [
    { name: "running", unit: "bool", description: "1 while the job iterates or checkpoints", value: () => (state === RUNNING || state === CHECKPOINT ? 1 : 0) },
    { name: "iterations", unit: "count", description: "iterations started so far", value: () => iterations },
    { name: "failures", unit: "count", description: "failures so far", value: () => failures },
    { name: "paused", unit: "bool", description: "1 while the job is held idle by a pause (deferral)", value: () => (state === PAUSED ? 1 : 0) },
  ];
  const inputs: WorkloadInput[] = [
    {
      name: "paused",
      unit: "bool",
      description: "1: defer the job (it finishes the iteration in progress, then holds its GPUs idle); 0: run",
      min: 0,
      max: 1,
      initial: 0,
      set: (value) => (pauseWanted = value >= 0.5),
    },
  ];

  return {
    id: o.id,
    cohortCount: o.cohorts,
    outputs,
    inputs,
    kpis: () => [
      { name: `${o.id}_iterations`, value: iterations, unit: "count" },
      { name: `${o.id}_failures`, value: failures, unit: "count" },
      { name: `${o.id}_checkpoints`, value: checkpoints, unit: "count" },
      { name: `${o.id}_lost_work`, value: t[LOST_WORK_S], unit: "s" },
      // Only for a job that was deferred: a run without pauses keeps its KPI rows as they were.
      ...(pauses > 0
        ? [
            { name: `${o.id}_pauses`, value: pauses, unit: "count" },
            { name: `${o.id}_paused_time`, value: t[PAUSED_S], unit: "s" },
          ]
        : []),
    ],
    setPowerLimitFrac(frac: number) {
      if (!(frac > 0) || frac === t[CAP_FRAC]) return;
      t[CAP_FRAC] = frac;
      t[COMPUTE_S] = frac >= 1 ? nominalComputeS : nominalComputeS * Math.pow(1 / frac, CAP_STRETCH_EXPONENT);
    },
    step(k: number, tS: number, utilFrac: Float64Array, ctx: WorkloadContext): void {
      const dtS = ctx.dtS;
      if (state === WAITING && tS >= o.startS - EPS_S) {
        launch(tS, ctx);
        ctx.event("job_start", 0, o.id);
      }
      if (tS >= o.stopS - EPS_S && state !== STOPPED) {
        state = STOPPED;
        ctx.event("job_end", iterations, o.id);
      }
      if ((state === RUNNING || state === CHECKPOINT) && tS >= t[NEXT_FAILURE_S] - EPS_S) {
        state = FAILED;
        failures++;
        t[LOST_WORK_S] += tS - t[LAST_SAFE_S];
        t[RESTART_AT_S] = tS + o.restartS;
        ctx.event("job_failure", tS - t[LAST_SAFE_S], o.id);
      }
      if (state === FAILED && tS >= t[RESTART_AT_S] - EPS_S) {
        launch(tS, ctx);
        ctx.event("job_restart", failures, o.id);
      }
      if (state === PAUSED) {
        if (!pauseWanted) {
          // Resume: warm up again, as after a launch. The failure clock stood still while idle;
          // a checkpoint that fell due meanwhile is taken once, at the first iteration end.
          state = RUNNING;
          t[NEXT_FAILURE_S] += tS - t[PAUSE_START_S];
          if (t[NEXT_CHECKPOINT_S] < tS) t[NEXT_CHECKPOINT_S] = tS + 0.5 * dtS;
          t[LAUNCH_S] = tS;
          t[ITERATION_END_S] = tS;
          ctx.event("job_resume", tS - t[PAUSE_START_S], o.id);
        } else {
          t[PAUSED_S] += dtS;
        }
      }
      if (state === CHECKPOINT && tS >= t[CHECKPOINT_END_S] - EPS_S) {
        state = RUNNING;
        t[LAST_SAFE_S] = tS;
        t[ITERATION_END_S] = tS;
        ctx.event("checkpoint_end", checkpoints, o.id);
      }
      // The next iteration (or a checkpoint) begins when this one ends, possibly inside this tick.
      if (state === RUNNING && t[ITERATION_END_S] < tS + dtS - EPS_S) {
        if (pauseWanted) {
          state = PAUSED;
          pauses++;
          t[PAUSE_START_S] = Math.max(t[ITERATION_END_S], tS);
          ctx.event("job_pause", iterations, o.id);
        } else if (t[ITERATION_END_S] >= t[NEXT_CHECKPOINT_S] - EPS_S) {
          state = CHECKPOINT;
          checkpoints++;
          t[CHECKPOINT_END_S] = Math.max(t[ITERATION_END_S], tS) + o.checkpointS;
          t[NEXT_CHECKPOINT_S] += o.checkpointIntervalS;
          ctx.event("checkpoint_start", checkpoints, o.id);
        } else {
          beginIteration(Math.max(t[ITERATION_END_S], tS), ctx);
        }
      }
      const base = o.cohortOffset;
      if (state !== RUNNING) {
        for (let c = 0; c < o.cohorts; c++) utilFrac[base + c] = 0;
        return;
      }
      const ramp = o.startRampS > 0 && tS - t[LAUNCH_S] < o.startRampS ? (tS - t[LAUNCH_S]) / o.startRampS : 1;
      const comm = o.commUtilFrac;
      const tickEndS = tS + dtS;
      const currentFromS = t[ITERATION_START_S] > tS ? t[ITERATION_START_S] : tS;
      const previousFromS = t[PREVIOUS_START_S] > tS ? t[PREVIOUS_START_S] : tS;
      for (let c = 0; c < o.cohorts; c++) {
        // Share of this tick spent computing (this iteration and the tail of the previous one);
        // snapped near 0 and 1 so float noise in k × dt never shows.
        const currentS = (computeEndS[c]! < tickEndS ? computeEndS[c]! : tickEndS) - currentFromS;
        const previousS = (previousEndS[c]! < tickEndS ? previousEndS[c]! : tickEndS) - previousFromS;
        let share = ((currentS > 0 ? currentS : 0) + (previousS > 0 ? previousS : 0)) / dtS;
        share = share <= 1e-9 ? 0 : share >= 1 - 1e-9 ? 1 : share;
        utilFrac[base + c] = ramp * (comm + (1 - comm) * share);
      }
    },
  };
}
