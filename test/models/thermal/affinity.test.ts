import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  affinityFlowFrac, affinityHeadFrac, affinityPowerW, STOPPED_SPEED_FRAC, stepSpeedFrac,
} from "../../../models/thermal/affinity.js";

test("affinity laws: flow ∝ N, head ∝ N², power ∝ N³ (80 % speed → 51.2 % power)", () => {
  const table: { speedFrac: number; flowFrac: number; headFrac: number; powerFrac: number }[] = [
    { speedFrac: 1, flowFrac: 1, headFrac: 1, powerFrac: 1 },
    { speedFrac: 0.8, flowFrac: 0.8, headFrac: 0.64, powerFrac: 0.512 },
    { speedFrac: 0.5, flowFrac: 0.5, headFrac: 0.25, powerFrac: 0.125 },
    { speedFrac: 0, flowFrac: 0, headFrac: 0, powerFrac: 0 },
    { speedFrac: -0.2, flowFrac: 0, headFrac: 0, powerFrac: 0 },
  ];
  for (const row of table) {
    assert.ok(Math.abs(affinityFlowFrac(row.speedFrac) - row.flowFrac) < 1e-12);
    assert.ok(Math.abs(affinityHeadFrac(row.speedFrac) - row.headFrac) < 1e-12);
    assert.ok(Math.abs(affinityPowerW(10_000, row.speedFrac) - 10_000 * row.powerFrac) < 1e-9, `speed ${row.speedFrac}`);
  }
});

test("stepSpeedFrac follows the command at the ramp rate, or at once with an Infinity ramp", () => {
  // 0 → command 0.5 at 0.1 /s: 0.1 per 1 s step, reached after 5 steps and held.
  let s = 0;
  const seen: number[] = [];
  for (let k = 0; k < 7; k++) { s = stepSpeedFrac(s, 0.5, 0.1, 0, 2, 1); seen.push(Math.round(s * 1e9) / 1e9); }
  assert.equal(seen, [0.1, 0.2, 0.3, 0.4, 0.5, 0.5, 0.5]);
  assert.is(stepSpeedFrac(1, 0.3, 0.1, 0, 2, 1), 0.9);
  assert.is(stepSpeedFrac(0.2, 0.9, Infinity, 0, 2, 1), 0.9);
  assert.is(stepSpeedFrac(0.2, 1.4, Infinity, 0, 2, 1), 1); // command clamped to 1
  assert.is(stepSpeedFrac(0.5, 0.7, 0.1, 0, 2, 0), 0.5); // dt 0: unchanged
});

test("stepSpeedFrac coasts down after a trip as s0/(1 + s0·t/halfS), whatever the step", () => {
  // Centrifugal load torque ∝ ω²: from rated speed, half speed after halfS, a third after 2·halfS.
  const table: { tS: number; expectedSpeedFrac: number }[] = [
    { tS: 2, expectedSpeedFrac: 0.5 },
    { tS: 4, expectedSpeedFrac: 1 / 3 },
    { tS: 18, expectedSpeedFrac: 0.1 },
  ];
  for (const row of table) {
    for (const dtS of [1, 0.1]) {
      let s = 1;
      const steps = Math.round(row.tS / dtS);
      for (let k = 0; k < steps; k++) s = stepSpeedFrac(s, 1, 0.1, 1, 2, dtS); // the command is ignored
      assert.ok(Math.abs(s - row.expectedSpeedFrac) < 1e-9, `t ${row.tS} s at dt ${dtS}: ${s}`);
    }
  }
  assert.is(stepSpeedFrac(1, 1, 0.1, 1, 0, 1), 0); // no coast-down time: stops at once
  assert.is(stepSpeedFrac(STOPPED_SPEED_FRAC * 1.001, 1, 0.1, 1, 2, 1), 0); // below 1 %: stopped
});

test.run();
