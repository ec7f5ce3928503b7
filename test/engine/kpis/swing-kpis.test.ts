import { test } from "uvu";
import * as assert from "uvu/assert";
import { createSwingKpis } from "../../../engine/kpis/swing-kpis.js";

function swings(dtS: number, signal: Float64Array, windowS?: number): [p99W: number, maxW: number] {
  const acc = createSwingKpis("pcc", dtS, windowS);
  acc.add(signal, signal.length);
  const out = acc.finish();
  assert.equal(
    out.map((r) => [r.name, r.unit]),
    [
      ["pcc_swing_p99", "W"],
      ["pcc_swing_max", "W"],
    ],
  );
  return [out[0].value, out[1].value];
}

test("createSwingKpis gives swing_max = ΔP for a step of ΔP inside a window", () => {
  const rows: [stepW: number, stepAtS: number, swingMaxW: number][] = [
    [1e6, 12.3, 1e6],
    [-4e5, 7.0, 4e5],
  ];
  for (const [stepW, stepAtS, swingMaxW] of rows) {
    const p = new Float64Array(1000).fill(3e6); // 40 s at 40 ms: eight 5 s windows
    p.fill(3e6 + stepW, Math.round(stepAtS / 0.04));
    const [p99W, maxW] = swings(0.04, p);
    assert.is(maxW, swingMaxW);
    // One window in eight holds the step, so the nearest-rank p99 (rank 8 of 8) is the step too.
    assert.is(p99W, swingMaxW);
  }
});

test("createSwingKpis uses nearest-rank p99 over the per-window swings", () => {
  // 200 windows of 2 samples at dtS = 1 s, window 2 s; window w swings by w W (w = 1..200).
  const p = new Float64Array(400);
  for (let w = 0; w < 200; w++) p[2 * w + 1] = w + 1;
  const [p99W, maxW] = swings(1, p, 2);
  assert.is(maxW, 200);
  assert.is(p99W, 198); // rank ceil(0.99·200) = 198
});

test("createSwingKpis ignores a trailing partial window and is NaN without a complete one", () => {
  const p = new Float64Array(130).fill(0); // 125 samples = one 5 s window, then 5 samples
  p[127] = 9e6; // only in the partial window
  p[10] = 1e3;
  assert.equal(swings(0.04, p), [1e3, 1e3]);
  const [p99W, maxW] = swings(0.04, p.subarray(0, 124));
  assert.ok(Number.isNaN(p99W) && Number.isNaN(maxW));
});

test("createSwingKpis keeps windows across chunk boundaries and grows past 256 windows", () => {
  const n = 125 * 600 + 17;
  const p = new Float64Array(n);
  for (let k = 0; k < n; k++) p[k] = 1e6 * Math.sin(k * 0.0123) + (k % 97) * 10;
  const whole = swings(0.04, p);
  const acc = createSwingKpis("pcc", 0.04);
  for (let start = 0; start < n; start += 333) acc.add(p.subarray(start, Math.min(n, start + 333)), Math.min(333, n - start));
  assert.equal([acc.finish()[0].value, acc.finish()[1].value], whole);
});

test("createSwingKpis rejects windowS ≤ 0", () => {
  assert.throws(() => createSwingKpis("pcc", 0.04, -5), /windowS: got -5/);
});

test.run();
