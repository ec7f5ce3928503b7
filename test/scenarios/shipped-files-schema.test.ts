import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ajv2020 from "ajv/dist/2020.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse } from "yaml";
import { fromFieldPath, pathSpecError } from "../../engine/batch/field-path.js";
import { scenarioJsonSchema, sweepJsonSchema } from "../../engine/cli/schema-command.js";
import { validateFile } from "../../engine/cli/validate-command.js";
import { scenarioSpec } from "../../engine/scenario/scenario-spec.js";
import { UserError } from "../../models/lib/errors.js";
import { ROOT } from "../helpers.js";

/**
 * The shipped JSON Schemas, as an editor or a CI job would use them: every shipped scenario and
 * sweep file, parsed from YAML, passes ajv (a JSON Schema validator this project did not write)
 * against scenarios/scenario.schema.json or scenarios/sweep.schema.json, and known-bad files fail
 * at the field that is wrong.
 *
 * Each file is parsed twice: as YAML 1.2 (what dctwin reads) and as YAML 1.1 (what PyYAML and
 * many validators read, where a bare `2020-07-15T00:00:00Z` is a date, not a string, and `no` is
 * false), so a shipped file must mean the same to both.
 */
const Ajv2020 = ajv2020.default;
const SCENARIOS = join(ROOT, "scenarios");
const BAD = join(ROOT, "test/fixtures/schema-bad");

const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
const scenarioSchema = JSON.parse(readFileSync(join(SCENARIOS, "scenario.schema.json"), "utf8"));
const sweepSchema = JSON.parse(readFileSync(join(SCENARIOS, "sweep.schema.json"), "utf8"));
const validateScenario = ajv.compile(scenarioSchema);
const validateSweep = ajv.compile(sweepSchema);

const yamlFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort().map((f) => join(dir, f));

/** ajv's errors for `file` under either YAML version, as "<version> <instancePath> <message>". */
function schemaErrors(file: string, kind: "scenario" | "sweep"): string[] {
  const text = readFileSync(file, "utf8");
  const validate = kind === "scenario" ? validateScenario : validateSweep;
  const errors: string[] = [];
  for (const version of ["1.2", "1.1"] as const) {
    const data: unknown = parse(text, { version });
    if (!validate(data)) errors.push(...(validate.errors ?? []).map((e) => `YAML ${version} ${e.instancePath || "/"} ${e.message}`));
  }
  return errors;
}

test("scenarios/scenario.schema.json and sweep.schema.json are what `dctwin schema` and `dctwin schema --sweep` print (regenerate with --out)", () => {
  assert.is(readFileSync(join(SCENARIOS, "scenario.schema.json"), "utf8"), scenarioJsonSchema());
  assert.is(readFileSync(join(SCENARIOS, "sweep.schema.json"), "utf8"), sweepJsonSchema());
  assert.is(scenarioSchema.properties.startTime.type, "string", "startTime is a string (quoted in YAML)");
});

test("every shipped scenario (scenarios/*.yaml) passes ajv against scenario.schema.json, read as YAML 1.2 and 1.1", () => {
  const files = yamlFiles(SCENARIOS);
  assert.ok(files.length >= 20, `${files.length} scenarios found`);
  for (const file of files) assert.equal(schemaErrors(file, "scenario"), [], file);
});

test("every shipped sweep (scenarios/sweeps/*.yaml) passes ajv against sweep.schema.json, read as YAML 1.2 and 1.1", () => {
  const files = yamlFiles(join(SCENARIOS, "sweeps"));
  assert.ok(files.length >= 4, `${files.length} sweeps found`);
  for (const file of files) assert.equal(schemaErrors(file, "sweep"), [], file);
});

test("every shipped file names its schema for editors on its first line", () => {
  for (const file of yamlFiles(SCENARIOS)) assert.is(readFileSync(file, "utf8").split("\n")[0], "# yaml-language-server: $schema=./scenario.schema.json", file);
  for (const file of yamlFiles(join(SCENARIOS, "sweeps"))) assert.is(readFileSync(file, "utf8").split("\n")[0], "# yaml-language-server: $schema=../sweep.schema.json", file);
});

