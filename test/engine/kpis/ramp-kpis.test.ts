import { test } from "uvu";
import * as assert from "uvu/assert";
import { createRampKpis } from "../../../engine/kpis/ramp-kpis.js";

function ramps(dtS: number, signal: Float64Array, windowsS?: number[]): Record<string, number> {
  const acc = createRampKpis("pcc", dtS, windowsS);
  acc.add(signal, signal.length);
  return Object.fromEntries(acc.finish().map((r) => [r.name, r.value]));
}

test("createRampKpis(prefix, dtS) names the default windows 40 ms, 1 s, 60 s in W/s", () => {
  const acc = createRampKpis("pcc", 0.04);
  assert.equal(
    acc.finish().map((r) => [r.name, r.unit]),
    [
      ["pcc_max_ramp_40ms", "W/s"],
      ["pcc_max_ramp_1s", "W/s"],
      ["pcc_max_ramp_60s", "W/s"],
    ],
  );
});

test("createRampKpis gives the slope of a linear ramp for every window", () => {
  const rows: [slopeWPerS: number, dtS: number, durationS: number][] = [
    [2e6, 0.04, 180],
    [-5e4, 0.04, 120],
    [300, 0.02, 90],
  ];
  for (const [slopeWPerS, dtS, durationS] of rows) {
    const n = Math.round(durationS / dtS);
    const p = new Float64Array(n);
    for (let k = 0; k < n; k++) p[k] = 1e6 + slopeWPerS * k * dtS;
    const out = ramps(dtS, p);
    for (const name of ["pcc_max_ramp_40ms", "pcc_max_ramp_1s", "pcc_max_ramp_60s"]) {
      assert.ok(Math.abs(out[name] / Math.abs(slopeWPerS) - 1) < 1e-9, `${name} = ${out[name]} for slope ${slopeWPerS}`);
    }
  }
});

test("createRampKpis gives ΔP/w for a step of ΔP (40 ms: ΔP/0.04, 1 s: ΔP/1, 60 s: ΔP/60)", () => {
  const rows: [stepW: number, ramp40msWPerS: number, ramp1sWPerS: number, ramp60sWPerS: number][] = [
    [1e6, 25e6, 1e6, 1e6 / 60],
    [-3e5, 7.5e6, 3e5, 5e3],
  ];
  for (const [stepW, r40, r1, r60] of rows) {
    const p = new Float64Array(5000).fill(2e6); // 200 s at 40 ms
    p.fill(2e6 + stepW, 2500);
    const out = ramps(0.04, p);
    assert.ok(Math.abs(out.pcc_max_ramp_40ms / r40 - 1) < 1e-12, `40 ms: ${out.pcc_max_ramp_40ms}`);
    assert.ok(Math.abs(out.pcc_max_ramp_1s / r1 - 1) < 1e-12, `1 s: ${out.pcc_max_ramp_1s}`);
    assert.ok(Math.abs(out.pcc_max_ramp_60s / r60 - 1) < 1e-12, `60 s: ${out.pcc_max_ramp_60s}`);
  }
});

test("createRampKpis divides by the window actually used, m·dtS, when w is not a multiple of dtS", () => {
  // dtS = 0.3 s: 1 s → m = 3 (0.9 s); a slope of 10 W/s must still read 10 W/s.
  const p = new Float64Array(100);
  for (let k = 0; k < 100; k++) p[k] = 10 * k * 0.3;
  const out = ramps(0.3, p, [1]);
  assert.ok(Math.abs(out.pcc_max_ramp_1s - 10) < 1e-9);
});

test("createRampKpis is NaN for a window until m + 1 samples have been seen", () => {
  const acc = createRampKpis("pcc", 0.04, [0.04, 1]); // m = 1 and 25
  acc.add(Float64Array.of(0, 4), 2);
  const out = acc.finish();
  assert.is(out[0].value, 100); // 4 W over 0.04 s
  assert.ok(Number.isNaN(out[1].value));
  acc.add(new Float64Array(23).fill(4), 23); // 25 samples: still only 24 differences of lag 25
  assert.ok(Number.isNaN(acc.finish()[1].value));
  acc.add(Float64Array.of(4), 1); // the 26th sample pairs with the first (0 W)
  assert.is(acc.finish()[1].value, 4);
});

test("createRampKpis reads partners across chunk boundaries from its ring", () => {
  // The step sits right after a chunk boundary, so every window's partner is in the previous chunk.
  const p = new Float64Array(3000).fill(0);
  p.fill(6e5, 1600);
  const whole = ramps(0.04, p);
  const acc = createRampKpis("pcc", 0.04);
  acc.add(p.subarray(0, 1600), 1600);
  acc.add(p.subarray(1600), 1400);
  const chunked = Object.fromEntries(acc.finish().map((r) => [r.name, r.value]));
  assert.equal(chunked, whole);
  assert.is(whole.pcc_max_ramp_60s, 1e4);
});

test("createRampKpis rejects a window ≤ 0 naming its index", () => {
  assert.throws(() => createRampKpis("pcc", 0.04, [1, 0]), /windowsS\[1\]: got 0/);
});

test.run();
