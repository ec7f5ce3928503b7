import { test } from "uvu";
import * as assert from "uvu/assert";
import { createLossCurve, lossW } from "../../../models/electrical/loss-curve.js";
import { buswayLossW, transformerLossW } from "../../../models/electrical/transformer.js";
import { TITANIUM_PSU_CURVE } from "../../../engine/scenario/from-scenario.js";

test("lossW(curve) reproduces the efficiency at each published point", () => {
  const curve = createLossCurve(TITANIUM_PSU_CURVE, 0.008);
  const ratedW = 132_000;
  for (const { load, efficiency } of TITANIUM_PSU_CURVE) {
    const outW = load * ratedW;
    const inW = outW + lossW(curve, outW, ratedW);
    assert.ok(Math.abs(outW / inW - efficiency) < 1e-12, `at ${load}: ${outW / inW}`);
  }
});

test("lossW(curve) is the no-load loss at zero, interpolates between points and extends past the last", () => {
  const curve = createLossCurve([{ load: 0.5, efficiency: 0.96 }, { load: 1, efficiency: 0.9 }], 0.01);
  assert.is(lossW(curve, 0, 1000), 10);
  assert.is(lossW(curve, -5, 1000), 10);
  const at50 = 500 * (1 / 0.96 - 1);
  assert.ok(Math.abs(lossW(curve, 250, 1000) - (10 + at50) / 2) < 1e-9);
  const at100 = 1000 * (1 / 0.9 - 1);
  assert.ok(Math.abs(lossW(curve, 1100, 1000) - (at100 + 0.2 * (at100 - at50))) < 1e-9);
});

test("transformerLossW = P0 + Pk (S/Sr)² per unit; buswayLossW ∝ P²", () => {
  const p = { units: 1, ratedVA: 1e6, noLoadLossFrac: 0.001, loadLossFrac: 0.008, powerFactor: 0.98 };
  assert.ok(Math.abs(transformerLossW(p, 980_000) - 9_000) < 1e-6);
  assert.ok(Math.abs(transformerLossW(p, 0) - 1_000) < 1e-9);
  const two = { ...p, units: 2 };
  assert.ok(Math.abs(transformerLossW(two, 1_960_000) - 18_000) < 1e-6, "two units at the same per-unit load lose twice");
  assert.ok(Math.abs(buswayLossW(1.8e6, 1.8e6, 0.005) - 9_000) < 1e-9);
  assert.ok(Math.abs(buswayLossW(0.9e6, 1.8e6, 0.005) - 2_250) < 1e-9);
});

test.run();
