import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { Argv } from "yargs";
import { UserError } from "../errors.js";
import { planOf } from "../batch/sweep.js";
import { runBatch } from "../pool/run-batch.js";
import { loadScenario } from "../scenario/load-scenario.js";
import { createArrowSink } from "../sinks/arrow-sink.js";
import { createDuckDbSink, rowGroupSizeFor } from "../sinks/duckdb-sink.js";
import { fanOut } from "../sinks/fan-out.js";
import type { Sink } from "../sinks/sink.js";
import { SIMULATION_TABLES } from "../simulation.js";
import { formatKpiTable } from "./format.js";
import { createProgress } from "./progress.js";
import { ENGINE_VERSION } from "./version.js";

export const runCommand = {
  command: "run <scenario>",
  describe: "run one scenario, write DuckDB (and optionally Arrow) results, print a KPI summary",
  builder: (y: Argv) =>
    y
      .positional("scenario", { type: "string", describe: "scenario file (YAML or JSON)", demandOption: true })
      .option("out", { type: "string", describe: "DuckDB file to write (default results/<name>.duckdb)" })
      .option("arrow", { type: "string", describe: "also write Arrow IPC files under this directory" })
      .option("seed", { type: "number", describe: "override the scenario's seed" })
      .option("run-id", { type: "string", describe: "run id (default: the scenario name)" }),
  handler: async (argv: { scenario: string; out?: string; arrow?: string; seed?: number; runId?: string }) => {
    const scenario = loadScenario(argv.scenario);
    if (argv.seed !== undefined) {
      if (!Number.isInteger(argv.seed) || argv.seed < 0) throw new UserError(`--seed: got ${argv.seed}, expected a whole number ≥ 0`);
      scenario.seed = argv.seed;
    }
    const runId = argv.runId ?? scenario.name;
    const out = argv.out ?? `results/${scenario.name}.duckdb`;
    mkdirSync(dirname(out), { recursive: true });
    const sinks: Sink[] = [createDuckDbSink(out, { rowGroupSize: rowGroupSizeFor([scenario.ticks]) })];
    if (argv.arrow !== undefined) sinks.push(createArrowSink(argv.arrow));
    const sink = fanOut(sinks);
    await sink.open(SIMULATION_TABLES);
    const nowMs = () => performance.now();
    const progress = createProgress(process.stderr, scenario.name, nowMs);
    let result;
    try {
      result = await runBatch([planOf(scenario, runId)], sink, {
        threads: 1,
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
    const outcome = result.outcomes[0]!;
    if (outcome.status === "failed") throw new UserError(`run ${runId} failed: ${outcome.error}`);
    const simS = scenario.horizonS;
    console.log(`${scenario.name}: ${scenario.ticks.toLocaleString("en")} ticks of ${scenario.dtS * 1000} ms (${simS} s simulated) in ${outcome.wallS.toFixed(2)} s wall (${(simS / outcome.wallS).toFixed(0)}× real time)`);
    console.log(formatKpiTable(outcome.kpis));
    console.log(`results: ${out}${argv.arrow !== undefined ? ` and ${argv.arrow}/` : ""} (run_id '${runId}')`);
  },
};
