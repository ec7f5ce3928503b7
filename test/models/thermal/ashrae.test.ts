import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  accumulateEnvelope, ASHRAE_ALLOWABLE, ASHRAE_H1_RECOMMENDED, ASHRAE_RECOMMENDED, ASHRAE_W_CLASSES, createEnvelopeCounters,
  insideEnvelope, minutesOutsideAllowable, minutesOutsideRecommended,
} from "../../../models/thermal/ashrae.js";

test("ASHRAE H1 and the liquid W classes hold the docs/physics-sources.md §5.3 values (A1-A4 and recommended: validation claims)", () => {
  // The recommended and A1-A4 air envelopes: test/validation/published-curves.claims.ts.
  assert.equal([ASHRAE_H1_RECOMMENDED.minC, ASHRAE_H1_RECOMMENDED.maxC], [18, 22]);
  assert.equal(Object.values(ASHRAE_W_CLASSES), [17, 27, 32, 40, 45]);
});

test("insideEnvelope includes both limits and treats NaN as outside", () => {
  assert.ok(insideEnvelope(18, ASHRAE_RECOMMENDED));
  assert.ok(insideEnvelope(27, ASHRAE_RECOMMENDED));
  assert.not.ok(insideEnvelope(27.01, ASHRAE_RECOMMENDED));
  assert.not.ok(insideEnvelope(17.99, ASHRAE_RECOMMENDED));
  assert.not.ok(insideEnvelope(NaN, ASHRAE_ALLOWABLE.A4));
});

test("accumulateEnvelope counts minutes below / above recommended and outside allowable per point", () => {
  // Point 0 over six 1-minute steps: 17 (below rec., inside A1), 18, 27 (inside), 27.5 (above rec.),
  // 33 (above rec., outside A1), NaN (fails hot: above rec., outside A1). Point 1 steady 22 °C.
  const series = [17, 18, 27, 27.5, 33, NaN];
  const c = createEnvelopeCounters(2);
  for (const t of series) accumulateEnvelope(c, [t, 22], 60);
  const table: { point: number; belowMin: number; aboveMin: number; outsideRecMin: number; outsideAllowMin: number }[] = [
    { point: 0, belowMin: 1, aboveMin: 3, outsideRecMin: 4, outsideAllowMin: 2 },
    { point: 1, belowMin: 0, aboveMin: 0, outsideRecMin: 0, outsideAllowMin: 0 },
  ];
  for (const row of table) {
    assert.is(c.belowS[row.point] / 60, row.belowMin);
    assert.is(c.aboveS[row.point] / 60, row.aboveMin);
    assert.is(minutesOutsideRecommended(c, row.point), row.outsideRecMin);
    assert.is(minutesOutsideAllowable(c, row.point), row.outsideAllowMin);
  }
  assert.is(c.peakC[0], 33);
  assert.is(c.lowC[0], 17);
  // Class A2 allowable (10-35): 33 °C is inside.
  const a2 = createEnvelopeCounters(1, ASHRAE_RECOMMENDED, ASHRAE_ALLOWABLE.A2);
  for (const t of series) accumulateEnvelope(a2, [t], 60);
  assert.is(minutesOutsideAllowable(a2, 0), 1);
  accumulateEnvelope(a2, [50], 0); // dt 0 adds nothing
  assert.is(minutesOutsideAllowable(a2, 0), 1);
  assert.throws(() => createEnvelopeCounters(-1), /count/);
});

test.run();
