import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ROOT, tempDir } from "../helpers.js";
import { peerMissing, runCli, startPeer } from "../hil/peer.js";

/**
 * Every SQL file in reports/ runs against the smallest results files it needs, built here by the
 * CLI the way each file's comment says (short runs, a 3 s `dctwin hil` against the pymodbus
 * battery), and returns rows, including the ones its fixture names (both sides of a comparison).
 * The files are listed at run time: a new report without a fixture below fails this test until
 * it gets one.
 *
 * Each query runs as `dctwin query` would from the repository root: with the working directory
 * at a folder holding `results/...` (heat-reuse-comparison.sql attaches
 * 'results/heat-reuse-without.duckdb' itself), the main file opened READ_ONLY, every statement of
 * the file in order.
 */
const missing = peerMissing();
if (missing !== undefined) throw new Error(`reports-sql needs the Modbus peer for the hil_* tables: ${missing}`);

interface Fixture {
  /** The file the query runs on (":memory:" when it only reads attached files). */
  open: string;
  /** Files attached READ_ONLY under these names before the query runs. */
  attach?: Record<string, string>;
  /** What the rows must show beyond being there: a column and the values it must hold. */
  shows?: [column: string, values: unknown[]];
}

const HIL = "results/hil.duckdb";
const ISLAND = "results/island.duckdb";
const CLOSED_LOOP = (leg: string) => `results/closed-loop/${leg}.duckdb`;
const FIXTURES: Record<string, Fixture> = {
  // hil/closed-loop.ts attaches its four legs' files; here four copies of one short twin run.
  "closed-loop.sql": {
    open: ":memory:",
    attach: Object.fromEntries(["inproc", "tcp", "rtu", "realtime"].map((leg) => [leg, CLOSED_LOOP(leg)])),
    shows: ["name", ["pcc_energy", "battery_bess1_discharged_energy"]],
  },
  "heat-reuse-comparison.sql": { open: "results/heat-reuse-with.duckdb", shows: ["reuse", ["with", "without"]] },
  "job-announcement.sql": { open: "results/job-announcement.duckdb", shows: ["run_id", ["job-announcement-0", "job-announcement-1"]] },
  "hil-timing.sql": { open: HIL, shows: ["run_id", ["hil-battery-smoothing-hil"]] },
  "hil-vs-twin.sql": { open: HIL, shows: ["side", ["hil", "twin"]] },
  // Any results with site_series / kpis: the HIL file has two runs (the device's and the twin's).
  "market-powercap-comparison.sql": { open: "results/powercap.duckdb", shows: ["run_id", ["market-powercap-day", "market-powercap-day-uncapped"]] },
  "job-scheduling-comparison.sql": { open: "results/scheduler.duckdb", shows: ["job", ["(site total)", "pretrain-flex", "eval-urgent"]] },
  "scheduler-carbon-cap.sql": { open: "results/scheduler-carbon-cap.duckdb", shows: ["carbon_cap_g_per_kwh", [1000, 160]] },
  "peak-ramp-by-run.sql": { open: HIL, shows: ["run_id", ["hil-battery-smoothing", "hil-battery-smoothing-hil"]] },
  "smoothing-comparison.sql": { open: HIL, shows: ["run_id", ["hil-battery-smoothing", "hil-battery-smoothing-hil"]] },
  "storage-comparison.sql": { open: HIL, shows: ["run_id", ["hil-battery-smoothing", "hil-battery-smoothing-hil"]] },
  // The queries behind `dctwin report` (engine/report/), run with their variables' defaults.
  "report-runs.sql": { open: HIL, shows: ["has_storage", [true]] },
  "power-envelope.sql": { open: HIL, shows: ["run_id", ["hil-battery-smoothing", "hil-battery-smoothing-hil"]] },
  "ramp-distribution.sql": { open: HIL, shows: ["window_name", ["tick", "1 s"]] },
  "pcc-series.sql": { open: HIL, shows: ["run_id", ["hil-battery-smoothing", "hil-battery-smoothing-hil"]] },
  "storage-envelope.sql": { open: HIL, shows: ["battery", [0]] },
  "kpi-table.sql": { open: HIL, shows: ["name", ["pcc_energy"]] },
  "timeline.sql": { open: ISLAND, shows: ["category", ["event", "decision"]] },
  "grid-limits.sql": { open: HIL, shows: ["kind", ["import-capacity", "ramp", "swing"]] },
  "frequency-envelope.sql": { open: ISLAND, shows: ["run_id", ["island"]] },
  "thermal-overview.sql": { open: "results/heat-reuse-with.duckdb", shows: ["run_id", ["winter"]] },
  "rack-heatmap.sql": { open: "results/heat-reuse-with.duckdb", shows: ["row_id", ["A", "F"]] },
  "heat-reuse-overview.sql": { open: "results/heat-reuse-with.duckdb", shows: ["run_id", ["winter"]] },
};

