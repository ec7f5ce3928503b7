import { dirname, resolve } from "node:path";
import { invalidInput, UserError } from "../../models/lib/errors.js";
import { findForbiddenKeys } from "./find-forbidden-keys.js";
import { INPUT_LIMITS, type InputLimits } from "./input-limits.js";
import { loadData } from "./load-scenario.js";
import { obj } from "./spec.js";
import { jobs } from "./spec-jobs.js";
import { validate } from "./validate.js";

const jobsFileSpec = obj({ jobs }, "a job file: `jobs:` and the list", ["jobs"]);

/**
 * Scenario data with its `jobsFile` read in (I/O at the edge, before validation): the file, relative
 * to the scenario file, holds `jobs:` and a list as the scenario's `jobs` would. It is validated
 * the same way, its problems named by the job file's path and the field path inside it
 * (`jobs/mix.yaml: jobs[2].deadline: ...`). Data without a jobsFile is returned as it is.
 */
export function withJobsFile(data: unknown, scenarioPath: string, limits: InputLimits = INPUT_LIMITS): unknown {
  if (typeof data !== "object" || data === null || Array.isArray(data) || !Object.hasOwn(data, "jobsFile")) return data;
  const { jobsFile, ...rest } = data as Record<string, unknown>;
  if (typeof jobsFile !== "string") throw invalidInput(scenarioPath, [{ path: "jobsFile", value: jobsFile, expected: "the path of a job file, relative to this file" }]);
  if (Object.hasOwn(rest, "jobs")) throw invalidInput(scenarioPath, [{ path: "jobsFile", value: jobsFile, expected: "either jobs or jobsFile, not both" }]);
  const path = resolve(dirname(scenarioPath), jobsFile);
  let fileData: unknown;
  try {
    fileData = loadData(path, limits);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    throw invalidInput(scenarioPath, [{ path: "jobsFile", value: jobsFile, expected: `a readable job file (${error.message.replace(/\s*\n\s*(- )?/g, " ")})` }]);
  }
  const issues: { path: string; value: unknown; expected: string }[] = [];
  findForbiddenKeys(fileData, "", issues);
  validate(jobsFileSpec, fileData, "", issues);
  if (issues.length > 0) throw invalidInput(path, issues);
  return { ...rest, jobs: (fileData as { jobs: unknown }).jobs };
}
