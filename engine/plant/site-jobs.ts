import { GPU_PRESETS } from "../../models/gpu/gpu-params.js";
import { RACK_PRESETS } from "../../models/hall/rack-presets.js";
import type { KpiRow } from "../kpis/kpi-row.js";
import type { JobSpec, Scenario } from "../scenario/scenario-types.js";
import type { SimPort } from "../sim-port.js";
import type { Chunk } from "../sinks/sink.js";
import type { GridSignals } from "../signals/grid-signals.js";
import { f64ColumnOf, i32ColumnOf } from "../columns.js";
import { QUALITY_ERROR } from "../port.js";
import { JOBS, JOB_STATES } from "../tables.js";
import type { Plant } from "./build-plant.js";

/**
 * The jobs stage (scenario `jobs`): each job's lifecycle, its points on the port, and what it cost.
 *
 * Points, per job `<id>`: measurements `job.<id>.state` (code below), `progressFrac`,
 * `remainingGpuH`, and its constants (`workGpuH`, `gpus`, `earliestStartS`, `deadlineS`,
 * `deferralEndS`, `urgency` 0 flexible / 1 normal / 2 urgent, `carbonCapGPerKWh`, `maxPricePerMWh`
 * (NaN: none), `powerW`: the power it adds when running, estimated from its GPUs and racks);
 * setpoints `job.<id>.command` (0 hold, 1 run, 2 reject, 3 defer for carbon, 4 for price, 5 for
 * grid stress) and `job.<id>.throttleFrac` (its GPU cap as a fraction of the power limit).
 *
 * Announcement (job field `announce`): from `announce` before its earliest start, the job's power
 * profile is on the port, so infrastructure controllers can prepare: `announcedStartS` (its
 * earliest start; once it runs, its first start), `announcedPeakW` (its racks at full compute),
 * `announcedBaselineW` (its racks idle), `announcedRampWps` (baseline → running mean over its start
 * ramp), `announcedDurationS` (work ÷ GPUs at full speed) and `announcedFlexibility` (the urgency
 * code). Before it (or never, without `announce`) they read NaN with quality error.
 *
 * Where it sits in the tick: after the controllers' writes are applied (a command written at tick
 * k acts at tick k plus the controller's actuation latency), before the workloads step: so a pause,
 * resume or throttle reaches the job's GPUs in the same tick (40 ms at the default dt, well within
 * the 500 ms asked of job signalling). `account` runs after the electrical chain.
 *
 * Dispatch: with a job-scheduling controller in the scenario (`controlled`), a job is queued at its
 * earliest start and waits for commands; without one, every job starts at its earliest start (the
 * baseline). A job never runs before its earliest start (a run command before it is refused and
 * recorded); it completes when its progress reaches its work.
 */
export const JOB_STATE_NAMES = ["pending", "queued", "running", "completed", "failed", "deferred_carbon", "deferred_price", "deferred_stress", "rejected"] as const;
const PENDING = 0;
const QUEUED = 1;
const RUNNING = 2;
const COMPLETED = 3;
const FAILED = 4;
const DEFERRED_CARBON = 5;
const REJECTED = 8;
const URGENCY_CODE = { flexible: 0, normal: 1, urgent: 2 } as const;
const EPS_S = 1e-9;

export interface SiteJobs {
  readonly active: boolean;
  /** Lifecycle at tick k (after the controllers' writes are applied). */
  step(k: number, tS: number): void;
  /** Energy, cost and carbon of the running jobs at tick k (after the electrical chain). */
  account(): void;
  /** Publishes the job measurements of tick k (with the rest of the plant's). */
  publish(k: number): void;
  finish(endS: number, out: Chunk[], runId: string): void;
  kpis(): KpiRow[];
}

