import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { fromScenario } from "../../engine/scenario/from-scenario.js";
import { createSimulation } from "../../engine/simulation.js";
import type { Chunk } from "../../engine/sinks/sink.js";
import { JOBS } from "../../engine/tables.js";
import { issuesOf } from "../engine/scenario/scenario-issues.js";
import { resultsHash, ROOT, tempDir } from "../helpers.js";

/**
 * Four NVL72 racks (72 GPUs each) on static half-hourly carbon and prices with perfect forecasts,
 * so the best slots are known: carbon 300 g/kWh for the first hour, 100 for the next hour, then
 * 300 again; the price the other way round (50 then 150 then 50).
 */
const hall = (jobs: unknown[], scheduler: Record<string, unknown> = {}, horizon = "8h") => ({
  name: "sched",
  seed: 9,
  dt: "40ms",
  horizon,
  hall: { rows: 1, racksPerRow: 4, rackPreset: "nvl72-liquid" },
  startTime: "2020-01-14T00:00:00Z",
  signals: {
    port: {
      marketPeriod: "30min",
      price: { kind: "static", values: [50, 50, 150, 150, 50, 50, 50, 50], forecast: { mode: "perfect" } },
      carbon: { kind: "static", values: [300, 300, 100, 100, 300, 300, 300, 300], period: "30min", forecast: { mode: "perfect" } },
    },
  },
  outputs: { siteSeries: false, rackSeries: false },
  jobs,
  controllers: [{ kind: "carbon-aware-scheduler", id: "sched", ...scheduler }],
});

function run(data: unknown) {
  const sim = createSimulation(fromScenario(data, "t"), "r");
  const chunks: Chunk[] = [];
  while (!sim.done) chunks.push(...sim.advance());
  const table = (name: string) => chunks.find((c) => c.table === name)!;
  const jobs = table("jobs");
  const job = (id: string) => {
    const row = (jobs.columns[0] as string[]).indexOf(id);
    return Object.fromEntries(JOBS.columns.map((c, i) => [c.name, Array.isArray(jobs.columns[i]) ? (jobs.columns[i] as string[])[row] : (jobs.columns[i] as Float64Array)[row]])) as Record<string, any>;
  };
  const s = table("job_states");
  const states = (id: string) => Array.from({ length: s.length }, (_, i) => i).filter((i) => (s.columns[1] as string[])[i] === id).map((i) => ({ tS: (s.columns[0] as Float64Array)[i]!, state: (s.columns[2] as string[])[i]!, reason: (s.columns[3] as string[])[i]! }));
  const d = table("decisions");
  const decisions = Array.from({ length: d.length }, (_, i) => ({ tS: (d.columns[0] as Float64Array)[i]!, action: (d.columns[2] as string[])[i]!, reason: (d.columns[4] as string[])[i]!, subject: (d.columns[7] as string[])[i]!, constraints: (d.columns[9] as string[])[i]!, alternatives: (d.columns[10] as string[])[i]!, savingKg: (d.columns[12] as Float64Array)[i]! }));
  return { job, states, decisions, kpi: (name: string) => sim.kpis().find((x) => x.name === name)?.value };
}

