import { test } from "uvu";
import * as assert from "uvu/assert";
import { createFftPlan, createRealFftPlan, fft, ifft, isPowerOfTwo, nextPowerOfTwo } from "../../../models/lib/fft.js";

/** Deterministic test data (no Math.random): a mix of incommensurate sines and a sawtooth. */
function signal(n: number, seed: number): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.sin(0.7 * i + seed) + 0.5 * Math.cos(2.1 * i * seed) + ((i * 37 + seed) % 11) / 11;
  return x;
}

/** The O(N²) definition X[k] = Σ x[t]·e^{-2πikt/N}, with the angle reduced exactly (k·t mod N). */
function naiveDft(re: Float64Array, im: Float64Array): [Float64Array, Float64Array] {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let a = 0;
    let b = 0;
    for (let t = 0; t < n; t++) {
      const angle = (-2 * Math.PI * ((k * t) % n)) / n;
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      a += re[t] * c - im[t] * s;
      b += re[t] * s + im[t] * c;
    }
    outRe[k] = a;
    outIm[k] = b;
  }
  return [outRe, outIm];
}

function maxAbsDiff(a: Float64Array, b: Float64Array, n = a.length): number {
  let d = 0;
  for (let i = 0; i < n; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

test("fft(re, im) matches a naive DFT for N = 1 … 512", () => {
  for (const n of [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]) {
    const re = signal(n, 1);
    const im = signal(n, 2);
    const [expRe, expIm] = naiveDft(re, im);
    fft(re, im);
    const err = Math.max(maxAbsDiff(re, expRe), maxAbsDiff(im, expIm));
    assert.ok(err < 1e-10 * n, `N = ${n}: max error ${err}`);
  }
});

test("fft(re, im) gives the known transform of a unit impulse and of sin(πn/2)", () => {
  const re = Float64Array.of(1, 0, 0, 0);
  const im = new Float64Array(4);
  fft(re, im);
  assert.equal(Array.from(re), [1, 1, 1, 1]);
  assert.equal(Array.from(im), [0, 0, 0, 0]);
  const re2 = Float64Array.of(0, 1, 0, -1);
  const im2 = new Float64Array(4);
  fft(re2, im2);
  assert.ok(maxAbsDiff(re2, Float64Array.of(0, 0, 0, 0)) < 1e-15);
  assert.ok(maxAbsDiff(im2, Float64Array.of(0, -2, 0, 2)) < 1e-15);
});

test("ifft(fft(x)) returns x", () => {
  for (const n of [1, 2, 8, 1024]) {
    const re = signal(n, 3);
    const im = signal(n, 4);
    const re0 = re.slice();
    const im0 = im.slice();
    fft(re, im);
    ifft(re, im);
    assert.ok(Math.max(maxAbsDiff(re, re0), maxAbsDiff(im, im0)) < 1e-12, `N = ${n}`);
  }
});

test("createFftPlan(n).forward satisfies Parseval: Σ|X|² = N·Σ|x|²", () => {
  for (const n of [2, 64, 4096]) {
    const re = signal(n, 5);
    const im = signal(n, 6);
    let timeEnergy = 0;
    for (let i = 0; i < n; i++) timeEnergy += re[i] * re[i] + im[i] * im[i];
    createFftPlan(n).forward(re, im);
    let freqEnergy = 0;
    for (let k = 0; k < n; k++) freqEnergy += re[k] * re[k] + im[k] * im[k];
    assert.ok(Math.abs(freqEnergy / (n * timeEnergy) - 1) < 1e-12, `N = ${n}`);
  }
});

test("createRealFftPlan(n).forward equals the complex FFT of the real input, bins 0 … N/2", () => {
  for (const n of [1, 2, 4, 8, 16, 64, 256, 4096]) {
    const x = signal(n, 7);
    const x0 = x.slice();
    const re = x.slice();
    const im = new Float64Array(n);
    fft(re, im);
    const bins = (n >> 1) + 1;
    const outRe = new Float64Array(bins);
    const outIm = new Float64Array(bins);
    createRealFftPlan(n).forward(x, outRe, outIm);
    const err = Math.max(maxAbsDiff(outRe, re, bins), maxAbsDiff(outIm, im, bins));
    assert.ok(err < 1e-11 * n, `N = ${n}: max error ${err}`);
    assert.equal(Array.from(x), Array.from(x0), "input left unchanged");
  }
  const outRe = new Float64Array(2);
  const outIm = new Float64Array(2);
  createRealFftPlan(2).forward(Float64Array.of(3, 1), outRe, outIm);
  assert.equal(Array.from(outRe), [4, 2]);
  assert.equal(Array.from(outIm), [0, 0]);
});

test("createRealFftPlan(n).addPowerSpectrum adds |DFT((x − offset)·window)|² to the running sum", () => {
  for (const n of [1, 2, 8, 512]) {
    const x = signal(n, 8);
    const window = signal(n, 9);
    const offset = 0.37;
    const re = new Float64Array(n);
    const im = new Float64Array(n);
    for (let i = 0; i < n; i++) re[i] = (x[i] - offset) * window[i];
    fft(re, im);
    const bins = (n >> 1) + 1;
    const sum = new Float64Array(bins).fill(1); // pre-existing sum of 1 per bin
    createRealFftPlan(n).addPowerSpectrum(x, offset, window, sum);
    for (let k = 0; k < bins; k++) {
      const expected = 1 + re[k] * re[k] + im[k] * im[k];
      assert.ok(Math.abs(sum[k] - expected) < 1e-10 * n * n, `N = ${n}, bin ${k}: ${sum[k]} vs ${expected}`);
    }
  }
});

test("createFftPlan / createRealFftPlan / fft reject sizes that are not powers of two", () => {
  for (const size of [0, 3, 6, 1000, -4, 2.5, NaN]) {
    assert.throws(() => createFftPlan(size), /power of two/);
    assert.throws(() => createRealFftPlan(size), /power of two/);
  }
  assert.throws(() => fft(new Float64Array(6), new Float64Array(6)), /power of two.*got 6/);
  assert.throws(() => fft(new Float64Array(4), new Float64Array(8)), /same length/);
});

test("isPowerOfTwo(n) and nextPowerOfTwo(n) follow the table", () => {
  const rows: [n: number, isPow2: boolean, next: number][] = [
    [0, false, 1],
    [1, true, 1],
    [2, true, 2],
    [3, false, 4],
    [1000, false, 1024],
    [4096, true, 4096],
    [4097, false, 8192],
  ];
  for (const [n, isPow2, next] of rows) {
    assert.is(isPowerOfTwo(n), isPow2, `isPowerOfTwo(${n})`);
    assert.is(nextPowerOfTwo(n), next, `nextPowerOfTwo(${n})`);
  }
});

test.run();
