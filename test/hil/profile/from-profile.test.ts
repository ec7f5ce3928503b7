import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse as parseYaml } from "yaml";
import { UserError, type Issue } from "../../../models/lib/errors.js";
import { fromProfile } from "../../../hil/profile/from-profile.js";

const measurement = { name: "pcc.powerW", kind: "measurement", table: "holding", address: 0, type: "int16", unit: "W" };
const setpoint = {
  name: "battery.bess1.powerSetW",
  kind: "setpoint",
  table: "holding",
  address: 10,
  type: "int32",
  unit: "W",
  min: "-10MW",
  max: "10MW",
  rampLimit: "20MW/s",
  fallback: 0,
  scaleFactor: { address: 12 },
};
const good = () => ({ name: "t", unitId: 1, points: [structuredClone(measurement), structuredClone(setpoint)] });

function issuesOf(data: unknown): Issue[] {
  try {
    fromProfile(data, "bad.yaml");
  } catch (error) {
    assert.instance(error, UserError);
    return [...(error as UserError).issues];
  }
  throw new Error("expected a UserError");
}

function hasIssue(issues: Issue[], path: string, expected: RegExp, value?: unknown): void {
  const hit = issues.find((i) => i.path === path && expected.test(i.expected) && (value === undefined || Object.is(i.value, value) || JSON.stringify(i.value) === JSON.stringify(value)));
  assert.ok(hit, `no issue at ${path} matching ${expected} (value ${JSON.stringify(value)}); got ${JSON.stringify(issues)}`);
}

test("fromProfile(good) fills defaults and parses quantities with units", () => {
  const p = fromProfile(good(), "t");
  const [m, s] = p.points;
  assert.is(m!.unitId, 1);
  assert.is(m!.wordOrder, "high-first");
  assert.is(m!.scale, 1);
  assert.is(m!.staleAfterS, 2);
  assert.is(m!.description, "");
  assert.is(s!.min, -10_000_000);
  assert.is(s!.max, 10_000_000);
  assert.is(s!.rampLimitPerS, 20_000_000);
  assert.is(s!.fallback, 0);
  assert.equal(s!.scaleFactor, { table: "holding", address: 12 });
  assert.equal(p.initWrites, []);
  assert.is(p.heartbeat, undefined);
});

test("fromProfile reports a wrong type, a bad address and an unknown field with path and value", () => {
  const data = good();
  Object.assign(data.points[0]!, { type: "int24", address: 70000, colour: "red" });
  const issues = issuesOf(data);
  hasIssue(issues, "points[0].type", /one of "int16"/, "int24");
  hasIssue(issues, "points[0].address", /at most 65535/, 70000);
  hasIssue(issues, "points[0].colour", /no such field/, "red");
});

test("fromProfile refuses a 32-bit point at 65535 and unit ids above 247", () => {
  const data = good();
  Object.assign(data.points[1]!, { address: 65535 });
  Object.assign(data, { unitId: 248 });
  hasIssue(issuesOf(data), "unitId", /at most 247/, 248);
  Object.assign(data, { unitId: 1 });
  hasIssue(issuesOf(data), "points[1].address", /at most 65534: a int32 takes 2 registers/, 65535);
});

test("fromProfile refuses overlapping registers within a unit and table, not across them", () => {
  const data = good();
  data.points.push({ ...structuredClone(measurement), name: "x.overlapW", address: 11 });
  hasIssue(issuesOf(data), "points[2].address", /holding 11 of unit 1 belongs to points\[1\] \(battery\.bess1\.powerSetW\)/, 11);
  Object.assign(data.points[2]!, { table: "input" });
  fromProfile(data, "t");
  Object.assign(data.points[2]!, { table: "holding", unitId: 2 });
  fromProfile(data, "t");
});