test("carbon objective: a flexible job waits for the low-carbon hour, never before its earliest start, done by its deadline", () => {
  const { job, states, decisions } = run(hall([{ id: "flex", kind: "data-processing", racks: "A1", work: 36, earliestStart: "10min", deadline: "4h", urgency: "flexible" }]));
  const s = states("flex");
  assert.equal(s[0], { tS: 600, state: "queued", reason: "earliest start reached: waiting for the scheduler" });
  assert.is(s[1]!.state, "deferred_carbon");
  assert.match(s[1]!.reason, "carbon now 300 g/kWh, the carbon plan is better later");
  // 36 GPU-h on 72 GPUs = 30 min (33 min with the 10 % margin): it runs in the 100 g/kWh hour.
  const running = s.filter((x) => x.state === "running");
  assert.ok(running[0]!.tS >= 3600 && running[0]!.tS <= 3600 + 10, `started at ${running[0]!.tS}`);
  const f = job("flex");
  assert.is(f.state, "completed");
  assert.ok(f.completed_s <= 4 * 3600 && f.completed_s < 2 * 3600, `${f.completed_s}`);
  assert.ok(Math.abs(f.carbon_kg / (f.energy_wh / 1e3) - 0.1) < 1e-9, "all of it at 100 g/kWh");
  const defer = decisions.find((d) => d.subject === "job:flex" && d.action === "defer")!;
  const alternatives = JSON.parse(defer.alternatives) as { option: string; carbonKg: number; chosen: boolean }[];
  const now = alternatives.find((a) => a.option === "start now, run through")!;
  const chosen = alternatives.find((a) => a.chosen)!;
  assert.ok(Math.abs(now.carbonKg / chosen.carbonKg - 3) < 1e-9, `start now ${now.carbonKg} kg, the plan ${chosen.carbonKg} kg`);
  assert.ok(Math.abs(defer.savingKg - (now.carbonKg - chosen.carbonKg)) < 1e-9);
  assert.ok(JSON.parse(defer.constraints).some((c: { name: string; ok: boolean }) => c.name === "deadline" && c.ok));
  // Every state change the scheduler caused carries its audit reason.
  for (const change of s.filter((x) => x.state !== "queued" || x.tS > 600)) {
    if (change.state === "completed") continue;
    assert.ok(decisions.some((d) => d.subject === "job:flex" && d.tS === change.tS && d.reason === change.reason), `${change.state} at ${change.tS}: ${change.reason}`);
  }
});

test("cost objective: the same job runs where the price is low instead; a carbon cap defers for carbon whatever the objective", () => {
  const cost = run(hall([{ id: "flex", kind: "data-processing", racks: "A1", work: 36, deadline: "4h", urgency: "flexible" }], { objective: "cost" }));
  const f = cost.job("flex");
  assert.is(f.first_start_s < 3600, true, `cheap first hour: started at ${f.first_start_s}`);
  const capped = run(hall([{ id: "capped", kind: "data-processing", racks: "A1", work: 36, deadline: "4h", urgency: "flexible", carbonCap: 200 }], { objective: "cost" }));
  const s = capped.states("capped");
  assert.is(s[1]!.state, "deferred_carbon");
  assert.match(s[1]!.reason, "above the cap 200");
  assert.ok(capped.job("capped").first_start_s >= 3600);
});

test("a normal job runs in one window and is not paused; an urgent one starts at once; an infeasible one is rejected with the figures", () => {
  const { job, states, kpi } = run(
    hall([
      { id: "normal", kind: "training", racks: "A1", work: 108, deadline: "6h", checkpointInterval: 0 },
      { id: "urgent", kind: "data-processing", racks: "A2", work: 36, deadline: "3h", urgency: "urgent" },
      { id: "tight", kind: "data-processing", racks: "A3", work: 72, earliestStart: "1h", deadline: "90min" },
    ]),
  );
  const normal = states("normal").map((x) => x.state);
  assert.equal(normal.filter((x) => x === "running").length, 1, `ran once: ${normal.join(", ")}`);
  assert.is(job("normal").state, "completed");
  assert.ok(job("normal").completed_s <= 6 * 3600);
  assert.ok(job("urgent").first_start_s <= 10, `urgent started at ${job("urgent").first_start_s}`);
  const tight = states("tight");
  assert.is(tight.at(-1)!.state, "rejected");
  assert.match(tight.at(-1)!.reason, /infeasible: needs 1\.10 h of running \(72\.0 GPU-h on 72 GPUs, margin 0\.1\) but 0\.50 h are left/);
  assert.ok(Number.isNaN(job("tight").first_start_s), "never ran");
  assert.is(kpi("jobs_rejected"), 1);
  assert.is(kpi("jobs_deadline_missed"), 0, "a rejected job is not a missed deadline");
});

