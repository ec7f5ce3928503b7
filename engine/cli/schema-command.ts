import { writeFileSync } from "node:fs";
import type { Argv } from "yargs";
import { toJsonSchema } from "../scenario/json-schema.js";
import { scenarioSpec } from "../scenario/scenario-spec.js";

/** The scenario format as JSON Schema, for editors. */
export function scenarioJsonSchema(): string {
  return `${JSON.stringify(toJsonSchema(scenarioSpec, "dctwin scenario"), null, 2)}\n`;
}

export const schemaCommand = {
  command: "schema",
  describe: "print the JSON Schema of scenario files (for editor completion and checks)",
  builder: (y: Argv) => y.option("out", { type: "string", describe: "write to this file instead of stdout" }),
  handler: (argv: { out?: string }) => {
    if (argv.out !== undefined) writeFileSync(argv.out, scenarioJsonSchema());
    else process.stdout.write(scenarioJsonSchema());
  },
};