test("fromProfile refuses a setpoint without fallback, with a fallback out of bounds, or read-only", () => {
  const data = good();
  delete (data.points[1] as Record<string, unknown>)["fallback"];
  hasIssue(issuesOf(data), "points[1].fallback", /required for setpoints/);
  Object.assign(data.points[1]!, { fallback: "11MW" });
  hasIssue(issuesOf(data), "points[1].fallback", /inside \[min, max\] = \[-10000000, 10000000\]/, "11MW");
  Object.assign(data.points[1]!, { fallback: 0, table: "input" });
  hasIssue(issuesOf(data), "points[1].table", /holding or coil/, "input");
  Object.assign(data.points[1]!, { table: "holding", min: undefined });
  hasIssue(issuesOf(data), "points[1].min", /required for setpoints/);
});

test("fromProfile refuses __proto__, constructor and prototype keys anywhere, with the path", () => {
  const fromJson = JSON.parse(`{"name":"t","unitId":1,"__proto__":{"polluted":true},"points":[{"name":"a.bW","kind":"measurement","table":"holding","address":0,"type":"int16","unit":"W","constructor":1}]}`);
  const issues = issuesOf(fromJson);
  hasIssue(issues, "__proto__", /no key named __proto__/, { polluted: true });
  hasIssue(issues, "points[0].constructor", /no key named constructor/, 1);
  const fromYaml = parseYaml("name: t\nunitId: 1\nheartbeat: {address: 5, prototype: 2}\npoints: [{name: a.bW, kind: measurement, table: holding, address: 0, type: int16, unit: W}]\n");
  hasIssue(issuesOf(fromYaml), "heartbeat.prototype", /no key named prototype/, 2);
  assert.is(({} as Record<string, unknown>)["polluted"], undefined);
});

test("fromProfile refuses non-bool types on coils, duplicate names, values that do not fit, and setpoint-only fields on measurements", () => {
  const data = good();
  data.points.push({ ...structuredClone(measurement), table: "coil", address: 3 });
  Object.assign(data.points[0]!, { max: "40kW", fallback: 0 });
  const issues = issuesOf(data);
  hasIssue(issues, "points[2].type", /bool: a coil holds one bit/, "int16");
  hasIssue(issues, "points[2].name", /not used before \(points\[0\] has it\)/, "pcc.powerW");
  hasIssue(issues, "points[0].max", /outside int16 range/, "40kW");
  hasIssue(issues, "points[0].fallback", /only setpoints/, 0);
});

test("fromProfile reports every problem at once, and its message names path, value and expectation", () => {
  const data = good();
  Object.assign(data.points[0]!, { type: "int24" });
  Object.assign(data.points[1]!, { staleAfter: "soon" });
  try {
    fromProfile(data, "bad.yaml");
    assert.unreachable();
  } catch (error) {
    const message = (error as Error).message;
    assert.match(message, /^bad\.yaml: 2 problems:/);
    assert.match(message, /points\[0\]\.type: got "int24", expected one of/);
    assert.match(message, /points\[1\]\.staleAfter: got "soon", expected a duration such as/);
  }
});

test("fromProfile reports field problems and cross-field problems of other points in one pass", () => {
  const data = good();
  Object.assign(data.points[0]!, { type: "int24" });
  data.points.push({ ...structuredClone(measurement), name: "x.overlapW", address: 10 }, null as never);
  const issues = issuesOf(data);
  hasIssue(issues, "points[0].type", /one of/, "int24");
  hasIssue(issues, "points[2].address", /belongs to points\[1\]/, 10);
  hasIssue(issues, "points[3]", /a point: a mapping/, null);
});

test("fromProfile fills heartbeat and initWrites unit ids from the profile", () => {
  const data = { ...good(), heartbeat: { address: 40100 }, initWrites: [{ address: 40200, raw: 1, description: "enable" }] };
  const p = fromProfile(data, "t");
  assert.equal(p.heartbeat, { unitId: 1, address: 40100, periodS: 1 });
  assert.equal(p.initWrites, [{ unitId: 1, address: 40200, raw: 1, description: "enable" }]);
});

test.run();
