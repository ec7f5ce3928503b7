/** Jobs of the scenario format (see scenario-spec.ts, docs/audit.md#jobs). */
import { list, num, obj, oneOf, quantity, str, strings } from "./spec.js";
import { ID } from "./spec-ids.js";

export const JOB_KINDS = ["training", "fine-tuning", "inference-batch", "data-processing"] as const;

export const job = obj(
  {
    id: str("unique job id (not shared with a workload); names its GPU group gpu.<id>.* and its points job.<id>.*", ID),
    kind: oneOf(JOB_KINDS, "training and fine-tuning run as a synchronous training workload; inference-batch and data-processing as a steady load at util"),
    racks: strings('racks the job runs on ("all", "C7", "row:C", "A1-B12", or a list); or give gpus instead'),
    gpus: num("GPUs the job needs: whole racks are given to it from the racks no workload or earlier job uses, in row-major order (or give racks)", { integer: true, min: 1 }),
    work: num("work in GPU-hours at full speed (a training job's progress counts its iterations at the nominal iteration period)", { min: 0.001 }),
    earliestStart: quantity("duration", "earliest start, from startTime (data ready)", { min: 0, default: 0 }),
    deadline: quantity("duration", "time by which the work must be done, from startTime", { above: 0 }),
    deferralWindow: quantity("duration", "how long after earliestStart the start may be deferred (omit: as long as the deadline allows)", { min: 0 }),
    urgency: oneOf(["urgent", "normal", "flexible"], "urgent: started at earliestStart, never deferred; normal: the start may be deferred, then it runs to the end; flexible: may also be paused and resumed", "normal"),
    carbonCap: num("highest grid carbon intensity the job should run at, gCO2/kWh (omit: none)", { min: 1 }),
    maxPrice: num("highest energy price the job should run at, in the price's currency per MWh (omit: none)"),
    announce: quantity("duration", "announce the job this long before its earliest start: its power profile (job.<id>.announced*) is on the port from then on (0: not announced)", { min: 0, default: 0 }),
    iterationPeriod: quantity("duration", "training, fine-tuning: nominal iteration period", { above: 0, default: "1.2s" }),
    computeFraction: quantity("fraction", "training, fine-tuning: share of the iteration spent in compute", { min: 0.01, max: 1, default: 0.7 }),
    checkpointInterval: quantity("duration", "training, fine-tuning: time between checkpoints (0: none)", { min: 0, default: "30min" }),
    checkpointDuration: quantity("duration", "training, fine-tuning: how long a checkpoint holds the GPUs idle", { min: 0, default: "20s" }),
    mtbf: quantity("duration", "training, fine-tuning: mean running time between failures (0: never fails); a failed job restarts from its last checkpoint after 5 min", { min: 0, default: 0 }),
    util: quantity("fraction", "inference-batch, data-processing: GPU utilisation while running", { above: 0, max: 1, default: 0.8 }),
    requestsPerGpuHour: num("inference-batch: requests served per GPU-hour of work (for the cost per inference)", { min: 1, default: 20_000 }),
  },
  "a job: work with an earliest start, a deadline and caps, run on its own racks",
  ["id", "kind", "work", "deadline"],
);

export const jobs = list(job, "jobs with deadlines and caps, run on their own racks (or a jobsFile); without a carbon-aware-scheduler every job starts at its earliest start", { default: [] });
export const jobsFile = str("a YAML or JSON file (relative to this one) holding `jobs:` (a list as in `jobs`), instead of listing them here");
