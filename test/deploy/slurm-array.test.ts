/**
 * deploy/slurm/dctwin-batch.sbatch on a real Slurm cluster of one node, this machine, started by
 * deploy/slurm/local-cluster.sh from Debian's slurm-wlm and munge. The test runs the README's
 * scale-out commands as written there (a job array of 4 tasks over
 * scenarios/sweeps/cluster-check.yaml, a wait, `dctwin merge`), and between the submission and
 * the wait kills every task with scancel once its first run is done, in the middle of its second
 * (a 2-hour run). Half the killed tasks are requeued (`scontrol requeuehold`, so that merging can
 * be tried first and is refused, naming the missing shards; then `scontrol release`), the other
 * half submitted again with their indices; each resumes (--resume skips the run it had finished).
 * The merged file then equals the single-process batch of the sweep table for table, row for row,
 * with each run once and one site_series row per tick.
 *
 * Needs root and the two packages; without them the test is skipped with the reason printed,
 * except under CI (CI=true), where .ci/run installs them and a skip would hide a broken set-up.
 * The daemons are stopped afterwards unless they were running before (or DCTWIN_KEEP_SLURM=1).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ROOT, tempDir } from "../helpers.js";
import { duplicateProblems, resultsDiff } from "./results-diff.js";

const SWEEP = "scenarios/sweeps/cluster-check.yaml";
const START = "deploy/slurm/local-cluster.sh start";
const STOP = "deploy/slurm/local-cluster.sh stop";
const TASKS = 4;

function sh(script: string) {
  return spawnSync("bash", ["-c", script], { cwd: ROOT, encoding: "utf8", timeout: 240_000 });
}

function missingRequirement(): string | undefined {
  if (process.getuid?.() !== 0) return "not root (the local cluster writes /etc/slurm/slurm.conf and starts daemons)";
  const missing = ["munged", "slurmctld", "slurmd", "sbatch", "squeue", "scontrol", "scancel"].filter((p) => sh(`command -v ${p}`).status !== 0);
  if (missing.length > 0) return `${missing.join(", ")} not installed (apt-get install slurm-wlm munge)`;
  return undefined;
}

const skip = missingRequirement();
const dir = tempDir("dctwin-slurm-");
let startedHere = false;
let single = "";

/** The README's scale-out block (the sh block that submits dctwin-batch.sbatch). */
function readmeBlock(): string[] {
  const blocks = [...readFileSync(`${ROOT}README.md`, "utf8").matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const block = blocks.find((b) => b.includes("deploy/slurm/dctwin-batch.sbatch"));
  assert.ok(block, "README.md has an sh block that submits deploy/slurm/dctwin-batch.sbatch");
  return block.trimEnd().replace(/\\\n\s*/g, "").split("\n");
}

/** Array task `task` of `job` as `scontrol show job` says: JobState, Restarts. */
function taskState(job: string, task: number): { state: string; restarts: number } {
  const text = sh(`scontrol show job ${job}_${task}`).stdout;
  return { state: /JobState=(\S+)/.exec(text)?.[1] ?? "gone", restarts: Number(/Restarts=(\d+)/.exec(text)?.[1] ?? NaN) };
}

/** Waits until none of `jobs` is in the queue (pending, running or completing). */
async function waitForJobs(jobs: string[], what: string): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (sh(`squeue -h -j ${jobs.join(",")}`).stdout.trim() !== "") {
    if (Date.now() > deadline) assert.unreachable(`${what}: still queued after 180 s:\n${sh(`squeue -j ${jobs.join(",")}; sinfo`).stdout}`);
    await sleep(200);
  }
}

const read = (path: string) => (existsSync(path) ? readFileSync(path, "utf8") : "");
const finishedRuns = (log: string) => (log.match(/^run \S+ ok/gm) ?? []).length;
const cli = (...args: string[]) => spawnSync(process.execPath, ["dist/engine/cli/main.js", ...args], { cwd: ROOT, encoding: "utf8" });

test.before(() => {
  if (skip !== undefined) return;
  startedHere = sh("deploy/slurm/local-cluster.sh status").status !== 0;
  const start = sh(START);
  assert.is(start.status, 0, `${START}:\n${start.stdout}${start.stderr}`);
  const batch = cli("batch", SWEEP, "--threads", "1", "--out", (single = `${dir.path}/single.duckdb`));
  assert.is(batch.status, 0, batch.stderr);
});

