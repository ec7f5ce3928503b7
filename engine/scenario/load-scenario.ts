import { loadText } from "../../datasets/load-text.js";
import { fromDataText } from "./from-data-text.js";
import { fromScenario } from "./from-scenario.js";
import { INPUT_LIMITS, type InputLimits } from "./input-limits.js";
import { withJobsFile } from "./jobs-file.js";
import type { Scenario } from "./scenario-types.js";

/**
 * Reads a YAML or JSON file into plain data within `limits`; a missing, oversized or endless file
 * (`/dev/zero`), bad syntax or data past a limit is a UserError. At most maxFileBytes + 1 bytes
 * are ever read.
 */
export function loadData(path: string, limits: InputLimits = INPUT_LIMITS): unknown {
  const text = loadText(path, limits.maxFileBytes, "a scenario or sweep file is a few KB");
  return fromDataText(text, path.endsWith(".json") ? "json" : "yaml", path, limits);
}

/** Loads and validates a scenario file (YAML or JSON). */
export function loadScenario(path: string, limits: InputLimits = INPUT_LIMITS): Scenario {
  return fromScenario(withJobsFile(loadData(path, limits), path, limits), path, limits);
}
