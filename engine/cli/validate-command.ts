import { relative } from "node:path";
import type { Argv } from "yargs";
import { withJobsFile } from "../scenario/jobs-file.js";
import { UserError } from "../../models/lib/errors.js";
import { isSweepData, loadSweepBase } from "../batch/load-sweep.js";
import { expandSweep } from "../batch/sweep.js";
import { fromScenario } from "../scenario/from-scenario.js";
import { INPUT_LIMITS, inputLimits, type InputLimits } from "../scenario/input-limits.js";
import { loadData } from "../scenario/load-scenario.js";
import { limitArg, maxTicksOption } from "./limit-options.js";

/** Invalid runs of a sweep listed in a message; the rest are counted. */
const MAX_LISTED_RUNS = 20;

/**
 * Checks one scenario or sweep file (a sweep is a mapping with a `base` field) and returns its
 * one-line summary, or throws a UserError listing every problem with its field path. A sweep is
 * checked whole: the file, its base scenario, and the scenario of every run it expands to.
 * The same check as `dctwin validate FILE`, in-process.
 *
 * Example: validateFile("scenarios/sweeps/smoothing-floor.yaml") → "ok: ...: sweep smoothing-floor, 12 runs over ...".
 */
export function validateFile(file: string, limits: InputLimits = INPUT_LIMITS): string {
  const data = loadData(file, limits);
  if (isSweepData(data)) {
    const sweep = loadSweepBase(data, file, limits);
    const runs = expandSweep(sweep, file, limits);
    const invalid = runs.filter((run) => run.error !== undefined);
    if (invalid.length > 0) {
      const lines = invalid.slice(0, MAX_LISTED_RUNS).map((run) => `  - run ${run.runId}: ${run.error}`);
      if (invalid.length > MAX_LISTED_RUNS) lines.push(`  ... and ${invalid.length - MAX_LISTED_RUNS} more`);
      throw new UserError(`${file}: ${invalid.length} of ${runs.length} run(s) invalid:\n${lines.join("\n")}`);
    }
    const ticks = runs.reduce((sum, run) => sum + (run.scenario?.ticks ?? 0), 0);
    return `ok: ${file}: sweep ${sweep.name}, ${runs.length} run(s) of ${relative(process.cwd(), sweep.baseSource)}, ${ticks.toLocaleString("en")} ticks in all`;
  }
  const s = fromScenario(withJobsFile(data, file, limits), file, limits);
  return `ok: ${file}: ${s.name}, ${s.hall.rows * s.hall.racksPerRow} racks, ${s.workloads.length} workload(s), ${s.controllers.length} controller(s), ${s.ticks.toLocaleString("en")} ticks`;
}

export const validateCommand = {
  command: "validate <files..>",
  describe: "check scenario and sweep files (a sweep: its base and every run); print every problem with its field path",
  builder: (y: Argv) =>
    y
      .positional("files", { type: "string", array: true, describe: "scenario or sweep files", demandOption: true })
      .option("max-ticks", maxTicksOption)
      .option("max-runs", { type: "number", describe: `refuse sweeps of more runs than this (default ${INPUT_LIMITS.maxRuns.toLocaleString("en")})` }),
  handler: (argv: { files: string[]; maxTicks?: number; maxRuns?: number }) => {
    const limits = inputLimits({ maxTicks: limitArg("--max-ticks", argv.maxTicks), maxRuns: limitArg("--max-runs", argv.maxRuns) });
    const failures: string[] = [];
    for (const file of argv.files) {
      try {
        console.log(validateFile(file, limits));
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        failures.push(error.message);
      }
    }
    if (failures.length > 0) throw new UserError(failures.join("\n"));
  },
};