test.after(() => {
  if (skip === undefined && startedHere && process.env.DCTWIN_KEEP_SLURM !== "1") {
    const stop = sh(STOP);
    if (stop.status !== 0) console.error(`${STOP}: ${stop.stderr}`);
  }
  dir.remove();
});

test("Slurm is there to test (CI installs slurm-wlm and munge and runs as root)", () => {
  if (skip === undefined) return;
  if (process.env.CI === "true") assert.unreachable(`under CI the Slurm tests must run: ${skip}`);
  console.log(`  skipped the Slurm tests: ${skip}`);
});

test("local-cluster.sh says what is missing and how to install it, with exit 1; start again leaves the running daemons alone", () => {
  // A PATH with nothing but `id` and `hostname`: Slurm and munge look uninstalled.
  const bin = `${dir.path}/bin`;
  mkdirSync(bin);
  for (const program of ["id", "hostname"]) symlinkSync(sh(`command -v ${program}`).stdout.trim(), `${bin}/${program}`);
  const bare = spawnSync("/bin/bash", ["deploy/slurm/local-cluster.sh", "start"], { cwd: ROOT, encoding: "utf8", env: { PATH: bin } });
  assert.is(bare.status, 1);
  assert.is(
    bare.stderr,
    process.getuid?.() === 0
      ? "local-cluster: missing munged munge unmunge slurmctld slurmd sinfo scontrol sbatch: install Debian's packages with: apt-get install slurm-wlm munge\n"
      : "local-cluster: run as root: it writes /etc/slurm/slurm.conf and /etc/munge/munge.key and starts munged, slurmctld and slurmd\n",
  );
  if (skip !== undefined) return;
  const again = sh(START);
  assert.is(again.status, 0, again.stderr);
  assert.match(again.stdout, /^local-cluster: node \S+ is idle\n$/, "nothing written, nothing started");
});

