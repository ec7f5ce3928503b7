import { test } from "uvu";
import * as assert from "uvu/assert";
import { createSpectrumKpis } from "../../../engine/kpis/spectrum-kpis.js";
import type { KpiRow } from "../../../engine/kpis/kpi-row.js";

const dtS = 0.04;
const binHz = 1 / (4096 * dtS); // 0.0061 Hz
const bandNames = ["pcc_band_rms_0p1_1hz", "pcc_band_rms_1_5hz", "pcc_band_rms_5_12p5hz"];

function spectrum(signal: Float64Array, options = {}): Record<string, KpiRow> {
  const acc = createSpectrumKpis("pcc", dtS, options);
  acc.add(signal, signal.length);
  return Object.fromEntries(acc.finish().map((r) => [r.name, r]));
}

function sine(amplitudeW: number, frequencyHz: number, samples: number, offsetW = 6e6): Float64Array {
  const p = new Float64Array(samples);
  for (let k = 0; k < samples; k++) p[k] = offsetW + amplitudeW * Math.sin(2 * Math.PI * frequencyHz * k * dtS + 0.3);
  return p;
}

test("createSpectrumKpis gives band RMS A/√2 (±2 %) for a sine inside the band, ~0 elsewhere, and its frequency", () => {
  const rows: [amplitudeW: number, frequencyHz: number, band: number][] = [
    [1e5, 0.37, 0],
    [3e4, 2.3, 1],
    [5e3, 8.1, 2],
    [2e6, 0.83, 0],
    [1e4, 11.7, 2],
  ];
  for (const [amplitudeW, frequencyHz, band] of rows) {
    const out = spectrum(sine(amplitudeW, frequencyHz, 4096 * 3));
    const expected = amplitudeW / Math.SQRT2;
    bandNames.forEach((name, b) => {
      const got = out[name].value;
      assert.is(out[name].unit, "W");
      if (b === band) assert.ok(Math.abs(got / expected - 1) < 0.02, `${frequencyHz} Hz: ${name} = ${got}, expected ${expected}`);
      else assert.ok(got < 0.01 * expected, `${frequencyHz} Hz: ${name} = ${got} should be ~0`);
    });
    const fHz = out.pcc_dominant_frequency.value;
    assert.is(out.pcc_dominant_frequency.unit, "Hz");
    assert.ok(Math.abs(fHz - frequencyHz) < binHz, `dominant ${fHz} Hz vs ${frequencyHz} Hz`);
  }
});

test("createSpectrumKpis adds the band powers of a sum of sines (one per band)", () => {
  const n = 4096 * 3;
  const a = sine(1e5, 0.37, n, 0);
  const b = sine(3e4, 2.3, n, 0);
  const c = sine(5e3, 8.1, n, 0);
  const p = new Float64Array(n);
  for (let k = 0; k < n; k++) p[k] = 5e6 + a[k] + b[k] + c[k];
  const out = spectrum(p);
  [1e5, 3e4, 5e3].forEach((amplitudeW, band) => {
    assert.ok(Math.abs(out[bandNames[band]].value / (amplitudeW / Math.SQRT2) - 1) < 0.02, bandNames[band]);
  });
  assert.ok(Math.abs(out.pcc_dominant_frequency.value - 0.37) < binHz);
});

test("createSpectrumKpis ignores peaks at or below dominantMinHz", () => {
  const n = 4096 * 3;
  const slow = sine(1e6, 0.03, n, 0); // strong, but below 0.05 Hz
  const fast = sine(1e4, 1.7, n, 0);
  const p = new Float64Array(n);
  for (let k = 0; k < n; k++) p[k] = slow[k] + fast[k];
  assert.ok(Math.abs(spectrum(p).pcc_dominant_frequency.value - 1.7) < binHz);
  assert.ok(Math.abs(spectrum(p, { dominantMinHz: 0.01 }).pcc_dominant_frequency.value - 0.03) < binHz);
});

test("createSpectrumKpis: constant or empty signal gives band RMS 0 / NaN and dominant frequency NaN", () => {
  const flat = spectrum(new Float64Array(4096 * 2).fill(4e6));
  for (const name of bandNames) assert.is(flat[name].value, 0);
  assert.ok(Number.isNaN(flat.pcc_dominant_frequency.value));
  const none = spectrum(new Float64Array(0));
  for (const name of [...bandNames, "pcc_dominant_frequency"]) assert.ok(Number.isNaN(none[name].value), name);
});

test("createSpectrumKpis clips the upper band edge to Nyquist and gives NaN for a band above it", () => {
  const bandsHz = [
    [1, 50],
    [30, 40],
  ] as const;
  const out = spectrum(sine(1e4, 12.2, 4096 * 2), { bandsHz });
  assert.ok(Math.abs(out.pcc_band_rms_1_50hz.value / (1e4 / Math.SQRT2) - 1) < 0.02);
  assert.ok(Number.isNaN(out.pcc_band_rms_30_40hz.value));
});

test("createSpectrumKpis on a signal shorter than one segment still finds the sine", () => {
  const out = spectrum(sine(3e4, 2.3, 1000));
  assert.ok(Math.abs(out.pcc_band_rms_1_5hz.value / (3e4 / Math.SQRT2) - 1) < 0.02);
  assert.ok(Math.abs(out.pcc_dominant_frequency.value - 2.3) < 1 / (1024 * dtS));
});

test("createSpectrumKpis rejects a band with hiHz ≤ loHz or loHz < 0", () => {
  assert.throws(() => createSpectrumKpis("pcc", dtS, { bandsHz: [[5, 1]] }), /bandsHz\[0\]: got \[5,1\]/);
  assert.throws(() => createSpectrumKpis("pcc", dtS, { bandsHz: [[-1, 1]] }), /bandsHz\[0\]/);
  assert.throws(() => createSpectrumKpis("pcc", dtS, { segmentLength: 3000 }), /segmentLength/);
});

test.run();
