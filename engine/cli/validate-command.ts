import type { Argv } from "yargs";
import { UserError } from "../../models/lib/errors.js";
import { loadScenario } from "../scenario/load-scenario.js";

export const validateCommand = {
  command: "validate <files..>",
  describe: "check scenario files; print every problem with its field path",
  builder: (y: Argv) => y.positional("files", { type: "string", array: true, describe: "scenario files", demandOption: true }),
  handler: (argv: { files: string[] }) => {
    const failures: string[] = [];
    for (const file of argv.files) {
      try {
        const s = loadScenario(file);
        console.log(`ok: ${file}: ${s.name}, ${s.hall.rows * s.hall.racksPerRow} racks, ${s.workloads.length} workload(s), ${s.controllers.length} controller(s), ${s.ticks.toLocaleString("en")} ticks`);
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        failures.push(error.message);
      }
    }
    if (failures.length > 0) throw new UserError(failures.join("\n"));
  },
};
