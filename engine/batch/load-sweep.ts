import { dirname, resolve } from "node:path";
import { invalidInput } from "../../models/lib/errors.js";
import { INPUT_LIMITS, type InputLimits } from "../scenario/input-limits.js";
import { loadData } from "../scenario/load-scenario.js";
import { fromSweep, type SweepFile } from "./sweep.js";

/** Reads a sweep file and its base scenario (`base` is relative to the sweep file), both within `limits`. */
export function loadSweep(path: string, limits: InputLimits = INPUT_LIMITS): SweepFile {
  const data = loadData(path, limits) as Record<string, unknown> | undefined;
  const base = data && typeof data === "object" && Object.hasOwn(data, "base") ? data.base : undefined;
  if (typeof base !== "string") throw invalidInput(path, [{ path: "base", value: base, expected: "the path of the base scenario file, relative to this file" }]);
  const basePath = resolve(dirname(path), base);
  return fromSweep(data, loadData(basePath, limits), basePath, path);
}
