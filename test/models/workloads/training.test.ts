import { test } from "uvu";
import * as assert from "uvu/assert";
import { createRng } from "../../../models/lib/rng.js";
import { CAP_STRETCH_EXPONENT, createTrainingJob, type TrainingOptions } from "../../../models/workloads/training.js";

const base: TrainingOptions = {
  id: "job",
  cohortOffset: 0,
  cohorts: 4,
  startS: 0,
  stopS: Infinity,
  iterationS: 1.2,
  computeFrac: 0.7,
  commUtilFrac: 0,
  checkpointIntervalS: 0,
  checkpointS: 0,
  startRampS: 0,
  jitterS: 0,
  stragglerProb: 0,
  stragglerDelayS: 0,
  mtbfS: 0,
  restartS: 0,
};

function run(options: Partial<TrainingOptions>, seconds: number, dtS = 0.04, seed = 1) {
  const job = createTrainingJob({ ...base, ...options });
  const util = new Float64Array(job.cohortCount);
  const ticks = Math.round(seconds / dtS);
  const trace = Array.from({ length: job.cohortCount }, () => new Float64Array(ticks));
  const events: { tS: number; kind: string; value: number }[] = [];
  let nowS = 0;
  const ctx = { dtS, rng: createRng(seed, "r", "job"), event: (kind: string, value: number) => events.push({ tS: nowS, kind, value }) };
  for (let k = 0; k < ticks; k++) {
    nowS = k * dtS;
    job.step(k, nowS, util, ctx);
    for (let c = 0; c < job.cohortCount; c++) trace[c]![k] = util[c]!;
  }
  return { job, trace, events };
}

test("step() without jitter: 21 ticks of compute then 9 of communication per 1.2 s iteration", () => {
  const { trace, job } = run({}, 12);
  const c0 = trace[0]!;
  for (let k = 0; k < 300; k++) {
    const phaseTick = k % 30;
    assert.is(c0[k], phaseTick < 21 ? 1 : 0, `tick ${k}`);
  }
  assert.is(job.kpis!().find((x) => x.name === "job_iterations")?.value, 10);
});

test("step() with jitter: rises are synchronous, falls are spread, iterations wait for the slowest", () => {
  const { trace } = run({ jitterS: 0.03, cohorts: 8 }, 60);
  let spreadFalls = 0;
  const ticks = trace[0]!.length;
  for (let k = 1; k < ticks; k++) {
    const rising = trace.map((c) => c[k - 1]! < 0.5 && c[k]! >= 0.99);
    if (rising.some(Boolean)) assert.ok(rising.every(Boolean), `all cohorts rise together at tick ${k}`);
    const values = trace.map((c) => c[k]!);
    if (Math.max(...values) - Math.min(...values) > 0.2) spreadFalls++;
  }
  assert.ok(spreadFalls > 10, `falls spread across cohorts (${spreadFalls} ticks)`);
});

test("step() holds every GPU idle through a checkpoint and logs its start and end", () => {
  const { trace, events } = run({ checkpointIntervalS: 30, checkpointS: 6 }, 60);
  const starts = events.filter((e) => e.kind === "checkpoint_start");
  const ends = events.filter((e) => e.kind === "checkpoint_end");
  assert.is(starts.length, 1);
  assert.is(ends.length, 1);
  const k0 = Math.round(starts[0]!.tS / 0.04);
  const k1 = Math.round(ends[0]!.tS / 0.04);
  assert.ok(Math.abs((k1 - k0) * 0.04 - 6) < 1e-9, "checkpoint lasts 6 s");
  for (let k = k0; k < k1; k++) for (const c of trace) assert.is(c[k], 0);
});

test("step() with failures drops to idle, restarts after restartS and counts lost work", () => {
  const { events, trace, job } = run({ mtbfS: 20, restartS: 5, checkpointIntervalS: 10, checkpointS: 1 }, 300);
  const failures = events.filter((e) => e.kind === "job_failure");
  const restarts = events.filter((e) => e.kind === "job_restart");
  assert.ok(failures.length >= 5, `failures: ${failures.length}`);
  for (let i = 0; i < restarts.length; i++) {
    assert.ok(Math.abs(restarts[i]!.tS - failures[i]!.tS - 5) < 0.04 + 1e-9, "restart after 5 s");
    const k = Math.round(failures[i]!.tS / 0.04);
    for (const c of trace) assert.is(c[k], 0, "idle from the failure tick");
  }
  const lost = job.kpis!().find((x) => x.name === "job_lost_work")!.value;
  assert.ok(Math.abs(lost - failures.reduce((s, e) => s + e.value, 0)) < 1e-9);
  assert.ok(failures.every((e) => e.value <= 10 + 1.2 + 1e-9), "lost work bounded by the checkpoint interval");
});

