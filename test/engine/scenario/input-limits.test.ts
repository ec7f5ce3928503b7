import { writeFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { expandSweep, fromSweep } from "../../../engine/batch/sweep.js";
import { fromDataText } from "../../../engine/scenario/from-data-text.js";
import { fromScenario } from "../../../engine/scenario/from-scenario.js";
import { INPUT_LIMITS, inputLimits } from "../../../engine/scenario/input-limits.js";
import { loadData } from "../../../engine/scenario/load-scenario.js";
import { UserError, type Issue } from "../../../models/lib/errors.js";
import { fromQuantity } from "../../../models/lib/units.js";
import { ROOT, tempDir } from "../../helpers.js";

const base = loadData(`${ROOT}test/fixtures/sweeps/tiny-base.yaml`) as Record<string, any>;

/** The UserError `call` throws (any other error fails the test), and the time it took. */
function refused(call: () => unknown, maxMs = 2000): UserError {
  const start = performance.now();
  try {
    call();
  } catch (error) {
    const ms = performance.now() - start;
    if (!(error instanceof UserError)) throw error;
    assert.ok(ms < maxMs, `refused only after ${ms.toFixed(0)} ms`);
    return error;
  }
  throw new Error("expected a UserError");
}

function hasIssue(error: UserError, path: string, expected: RegExp, value?: RegExp): void {
  const found = error.issues.filter((issue: Issue) => issue.path === path);
  assert.ok(found.length > 0, `no issue at "${path}": ${error.message}`);
  assert.ok(found.some((issue) => expected.test(issue.expected)), `${path}: ${found.map((i) => i.expected).join(" / ")}`);
  if (value) assert.ok(found.some((issue) => value.test(String(issue.value))), `${path}: ${found.map((i) => String(i.value)).join(" / ")}`);
}

const yaml = (text: string, limits = INPUT_LIMITS) => fromDataText(text, "yaml", "t.yaml", limits);
const json = (text: string, limits = INPUT_LIMITS) => fromDataText(text, "json", "t.json", limits);

test("loadData(path) refuses an endless or oversized file after reading at most the limit", () => {
  hasIssue(refused(() => loadData("/dev/zero"), 1000), "", /at most 4,194,304 bytes/, /more than 4,194,304 bytes/);
  const dir = tempDir();
  try {
    writeFileSync(`${dir.path}/big.yaml`, `a: ${"x".repeat(2000)}\n`);
    hasIssue(refused(() => loadData(`${dir.path}/big.yaml`, inputLimits({ maxFileBytes: 1000 }))), "", /at most 1,000 bytes/, /2,004 bytes/);
    assert.match(refused(() => loadData(dir.path)).message, /a directory/);
  } finally {
    dir.remove();
  }
});

test("fromDataText refuses deep nesting, too many values, keys or items, before the parser allocates them", () => {
  for (const text of ["[".repeat(100_000) + "]".repeat(100_000), "[".repeat(8_000_000), "- ".repeat(1000) + "x\n", "{a: ".repeat(1000) + "1" + "}".repeat(1000)]) {
    assert.match(refused(() => yaml(text)).message, /at most 64 levels of nesting/);
  }
  let block = "";
  for (let i = 0; i < 100; i++) block += `${" ".repeat(i)}a:\n`;
  assert.match(refused(() => yaml(block)).message, /levels of nesting/);
  hasIssue(refused(() => json("[".repeat(100_000) + "]".repeat(100_000))), "[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]", /at most 64 levels/);
  let keys = "";
  for (let i = 0; i < 100_000; i++) keys += `k${i}: ${i}\n`;
  assert.match(refused(() => yaml(keys)).message, /at most 20,000 values/);
  assert.match(refused(() => yaml(`[${"1,".repeat(2_000_000)}1]`)).message, /at most 20,000 values/);
  assert.match(refused(() => json(`[${"1,".repeat(2_000_000)}1]`)).message, /at most 10,000 items/);
  hasIssue(refused(() => yaml(`hall:\n${Array.from({ length: 1001 }, (_, i) => `  k${i}: 1`).join("\n")}\n`)), "hall", /at most 1,000 keys/);
  hasIssue(refused(() => json(`{"hall": {${Array.from({ length: 1001 }, (_, i) => `"k${i}": 1`).join(",")}}}`)), "hall", /at most 1,000 keys/);
  hasIssue(refused(() => yaml(`w: [${"1, ".repeat(10_001)}1]`)), "w", /at most 10,000 items/);
});

test("fromDataText refuses a YAML alias bomb and duplicate keys (YAML and JSON) with the path", () => {
  let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (const [name, prev] of [["b", "a"], ["c", "b"], ["d", "c"], ["e", "d"], ["f", "e"], ["g", "f"], ["h", "g"]]) bomb += `${name}: &${name} [${Array(10).fill(`*${prev}`).join(", ")}]\n`;
  assert.match(refused(() => yaml(bomb)).message, /alias/);
  hasIssue(refused(() => yaml("hall:\n  rows: 1\n  rows: 2\n")), "hall.rows", /a key used once in its mapping \(line 3 repeats line 2\)/);
  hasIssue(refused(() => json(`{"hall": {"rows": 1, "racksPerRow": 2, "rows": 3}}`)), "hall.rows", /a key used once/);
  hasIssue(refused(() => json(`{"a": 1, "\\u0061": 2}`)), "a", /a key used once/);
  assert.equal(json(`{"a": [1, {"b": "x,]}"}], "c": 2}`), { a: [1, { b: "x,]}" }], c: 2 });
  assert.equal(yaml("a: &x [1, 2]\nb: *x\nc: 'it''s # not a comment [' # a comment [[[\n"), { a: [1, 2], b: [1, 2], c: "it's # not a comment [" });
});

test("fromQuantity(text) takes units exactly and never returns Infinity or NaN", () => {
  for (const text of ["200kms", "5mmin", "3kh", "1k%", "2kC", "1e400MW", "1e308GW", "1e400", "NaN", "Infinity", "1e309s"]) {
    assert.is(fromQuantity(text, text.endsWith("W") ? "power" : "duration"), undefined, text);
  }
  assert.is(fromQuantity("200ms", "duration"), 0.2);
  assert.is(fromQuantity("2MW/s", "rampRate"), 2e6);
  assert.ok(Math.abs(fromQuantity("10MW/min", "rampRate")! - 1e7 / 60) < 1e-6);
  assert.is(fromQuantity("1.5kWh", "energy"), 5.4e6);
  assert.is(fromQuantity("50mHz", "frequency"), 0.05);
  assert.is(fromQuantity("12.5MVA", "apparentPower"), 12.5e6);
  assert.is(fromQuantity("90%", "fraction"), 0.9);
});

test("fromScenario refuses Infinity, NaN and null with the path, and drops out-of-range counts before any allocation", () => {
  hasIssue(refused(() => fromScenario({ ...base, grid: { importCapacity: "1e400MW" } }, "t")), "grid.importCapacity", /a power such as/);
  hasIssue(refused(() => fromScenario(yaml("name: t\nhorizon: .inf\nseed: .nan\n"), "t")), "horizon", /a duration/);
  hasIssue(refused(() => fromScenario(yaml("name: t\nhorizon: 10s\nseed: .nan\n"), "t")), "seed", /a whole number/);
  assert.match(refused(() => fromScenario(yaml("name: t\nhorizon: 10s\nseed: .nan\n"), "t")).message, "seed: got NaN, expected a whole number");
  hasIssue(refused(() => fromScenario(yaml("name: t\nhorizon: 10s\ngrid:\n"), "t")), "grid", /or leave the field out/, /null/);
  hasIssue(refused(() => fromScenario({ ...base, dt: null }, "t")), "dt", /a duration such as .*leave the field out for its default/);
  hasIssue(refused(() => fromScenario({ ...base, horizon: "200kms" }, "t")), "horizon", /a duration such as/);
  hasIssue(refused(() => fromScenario({ ...base, hall: { rows: 1, racksPerRow: 1e21 } }, "t"), 500), "hall.racksPerRow", /at most 99/);
  hasIssue(refused(() => fromScenario({ ...base, hall: { rows: 1e21 } }, "t"), 500), "hall.rows", /at most 26/);
  hasIssue(refused(() => fromScenario({ ...base, electrical: { upsModules: 1e9 } }, "t")), "electrical.upsModules", /at most 1000/);
});

test("fromScenario refuses more ticks than the limit, naming the count it would be", () => {
  hasIssue(refused(() => fromScenario({ name: "t", dt: "1e-9s", horizon: "2s" }, "t")), "horizon", /at most 100,000,000 ticks.*2,000,000,000 ticks/);
  hasIssue(refused(() => fromScenario({ name: "t", horizon: "1h" }, "t", inputLimits({ maxTicks: 1000 }))), "horizon", /at most 1,000 ticks .* 90,000 ticks/);
  hasIssue(refused(() => fromScenario({ name: "t", horizon: "10s", outputs: { swingWindow: "1e8s" } }, "t")), "outputs.swingWindow", /at most 100,000,000 ticks.*2,500,000,000 ticks/);
  assert.is(fromScenario({ name: "t", horizon: "1h" }, "t", inputLimits({ maxTicks: 90_000 })).ticks, 90_000);
});

test("fromScenario reports a startTime whose run the signal data does not cover (not only at run time)", () => {
  const signals = { name: "t", horizon: "1d", signals: { price: "agile-2020", carbon: "gb-2020" } };
  hasIssue(refused(() => fromScenario({ ...signals, startTime: "2021-06-01T00:00:00Z" }, "t")), "startTime", /a time from 2020-01-01T00:00:00Z to 2020-12-31T00:00:00Z .*signals.price is agile-2020/);
  hasIssue(refused(() => fromScenario({ ...signals, startTime: "2020-12-31T12:00:00Z" }, "t")), "startTime", /signals.carbon is gb-2020/);
  assert.is(fromScenario({ ...signals, startTime: "2020-12-31T00:00:00Z" }, "t").ticks, 86400 / 0.04);
  hasIssue(refused(() => fromScenario({ name: "t", horizon: "1h", startTime: "2021-07-01T00:00:00Z", cooling: { weather: "bedford-2022" } }, "t")), "startTime", /cooling.weather is bedford-2022/);
});

test("expandSweep counts the runs first and refuses more than maxRuns, naming the number", () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  const sweep = fromSweep({ name: "huge", base: "b", grid: { "hall.rows": values, "hall.racksPerRow": values, seed: values, "workloads[0].computeFraction": values } }, base, "b", "s");
  hasIssue(refused(() => expandSweep(sweep, "s"), 1000), "grid", /at most 100,000 runs/, /^100 \(hall.rows\) × 100 \(hall.racksPerRow\) × 100 \(seed\) × 100 \(workloads\[0\].computeFraction\) = 100,000,000 runs$/);
  const small = fromSweep({ name: "small", base: "b", grid: { "hall.racksPerRow": [1, 2, 3] }, replicates: 4 }, base, "b", "s");
  hasIssue(refused(() => expandSweep(small, "s", inputLimits({ maxRuns: 10 }))), "grid", /at most 10 runs/, /3 .* × 4 \(replicates\) = 12 runs/);
  assert.is(expandSweep(small, "s", inputLimits({ maxRuns: 12 })).length, 12);
});

test.run();