/**
 * Known-bad files: where ajv must fail (the instance path of an error) and whether dctwin's own
 * validator agrees. The bare timestamp is the one dctwin accepts (it reads YAML 1.2), and the
 * reason shipped files quote theirs.
 */
const BAD_FILES: Record<string, { errorAt: string[]; dctwin: "refuses" | "accepts" }> = {
  "scenario-unknown-field.yaml": { errorAt: ["/hall"], dctwin: "refuses" },
  "scenario-start-time-unquoted.yaml": { errorAt: ["/startTime"], dctwin: "accepts" },
  "scenario-workload-kind.yaml": { errorAt: ["/workloads/0"], dctwin: "refuses" },
  "sweep-misspelt-path.yaml": { errorAt: ["/grid"], dctwin: "refuses" },
  "sweep-value-type.yaml": { errorAt: ["/grid/hall.rows/1"], dctwin: "refuses" },
  "sweep-empty-axis.yaml": { errorAt: ["/grid/hall.rows"], dctwin: "refuses" },
  "sweep-set-list.yaml": { errorAt: ["/set/horizon"], dctwin: "refuses" },
  "sweep-no-name.yaml": { errorAt: ["/", "/replicates"], dctwin: "refuses" },
};

test("known-bad files fail ajv at the field that is wrong, and dctwin validate agrees (except on the YAML 1.1 date)", () => {
  assert.equal(Object.keys(BAD_FILES).sort(), yamlFiles(BAD).map((f) => f.slice(BAD.length + 1)), "every fixture in test/fixtures/schema-bad has an expectation");
  for (const [name, expected] of Object.entries(BAD_FILES)) {
    const file = join(BAD, name);
    const errors = schemaErrors(file, name.startsWith("sweep-") ? "sweep" : "scenario");
    for (const path of expected.errorAt) assert.ok(errors.some((e) => e.split(" ")[2] === path), `${name}: an error at ${path}; got ${JSON.stringify(errors)}`);
    let refused = false;
    try {
      validateFile(file);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      refused = true;
    }
    assert.is(refused ? "refuses" : "accepts", expected.dctwin, `dctwin validate ${name}`);
  }
});

/** The path patterns of the sweep schema, as regular expressions. */
const pathPatterns = Object.keys(sweepSchema.$defs.axes.patternProperties as Record<string, unknown>);
const matchesSchema = (path: string) => pathPatterns.some((p) => new RegExp(p, "u").test(path));
const dctwinAccepts = (path: string) => {
  const steps = fromFieldPath(path);
  return steps !== undefined && pathSpecError(scenarioSpec, steps) === undefined;
};

test("the sweep schema's field paths are exactly those dctwin accepts: each of its paths, and each with a wrong last step", () => {
  assert.ok(pathPatterns.length > 200, `${pathPatterns.length} paths`);
  for (const pattern of pathPatterns) {
    // ^controllers\[[0-9]+\]\.floor$ → controllers[3].floor
    const path = pattern.slice(1, -1).replaceAll("\\[[0-9]+\\]", "[3]").replace(/\\(.)/g, "$1");
    assert.ok(dctwinAccepts(path), `dctwin accepts ${path}`);
    assert.ok(matchesSchema(path), `the schema matches ${path}`);
    for (const wrong of [`${path}x`, `${path}.toString`, `${path}[0]`, `__proto__.${path}`]) {
      assert.is(matchesSchema(wrong), dctwinAccepts(wrong), `${wrong}: schema and dctwin agree`);
    }
  }
  for (const path of ["hall.rows", "controllers[0].floor", "workloads[1].racks[2]", "storage.batteries[0].preset", "horizon"]) assert.ok(matchesSchema(path) && dctwinAccepts(path), path);
  for (const path of ["hall.rowz", "controllers.floor", "horizon[0]", "constructor", "hall.__proto__"]) assert.ok(!matchesSchema(path) && !dctwinAccepts(path), path);
});

test.run();
