import type { Argv } from "yargs";
import { UserError } from "../../models/lib/errors.js";
import { inputLimits, type InputLimits } from "../scenario/input-limits.js";
import { loadScenario } from "../scenario/load-scenario.js";
import { limitArg, maxTicksOption } from "./limit-options.js";

/**
 * Checks one scenario file and returns its one-line summary, or throws a UserError listing every
 * problem with its field path. The same check as `dctwin validate FILE`, in-process.
 */
export function validateFile(file: string, limits?: InputLimits): string {
  const s = loadScenario(file, limits);
  return `ok: ${file}: ${s.name}, ${s.hall.rows * s.hall.racksPerRow} racks, ${s.workloads.length} workload(s), ${s.controllers.length} controller(s), ${s.ticks.toLocaleString("en")} ticks`;
}

export const validateCommand = {
  command: "validate <files..>",
  describe: "check scenario files; print every problem with its field path",
  builder: (y: Argv) =>
    y.positional("files", { type: "string", array: true, describe: "scenario files", demandOption: true }).option("max-ticks", maxTicksOption),
  handler: (argv: { files: string[]; maxTicks?: number }) => {
    const limits = inputLimits({ maxTicks: limitArg("--max-ticks", argv.maxTicks) });
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
