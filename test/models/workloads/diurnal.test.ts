import { test } from "uvu";
import * as assert from "uvu/assert";
import { DAY_S, diurnalRate } from "../../../models/workloads/diurnal.js";

const PEAK_S = 14 * 3600;

test("diurnalRate(t) peaks at peakHourS and bottoms out 12 h later", () => {
  for (const ratio of [1.5, 3, 10]) {
    let argmax = -1;
    let argmin = -1;
    let max = -Infinity;
    let min = Infinity;
    for (let t = 0; t < DAY_S; t += 60) {
      const r = diurnalRate(t, 8, ratio, PEAK_S);
      if (r > max) [max, argmax] = [r, t];
      if (r < min) [min, argmin] = [r, t];
    }
    assert.is(argmax, PEAK_S, `peak of ratio ${ratio}`);
    assert.is(argmin, PEAK_S - DAY_S / 2, `trough of ratio ${ratio}`);
  }
});

test("diurnalRate(t) keeps peak / trough = peakToTroughRatio and a daily mean of meanPerS", () => {
  const table: [mean: number, ratio: number][] = [[5, 1], [5, 2], [12, 3], [0.5, 7]];
  for (const [mean, ratio] of table) {
    const peak = diurnalRate(PEAK_S, mean, ratio, PEAK_S);
    const trough = diurnalRate(PEAK_S + DAY_S / 2, mean, ratio, PEAK_S);
    assert.ok(Math.abs(peak / trough - ratio) < 1e-12, `ratio ${peak / trough} vs ${ratio}`);
    let sum = 0;
    const n = 1440;
    for (let i = 0; i < n; i++) sum += diurnalRate((i * DAY_S) / n, mean, ratio, PEAK_S);
    assert.ok(Math.abs(sum / n - mean) < 1e-9 * mean, `mean ${sum / n} vs ${mean}`);
  }
});

test("diurnalRate(t) repeats every day and matches the documented example", () => {
  assert.ok(Math.abs(diurnalRate(PEAK_S, 10, 3, PEAK_S) - 15) < 1e-12);
  assert.ok(Math.abs(diurnalRate(2 * 3600, 10, 3, PEAK_S) - 5) < 1e-12);
  for (const t of [0, 3_333, 50_000]) {
    assert.ok(Math.abs(diurnalRate(t + 3 * DAY_S, 4, 2.5, PEAK_S) - diurnalRate(t, 4, 2.5, PEAK_S)) < 1e-9);
  }
});

test.run();
