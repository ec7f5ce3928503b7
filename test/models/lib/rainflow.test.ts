import { test } from "uvu";
import * as assert from "uvu/assert";
import { createRng } from "../../../models/lib/rng.js";
import {
  countCycles,
  createRainflowCounter,
  finishRainflow,
  pushRainflow,
  rainflowCycles,
  resetRainflow,
} from "../../../models/lib/rainflow.js";

const close = (a: number, b: number, tol = 1e-12): boolean => Math.abs(a - b) <= tol;

/** ½ Σ |x[k+1] − x[k]|: the throughput every counting must redistribute into cycles. */
function halfVariation(xs: ArrayLike<number>): number {
  let s = 0;
  for (let k = 1; k < xs.length; k++) s += Math.abs(xs[k] - xs[k - 1]);
  return 0.5 * s;
}

test("countCycles gives the ASTM E1049-85 example exactly (V2)", () => {
  // docs/physics-sources.md §7 V2, as computed by BLAST-Lite's count_cycles and the `rainflow` package.
  const expected = [
    { range: 3, count: 0.5 },
    { range: 4, count: 1.5 },
    { range: 6, count: 0.5 },
    { range: 8, count: 1.0 },
    { range: 9, count: 0.5 },
  ];
  assert.equal(countCycles([-2, 1, -3, 5, -1, 3, -4, 4, -2]), expected);
});

test("rainflowCycles returns each cycle's range, mean, count and reversal indices in extraction order", () => {
  // Expected rows: BLAST-Lite extract_cycles on the same input (run through a transcription of
  // blast/utils/rainflow.py); plateau indices are the plateau's first sample here (BLAST-Lite: its last).
  const series = [0.5, 0.5, 0.7, 0.7, 0.6, 0.9, 0.2, 0.2, 0.4, 0.3, 0.8, 0.1, 0.5, 0.45, 0.55, 0.5];
  const expected: [range: number, mean: number, count: number, start: number, end: number][] = [
    [0.1, 0.65, 1, 2, 4],
    [0.4, 0.7, 0.5, 0, 5],
    [0.1, 0.35, 1, 8, 9],
    [0.6, 0.5, 1, 6, 10],
    [0.05, 0.475, 1, 12, 13],
    [0.8, 0.5, 0.5, 5, 11],
    [0.45, 0.325, 0.5, 11, 14],
    [0.05, 0.525, 0.5, 14, 15],
  ];
  const got = rainflowCycles(series);
  assert.is(got.length, expected.length);
  expected.forEach(([range, mean, count, start, end], j) => {
    const c = got[j];
    assert.ok(close(c.range, range) && close(c.mean, mean), `cycle ${j}: ${c.range} / ${c.mean}`);
    assert.is(c.count, count, `cycle ${j} count`);
    assert.is(c.startIndex, start, `cycle ${j} start`);
    assert.is(c.endIndex, end, `cycle ${j} end`);
  });
  // The V2 series, cycle by cycle (BLAST-Lite extract_cycles).
  const v2 = rainflowCycles([-2, 1, -3, 5, -1, 3, -4, 4, -2]).map((c) => [c.range, c.mean, c.count]);
  assert.equal(v2, [[3, -0.5, 0.5], [4, -1, 0.5], [4, 1, 1], [8, 1, 0.5], [9, 0.5, 0.5], [8, 0, 0.5], [6, 1, 0.5]]);
});

test("rainflowCycles redistributes the series' throughput: Σ count·range = ½ Σ|Δx| on random series", () => {
  const rng = createRng(7, "rainflow", "throughput");
  for (let trial = 0; trial < 50; trial++) {
    const len = 2 + rng.int(400);
    const xs: number[] = [];
    let x = rng.uniform();
    for (let k = 0; k < len; k++) {
      // Random walk with plateaus (a quarter of the steps repeat the value).
      if (rng.uniform() > 0.25) x += rng.normal(0, 0.1);
      xs.push(x);
    }
    const cycles = rainflowCycles(xs);
    const s = cycles.reduce((acc, c) => acc + c.count * c.range, 0);
    assert.ok(close(s, halfVariation(xs), 1e-9), `trial ${trial}: ${s} vs ${halfVariation(xs)}`);
    assert.ok(cycles.every((c) => c.count === 1 || c.count === 0.5));
  }
});

test("pushRainflow / finishRainflow stream the same cycles as the batch form", () => {
  const rng = createRng(7, "rainflow", "stream");
  const xs = Array.from({ length: 2000 }, () => Math.round(rng.normal(0, 1) * 20) / 20);
  const batch = rainflowCycles(xs).map((c) => [c.range, c.mean, c.count, c.startIndex, c.endIndex]);
  const counter = createRainflowCounter();
  const streamed: number[][] = [];
  const take = (m: number): void => {
    for (let j = 0; j < m; j++) {
      streamed.push([counter.outRange[j], counter.outMean[j], counter.outCount[j], counter.outStart[j], counter.outEnd[j]]);
    }
  };
  for (const x of xs) take(pushRainflow(counter, x));
  take(finishRainflow(counter));
  assert.equal(streamed, batch);
  assert.is(counter.overflowCycles, 0);
  assert.is(finishRainflow(counter), 0, "finish is idempotent");
  assert.throws(() => pushRainflow(counter, 1), /finished/);
  resetRainflow(counter);
  take(pushRainflow(counter, 0));
  assert.is(counter.samples, 1);
});

test("pushRainflow skips NaN samples (keeping input indices) and treats equal samples as one point", () => {
  assert.equal(
    rainflowCycles([0, NaN, 1, 1, 1, NaN, 0]).map((c) => [c.range, c.count, c.startIndex, c.endIndex]),
    [[1, 0.5, 0, 2], [1, 0.5, 2, 6]],
  );
  assert.equal(
    rainflowCycles([NaN, NaN, 0, 2]).map((c) => [c.range, c.count, c.startIndex, c.endIndex]),
    [[2, 0.5, 2, 3]],
  );
  assert.equal(countCycles([]), []);
  assert.equal(countCycles([5]), []);
  assert.equal(countCycles([0, 2]), [{ range: 2, count: 0.5 }]); // two samples: one half cycle
  assert.equal(countCycles([3, 3, 3]), []);
});

test("a full rainflow stack counts its oldest range as a half cycle and keeps the throughput", () => {
  // A converging oscillation never closes a cycle, so its residue grows by one point per reversal.
  const xs = Array.from({ length: 40 }, (_, k) => (k % 2 === 0 ? 1 : -1) / (k + 1));
  const counter = createRainflowCounter(8);
  let s = 0;
  const take = (m: number): void => {
    for (let j = 0; j < m; j++) s += counter.outCount[j] * counter.outRange[j];
  };
  for (const x of xs) take(pushRainflow(counter, x));
  assert.ok(counter.overflowCycles > 0, "the stack overflowed");
  assert.ok(counter.size <= 8);
  take(finishRainflow(counter));
  assert.ok(close(s, halfVariation(xs), 1e-12), `${s} vs ${halfVariation(xs)}`);
  assert.throws(() => createRainflowCounter(2), /capacity/);
  assert.throws(() => createRainflowCounter(3.5), /capacity/);
});

test.run();