const dir = tempDir("dctwin-reports-");
test.after(() => dir.remove());
const at = (path: string) => join(dir.path, path);

/** Runs the CLI to its end and fails on a non-zero exit. */
async function dctwin(args: string[]): Promise<void> {
  const r = await runCli(args);
  if (r.code !== 0) throw new Error(`dctwin ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
}

/** A copy of a shipped scenario in the fixture folder, its top-level horizon cut to `horizon`. */
function shortened(name: string, horizon: string): string {
  const path = at(`${name}.yaml`);
  const text = readFileSync(join(ROOT, "scenarios", `${name}.yaml`), "utf8");
  assert.match(text, /^horizon: .*$/m, `${name} has a top-level horizon line`);
  writeFileSync(path, text.replace(/^horizon: .*$/m, `horizon: ${horizon}`));
  return path;
}

/** The twin run, copied to the closed-loop legs, then the HIL run next to it in results/hil.duckdb. */
async function hilResults(): Promise<void> {
  mkdirSync(at("results/closed-loop"), { recursive: true });
  await dctwin(["run", shortened("hil-battery-smoothing", "20s"), "--simulate-external", "--out", at(CLOSED_LOOP("inproc"))]);
  for (const leg of ["tcp", "rtu", "realtime"]) copyFileSync(at(CLOSED_LOOP("inproc")), at(CLOSED_LOOP(leg)));
  copyFileSync(at(CLOSED_LOOP("inproc")), at(HIL));
  const peer = await startPeer(["--tcp", "127.0.0.1:0"]);
  try {
    await dctwin([
      "hil", join(ROOT, "scenarios/hil-battery-smoothing.yaml"),
      "--device", `bess1=tcp://127.0.0.1:${peer.port}`, "--profile", `bess1=${join(ROOT, "hil/profiles/sunspec-battery.yaml")}`,
      "--duration", "3s", "--arm", "--out", at(HIL),
    ]);
  } finally {
    await peer.stop();
  }
}

/** One winter day's pair (without and with heat reuse) under one run id, as the report's comment runs them. */
async function heatReuseResults(): Promise<void> {
  mkdirSync(at("results"), { recursive: true });
  await dctwin(["run", shortened("cooling-hall-winter-24h", "2min"), "--run-id", "winter", "--out", at("results/heat-reuse-without.duckdb")]);
  await dctwin(["run", shortened("cooling-hall-winter-24h-heat-reuse", "2min"), "--run-id", "winter", "--out", at("results/heat-reuse-with.duckdb")]);
}

/** Both market-powercap days, 40 minutes (three 15-min periods), into one file as the report's comment runs them. */
async function powercapResults(): Promise<void> {
  mkdirSync(at("results"), { recursive: true });
  for (const name of ["market-powercap-day-uncapped", "market-powercap-day"]) await dctwin(["run", shortened(name, "40min"), "--out", at("results/powercap.duckdb")]);
}

/**
 * The 48-h scheduling scenario cut to 2 h (its job file beside it) with --baseline, and its carbon-cap
 * sweep over that copy, as the reports' comments run them.
 */
