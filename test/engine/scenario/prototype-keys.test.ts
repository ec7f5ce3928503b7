import { test } from "uvu";
import * as assert from "uvu/assert";
import { pathSpecError, setAtPath } from "../../../engine/batch/field-path.js";
import { expandSweep, fromSweep } from "../../../engine/batch/sweep.js";
import { findForbiddenKeys } from "../../../engine/scenario/find-forbidden-keys.js";
import { fromScenario } from "../../../engine/scenario/from-scenario.js";
import { loadData } from "../../../engine/scenario/load-scenario.js";
import { scenarioSpec } from "../../../engine/scenario/scenario-spec.js";
import { UserError, type Issue } from "../../../models/lib/errors.js";
import { fromQuantity } from "../../../models/lib/units.js";
import { ROOT } from "../../helpers.js";

const PROTOTYPE_NAMES = ["__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "isPrototypeOf", "__defineGetter__"];
const base = loadData(`${ROOT}test/fixtures/sweeps/tiny-base.yaml`) as Record<string, any>;

/** The issues of a UserError thrown by `call`; fails on any other outcome (another error is a bug). */
function issuesOf(call: () => unknown): readonly Issue[] {
  try {
    call();
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return error.issues;
  }
  throw new Error("expected a UserError");
}

function hasIssue(issues: readonly Issue[], path: string, expected?: RegExp): void {
  const found = issues.filter((issue) => issue.path === path);
  assert.ok(found.length > 0, `no issue at ${path}; got ${issues.map((i) => i.path).join(", ")}`);
  if (expected) assert.ok(found.some((issue) => expected.test(issue.expected)), `${path}: ${found.map((i) => i.expected).join(" / ")}`);
}

function withWorkloadKind(kind: string): unknown {
  const data = structuredClone(base);
  data.workloads[0].kind = kind;
  return data;
}

test("fromScenario refuses enum and union values that name prototype members, with the path", () => {
  for (const name of PROTOTYPE_NAMES) {
    hasIssue(issuesOf(() => fromScenario(withWorkloadKind(name), "t.yaml")), "workloads[0].kind", /one of "training"/);
    hasIssue(issuesOf(() => fromScenario({ ...base, hall: { rackPreset: name } }, "t.yaml")), "hall.rackPreset", /one of/);
    hasIssue(issuesOf(() => fromScenario({ ...base, signals: { price: name } }, "t.yaml")), "signals.price", /one of/);
  }
});

test("fromScenario refuses keys named after prototype members anywhere, with the path", () => {
  const json = JSON.parse(`{"name":"t","horizon":"10s","__proto__":{"horizon":"5s"},"hall":{"constructor":{"rows":2}},"workloads":[{"kind":"training","id":"j","racks":"all","prototype":1}]}`);
  const issues = issuesOf(() => fromScenario(json, "t.json"));
  hasIssue(issues, "__proto__", /no key named __proto__/);
  hasIssue(issues, "hall.constructor", /no key named constructor/);
  hasIssue(issues, "workloads[0].prototype", /no key named prototype/);
  assert.is(issues.filter((issue) => issue.path === "__proto__").length, 1, "reported once");
  for (const name of ["toString", "valueOf", "hasOwnProperty"]) {
    hasIssue(issuesOf(() => fromScenario({ ...base, [name]: 1 }, "t.yaml")), name, /no such field/);
    hasIssue(issuesOf(() => fromScenario({ ...base, hall: { [name]: 1 } }, "t.yaml")), `hall.${name}`, /no such field/);
  }
  assert.is(({} as Record<string, unknown>)["horizon"], undefined, "Object.prototype untouched");
});

test("findForbiddenKeys(data) reports nested keys in document order and survives deep nesting", () => {
  const issues: Issue[] = [];
  findForbiddenKeys(JSON.parse(`{"a":[{"__proto__":1}],"constructor":2,"b":{"prototype":3}}`), "", issues);
  assert.equal(issues.map((i) => i.path), ["a[0].__proto__", "constructor", "b.prototype"]);
  let deep: unknown = { __proto__: null, constructor: 1 };
  for (let i = 0; i < 200_000; i++) deep = [deep];
  const deepIssues: Issue[] = [];
  findForbiddenKeys(deep, "", deepIssues);
  assert.is(deepIssues.length, 1);
});

test("fromQuantity(text) never takes a prototype member as a unit", () => {
  for (const name of PROTOTYPE_NAMES) {
    assert.is(fromQuantity(`5${name}`, "duration"), undefined, name);
    assert.is(fromQuantity(`5k${name}`, "power"), undefined, name);
  }
  hasIssue(issuesOf(() => fromScenario({ ...base, dt: "40toString" }, "t.yaml")), "dt", /duration/);
});

test("pathSpecError(spec, steps) accepts the schema's own fields only, segment by segment", () => {
  assert.is(pathSpecError(scenarioSpec, ["hall", "rows"]), undefined);
  assert.is(pathSpecError(scenarioSpec, ["controllers", 0, "floor"]), undefined);
  assert.is(pathSpecError(scenarioSpec, ["workloads", 1, "kind"]), undefined);
  assert.is(pathSpecError(scenarioSpec, ["workloads", 0, "racks", 2]), undefined);
  assert.match(pathSpecError(scenarioSpec, ["__proto__", "horizon"])!, /the scenario has no field "__proto__"; known fields: \$schema, name/);
  assert.match(pathSpecError(scenarioSpec, ["hall", "constructor"])!, /hall has no field "constructor"/);
  assert.match(pathSpecError(scenarioSpec, ["controllers", 0, "toString"])!, /controllers\[0\] has no field "toString"/);
  assert.match(pathSpecError(scenarioSpec, ["hall", 0])!, /hall is not a list/);
  assert.match(pathSpecError(scenarioSpec, ["horizon", "x"])!, /horizon is a single value/);
});

test("setAtPath(data, steps) never writes through a prototype", () => {
  for (const key of ["__proto__", "constructor", "prototype"]) {
    const data: Record<string, unknown> = {};
    assert.match(setAtPath(data, [key, "polluted"], 5)!, /prototype/);
    assert.is(({} as Record<string, unknown>)["polluted"], undefined);
  }
  const data: Record<string, unknown> = {};
  assert.is(setAtPath(data, ["toString", "x"], 1), undefined, "an own key named toString is created, not Object.prototype.toString followed");
  assert.equal(data, { toString: { x: 1 } });
});

test("fromSweep refuses set / grid / zip paths that are not the scenario's own fields", () => {
  const sweep = (extra: Record<string, unknown>) => ({ name: "s", base: "b.yaml", ...extra });
  const run = (data: unknown) => issuesOf(() => expandSweep(fromSweep(data, base, "b.yaml", "s.yaml"), "s.yaml"));
  hasIssue(run(sweep({ set: { "__proto__.horizon": "5s" } })), `set["__proto__.horizon"]`, /no field "__proto__"/);
  assert.is(({} as Record<string, unknown>)["horizon"], undefined, "Object.prototype untouched");
  hasIssue(run(sweep({ grid: { constructor: [1, 2] } })), `grid["constructor"]`, /no field "constructor"/);
  hasIssue(run(sweep({ grid: { "hall.toString": [1, 2] } })), `grid["hall.toString"]`, /hall has no field "toString"/);
  hasIssue(run(sweep({ zip: [{ "controllers[0].valueOf": [1] }] })), `zip[0]["controllers[0].valueOf"]`, /no field "valueOf"/);
  hasIssue(run(sweep({ set: { "controllers[0].nope": 1 } })), `set["controllers[0].nope"]`, /known fields: .*floor/);
  hasIssue(run(JSON.parse(`{"name":"s","base":"b.yaml","__proto__":{"replicates":3},"grid":{"hall.rows":[1]}}`)), "__proto__", /no key named __proto__/);
  hasIssue(run(sweep({ grid: JSON.parse(`{"__proto__":[1]}`) })), "grid.__proto__", /no key named __proto__/);
  assert.is(expandSweep(fromSweep(sweep({ grid: { "controllers[0].floor": ["30%", "70%"], "workloads[0].kind": ["training"] } }), base, "b.yaml", "s.yaml"), "s.yaml").length, 2);
});

test.run();
