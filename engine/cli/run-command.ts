import { mkdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname } from "node:path";
import type { Argv } from "yargs";
import { UserError } from "../../models/lib/errors.js";
import { planOf } from "../batch/sweep.js";
import { runBatch } from "../pool/run-batch.js";
import { inputLimits } from "../scenario/input-limits.js";
import { loadScenario } from "../scenario/load-scenario.js";
import { createArrowSink } from "../sinks/arrow-sink.js";
import { createDuckDbSink, rowGroupSizeFor } from "../sinks/duckdb-sink.js";
import { fanOut } from "../sinks/fan-out.js";
import type { Sink } from "../sinks/sink.js";
import { SIMULATION_TABLES } from "../simulation.js";
import { formatKpiTable } from "./format.js";
import { formatRows, openReadOnly } from "./query-command.js";
import { limitArg, maxTicksOption } from "./limit-options.js";
import { createProgress } from "./progress.js";
import { ENGINE_VERSION } from "./version.js";
import { startLiveView, type LiveView } from "./live-view.js";

/**
 * Ticks from which `dctwin run` simulates on a worker thread while this thread writes the results,
 * on a machine with two or more cores. The worker costs ~0.1 s to start, so short runs stay
 * in-process. Measured (2 cores): the 1 h hall 0.73 s in-process against 0.83 s with a worker;
 * the 24 h hall day 5.8 s against 4.45 s. 262,144 ticks is four site_series chunks, ~3 h at 40 ms.
 */
const WORKER_MIN_TICKS = 262_144;

