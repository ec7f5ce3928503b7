import { readFileSync } from "node:fs";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { unreadableFile } from "../../models/lib/errors.js";
import { fromScenario } from "./from-scenario.js";
import type { Scenario } from "./scenario-types.js";

/** Reads a YAML or JSON file into plain data; a missing file or bad syntax is a UserError. */
export function loadData(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw unreadableFile(path, code === "ENOENT" ? "no such file" : `cannot read (${code ?? String(error)})`);
  }
  try {
    if (path.endsWith(".json")) return JSON.parse(text);
    return parseYaml(text);
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const where = error.linePos?.[0];
      throw unreadableFile(path, `YAML syntax error${where ? ` at line ${where.line}, column ${where.col}` : ""}: ${error.message.split("\n")[0]}`);
    }
    throw unreadableFile(path, `JSON syntax error: ${(error as Error).message}`);
  }
}

/** Loads and validates a scenario file (YAML or JSON). */
export function loadScenario(path: string): Scenario {
  return fromScenario(loadData(path), path);
}
