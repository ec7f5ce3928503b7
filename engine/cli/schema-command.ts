import { writeFileSync } from "node:fs";
import type { Argv } from "yargs";
import { resultsSchemaMarkdown } from "../results-schema-doc.js";
import { toJsonSchema } from "../scenario/json-schema.js";
import { scenarioSpec } from "../scenario/scenario-spec.js";

/** The scenario format as JSON Schema, for editors. */
export function scenarioJsonSchema(): string {
  return `${JSON.stringify(toJsonSchema(scenarioSpec, "dctwin scenario"), null, 2)}\n`;
}

export const schemaCommand = {
  command: "schema",
  describe: "print the JSON Schema of scenario files (for editor completion and checks), or with --results the results tables",
  builder: (y: Argv) =>
    y
      .option("out", { type: "string", describe: "write to this file instead of stdout" })
      .option("results", { type: "boolean", default: false, describe: "print the results tables (Markdown) instead" }),
  handler: (argv: { out?: string; results: boolean }) => {
    const text = argv.results ? resultsSchemaMarkdown() : scenarioJsonSchema();
    if (argv.out !== undefined) writeFileSync(argv.out, text);
    else process.stdout.write(text);
  },
};