export const runCommand = {
  command: "run <scenario>",
  describe: "run one scenario, write DuckDB (and optionally Arrow) results, print a KPI summary",
  builder: (y: Argv) =>
    y
      .positional("scenario", { type: "string", describe: "scenario file (YAML or JSON)", demandOption: true })
      .option("out", { type: "string", describe: "DuckDB file to write (default results/<name>.duckdb)" })
      .option("arrow", { type: "string", describe: "also write Arrow IPC files under this directory" })
      .option("seed", { type: "number", describe: "override the scenario's seed" })
      .option("run-id", { type: "string", describe: "run id (default: the scenario name)" })
      .option("max-ticks", maxTicksOption)
      .option("baseline", {
        type: "boolean",
        default: false,
        describe: "also run the baseline: the scenario without its job scheduler (every job starts at its earliest start), same seed, as run <id>-baseline; print the jobs side by side",
      })
      .option("simulate-external", { type: "boolean", default: false, describe: "simulate components the scenario marks external (real devices in `dctwin hil`): the twin run to compare a HIL run with" })
      .option("live", { type: "boolean", default: false, describe: "serve a live view of the run (the report's charts, updating as it goes) on 127.0.0.1; it stays up after the run until Ctrl-C" })
      .option("live-wait", { type: "boolean", default: false, describe: "with --live: start the run only once the live page is open" })
      .option("live-port", { type: "number", default: 0, describe: "port of the live view (default 0: any free port; the address is printed)" })
      .option("threads", {
        type: "number",
        describe: `1: simulate and write on one thread; 2: simulate on a worker thread while this one writes (default: 2 for runs of ${WORKER_MIN_TICKS.toLocaleString("en")} ticks or more on a machine with 2+ cores)`,
      }),
  handler: async (argv: { scenario: string; out?: string; arrow?: string; seed?: number; runId?: string; threads?: number; simulateExternal?: boolean; maxTicks?: number; baseline?: boolean; live: boolean; livePort: number; liveWait: boolean }) => {
    if (argv.threads !== undefined && argv.threads !== 1 && argv.threads !== 2) throw new UserError(`--threads: got ${argv.threads}, expected 1 or 2`);
    if (argv.liveWait && !argv.live) throw new UserError("--live-wait: needs --live");
    if (!(Number.isInteger(argv.livePort) && argv.livePort >= 0 && argv.livePort <= 65_535)) throw new UserError(`--live-port: got ${argv.livePort}, expected a port from 0 to 65535`);
    const scenario = loadScenario(argv.scenario, inputLimits({ maxTicks: limitArg("--max-ticks", argv.maxTicks) }));
    if (argv.seed !== undefined) {
      if (!Number.isInteger(argv.seed) || argv.seed < 0) throw new UserError(`--seed: got ${argv.seed}, expected a whole number ≥ 0`);
      scenario.seed = argv.seed;
    }
    if (argv.simulateExternal) for (const b of scenario.storage?.batteries ?? []) b.external = false;
    const runId = argv.runId ?? scenario.name;
    const plans = [planOf(scenario, runId)];
    if (argv.baseline) {
      if (scenario.jobs.length === 0) throw new UserError(`--baseline: ${argv.scenario} has no jobs to compare`);
      const baseline = structuredClone(scenario);
      baseline.controllers = baseline.controllers.filter((c) => c.kind !== "carbon-aware-scheduler");
      plans.unshift(planOf(baseline, `${runId}-baseline`));
    }
    const out = argv.out ?? `results/${scenario.name}.duckdb`;
    mkdirSync(dirname(out), { recursive: true });
    const sinks: Sink[] = [createDuckDbSink(out, { rowGroupSize: rowGroupSizeFor([scenario.ticks]) })];
    if (argv.arrow !== undefined) sinks.push(createArrowSink(argv.arrow));
    let live: LiveView | undefined;
    let sink = fanOut(sinks);
    /** With --live, Ctrl-C ends the run as without it (exit 130), or, after the run, stops the live view. */
    let runFinished = false;
    let stopLive: () => void = () => undefined;
    const liveStopped = new Promise<void>((resolve) => (stopLive = resolve));
    if (argv.live) {
      // Listening from the start: a signal that came between the last line and a later listen would kill the process.
      process.on("SIGINT", () => (runFinished ? stopLive() : process.exit(130)));
      live = await startLiveView(scenario, runId, sink, argv.livePort);
      sink = live.sink;
      process.stderr.write(`live view: ${live.url}\n`);
      if (argv.liveWait) {
        process.stderr.write(`waiting for the page to open\n`);
        await live.connected;
      }
    }
    await sink.open(SIMULATION_TABLES);
    const nowMs = () => performance.now();
    const progress = createProgress(process.stderr, scenario.name, nowMs);
    let result;
    try {
      result = await runBatch(plans, sink, {
        threads: argv.threads ?? (availableParallelism() > 1 && (scenario.ticks >= WORKER_MIN_TICKS || plans.length > 1) ? 2 : 1),
        nowMs,
        isoNow: () => new Date().toISOString(),
        engineVersion: ENGINE_VERSION,
        nodeVersion: process.version,
        scenarioName: argv.scenario,
        onProgress: (p) => progress.update(p.simulatedS, p.totalSimulatedS),
      });
    } finally {
      progress.done();
      await sink.close();
    }
    runFinished = true;
    if (result.storageFailure !== undefined) {
      await live?.close();
      throw result.storageFailure.error;
    }
    // With --baseline the baseline run comes first; this run is the one named runId.
    const outcome = result.outcomes.find((o) => o.plan.runId === runId)!;
    live?.done({ ticks: scenario.ticks, wallS: outcome.wallS, out, kpis: outcome.kpis, ...(outcome.status === "failed" ? { error: outcome.error } : {}) });
    const failed = result.outcomes.find((o) => o.status === "failed");
    if (failed !== undefined) {
      await live?.close();
      throw new UserError(`run ${failed.plan.runId} failed: ${failed.error}`);
    }
    const simS = scenario.horizonS;
    console.log(`${scenario.name}: ${scenario.ticks.toLocaleString("en")} ticks of ${scenario.dtS * 1000} ms (${simS} s simulated) in ${outcome.wallS.toFixed(2)} s wall (${(simS / outcome.wallS).toFixed(0)}× real time)`);
    console.log(formatKpiTable(outcome.kpis));
    if (argv.baseline) await printJobComparison(out, runId);
    console.log(`results: ${out}${argv.arrow !== undefined ? ` and ${argv.arrow}/` : ""} (run_id '${runId}'${argv.baseline ? ` and '${runId}-baseline'` : ""})`);
    if (live !== undefined) {
      process.stderr.write(`live view: still at ${live.url} (the finished run); Ctrl-C to stop\n`);
      await liveStopped;
      await live.close();
    }
  },
};

/** The jobs of a run next to its baseline (reports/job-scheduling-comparison.sql, this run's rows). */
async function printJobComparison(path: string, runId: string): Promise<void> {
  const sql = readFileSync(new URL("../../../reports/job-scheduling-comparison.sql", import.meta.url), "utf8").replace(/;\s*$/, "");
  const db = await openReadOnly(path, 0);
  const con = await db.connect();
  try {
    const result = await con.runAndReadAll(`SELECT * EXCLUDE (run_id) FROM (${sql}) WHERE run_id = $1`, [runId]);
    console.log(`\njobs: scheduled (${runId}) against the baseline (${runId}-baseline, every job at its earliest start, same seed)`);
    console.log(formatRows(result.columnNames(), result.getRows()));
  } finally {
    con.closeSync();
    db.closeSync();
  }
}
