import { mkdirSync, writeFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { fromScenario } from "../../../engine/scenario/from-scenario.js";
import { loadScenario } from "../../../engine/scenario/load-scenario.js";
import { createSimulation } from "../../../engine/simulation.js";
import type { Chunk } from "../../../engine/sinks/sink.js";
import { UserError } from "../../../models/lib/errors.js";
import { tempDir } from "../../helpers.js";
import { issuesOf } from "../scenario/scenario-issues.js";

/** Four NVL72 racks on static prices and carbon; jobs as given. */
const hall = (jobs: unknown[], extra: Record<string, unknown> = {}) => ({
  name: "jobs",
  seed: 2,
  dt: "40ms",
  horizon: "1h",
  hall: { rows: 1, racksPerRow: 4, rackPreset: "nvl72-liquid" },
  startTime: "2020-01-15T00:00:00Z",
  signals: { port: { marketPeriod: "30min", price: { kind: "static", values: [100, 50] }, carbon: { kind: "static", values: [200, 100] } } },
  jobs,
  ...extra,
});

function runAll(data: unknown) {
  const sim = createSimulation(fromScenario(data, "t"), "r");
  const chunks: Chunk[] = [];
  while (!sim.done) chunks.push(...sim.advance());
  const table = (name: string) => chunks.find((c) => c.table === name)!;
  return { sim, chunks, table, kpi: (name: string) => sim.kpis().find((x) => x.name === name)?.value };
}

test("without a scheduler every job starts at its earliest start and completes when its work is done", () => {
  const { table, kpi } = runAll(
    hall([
      { id: "train", kind: "training", gpus: 144, work: 36, earliestStart: "5min", deadline: "1h", checkpointInterval: 0 },
      { id: "batch", kind: "data-processing", racks: "A4", work: 18, deadline: "20min", util: "60%" },
    ]),
  );
  const states = table("job_states");
  const rows = Array.from({ length: states.length }, (_, i) => `${(states.columns[0] as Float64Array)[i]} ${(states.columns[1] as string[])[i]} ${(states.columns[2] as string[])[i]}`);
  assert.equal(rows.slice(0, 2), ["0 batch running", "300 train running"]);
  const jobs = table("jobs");
  const col = (name: string) => jobs.columns[["job", "kind", "urgency", "gpus", "racks", "work_gpu_h", "earliest_start_s", "deadline_s", "carbon_cap_g_per_kwh", "max_price_per_mwh", "state", "first_start_s", "completed_s", "run_s", "progress_gpu_h", "energy_wh", "energy_cost", "carbon_kg", "cost_per_gpu_h", "inferences", "cost_per_inference", "deadline_missed", "lateness_s"].indexOf(name)]!;
  assert.equal(col("racks"), ["A1,A2", "A4"], "gpus 144 → the first two free racks");
  assert.equal(Array.from(col("first_start_s") as Float64Array), [300, 0]);
  assert.equal(col("state"), ["completed", "completed"]);
  // Data processing: 18 GPU-h on 72 GPUs = 15 min exactly; training: 36 GPU-h on 144 GPUs = 15 min of nominal iterations, plus its 10-s start ramp.
  assert.ok(Math.abs((col("completed_s") as Float64Array)[1]! - 900) < 0.041, `${(col("completed_s") as Float64Array)[1]}`);
  const trainRun = (col("run_s") as Float64Array)[0]!;
  assert.ok(trainRun >= 900 && trainRun < 930, `train ran ${trainRun} s`);
  // Energy × the static price and carbon of the period (100 GBP/MWh, 200 g/kWh in the first half hour).
  const wh = (col("energy_wh") as Float64Array)[1]!;
  assert.ok(Math.abs((col("energy_cost") as Float64Array)[1]! - (wh / 1e6) * 100) < 1e-9);
  assert.ok(Math.abs((col("carbon_kg") as Float64Array)[1]! - (wh / 1e3) * 0.2) < 1e-9);
  assert.is(kpi("jobs_completed"), 2);
  assert.is(kpi("jobs_deadline_missed"), 0);
});

test("a job that cannot finish by its deadline is counted as missed", () => {
  const { table, kpi } = runAll(hall([{ id: "big", kind: "training", gpus: 72, work: 72, deadline: "30min" }]));
  assert.is(kpi("jobs_deadline_missed"), 1);
  assert.equal(Array.from(table("jobs").columns[21] as Int32Array), [1]);
  const events = table("events");
  assert.ok((events.columns[2] as string[]).includes("deadline_missed"));
});

test("signalling: a pause, a throttle and a resume reach the job's GPUs within 500 ms; a run before the earliest start is refused", () => {
  const sim = createSimulation(fromScenario(hall([{ id: "job", kind: "training", racks: "A1", work: 500, earliestStart: "2min", deadline: "1h", checkpointInterval: 0 }]), "t"), "r");
  const port = sim.port;
  const command = port.setpoint("job.job.command");
  const throttle = port.setpoint("job.job.throttleFrac");
  const power = port.measurement("gpu.job.powerW");
  const idle = port.measurement("gpu.idle-nvl72-liquid.powerW"); // the racks no job uses
  const limitW = port.points.find((x) => x.name === "gpu.job.capW")!.max!;
  const state = port.measurement("job.job.state");
  const to = (tS: number) => sim.advanceBy(Math.round(tS / 0.04) - sim.k);
  to(60);
  port.write(command, 1); // before the earliest start
  to(61);
  assert.is(port.read(state), 0, "still pending");
  to(300);
  assert.is(port.read(state), 2, "running from its earliest start");
  // Mean power over an iteration (1.2 s) while running, then the pause.
  let sum = 0;
  for (let i = 0; i < 30; i++) {
    to(300 + 0.04 * (i + 1));
    sum += port.read(power);
  }
  const runningW = sum / 30;
  port.write(command, 0);
  to(301.2 + 0.48); // 480 ms later
  assert.ok(Math.abs(port.read(power) - port.read(idle)) < 0.5, `paused: ${port.read(power)} W per GPU, idle ${port.read(idle)} W`);
  assert.is(port.read(state), 1, "queued (paused)");
  port.write(command, 1);
  port.write(throttle, 0.6);
  to(302 + 0.48);
  assert.is(port.read(state), 2);
  // Over the next iterations the throttled GPUs stay near 60 % of the limit (onset overshoots may pass it, as measured).
  let maxW = 0;
  for (let i = 0; i < 60; i++) {
    to(303 + 0.04 * i);
    maxW = Math.max(maxW, port.read(power));
  }
  assert.ok(maxW > 0.5 * limitW && maxW <= 0.6 * limitW * 1.26, `throttled peak ${maxW} W of ${limitW} W`);
  assert.ok(runningW > port.read(idle) + 0.3 * (limitW - port.read(idle)), `running ${runningW} W`);
});

test("an announced job: its power profile is on the port from `announce` before its earliest start, not before", () => {
  const sim = createSimulation(fromScenario(hall([{ id: "big", kind: "training", racks: "A1-A2", work: 144, earliestStart: "40min", deadline: "1h", announce: "30min" }]), "t"), "r");
  const port = sim.port;
  const h = (name: string) => port.measurement(`job.big.${name}`);
  const to = (tS: number) => sim.advanceBy(Math.round(tS / 0.04) - sim.k);
  to(9 * 60);
  assert.is(port.quality(h("announcedPeakW")), 2, "not yet announced: quality error");
  assert.ok(Number.isNaN(port.read(h("announcedPeakW"))));
  to(10 * 60 + 1);
  assert.is(port.quality(h("announcedPeakW")), 0);
  assert.is(port.read(h("announcedStartS")), 2400);
  assert.is(port.read(h("announcedDurationS")), 3600, "144 GPU-h on 144 GPUs");
  assert.is(port.read(h("announcedFlexibility")), 1, "normal");
  const peakW = port.read(h("announcedPeakW"));
  const baselineW = port.read(h("announcedBaselineW"));
  assert.ok(peakW > 2 * baselineW, `peak ${peakW} W, baseline ${baselineW} W`);
  assert.ok(Math.abs(port.read(h("announcedRampWps")) - port.read(h("powerW")) / 10) < 1e-6, "the running mean reached over the 10-s start ramp");
  // The racks idle before the start: the announced baseline is their GPUs and fans (PSU input adds the PSU loss).
  const idleGpuW = port.read(port.measurement("gpu.big.powerW")) * 144;
  assert.ok(baselineW > idleGpuW, `${baselineW} vs the GPUs' ${idleGpuW} W`);
});

test("bad job fields get errors naming the field", () => {
  const paths = (jobs: unknown[], extra: Record<string, unknown> = {}) => issuesOf(hall(jobs, extra)).map((i) => `${i.path}: ${i.expected}`);
  const has = (found: string[], path: string, text: string) => assert.ok(found.some((f) => f.startsWith(`${path}:`) && f.includes(text)), `${path} "${text}" in ${JSON.stringify(found)}`);
  const found = paths([
    { id: "a", kind: "training", racks: "A1", gpus: 72, work: 10, deadline: "1h" },
    { id: "b", kind: "training", work: 10, deadline: "1h" },
    { id: "c", kind: "training", gpus: 100, work: 10, deadline: "1h" },
    { id: "d", kind: "training", gpus: 720, work: 10, deadline: "1h" },
    { id: "e", kind: "training", racks: "A2", work: 10, earliestStart: "2h", deadline: "1h" },
    { id: "f", kind: "cooking", racks: "A3", work: 10, deadline: "1h" },
    { id: "g", kind: "training", racks: "A3", deadline: "1h" },
    { id: "h", kind: "training", racks: "A4", work: -1, deadline: "1h", urgency: "asap", carbonCap: 0 },
    { id: "w", kind: "training", racks: "A3", work: 1, deadline: "1h" },
  ], { workloads: [{ kind: "steady", id: "w", racks: "A3" }] });
  has(found, "jobs[0].racks", "either racks or gpus");
  has(found, "jobs[1].racks", "either racks or gpus");
  has(found, "jobs[2].gpus", "a multiple of 72");
  has(found, "jobs[3].gpus", "at most");
  has(found, "jobs[4].deadline", "a time after earliestStart");
  has(found, "jobs[5].kind", "training");
  has(found, "jobs[6].work", "");
  has(found, "jobs[7].work", "");
  has(found, "jobs[7].urgency", "urgent");
  has(found, "jobs[7].carbonCap", "");
  has(found, "jobs[8].id", "not used by a workload");
  has(found, "jobs[8].racks", "workload \"w\"");
});

test("a job file: read relative to the scenario, validated the same way, its problems named by its path", () => {
  const dir = tempDir();
  try {
    mkdirSync(`${dir.path}/jobs`);
    const scenario = `${dir.path}/s.json`;
    const { jobs: _jobs, ...rest } = hall([]);
    writeFileSync(scenario, JSON.stringify({ ...rest, jobsFile: "jobs/mix.yaml" }));
    writeFileSync(`${dir.path}/jobs/mix.yaml`, "jobs:\n  - { id: ok, kind: training, racks: A1, work: 1, deadline: 1h }\n");
    const s = loadScenario(scenario);
    assert.equal(s.jobs.map((j) => j.id), ["ok"]);
    assert.ok(s.workloads.some((w) => w.id === "ok" && w.kind === "training"), "the job's workload");
    writeFileSync(`${dir.path}/jobs/mix.yaml`, "jobs:\n  - { id: ok, kind: training, racks: A1, work: 1, deadline: 1h }\n  - { id: bad, kind: training, racks: A2, work: 1, deadline: soon }\n");
    try {
      loadScenario(scenario);
      assert.unreachable();
    } catch (error) {
      assert.instance(error, UserError);
      assert.match((error as Error).message, "jobs/mix.yaml: 1 problem");
      assert.match((error as Error).message, "jobs[1].deadline");
    }
    writeFileSync(scenario, JSON.stringify({ ...rest, jobsFile: "jobs/none.yaml" }));
    assert.throws(() => loadScenario(scenario), (e: Error) => e instanceof UserError && e.message.includes("jobsFile") && e.message.includes("readable job file"));
    writeFileSync(scenario, JSON.stringify({ ...rest, jobs: [], jobsFile: "jobs/mix.yaml" }));
    assert.throws(() => loadScenario(scenario), (e: Error) => e instanceof UserError && e.message.includes("either jobs or jobsFile"));
  } finally {
    dir.remove();
  }
});

test.run();
