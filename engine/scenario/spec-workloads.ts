/** Workloads of the scenario format (see scenario-spec.ts). */
import { num, obj, oneOf, quantity, str, union } from "./spec.js";
import { ID, racks } from "./spec-ids.js";

const training = obj(
  {
    id: str("unique workload id; also names its GPU group for controllers", ID),
    racks,
    start: quantity("duration", "when the job starts", { min: 0, default: 0 }),
    stop: quantity("duration", "when the job ends (omit: runs to the horizon)", { min: 0 }),
    iterationPeriod: quantity("duration", "nominal iteration period (compute + communication)", { above: 0, default: "1.2s" }),
    computeFraction: quantity("fraction", "share of the iteration spent in compute", { min: 0.01, max: 1, default: 0.7 }),
    commUtil: quantity("fraction", "GPU utilisation during communication (all-reduce waits: near 0)", { min: 0, max: 1, default: 0.05 }),
    checkpointInterval: quantity("duration", "time between checkpoints (0: none)", { min: 0, default: "15min" }),
    checkpointDuration: quantity("duration", "how long a checkpoint holds the GPUs idle", { min: 0, default: "20s" }),
    startRamp: quantity("duration", "time from launch to full synchronous load (utilisation ramps up)", { min: 0, default: "10s" }),
    jitter: quantity("duration", "standard deviation of per-node compute time per iteration", { min: 0, default: "10ms" }),
    jitterCohorts: num("node groups used to represent per-node jitter (each steps as one)", { integer: true, min: 1, max: 64, default: 8 }),
    stragglerProbability: quantity("fraction", "chance per iteration that one node group straggles", { min: 0, max: 1, default: 0 }),
    stragglerDelay: quantity("duration", "extra compute time of a straggler", { min: 0, default: "200ms" }),
    mtbf: quantity("duration", "mean time between job failures (0: never fails)", { min: 0, default: 0 }),
    restartTime: quantity("duration", "time from a failure until the job restarts", { min: 0, default: "5min" }),
  },
  "a synchronous training job: all its GPUs compute, then communicate, in lock-step",
  ["id"],
);

const inference = obj(
  {
    id: str("unique workload id", ID),
    racks,
    source: oneOf(["azure-conv", "azure-code", "diurnal"], "request source: the Azure LLM trace (conversation or code) or a diurnal rate", "azure-conv"),
    rateScale: quantity("fraction", "multiplier on the trace's request rate", { min: 0, default: 1 }),
    meanRequestsPerS: num("diurnal source: mean requests per second", { min: 0, default: 5 }),
    peakToTrough: num("diurnal source: ratio of peak to trough rate", { min: 1, default: 3 }),
    peakHour: quantity("duration", "diurnal source: time of day of the peak", { min: 0, max: 86400, default: "14h" }),
    contextTokensMean: num("diurnal source: mean prompt tokens per request", { min: 0, default: 1000 }),
    generatedTokensMean: num("diurnal source: mean generated tokens per request", { min: 0, default: 250 }),
    prefillTokensPerSPerGpu: num("prefill capacity of one GPU at full load, tokens/s", { min: 1 }),
    decodeTokensPerSPerGpu: num("decode capacity of one GPU at full load, tokens/s", { min: 1 }),
    minUtil: quantity("fraction", "utilisation of a loaded but idle server", { min: 0, max: 1, default: 0.05 }),
    replicas: num("replica groups (cohorts) sharing the load", { integer: true, min: 1, max: 64, default: 4 }),
  },
  "an LLM inference service driven by request arrivals",
  ["id"],
);

const dutyCycle = obj(
  {
    id: str("unique workload id", ID),
    racks,
    start: quantity("duration", "when the duty cycle starts", { min: 0, default: 0 }),
    period: quantity("duration", "cycle period", { above: 0, default: "2s" }),
    duty: quantity("fraction", "share of the period at the high level", { min: 0, max: 1, default: 0.5 }),
    high: quantity("fraction", "utilisation at the high level", { min: 0, max: 1, default: 1 }),
    low: quantity("fraction", "utilisation at the low level", { min: 0, max: 1, default: 0 }),
    phaseOffsetPerRack: quantity("duration", "phase delay added per rack, in selection order", { min: 0, default: 0 }),
  },
  "a synthetic square wave of utilisation, for validation",
  ["id"],
);

const steady = obj(
  {
    id: str("unique workload id", ID),
    racks,
    util: quantity("fraction", "constant utilisation", { min: 0, max: 1, default: 0.5 }),
  },
  "a constant load",
  ["id"],
);

export const workload = union({ training, inference, "duty-cycle": dutyCycle, steady }, "a workload placed on racks");
