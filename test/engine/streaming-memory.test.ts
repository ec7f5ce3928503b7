import { spawnSync } from "node:child_process";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ROOT } from "../helpers.js";

function run(hours: number): { bytes: number; peakRssMB: number } {
  const r = spawnSync(process.execPath, [`${ROOT}dist/test/fixtures/run-hall-discarding.js`, String(hours)], { encoding: "utf8" });
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test("a run streams its results: peak memory does not grow with the horizon", () => {
  const short = run(1);
  const long = run(12);
  const extraDataMB = (long.bytes - short.bytes) / 1e6;
  assert.ok(extraDataMB > 100, `the long run emits ${extraDataMB.toFixed(0)} MB more series data`);
  const growthMB = long.peakRssMB - short.peakRssMB;
  assert.ok(growthMB < 20, `peak RSS grew ${growthMB.toFixed(1)} MB (1 h: ${short.peakRssMB.toFixed(0)} MB, 12 h: ${long.peakRssMB.toFixed(0)} MB)`);
});

test.run();
