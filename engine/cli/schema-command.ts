import { writeFileSync } from "node:fs";
import type { Argv } from "yargs";
import { UserError } from "../../models/lib/errors.js";
import { toSweepJsonSchema } from "../batch/sweep-json-schema.js";
import { resultsSchemaMarkdown } from "../results-schema-doc.js";
import { toJsonSchema } from "../scenario/json-schema.js";
import { scenarioSpec } from "../scenario/scenario-spec.js";

/** The scenario format as JSON Schema, for editors. */
export function scenarioJsonSchema(): string {
  return `${JSON.stringify(toJsonSchema(scenarioSpec, "dctwin scenario"), null, 2)}\n`;
}

/** The sweep format as JSON Schema, for editors (the scenario schema embedded in it). */
export function sweepJsonSchema(): string {
  return `${JSON.stringify(toSweepJsonSchema(toJsonSchema(scenarioSpec, "dctwin scenario")), null, 2)}\n`;
}

export const schemaCommand = {
  command: "schema",
  describe: "print the JSON Schema of scenario files (for editor completion and checks), with --sweep that of sweep files, or with --results the results tables",
  builder: (y: Argv) =>
    y
      .option("out", { type: "string", describe: "write to this file instead of stdout" })
      .option("sweep", { type: "boolean", default: false, describe: "print the JSON Schema of sweep files instead (scenarios/sweep.schema.json)" })
      .option("results", { type: "boolean", default: false, describe: "print the results tables (Markdown) instead" }),
  handler: (argv: { out?: string; sweep: boolean; results: boolean }) => {
    if (argv.sweep && argv.results) throw new UserError("--sweep and --results: choose one");
    const text = argv.results ? resultsSchemaMarkdown() : argv.sweep ? sweepJsonSchema() : scenarioJsonSchema();
    if (argv.out !== undefined) writeFileSync(argv.out, text);
    else process.stdout.write(text);
  },
};
