import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  DYNAMIC_CONTAINMENT,
  DYNAMIC_MODERATION,
  DYNAMIC_REGULATION,
  droopResponseW,
  responseFraction,
  responsePowerW,
} from "../../../models/grid/frequency-response.js";

// ★ V3 (docs/physics-sources.md §7): DC delivery, % of contracted MW, vs |Δf|.
const DC_TABLE: ReadonlyArray<{ absDfHz: number; deliveryPct: number }> = [
  { absDfHz: 0.01, deliveryPct: 0 },
  { absDfHz: 0.1, deliveryPct: 2.297 },
  { absDfHz: 0.2, deliveryPct: 5 },
  { absDfHz: 0.3, deliveryPct: 36.67 },
  { absDfHz: 0.4, deliveryPct: 68.33 },
  { absDfHz: 0.5, deliveryPct: 100 },
  { absDfHz: 0.8, deliveryPct: 100 },
];

test("responseFraction(Δf) is symmetric in the sign of Δf at every point of the ★ V3 table (its inner points are validation claims)", () => {
  // The table's inner points against the model: test/validation/published-curves.claims.ts.
  for (const { absDfHz, deliveryPct } of DC_TABLE) {
    assert.is(responseFraction(absDfHz, DYNAMIC_CONTAINMENT), responseFraction(-absDfHz, DYNAMIC_CONTAINMENT));
    if (deliveryPct === 0 || deliveryPct === 100) assert.is(100 * responseFraction(absDfHz, DYNAMIC_CONTAINMENT), deliveryPct);
  }
});

test("responseFraction(Δf) has its knees at the published points: 0 at the ±0.015 Hz deadband, 5 % at 0.2 Hz, 100 % at 0.5 Hz, linear between", () => {
  assert.is(responseFraction(0.015), 0);
  assert.is(responseFraction(-0.015), 0);
  assert.ok(responseFraction(0.0151) > 0);
  assert.ok(Math.abs(responseFraction(0.2) - 0.05) < 1e-15);
  assert.is(responseFraction(0.5), 1);
  // Linearity inside each segment: the midpoint's value is the mean of the ends.
  const mid1 = responseFraction((0.015 + 0.2) / 2);
  assert.ok(Math.abs(mid1 - 0.025) < 1e-12, `first-segment midpoint ${mid1}`);
  const mid2 = responseFraction(0.35);
  assert.ok(Math.abs(mid2 - 0.525) < 1e-12, `second-segment midpoint ${mid2}`);
  // Monotonic, bounded.
  let last = 0;
  for (let x = 0; x <= 1; x += 0.001) {
    const v = responseFraction(x);
    assert.ok(v >= last && v <= 1, `not monotonic at ${x}`);
    last = v;
  }
  assert.is(responseFraction(NaN), 0);
});

test("responsePowerW(Δf) asks low frequency to import less (negative) and high frequency to import more (positive)", () => {
  // Contracted 10 MW low side, 4 MW high side.
  const rows: ReadonlyArray<{ dfHz: number; expectedW: number }> = [
    { dfHz: -0.3, expectedW: -10e6 * (0.05 + 0.95 / 3) },
    { dfHz: -0.5, expectedW: -10e6 },
    { dfHz: 0.3, expectedW: 4e6 * (0.05 + 0.95 / 3) },
    { dfHz: 0.6, expectedW: 4e6 },
    { dfHz: 0.01, expectedW: 0 },
    { dfHz: -0.01, expectedW: 0 },
  ];
  for (const { dfHz, expectedW } of rows) {
    const w = responsePowerW(dfHz, 10e6, 4e6);
    assert.ok(Math.abs(w - expectedW) < 1e-6, `Δf ${dfHz}: ${w} W, expected ${expectedW} W`);
  }
  assert.ok(Object.is(responsePowerW(0, 10e6, 4e6), 0));
});

test("responseFraction with the DM and DR presets: DM 5 % at 0.1 Hz and 100 % at 0.2 Hz; DR linear from 0.015 to 0.2 Hz", () => {
  assert.ok(Math.abs(responseFraction(0.1, DYNAMIC_MODERATION) - 0.05) < 1e-15);
  assert.is(responseFraction(0.2, DYNAMIC_MODERATION), 1);
  assert.ok(Math.abs(responseFraction(0.15, DYNAMIC_MODERATION) - 0.525) < 1e-12);
  assert.is(responseFraction(0.015, DYNAMIC_REGULATION), 0);
  assert.ok(Math.abs(responseFraction(0.1075, DYNAMIC_REGULATION) - 0.5) < 1e-12);
  assert.is(responseFraction(0.2, DYNAMIC_REGULATION), 1);
});

test("droopResponseW(Δf) is (|Δf| − deadband)/(R·f₀) × rated, signed against Δf, clamped to maxW", () => {
  const p = { droopFrac: 0.04, ratedW: 10e6, f0Hz: 50, deadbandHz: 0.015, maxW: 8e6 };
  // R·f₀ = 2 Hz for the full 10 MW.
  const rows: ReadonlyArray<{ dfHz: number; expectedW: number }> = [
    { dfHz: 0.01, expectedW: 0 },
    { dfHz: -0.015, expectedW: 0 },
    { dfHz: -0.215, expectedW: -1e6 },
    { dfHz: 0.515, expectedW: 2.5e6 },
    { dfHz: -1.615, expectedW: -8e6 }, // 8 MW would need 1.6 Hz: at the clamp
    { dfHz: -3, expectedW: -8e6 },
  ];
  for (const { dfHz, expectedW } of rows) {
    const w = droopResponseW(dfHz, p);
    assert.ok(Math.abs(w - expectedW) < 1e-6, `Δf ${dfHz}: ${w} W, expected ${expectedW} W`);
  }
});

test.run();