async function schedulerResults(): Promise<void> {
  mkdirSync(at("results"), { recursive: true });
  mkdirSync(at("jobs"), { recursive: true });
  copyFileSync(join(ROOT, "scenarios/jobs/gb-48h-mix.yaml"), at("jobs/gb-48h-mix.yaml"));
  const scenario = shortened("scheduler-gb-48h", "2h");
  await dctwin(["run", scenario, "--baseline", "--out", at("results/scheduler.duckdb")]);
  mkdirSync(at("sweeps"), { recursive: true });
  writeFileSync(at("sweeps/scheduler-carbon-cap.yaml"), readFileSync(join(ROOT, "scenarios/sweeps/scheduler-carbon-cap.yaml"), "utf8"));
  await dctwin(["batch", at("sweeps/scheduler-carbon-cap.yaml"), "--threads", "1", "--out", at("results/scheduler-carbon-cap.duckdb")]);
}

/** The job-announcement sweep as its report's comment runs it (full length: the report reads the start at 60 min). */
async function jobAnnouncementResults(): Promise<void> {
  mkdirSync(at("results"), { recursive: true });
  mkdirSync(at("sweeps"), { recursive: true });
  writeFileSync(at("job-announcement.yaml"), readFileSync(join(ROOT, "scenarios/job-announcement.yaml"), "utf8"));
  writeFileSync(at("sweeps/job-announcement.yaml"), readFileSync(join(ROOT, "scenarios/sweeps/job-announcement.yaml"), "utf8"));
  await dctwin(["batch", at("sweeps/job-announcement.yaml"), "--threads", "1", "--out", at("results/job-announcement.duckdb")]);
}

/** The weak-island hall with its battery (grid frequency, ramp violations, decisions); 6 min: its generator trips at 5 min. */
async function islandResults(): Promise<void> {
  mkdirSync(at("results"), { recursive: true });
  await dctwin(["run", shortened("grid-weak-island-bess", "6min"), "--run-id", "island", "--out", at(ISLAND)]);
}

/** Runs every statement of `sql` in order on `fixture`, from `cwd`; returns the last statement's rows. */
async function runReport(sql: string, fixture: Fixture, cwd: string): Promise<Record<string, unknown>[]> {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const previous = process.cwd();
  process.chdir(cwd);
  const db = fixture.open === ":memory:" ? await DuckDBInstance.create(":memory:") : await DuckDBInstance.create(fixture.open, { access_mode: "READ_ONLY" });
  const con = await db.connect();
  try {
    for (const [name, file] of Object.entries(fixture.attach ?? {})) await con.run(`ATTACH '${file}' AS ${name} (READ_ONLY)`);
    const statements = await con.extractStatements(sql);
    assert.ok(statements.count > 0, "the file holds a statement");
    let rows: Record<string, unknown>[] = [];
    // Prepared one at a time: a statement may name what an earlier one attached.
    for (let i = 0; i < statements.count; i++) rows = (await (await statements.prepare(i)).runAndReadAll()).getRowObjectsJS() as Record<string, unknown>[];
    return rows;
  } finally {
    con.closeSync();
    db.closeSync();
    process.chdir(previous);
  }
}

test("every reports/*.sql has a fixture, runs every statement without an error, and returns rows", async () => {
  const reports = readdirSync(join(ROOT, "reports")).filter((f) => f.endsWith(".sql")).sort();
  assert.ok(reports.length >= 7, `${reports.length} reports found`);
  const without = reports.filter((f) => FIXTURES[f] === undefined);
  assert.equal(without, [], "reports without a fixture in test/reports/reports-sql.test.ts");

  await Promise.all([hilResults(), heatReuseResults(), powercapResults(), schedulerResults(), jobAnnouncementResults(), islandResults()]);

  const failures: string[] = [];
  for (const report of reports) {
    try {
      const fixture = FIXTURES[report]!;
      const rows = await runReport(readFileSync(join(ROOT, "reports", report), "utf8"), fixture, dir.path);
      if (rows.length === 0) failures.push(`${report}: no rows`);
      if (fixture.shows !== undefined) {
        const [column, values] = fixture.shows;
        const got = new Set(rows.map((row) => row[column]));
        const absent = values.filter((value) => !got.has(value));
        if (absent.length > 0) failures.push(`${report}: no row with ${column} ${absent.join(", ")} (got ${[...got].join(", ")})`);
      }
    } catch (error) {
      failures.push(`${report}: ${(error as Error).message}`);
    }
  }
  assert.equal(failures, []);
});

test.run();
