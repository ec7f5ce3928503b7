import { dirname, resolve } from "node:path";
import { invalidInput, showValue, UserError } from "../../models/lib/errors.js";
import { INPUT_LIMITS, type InputLimits } from "../scenario/input-limits.js";
import { loadData } from "../scenario/load-scenario.js";
import { withJobsFile } from "../scenario/jobs-file.js";
import { fromSweep, type SweepFile } from "./sweep.js";

/** Reads a sweep file and its base scenario (`base` is relative to the sweep file), both within `limits`. */
export function loadSweep(path: string, limits: InputLimits = INPUT_LIMITS): SweepFile {
  return loadSweepBase(loadData(path, limits), path, limits);
}

/** True when parsed file data is a sweep rather than a scenario: a mapping with a `base` field. */
export function isSweepData(data: unknown): boolean {
  return typeof data === "object" && data !== null && !Array.isArray(data) && Object.hasOwn(data, "base");
}

/** Validates sweep data already read from `path`, loading its base scenario (relative to `path`). */
export function loadSweepBase(data: unknown, path: string, limits: InputLimits = INPUT_LIMITS): SweepFile {
  const base = isSweepData(data) ? (data as { base: unknown }).base : undefined;
  if (typeof base !== "string") throw invalidInput(path, [{ path: "base", value: base, expected: "the path of the base scenario file, relative to this file" }]);
  const basePath = resolve(dirname(path), base);
  let baseData: unknown;
  try {
    baseData = loadData(basePath, limits);
  } catch (error) {
    // Name the field that points at the file, with what is wrong with the file.
    if (!(error instanceof UserError)) throw error;
    throw invalidInput(path, [{ path: "base", value: base, expected: `a readable scenario file (${error.message.replace(/\s*\n\s*(- )?/g, " ")})` }]);
  }
  if (typeof baseData !== "object" || baseData === null || Array.isArray(baseData)) {
    throw invalidInput(path, [{ path: "base", value: base, expected: `a scenario file (a mapping of fields); ${basePath} holds ${showValue(baseData === undefined ? null : baseData)}` }]);
  }
  if (isSweepData(baseData)) throw invalidInput(path, [{ path: "base", value: base, expected: `a scenario file; ${basePath} is a sweep (it has a base of its own)` }]);
  return fromSweep(data, withJobsFile(baseData, basePath, limits), basePath, path);
}
