import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { Argv } from "yargs";
import { loadSweep } from "../batch/load-sweep.js";
import { expandSweep, shardOf, type RunPlan } from "../batch/sweep.js";
import { UserError } from "../../models/lib/errors.js";
import { runBatch, type BatchProgress } from "../pool/run-batch.js";
import { SIMULATION_TABLES } from "../simulation.js";
import { createArrowSink } from "../sinks/arrow-sink.js";
import { StorageError } from "../sinks/storage-error.js";
import { createDuckDbSink, rowGroupSizeFor } from "../sinks/duckdb-sink.js";
import { fanOut } from "../sinks/fan-out.js";
import { exportPartitions } from "../sinks/parquet-partitions.js";
import type { Sink } from "../sinks/sink.js";
import { INPUT_LIMITS, inputLimits } from "../scenario/input-limits.js";
import { formatBatchSummary } from "./batch-summary.js";
import { limitArg, maxTicksOption } from "./limit-options.js";
import { formatDuration } from "./format.js";
import { formatRows } from "./query-command.js";
import { ENGINE_VERSION } from "./version.js";

/** Exit code when the batch finished but some runs failed. */
export const EXIT_SOME_RUNS_FAILED = 3;
/** Exit code after Ctrl-C (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;

interface BatchArgs {
  sweep: string;
  threads?: number;
  out?: string;
  arrow?: string;
  resume: boolean;
  dryRun: boolean;
  shard?: string;
  outDir?: string;
  maxRuns?: number;
  maxTicks?: number;
}

/** Parses `--shard i/N` (0 ≤ i < N). */
export function fromShard(text: string): { shard: number; shards: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const shard = match ? Number(match[1]) : NaN;
  const shards = match ? Number(match[2]) : NaN;
  if (!match || shards < 1 || shard >= shards) throw new UserError(`--shard: got "${text}", expected i/N with 0 ≤ i < N, e.g. 0/4 (Slurm: $SLURM_ARRAY_TASK_ID/N)`);
  return { shard, shards };
}

