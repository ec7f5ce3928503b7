import { test } from "uvu";
import * as assert from "uvu/assert";
import { createWelchPsd, welchPsd } from "../../../engine/kpis/welch-psd.js";

function integrate(density: Float64Array, resolutionHz: number): number {
  let s = 0;
  for (let k = 0; k < density.length; k++) s += density[k];
  return s * resolutionHz;
}

test("welchPsd matches scipy.signal.welch (hann, 50 % overlap, constant detrend, density)", () => {
  // Reference: scipy 1.17.1, welch(x, fs=25, window="hann", nperseg=16, noverlap=8,
  // detrend="constant", scaling="density") for x[i] = 3 + sin(0.7i) + 0.5·cos(2.1i) + ((37i) mod 11)/11.
  const expected: [frequencyHz: number, densityW2PerHz: number][] = [
    [0.0, 0.006066552386730807],
    [1.5625, 0.11579234779444156],
    [3.125, 0.20731863453014343],
    [4.6875, 0.02975844161674624],
    [6.25, 0.00979713922140969],
    [7.8125, 0.059267968657631245],
    [9.375, 0.05255750436013577],
    [10.9375, 0.0050301225413081005],
    [12.5, 0.0012663919794483783],
  ];
  const x = new Float64Array(40);
  for (let i = 0; i < 40; i++) x[i] = 3 + Math.sin(0.7 * i) + 0.5 * Math.cos(2.1 * i) + ((i * 37) % 11) / 11;
  const psd = welchPsd(x, 0.04, 16);
  assert.is(psd.segmentCount, 4);
  assert.is(psd.zeroPadded, false);
  assert.is(psd.frequencyHz.length, expected.length);
  expected.forEach(([fHz, d], k) => {
    assert.ok(Math.abs(psd.frequencyHz[k] - fHz) < 1e-12, `f[${k}]`);
    assert.ok(Math.abs(psd.density[k] - d) <= 1e-12 * Math.max(d, 1e-3), `density[${k}] = ${psd.density[k]}, scipy ${d}`);
  });
});

test("welchPsd integrates to the variance (Parseval) for a sine and for broadband noise", () => {
  const dtS = 0.04;
  const n = 4096 * 4;
  // Sine of amplitude 2e5 W at 0.83 Hz on a 5 MW offset: variance A²/2.
  const sine = new Float64Array(n);
  for (let k = 0; k < n; k++) sine[k] = 5e6 + 2e5 * Math.sin(2 * Math.PI * 0.83 * k * dtS);
  const ps = welchPsd(sine, dtS);
  assert.ok(Math.abs(integrate(ps.density, ps.resolutionHz) / (2e5 ** 2 / 2) - 1) < 0.01);
  // Deterministic xorshift noise, uniform in ±1e4 W: variance (2e4)²/12.
  const noise = new Float64Array(n);
  let s = 12345;
  for (let k = 0; k < n; k++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    noise[k] = ((s >>> 0) / 2 ** 32 - 0.5) * 2e4;
  }
  let mean = 0;
  for (let k = 0; k < n; k++) mean += noise[k] / n;
  let variance = 0;
  for (let k = 0; k < n; k++) variance += (noise[k] - mean) ** 2 / n;
  const pn = welchPsd(noise, dtS);
  assert.ok(Math.abs(integrate(pn.density, pn.resolutionHz) / variance - 1) < 0.03);
});

test("welchPsd of a signal shorter than one segment uses one zero-padded segment of nextPowerOfTwo(n)", () => {
  const dtS = 0.04;
  const x = new Float64Array(1000);
  for (let k = 0; k < 1000; k++) x[k] = 3e4 * Math.sin(2 * Math.PI * 2.3 * k * dtS);
  const psd = welchPsd(x, dtS);
  assert.is(psd.segmentLength, 1024);
  assert.is(psd.segmentCount, 1);
  assert.is(psd.zeroPadded, true);
  assert.is(psd.frequencyHz.length, 513);
  assert.ok(Math.abs(psd.resolutionHz - 25 / 1024) < 1e-15);
  assert.ok(Math.abs(integrate(psd.density, psd.resolutionHz) / (3e4 ** 2 / 2) - 1) < 0.02);
});

test("welchPsd of no samples is empty and of one sample is a single zero DC bin", () => {
  const empty = welchPsd(new Float64Array(0), 0.04);
  assert.is(empty.frequencyHz.length, 0);
  assert.is(empty.segmentCount, 0);
  const one = welchPsd(Float64Array.of(7), 0.04);
  assert.equal(Array.from(one.frequencyHz), [0]);
  assert.equal(Array.from(one.density), [0]);
});

test("createWelchPsd(...).result() does not change the state and ignores the trailing part-hop", () => {
  const x = new Float64Array(4096 * 2 + 1000);
  for (let k = 0; k < x.length; k++) x[k] = Math.sin(k * 0.3) + (k % 7);
  const acc = createWelchPsd(0.04);
  acc.add(x, 4096 * 2);
  const first = acc.result();
  assert.is(first.segmentCount, 3); // starts 0, 2048, 4096
  assert.equal(Array.from(acc.result().density), Array.from(first.density));
  acc.add(x.subarray(4096 * 2), 1000); // < 2048 more samples: no new segment
  assert.equal(Array.from(acc.result().density), Array.from(first.density));
  assert.is(acc.result().sampleCount, x.length);
});

test("createWelchPsd rejects a segment length that is not a power of two ≥ 2", () => {
  assert.throws(() => createWelchPsd(0.04, 1000), /segmentLength: got 1000/);
  assert.throws(() => createWelchPsd(0.04, 1), /segmentLength/);
  assert.throws(() => createWelchPsd(-1), /dtS: got -1/);
});

test.run();