export function createSiteJobs(
  scenario: Scenario,
  plant: Plant,
  port: SimPort,
  signals: GridSignals,
  controlled: boolean,
  /** The reason of the latest audit decision about `job:<id>` taken at time tS, if any. */
  reasonFor: (subject: string, tS: number) => string | undefined,
  event: (tS: number, source: string, kind: string, value: number, detail: string) => void,
): SiteJobs {
  const specs: JobSpec[] = scenario.jobs ?? [];
  const n = specs.length;
  const inactive: SiteJobs = { active: false, step() {}, account() {}, publish() {}, finish() {}, kpis: () => [] };
  if (n === 0) return inactive;
  const dtS = scenario.dtS;
  const chain = plant.chain;
  const runners = specs.map((j) => plant.jobs.get(j.id)!.runner);
  // Rack classes of each job's racks (racks of a class draw the same power).
  const classes = specs.map((j) => {
    const counts = new Map<number, number>();
    for (const r of plant.jobs.get(j.id)!.rackIndices) counts.set(chain.rackClass[r]!, (counts.get(chain.rackClass[r]!) ?? 0) + 1);
    return { cls: Int32Array.from(counts.keys()), count: Float64Array.from(counts.values()) };
  });
  const state = new Int32Array(n).fill(PENDING);
  const command = new Int32Array(n).fill(-1);
  const applied = new Int32Array(n).fill(-1);
  const firstStartS = new Float64Array(n).fill(Number.NaN);
  const completedS = new Float64Array(n).fill(Number.NaN);
  const energyJ = new Float64Array(n);
  const cost = new Float64Array(n);
  const carbonKg = new Float64Array(n);
  const missed = new Uint8Array(n);
  const changes = { t: [] as number[], job: [] as string[], state: [] as string[], reason: [] as string[] };
  let nowS = 0;

  const setState = (j: number, next: number, fallback: string) => {
    if (state[j] === next) return;
    state[j] = next;
    const id = specs[j]!.id;
    changes.t.push(nowS);
    changes.job.push(id);
    changes.state.push(JOB_STATE_NAMES[next]!);
    changes.reason.push(reasonFor(`job:${id}`, nowS) ?? fallback);
    // A failed job keeps its job time running: the workload restarts itself after restartTime.
    runners[j]!.setRunning(next === RUNNING || next === FAILED);
    if (next === RUNNING && Number.isNaN(firstStartS[j]!)) firstStartS[j] = nowS;
  };

  // Points.
  const h = specs.map((j, i) => {
    const m = (name: string, unit: string, description: string, initial: number) => port.addMeasurement({ name: `job.${j.id}.${name}`, unit, description, initial });
    const rack = RACK_PRESETS[plant.racks[plant.jobs.get(j.id)!.rackIndices[0]!]!.preset]!;
    const gpu = GPU_PRESETS[rack.gpu]!;
    const meanUtil = j.kind === "training" || j.kind === "fine-tuning" ? j.computeFraction + (1 - j.computeFraction) * 0.05 : j.util;
    const racks = plant.jobs.get(j.id)!.rackIndices.length;
    const powerW = j.gpus! * (gpu.fullFrac * gpu.limitW - gpu.idleW) * meanUtil + racks * (rack.otherFullW - rack.otherIdleW) * meanUtil;
    const deferralEndS = j.deferralWindow === undefined ? j.deadline : Math.min(j.deadline, j.earliestStart + j.deferralWindow);
    m("workGpuH", "GPU-h", "work asked for", j.work);
    m("gpus", "count", "GPUs (whole racks)", j.gpus!);
    m("earliestStartS", "s", "earliest start, from startTime", j.earliestStart);
    m("deadlineS", "s", "deadline, from startTime", j.deadline);
    m("deferralEndS", "s", "latest start the deferral window allows (the deadline without one)", deferralEndS);
    m("urgency", "code", "0 flexible (may be paused), 1 normal (start may be deferred), 2 urgent (start at once)", URGENCY_CODE[j.urgency]);
    m("carbonCapGPerKWh", "gCO2/kWh", "carbon cap (NaN: none)", j.carbonCap ?? Number.NaN);
    m("maxPricePerMWh", "currency/MWh", "maximum price (NaN: none)", j.maxPrice ?? Number.NaN);
    m("powerW", "W", "power the job adds when running (estimate: GPUs and rack fans at its mean utilisation, before PSU losses)", powerW);
    // The announced profile (published from the announcement on; NaN with quality error before).
    const idleW = j.gpus! * gpu.idleW + racks * rack.otherIdleW;
    const peakW = j.gpus! * gpu.fullFrac * gpu.limitW + racks * rack.otherFullW;
    const rampS = j.kind === "training" || j.kind === "fine-tuning" ? 10 : dtS; // the job workload's start ramp (engine/scenario/check-jobs.ts)
    const announced = [
      m("announcedStartS", "s", "announced start (the earliest start; once running, the first start)", Number.NaN),
      m("announcedPeakW", "W", "announced peak: its racks at full compute (before PSU losses)", Number.NaN),
      m("announcedBaselineW", "W", "announced baseline: its racks idle", Number.NaN),
      m("announcedRampWps", "W/s", "announced ramp rate from baseline to the running mean at the start", Number.NaN),
      m("announcedDurationS", "s", "announced duration: work ÷ GPUs at full speed", Number.NaN),
      m("announcedFlexibility", "code", "announced flexibility: the urgency code (0 flexible, 1 normal, 2 urgent)", Number.NaN),
    ];
    const profile = [j.earliestStart, peakW, idleW, powerW / rampS, (j.work / j.gpus!) * 3600, URGENCY_CODE[j.urgency]];
    const announceS = j.announce > 0 ? j.earliestStart - j.announce : Infinity;
    const stateH = m("state", "code", `lifecycle state: ${JOB_STATE_NAMES.map((s, c) => `${c} ${s}`).join(", ")}`, PENDING);
    const progressH = m("progressFrac", "fraction", "work done ÷ work", 0);
    const remainingH = m("remainingGpuH", "GPU-h", "work left", j.work);
    port.addSetpoint(
      { name: `job.${j.id}.command`, unit: "code", description: "0 hold (queued, paused if running), 1 run, 2 reject, 3 defer for carbon, 4 defer for price, 5 defer for grid stress", min: 0, max: 5, initial: 0 },
      (value) => (command[i] = Math.round(value)),
    );
    port.addSetpoint(
      { name: `job.${j.id}.throttleFrac`, unit: "fraction", description: "the job's GPU cap as a fraction of the power limit (the lower of this and gpu.<id>.capW applies)", min: 0.2, max: 1, initial: 1 },
      (value) => runners[i]!.setThrottleFrac(value),
    );
    return { stateH, progressH, remainingH, announced, profile, announceS };
  });

  return {
    active: true,
    step(k, tS) {
      nowS = tS;
      for (let j = 0; j < n; j++) {
        const s = state[j]!;
        if (s === COMPLETED || s === REJECTED) continue;
        const spec = specs[j]!;
        if (s === PENDING && tS >= spec.earliestStart - EPS_S) {
          if (controlled) setState(j, QUEUED, "earliest start reached: waiting for the scheduler");
          else setState(j, RUNNING, "earliest start reached: started at once (no scheduler: the baseline)");
        }
        const c = command[j]!;
        if (c >= 0 && c !== applied[j]) {
          applied[j] = c;
          const current = state[j]!;
          if (c === 2) {
            setState(j, REJECTED, "rejected by the scheduler");
          } else if (c === 1) {
            if (current === PENDING) event(tS, spec.id, "job_start_refused", spec.earliestStart, `run command before the earliest start (${spec.earliestStart} s)`);
            else if (current !== RUNNING && current !== FAILED) setState(j, RUNNING, "started by the scheduler");
          } else if (c === 0) {
            if (current !== PENDING) setState(j, QUEUED, current === RUNNING ? "paused by the scheduler" : "held by the scheduler");
          } else {
            const next = DEFERRED_CARBON + (c - 3);
            if (current === PENDING) applied[j] = -1; // acts once the job is queued
            else setState(j, next, `deferred by the scheduler (${JOB_STATE_NAMES[next]})`);
          }
        }
        const runner = runners[j]!;
        if (state[j] === RUNNING && runner.failed) setState(j, FAILED, "the job failed; it restarts from its last checkpoint");
        else if (state[j] === FAILED && !runner.failed) setState(j, RUNNING, "restarted after the failure");
        if (state[j] !== PENDING && runner.progressGpuH >= spec.work - 1e-12) {
          completedS[j] = tS;
          setState(j, COMPLETED, `work done: ${spec.work} GPU-h`);
        }
        if (missed[j] === 0 && tS >= spec.deadline - EPS_S && state[j] !== COMPLETED && state[j] !== REJECTED) {
          missed[j] = 1;
          event(tS, spec.id, "deadline_missed", spec.work - runner.progressGpuH, `${(spec.work - runner.progressGpuH).toFixed(3)} GPU-h of ${spec.work} left at the deadline`);
        }
      }
    },
    account() {
      const price = signals.priceNow;
      const carbon = signals.carbonNow;
      const acW = chain.classAcW;
      for (let j = 0; j < n; j++) {
        if (state[j] !== RUNNING && state[j] !== FAILED) continue;
        const c = classes[j]!;
        let w = 0;
        for (let i = 0; i < c.cls.length; i++) w += c.count[i]! * acW[c.cls[i]!]!;
        const joules = w * dtS;
        energyJ[j] += joules;
        cost[j] += (joules / 3.6e9) * price;
        carbonKg[j] += (joules / 3.6e6) * carbon * 1e-3;
      }
    },
    publish(k) {
      for (let j = 0; j < n; j++) {
        const a = h[j]!;
        if (nowS >= a.announceS - EPS_S) {
          if (!Number.isNaN(firstStartS[j]!)) a.profile[0] = firstStartS[j]!;
          for (let i = 0; i < a.announced.length; i++) port.publish(a.announced[i]!, a.profile[i]!, k);
        } else {
          for (let i = 0; i < a.announced.length; i++) port.publish(a.announced[i]!, Number.NaN, k, QUALITY_ERROR);
        }
        const progress = runners[j]!.progressGpuH;
        const work = specs[j]!.work;
        port.publish(h[j]!.stateH, state[j]!, k);
        port.publish(h[j]!.progressH, Math.min(1, progress / work), k);
        port.publish(h[j]!.remainingH, Math.max(0, work - progress), k);
      }
    },
    finish(endS, out, runId) {
      nowS = endS;
      for (let j = 0; j < n; j++) {
        const spec = specs[j]!;
        if (missed[j] === 0 && state[j] !== COMPLETED && state[j] !== REJECTED && spec.deadline <= endS + EPS_S) missed[j] = 1;
        if (state[j] === COMPLETED && completedS[j]! > spec.deadline + EPS_S) missed[j] = 1;
      }
      out.push({ table: JOB_STATES.name, runId, length: changes.t.length, columns: [f64ColumnOf(changes.t), changes.job, changes.state, changes.reason] });
      const col = (f: (j: number) => number) => f64ColumnOf(specs.map((_, j) => f(j)));
      const progress = (j: number) => runners[j]!.progressGpuH;
      const inferences = (j: number) => (specs[j]!.kind === "inference-batch" ? Math.min(progress(j), specs[j]!.work) * specs[j]!.requestsPerGpuHour : Number.NaN);
      out.push({
        table: JOBS.name,
        runId,
        length: n,
        columns: [
          specs.map((s) => s.id),
          specs.map((s) => s.kind),
          specs.map((s) => s.urgency),
          i32ColumnOf(specs.map((s) => s.gpus!)),
          specs.map((s) => s.racks.join(",")),
          col((j) => specs[j]!.work),
          col((j) => specs[j]!.earliestStart),
          col((j) => specs[j]!.deadline),
          col((j) => specs[j]!.carbonCap ?? Number.NaN),
          col((j) => specs[j]!.maxPrice ?? Number.NaN),
          specs.map((_, j) => JOB_STATE_NAMES[state[j]!]!),
          col((j) => firstStartS[j]!),
          col((j) => completedS[j]!),
          col((j) => runners[j]!.runS),
          col(progress),
          col((j) => energyJ[j]! / 3600),
          col((j) => (signals.hasPrice ? cost[j]! : Number.NaN)),
          col((j) => (signals.hasCarbon ? carbonKg[j]! : Number.NaN)),
          col((j) => (signals.hasPrice && progress(j) > 0 ? cost[j]! / Math.min(progress(j), specs[j]!.work) : Number.NaN)),
          col(inferences),
          col((j) => (signals.hasPrice ? cost[j]! / inferences(j) : Number.NaN)),
          i32ColumnOf(Array.from(missed)),
          col((j) => (completedS[j]! > specs[j]!.deadline + EPS_S ? completedS[j]! - specs[j]!.deadline : Number.NaN)),
        ],
      });
    },
    kpis() {
      const count = (s: number) => Array.from(state).filter((x) => x === s).length;
      const sum = (a: Float64Array) => a.reduce((x, y) => x + y, 0);
      return [
        { name: "jobs", value: n, unit: "count" },
        { name: "jobs_completed", value: count(COMPLETED), unit: "count" },
        { name: "jobs_rejected", value: count(REJECTED), unit: "count" },
        { name: "jobs_deadline_missed", value: missed.reduce((x, y) => x + y, 0), unit: "count" },
        { name: "jobs_energy", value: sum(energyJ) / 3600, unit: "Wh" },
        ...(signals.hasPrice ? [{ name: "jobs_cost", value: sum(cost), unit: signals.currency }] : []),
        ...(signals.hasCarbon ? [{ name: "jobs_carbon", value: sum(carbonKg), unit: "kgCO2" }] : []),
      ];
    },
  };
}
