import { test } from "uvu";
import * as assert from "uvu/assert";
import { describe, fromFieldPath, setAtPath } from "../../../engine/batch/field-path.js";
import { loadSweep } from "../../../engine/batch/load-sweep.js";
import { expandSweep, fromSweep, replicateSeed, shardOf } from "../../../engine/batch/sweep.js";
import { UserError } from "../../../models/lib/errors.js";
import { loadData } from "../../../engine/scenario/load-scenario.js";
import { ROOT } from "../../helpers.js";

const TINY = `${ROOT}test/fixtures/sweeps/tiny.yaml`;
const base = loadData(`${ROOT}test/fixtures/sweeps/tiny-base.yaml`);

function issues(data: unknown): { path: string; expected: string }[] {
  try {
    const sweep = fromSweep(data, base, "base.yaml", "sweep.yaml");
    expandSweep(sweep, "sweep.yaml");
  } catch (error) {
    assert.instance(error, UserError);
    return [...(error as UserError).issues];
  }
  throw new Error("expected a UserError");
}

test("fromFieldPath / setAtPath / describe round-trip dotted paths with list indices", () => {
  assert.equal(fromFieldPath("controllers[0].floor"), ["controllers", 0, "floor"]);
  assert.is(fromFieldPath("a..b"), undefined);
  assert.is(fromFieldPath("[0]"), undefined);
  assert.is(describe(["workloads", 1, "racks"]), "workloads[1].racks");
  const data: Record<string, unknown> = { workloads: [{ id: "a" }] };
  assert.is(setAtPath(data, ["workloads", 0, "jitter"], "5ms"), undefined);
  assert.is(setAtPath(data, ["electrical", "upsModules"], 3), undefined, "missing objects are created");
  assert.equal(data, { workloads: [{ id: "a", jitter: "5ms" }], electrical: { upsModules: 3 } });
  assert.match(setAtPath(data, ["workloads", 2, "id"], "x")!, "has 1 item(s)");
});

test("expandSweep(grid × zip × replicates) gives every combination with stable ids and its values", () => {
  const runs = expandSweep(loadSweep(TINY), TINY);
  assert.is(runs.length, 2 * 2 * 2);
  assert.equal(runs.map((r) => r.runId), ["tiny-0", "tiny-1", "tiny-2", "tiny-3", "tiny-4", "tiny-5", "tiny-6", "tiny-7"]);
  assert.equal(runs[5]!.params, { "controllers[0].floor": "70%", "workloads[0].iterationPeriod": "1s", "workloads[0].computeFraction": 0.6, replicate: 1 });
  const c = runs[5]!.scenario!.controllers[0]!;
  assert.ok(c.kind === "gpu-smoothing" && c.floor === 0.7);
  const w = runs[7]!.scenario!.workloads[0]!;
  assert.ok(w.kind === "training" && w.iterationPeriod === 1.5 && w.computeFraction === 0.8, "zip pairs values item by item");
  assert.equal(expandSweep(loadSweep(TINY), TINY).map((r) => r.seed), runs.map((r) => r.seed), "expansion is deterministic");
});

test("replicates: replicate 0 keeps the scenario's seed, others are derived, the same for every combination", () => {
  const runs = expandSweep(loadSweep(TINY), TINY);
  const r0 = runs.filter((r) => r.params.replicate === 0).map((r) => r.seed);
  const r1 = runs.filter((r) => r.params.replicate === 1).map((r) => r.seed);
  assert.ok(r0.every((s) => s === 5));
  assert.ok(r1.every((s) => s === replicateSeed(5, 1)) && r1[0] !== 5);
  assert.ok(Number.isInteger(replicateSeed(5, 7)) && replicateSeed(5, 7) >= 0 && replicateSeed(5, 7) < 2 ** 32);
});

test("sweep errors name the axis and the path", () => {
  const found = issues({ name: "s", grid: { "controllers[3].floor": [0.5], "hall..rows": [1] }, zip: [{ "workloads[0].jitter": ["1ms", "2ms"], "workloads[0].commUtil": [0] }], replicates: 0 });
  const paths = found.map((i) => i.path);
  assert.ok(paths.includes('grid["hall..rows"]'), "bad path syntax");
  assert.ok(found.find((i) => i.path === "zip[0]")?.expected.includes("one length"), "zip lengths");
  assert.ok(paths.includes("replicates"));
  const missing = issues({ name: "s", grid: { "controllers[3].floor": [0.5] } });
  assert.is(missing[0]!.path, 'grid["controllers[3].floor"]');
  assert.match(missing[0]!.expected, "controllers has 1 item(s)");
});

test("a value that makes a run invalid fails that run, with the axis and value in its error", () => {
  const file = `${ROOT}test/fixtures/sweeps/tiny-with-bad-value.yaml`;
  const runs = expandSweep(loadSweep(file), file);
  assert.equal(runs.map((r) => r.error === undefined), [true, false, true]);
  assert.match(runs[1]!.error!, 'grid["workloads[0].iterationPeriod"][1]');
  assert.match(runs[1]!.error!, '"soon"');
});

test("shardOf(i, n) splits the runs into n disjoint parts that together are all of them", () => {
  const runs = expandSweep(loadSweep(TINY), TINY);
  const parts = [0, 1, 2].map((i) => shardOf(runs, i, 3).map((r) => r.runId));
  assert.equal(parts.flat().sort(), runs.map((r) => r.runId).sort());
  assert.is(new Set(parts.flat()).size, runs.length);
  assert.equal(parts[1], ["tiny-1", "tiny-4", "tiny-7"]);
});

test.run();