test("grid stress above the limit defers for stress; a start beyond the import limit waits for headroom", () => {
  const data = hall([{ id: "flex", kind: "data-processing", racks: "A1", work: 36, deadline: "4h", urgency: "flexible" }], { objective: "cost" }) as Record<string, any>;
  data.signals.port.stress = { kind: "static", values: [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.1], period: "5min" };
  const stressed = run(data);
  const s = stressed.states("flex");
  assert.is(s[1]!.state, "deferred_stress");
  assert.match(s[1]!.reason, "grid stress 0.9 above 0.8");
  assert.ok(stressed.job("flex").first_start_s >= 1800, `started at ${stressed.job("flex").first_start_s} s, once the stress fell (30 min)`);
  const limited = run(hall([{ id: "flex", kind: "data-processing", racks: "A1", work: 36, deadline: "4h", urgency: "urgent" }], { importLimit: "100kW" }, "1h"));
  const w = limited.decisions.find((d) => d.subject === "job:flex")!;
  assert.is(w.action, "wait_headroom");
  assert.match(w.reason, "exceeds the import limit 100000 W");
  assert.ok(Number.isNaN(limited.job("flex").first_start_s), "never started: the hall alone is above 100 kW");
});

test("carbon-aware-scheduler input errors name the field", () => {
  const paths = (data: unknown) => issuesOf(data).map((i) => `${i.path}: ${i.expected}`);
  const noJobs = paths(hall([]));
  assert.ok(noJobs.some((x) => x.startsWith("controllers[0].kind: a scenario with jobs")), JSON.stringify(noJobs));
  const unknown = paths(hall([{ id: "a", kind: "training", racks: "A1", work: 1, deadline: "1h" }], { jobs: ["b"], objective: "speed" }));
  assert.ok(unknown.some((x) => x.startsWith("controllers[0].jobs[0]: a job id (a)")), JSON.stringify(unknown));
  assert.ok(unknown.some((x) => x.startsWith("controllers[0].objective")));
  const { signals: _signals, ...rest } = hall([{ id: "a", kind: "training", racks: "A1", work: 1, deadline: "1h" }]);
  assert.ok(paths(rest).some((x) => x.startsWith("controllers[0].kind: signals.port")));
});

test("dctwin run --baseline: both runs in one file, the jobs side by side, the same on 1 and 2 threads; no jobs → exit 2", async () => {
  const dir = tempDir();
  try {
    const file = `${dir.path}/s.json`;
    writeFileSync(file, JSON.stringify(hall([{ id: "flex", kind: "data-processing", racks: "A1", work: 36, deadline: "4h", urgency: "flexible" }], {}, "3h")));
    const cli = (...args: string[]) => spawnSync(process.execPath, [`${ROOT}dist/engine/cli/main.js`, ...args], { cwd: ROOT, encoding: "utf8" });
    const r = cli("run", file, "--baseline", "--threads", "1", "--out", `${dir.path}/t1.duckdb`);
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, "jobs: scheduled (sched) against the baseline (sched-baseline");
    const row = r.stdout.split("\n").find((line) => line.startsWith("flex "));
    assert.ok(row !== undefined, r.stdout);
    // Baseline at once (0 h), scheduled in the low-carbon hour (1 h).
    assert.match(row!, /flex\s+data-processing\s+flexible\s+completed\s+0\s+1\s/);
    assert.match(r.stdout, "(site total)");
    assert.match(r.stdout, `${dir.path}/t1.duckdb (run_id 'sched' and 'sched-baseline')`);
    // The same results whatever the thread count (both runs on one thread, or one on each of two).
    assert.is(cli("run", file, "--baseline", "--threads", "2", "--out", `${dir.path}/t2.duckdb`).status, 0);
    const [one, two] = await Promise.all([resultsHash(`${dir.path}/t1.duckdb`), resultsHash(`${dir.path}/t2.duckdb`)]);
    assert.equal(two, one);
    assert.ok(one!.decisions !== undefined && one!.jobs !== undefined && one!.job_states !== undefined);
    writeFileSync(file, JSON.stringify({ ...hall([]), controllers: [] }));
    const none = cli("run", file, "--baseline", "--out", `${dir.path}/n.duckdb`);
    assert.is(none.status, 2);
    assert.match(none.stderr, "--baseline: ");
    assert.match(none.stderr, "has no jobs to compare");
  } finally {
    dir.remove();
  }
});

test.run();