export const batchCommand = {
  command: "batch <sweep>",
  describe: "run every run of a sweep on worker threads into one DuckDB file (or, with --shard, one partition)",
  builder: (y: Argv) =>
    y
      .positional("sweep", { type: "string", describe: "sweep file (YAML or JSON)", demandOption: true })
      .option("threads", { type: "number", describe: "worker threads (default: the machine's cores; 1 runs in-process)" })
      .option("out", { type: "string", describe: "DuckDB file (default results/<batch>.duckdb)" })
      .option("arrow", { type: "string", describe: "also write Arrow IPC files under this directory" })
      .option("resume", { type: "boolean", default: false, describe: "skip runs already recorded in the output" })
      .option("dry-run", { type: "boolean", default: false, describe: "print the run list and stop" })
      .option("shard", { type: "string", describe: "run shard i of N (i/N, 0-based) and write its Parquet partition to --out-dir" })
      .option("out-dir", { type: "string", describe: "shared directory of the batch's Parquet partitions (with --shard)" })
      .option("max-runs", { type: "number", describe: `refuse sweeps of more runs than this (default ${INPUT_LIMITS.maxRuns.toLocaleString("en")})` })
      .option("max-ticks", maxTicksOption),
  handler: async (argv: BatchArgs) => {
    const limits = inputLimits({ maxRuns: limitArg("--max-runs", argv.maxRuns), maxTicks: limitArg("--max-ticks", argv.maxTicks) });
    const sweep = loadSweep(argv.sweep, limits);
    let plans: RunPlan[] = expandSweep(sweep, argv.sweep, limits);
    let shardName: string | undefined;
    if (argv.shard !== undefined) {
      const { shard, shards } = fromShard(argv.shard);
      if (argv.outDir === undefined) throw new UserError("--shard needs --out-dir: the shared directory the shard's partition goes to");
      plans = shardOf(plans, shard, shards);
      shardName = `${shard}-of-${shards}`;
    } else if (argv.outDir !== undefined) {
      shardName = "0-of-1";
    }
    if (argv.dryRun) {
      console.log(formatRows(["run_id", "seed", "params", "status"], plans.map((p) => [p.runId, p.seed, JSON.stringify(p.params), p.error ? `invalid: ${p.error}` : "ok"])));
      console.log(`${plans.length} run(s)${argv.shard ? ` in shard ${argv.shard}` : ""}, ${plans.filter((p) => p.error).length} invalid`);
      return;
    }
    const threads = argv.threads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) throw new UserError(`--threads: got ${argv.threads}, expected a whole number ≥ 1`);
    const out = shardName !== undefined ? join(argv.outDir!, "_work", `batch=${sweep.name}`, `shard=${shardName}.duckdb`) : argv.out ?? `results/${sweep.name}.duckdb`;
    const sinks: Sink[] = [createDuckDbSink(out, { rowGroupSize: rowGroupSizeFor(plans.flatMap((p) => (p.scenario ? [p.scenario.ticks] : []))) })];
    if (argv.arrow !== undefined) sinks.push(createArrowSink(argv.arrow));
    const sink = fanOut(sinks);
    await sink.open(SIMULATION_TABLES);
    let skipped = 0;
    if (argv.resume) {
      const done = await sink.completedRuns();
      skipped = plans.filter((p) => done.has(p.runId)).length;
      plans = plans.filter((p) => !done.has(p.runId));
    }
    const abort = new AbortController();
    const onSigint = () => abort.abort();
    process.on("SIGINT", onSigint);
    const live = process.stderr.isTTY === true;
    const show = (p: BatchProgress) => {
      const rate = p.elapsedS > 0 ? p.simulatedS / p.elapsedS : 0;
      const eta = rate > 0 ? (p.totalSimulatedS - p.simulatedS) / rate : 0;
      return `${p.runsDone}/${p.runsTotal} runs  ${formatDuration(p.simulatedS)} simulated  ${rate.toFixed(0)}× real time  ETA ${formatDuration(eta)}`;
    };
    let lastDraw = 0;
    console.log(`${sweep.name}: ${plans.length} run(s) on ${threads} thread(s)${skipped ? `, ${skipped} already done (resume)` : ""} → ${out}`);
    let result;
    try {
      result = await runBatch(plans, sink, {
        threads,
        nowMs: () => performance.now(),
        isoNow: () => new Date().toISOString(),
        engineVersion: ENGINE_VERSION,
        nodeVersion: process.version,
        scenarioName: argv.sweep,
        signal: abort.signal,
        onProgress: (p) => {
          if (!live || performance.now() - lastDraw < 200) return;
          lastDraw = performance.now();
          process.stderr.write(`\r${show(p)}   `);
        },
        onRunDone: (outcome, p) => {
          const line = `run ${outcome.plan.runId} ${outcome.status}${outcome.error ? `: ${outcome.error}` : ""} (${p.runsDone}/${p.runsTotal})`;
          if (live) process.stderr.write(`\r${" ".repeat(100)}\r${line}\n${show(p)}`);
          else console.log(line);
        },
      });
    } finally {
      process.off("SIGINT", onSigint);
      if (live) process.stderr.write("\n");
      await sink.close();
    }
    const failed = result.outcomes.filter((o) => o.status === "failed").length;
    if (result.outcomes.length > 0) console.log(formatBatchSummary(result.outcomes));
    console.log(
      `${result.outcomes.length} run(s) in ${result.wallS.toFixed(2)} s wall, ${failed} failed; the main thread (the results writer) was busy ${result.mainBusyS.toFixed(2)} s (${((100 * result.mainBusyS) / Math.max(result.wallS, 1e-9)).toFixed(0)} % of wall)`,
    );
    if (result.storageFailure !== undefined) {
      const { error, notWritten } = result.storageFailure;
      throw new StorageError(
        `${error.message}\nthe batch stopped: ${result.outcomes.length} finished run(s) are kept in ${out}; ` +
          `${notWritten.length} run(s) in progress were not written (${notWritten.join(", ")}); fix the cause and continue with --resume`,
      );
    }
    if (result.interrupted) {
      console.log(`interrupted: finished runs are kept in ${out}; continue with --resume`);
      process.exitCode = EXIT_INTERRUPTED;
      return;
    }
    if (shardName !== undefined) {
      const tables = await exportPartitions(out, argv.outDir!, sweep.name, shardName);
      console.log(`partition: ${argv.outDir}/<table>/batch=${sweep.name}/shard=${shardName}/ (${tables.length} tables)`);
    }
    if (failed > 0) process.exitCode = EXIT_SOME_RUNS_FAILED;
  },
};