test("step() ramps utilisation in over startRampS and stops at stopS", () => {
  const { trace, events } = run({ startRampS: 4, startS: 1, stopS: 20, commUtilFrac: 0.1 }, 24);
  const c0 = trace[0]!;
  assert.is(c0[Math.round(0.5 / 0.04)], 0, "before start");
  assert.ok(c0[Math.round(2 / 0.04)]! < 0.3, "early in the ramp");
  assert.is(c0[Math.round(12 / 0.04) + 1], 1, "full after the ramp");
  assert.is(c0[Math.round(21 / 0.04)], 0, "after stop");
  assert.equal(events.map((e) => e.kind), ["job_start", "job_end"]);
});

test("same seed gives identical utilisation; another seed differs", () => {
  const a = run({ jitterS: 0.02, stragglerProb: 0.1 }, 30, 0.04, 5).trace;
  const b = run({ jitterS: 0.02, stragglerProb: 0.1 }, 30, 0.04, 5).trace;
  const c = run({ jitterS: 0.02, stragglerProb: 0.1 }, 30, 0.04, 6).trace;
  assert.equal(a, b);
  assert.not.equal(a, c);
});

test("pause (deferral): the iteration in progress finishes, the GPUs idle, nothing is lost; resume warms up and takes one due checkpoint", () => {
  const dtS = 0.04;
  const job = createTrainingJob({ ...base, startRampS: 2, checkpointIntervalS: 30, checkpointS: 5 });
  const pause = job.inputs!.find((x) => x.name === "paused")!;
  const util = new Float64Array(job.cohortCount);
  const events: { tS: number; kind: string; value: number }[] = [];
  let nowS = 0;
  const ctx = { dtS, rng: createRng(1, "r", "job"), event: (kind: string, value: number) => events.push({ tS: nowS, kind, value }) };
  const trace: number[] = [];
  for (let k = 0; k < Math.round(130 / dtS); k++) {
    nowS = k * dtS;
    if (k === Math.round(10.5 / dtS)) pause.set(1); // mid-iteration (iterations start every 1.2 s)
    if (k === Math.round(100 / dtS)) pause.set(0); // 60 s of checkpoint clock passed meanwhile
    job.step(k, nowS, util, ctx);
    trace.push(util[0]!);
  }
  const at = (tS: number) => trace[Math.round(tS / dtS)]!;
  const paused = events.find((e) => e.kind === "job_pause")!;
  assert.ok(Math.abs(paused.tS - 10.8) < 1e-6, `paused at the end of the iteration in progress: ${paused.tS}`);
  assert.is(at(11), 0);
  assert.is(at(99), 0);
  const resumed = events.find((e) => e.kind === "job_resume")!;
  assert.ok(Math.abs(resumed.tS - 100) < 1e-6 && Math.abs(resumed.value - 89.2) < 1e-6, `held ${resumed.value} s`);
  assert.ok(at(100.5) > 0 && at(100.5) < 0.5, "warming up (2 s start ramp)");
  // The checkpoint due at 30 s is taken once after the resume, then every 30 s again.
  const checkpoints = events.filter((e) => e.kind === "checkpoint_start").map((e) => e.tS);
  assert.equal(checkpoints.filter((t) => t > 100 && t < 102).length, 1, `checkpoints ${checkpoints}`);
  assert.is(checkpoints.filter((t) => t > 102 && t < 130).length, 0);
  const kpi = (name: string) => job.kpis!().find((x) => x.name === `job_${name}`)!.value;
  assert.is(kpi("pauses"), 1);
  assert.ok(Math.abs(kpi("paused_time") - 89.2) < 0.05, `paused_time ${kpi("paused_time")}`);
  assert.is(kpi("lost_work"), 0);
});

test("a power cap stretches compute: a 70 % cap ×1.30 (the H100 derating), communication unchanged, the limit restores it", () => {
  assert.ok(Math.abs(Math.pow(1 / 0.7, CAP_STRETCH_EXPONENT) - 1.3) < 1e-12);
  const iterationsIn = (frac: number, seconds: number) => {
    const job = createTrainingJob(base);
    job.setPowerLimitFrac!(frac);
    const util = new Float64Array(job.cohortCount);
    const ctx = { dtS: 0.04, rng: createRng(1, "r", "job"), event: () => {} };
    let computeTicks = 0;
    const ticks = Math.round(seconds / 0.04);
    for (let k = 0; k < ticks; k++) {
      job.step(k, k * 0.04, util, ctx);
      computeTicks += util[0]!;
    }
    const n = job.kpis!().find((x) => x.name === "job_iterations")!.value;
    return { n, computeShare: computeTicks / ticks };
  };
  const full = iterationsIn(1, 600);
  const capped = iterationsIn(0.7, 600);
  // 1.2 s → 0.84 × 1.3 + 0.36 = 1.452 s per iteration.
  assert.ok(Math.abs(full.n - 600 / 1.2) <= 1, `${full.n}`);
  assert.ok(Math.abs(capped.n - 600 / 1.452) <= 1, `${capped.n}`);
  assert.ok(Math.abs(capped.computeShare - 1.092 / 1.452) < 0.01, `${capped.computeShare}`);
  assert.ok(Math.abs(iterationsIn(1.2, 600).n - full.n) <= 0, "a cap at or above the limit does not slow");
});

test.run();
