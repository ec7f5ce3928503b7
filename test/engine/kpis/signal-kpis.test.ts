import { test } from "uvu";
import * as assert from "uvu/assert";
import { createSignalKpis } from "../../../engine/kpis/signal-kpis.js";
import type { KpiRow } from "../../../engine/kpis/kpi-row.js";
import { UserError } from "../../../models/lib/errors.js";

const dtS = 0.04;

/** 12,000 samples (8 min): a step, a 1.2 s square wave, two sines and xorshift noise. */
function trainingLike(): Float64Array {
  const n = 12_000;
  const p = new Float64Array(n);
  let s = 2463534242;
  for (let k = 0; k < n; k++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const t = k * dtS;
    p[k] =
      (t < 102.3 ? 2e6 : 7e6) +
      (t % 1.2 < 0.8 ? 1e6 : 0) +
      2e5 * Math.sin(2 * Math.PI * 0.31 * t) +
      3e4 * Math.sin(2 * Math.PI * 7.7 * t) +
      ((s >>> 0) / 2 ** 32 - 0.5) * 1e4;
  }
  return p;
}

function run(signal: Float64Array, chunk: number): KpiRow[] {
  const acc = createSignalKpis("pcc", dtS);
  // One reused buffer, as the engine does: the accumulator must not keep a reference to it.
  const buf = new Float64Array(chunk);
  for (let start = 0; start < signal.length; start += chunk) {
    const len = Math.min(chunk, signal.length - start);
    buf.set(signal.subarray(start, start + len));
    acc.add(buf, len);
  }
  return acc.finish();
}

test("createSignalKpis(prefix, dtS) reports the 13 default KPIs in order with their units", () => {
  const rows = run(trainingLike(), 4096);
  assert.equal(
    rows.map((r) => `${r.name} [${r.unit}]`),
    [
      "pcc_energy [Wh]",
      "pcc_peak_power [W]",
      "pcc_mean_power [W]",
      "pcc_min_power [W]",
      "pcc_max_ramp_40ms [W/s]",
      "pcc_max_ramp_1s [W/s]",
      "pcc_max_ramp_60s [W/s]",
      "pcc_swing_p99 [W]",
      "pcc_swing_max [W]",
      "pcc_band_rms_0p1_1hz [W]",
      "pcc_band_rms_1_5hz [W]",
      "pcc_band_rms_5_12p5hz [W]",
      "pcc_dominant_frequency [Hz]",
    ],
  );
  for (const r of rows) assert.ok(Number.isFinite(r.value), `${r.name} = ${r.value}`);
  const byName = Object.fromEntries(rows.map((r) => [r.name, r.value]));
  // The 5 MW step at 102.3 s (inside a 5 s window) dominates the 60 s ramp and the swing; the 1.2 s square wave the spectrum.
  assert.ok(byName.pcc_swing_max > 5e6 && byName.pcc_swing_max < 6.5e6);
  assert.ok(Math.abs(byName.pcc_dominant_frequency - 1 / 1.2) < 0.01);
});

test("createSignalKpis gives bit-identical KPIs for chunks of 1, 7, 4096 and all at once", () => {
  const signal = trainingLike();
  const whole = run(signal, signal.length);
  for (const chunk of [1, 7, 4096]) {
    const rows = run(signal, chunk);
    rows.forEach((r, i) => {
      assert.is(r.name, whole[i].name);
      assert.ok(Object.is(r.value, whole[i].value), `chunk ${chunk}: ${r.name} = ${r.value} vs ${whole[i].value}`);
    });
  }
});

test("createSignalKpis(...).finish() can be called mid-stream without changing the result", () => {
  const signal = trainingLike();
  const acc = createSignalKpis("pcc", dtS);
  acc.add(signal, 5000);
  acc.finish();
  acc.add(signal.subarray(5000), signal.length - 5000);
  assert.equal(acc.finish(), run(signal, signal.length));
});

test("createSignalKpis passes options to each family (windows, swing window, bands)", () => {
  const rows = createSignalKpis("bess", dtS, { rampWindowsS: [0.2], swingWindowS: 10, bandsHz: [[0.5, 2]] }).finish();
  assert.equal(
    rows.map((r) => r.name),
    [
      "bess_energy",
      "bess_peak_power",
      "bess_mean_power",
      "bess_min_power",
      "bess_max_ramp_200ms",
      "bess_swing_p99",
      "bess_swing_max",
      "bess_band_rms_0p5_2hz",
      "bess_dominant_frequency",
    ],
  );
});

test("createSignalKpis throws a UserError naming dtS when dtS ≤ 0", () => {
  try {
    createSignalKpis("pcc", 0);
    assert.unreachable("should throw");
  } catch (err) {
    assert.instance(err, UserError);
    assert.match((err as Error).message, /dtS: got 0, expected a finite number > 0 \(s\)/);
  }
});

test.run();