test("the README's scale-out commands as written there, with tasks killed by scancel mid-run (requeued, or submitted again): every table equal to the single-process batch, no run lost or twice", async () => {
  const lines = readmeBlock();
  assert.is(lines[0], START);
  assert.is(lines.at(-1), STOP);
  const [mkdir, submit, wait, merge, ...rest] = lines.slice(1, -1).map((line) => line.replace(/\bresults\b/g, `${dir.path}/readme`));
  assert.equal(rest, []);
  assert.match(mkdir!, /^mkdir -p /);
  assert.match(submit!, /^JOB=\$\(SWEEP=\S+ OUT_DIR=\S+ SHARDS=4 sbatch .*--array=0-3 .*deploy\/slurm\/dctwin-batch\.sbatch\)$/);
  assert.match(wait!, /^while squeue /);
  assert.match(merge!, /^node dist\/engine\/cli\/main\.js merge /);
  if (skip !== undefined) return;

  const submitted = sh(`set -euo pipefail\n${mkdir}\n${submit}\necho "$JOB"`);
  assert.is(submitted.status, 0, submitted.stderr);
  const job = submitted.stdout.trim();
  const logOf = (j: string, task: number) => `${dir.path}/readme/slurm-${j}_${task}.out`;
  // Each task does a 1-minute run, then a 2-hour one: kill every task once its first run is done,
  // so each kill lands in the middle of the second run unless the machine outruns scancel.
  const killedAfter = new Map<number, number>();
  const deadline = Date.now() + 180_000;
  while (killedAfter.size < TASKS && sh(`squeue -h -j ${job}`).stdout.trim() !== "") {
    assert.ok(Date.now() < deadline, `still running after 180 s:\n${sh(`squeue -j ${job}`).stdout}`);
    for (let task = 0; task < TASKS; task++) {
      if (killedAfter.has(task) || finishedRuns(read(logOf(job, task))) !== 1) continue;
      sh(`scancel ${job}_${task}`); // fails harmlessly if the task has just finished
      killedAfter.set(task, 1);
    }
    await sleep(20);
  }
  await waitForJobs([job], "the array"); // every killed task's processes are gone
  // What each kill left: a task cancelled in its second run has one run done and no partition.
  const cancelled = [...killedAfter.keys()].filter((task) => taskState(job, task).state === "CANCELLED");
  const midRun = (task: number) => finishedRuns(read(logOf(job, task))) === 1 && !read(logOf(job, task)).includes("partition:");
  for (const task of cancelled) assert.match(read(logOf(job, task)), /CANCELLED/);
  // Bring them back, mid-run kills first, alternately the two ways: requeue, and a new submission of the index.
  const order = [...cancelled.filter(midRun), ...cancelled.filter((task) => !midRun(task))];
  const requeued = order.filter((_, i) => i % 2 === 0);
  const resubmitted = order.filter((_, i) => i % 2 === 1);
  assert.ok(requeued.some(midRun) && resubmitted.some(midRun), `at least two tasks killed mid-run (cancelled: ${cancelled.join(", ")}; mid-run: ${cancelled.filter(midRun).join(", ")}); the runs after the first may be too short for this machine`);
  const finishedBefore = new Map(cancelled.map((task) => [task, finishedRuns(read(logOf(job, task)))]));

  // Requeued held, so that merging can be tried while those shards are certainly missing.
  for (const task of requeued) {
    const requeue = sh(`scontrol requeuehold ${job}_${task}`);
    assert.is(requeue.status, 0, requeue.stderr);
  }
  const again = sh(submit!.replace(/^JOB=\$\((.*)\)$/, "$1").replace("--array=0-3", `--array=${resubmitted.join(",")}`));
  assert.is(again.status, 0, again.stderr);
  const job2 = again.stdout.trim();
  await waitForJobs([job2], "the tasks submitted again");
  const early = cli("merge", `${dir.path}/readme/shards`, "--out", `${dir.path}/early.duckdb`);
  assert.is(early.status, 2, "merging before the killed shards are done is refused");
  assert.match(early.stderr, `missing shard partitions: ${[...requeued].sort().map((task) => `cluster-check ${task}-of-4`).join(", ")} (a task that failed or has not finished)`);
  assert.not.ok(existsSync(`${dir.path}/early.duckdb`));
  for (const task of requeued) assert.is(sh(`scontrol release ${job}_${task}`).status, 0);
  const finish = sh(`set -euo pipefail\nJOB=${job}\n${wait}\n${merge}`);
  assert.is(finish.status, 0, finish.stderr);
  assert.match(finish.stdout, "merged 8 run(s)");
  const resumed = [...requeued.map((task) => ({ task, j: job })), ...resubmitted.map((task) => ({ task, j: job2 }))];
  for (const { task, j } of resumed) {
    const done = finishedBefore.get(task)!;
    assert.equal(taskState(j, task), { state: "COMPLETED", restarts: j === job ? 1 : 0 }, `task ${task}`);
    const log = read(logOf(j, task));
    assert.match(log, `cluster-check: ${2 - done} run(s) on 1 thread(s), ${done} already done (resume)`);
    assert.match(log, `partition: ${dir.path}/readme/shards/<table>/batch=cluster-check/shard=${task}-of-4/`);
  }

  const merged = `${dir.path}/readme/cluster-check.duckdb`;
  assert.equal(await duplicateProblems(merged), []);
  const { differences, rows } = await resultsDiff(merged, single);
  assert.equal(differences, []);
  assert.is(rows.runs, 8);
  assert.is(rows.site_series, 4 * 1_500 + 4 * 180_000, "one row per tick: 4 runs of 1 min and 4 of 2 h at 40 ms");
  assert.ok(rows.rack_series! > 0 && rows.kpis! > 0 && rows.events! > 0, JSON.stringify(rows));
});

test("stop stops the three daemons: the cluster no longer answers", () => {
  if (skip !== undefined || !startedHere || process.env.DCTWIN_KEEP_SLURM === "1") return;
  const stop = sh(STOP);
  assert.is(stop.status, 0, stop.stderr);
  assert.match(stop.stdout, /stopped slurmd .*\n.*stopped slurmctld .*\n.*stopped munged/);
  assert.is(sh("deploy/slurm/local-cluster.sh status").status, 3);
  startedHere = false;
});

test.run();
