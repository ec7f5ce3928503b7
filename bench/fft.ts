/**
 * models/lib/fft.ts against the npm package fft.js (radix-4, interleaved complex arrays): speed of
 * the complex transform, the real-input transform and one Welch periodogram (mean removed, Hann
 * window, |X[k]|² added into a sum, as engine/kpis/welch-psd.ts does per 4,096-sample segment), at
 * 256 to 65,536 points; accuracy against a naive O(N²) DFT (N ≤ 4,096) and forward-inverse
 * round trips. Prints the machine and Node version, then one table per measure.
 * Speed: batches of about 40 ms, the two libraries alternating, median ops/s of 9 batches.
 * Run: npm run build && taskset -c 0 node dist/bench/fft.js
 */
import { performance } from "node:perf_hooks";
import FFT from "fft.js";
import { createFftPlan, createRealFftPlan } from "../models/lib/fft.js";
import { machineLine } from "./machine.js";

const SIZES = [256, 1024, 4096, 16384, 65536];
const ACCURACY_SIZES = [256, 1024, 4096];
const BATCHES = 9;
const BATCH_MS = 40;

/** Deterministic uniform samples in [−1, 1) (xorshift32), so runs are comparable. */
function samplesOf(n: number, seed: number): Float64Array {
  const x = new Float64Array(n);
  let s = seed | 0;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    x[i] = (s >>> 0) / 2 ** 31 - 1;
  }
  return x;
}

/** Periodic Hann window of length n, as welch-psd.ts builds it. */
function hannOf(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}

/** One transform of each library at one size, as a closure run `iterations` times per batch. */
interface Case {
  readonly ours: () => void;
  readonly fftJs: () => void;
}

function complexCase(n: number): Case {
  const input = samplesOf(2 * n, 7);
  const srcRe = input.subarray(0, n);
  const srcIm = input.subarray(n);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const plan = createFftPlan(n);
  const f = new FFT(n);
  const data = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    data[2 * i] = srcRe[i]!;
    data[2 * i + 1] = srcIm[i]!;
  }
  const out = new Float64Array(2 * n);
  return {
    // Ours is in place: the copy back to the input is part of its cost (fft.js writes to `out`).
    ours: () => {
      re.set(srcRe);
      im.set(srcIm);
      plan.forward(re, im);
    },
    fftJs: () => f.transform(out, data),
  };
}

function realCase(n: number): Case {
  const input = samplesOf(n, 11);
  const plan = createRealFftPlan(n);
  const outRe = new Float64Array(n / 2 + 1);
  const outIm = new Float64Array(n / 2 + 1);
  const f = new FFT(n);
  const out = new Float64Array(2 * n);
  return {
    ours: () => plan.forward(input, outRe, outIm),
    fftJs: () => f.realTransform(out, input),
  };
}

/** One Welch periodogram: (x − mean)·window, real FFT, |X[k]|² added for k = 0..N/2. */
function welchCase(n: number): Case {
  const input = samplesOf(n, 13);
  const window = hannOf(n);
  const offset = 0.125;
  const plan = createRealFftPlan(n);
  const powerOurs = new Float64Array(n / 2 + 1);
  const f = new FFT(n);
  const windowed = new Float64Array(n);
  const out = new Float64Array(2 * n);
  const powerFftJs = new Float64Array(n / 2 + 1);
  return {
    ours: () => plan.addPowerSpectrum(input, offset, window, powerOurs),
    fftJs: () => {
      for (let i = 0; i < n; i++) windowed[i] = (input[i]! - offset) * window[i]!;
      f.realTransform(out, windowed);
      for (let k = 0; k <= n / 2; k++) powerFftJs[k] += out[2 * k]! * out[2 * k]! + out[2 * k + 1]! * out[2 * k + 1]!;
    },
  };
}

/** Iterations of `run` that take about BATCH_MS. */
function iterationsFor(run: () => void): number {
  let iterations = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) run();
    const ms = performance.now() - t0;
    if (ms > BATCH_MS / 4) return Math.max(1, Math.round((iterations * BATCH_MS) / ms));
    iterations *= 2;
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/** Median ops/s of each library over BATCHES alternating batches. */
function opsPerS(c: Case): { ours: number; fftJs: number } {
  const itOurs = iterationsFor(c.ours);
  const itFftJs = iterationsFor(c.fftJs);
  const ours: number[] = [];
  const fftJs: number[] = [];
  for (let b = 0; b < BATCHES; b++) {
    let t0 = performance.now();
    for (let i = 0; i < itOurs; i++) c.ours();
    ours.push((itOurs * 1000) / (performance.now() - t0));
    t0 = performance.now();
    for (let i = 0; i < itFftJs; i++) c.fftJs();
    fftJs.push((itFftJs * 1000) / (performance.now() - t0));
  }
  return { ours: median(ours), fftJs: median(fftJs) };
}

/** Naive DFT of (re, im), angles reduced mod N so the reference keeps full precision. */
function naiveDft(re: Float64Array, im: Float64Array): { re: Float64Array; im: Float64Array } {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  const cosT = new Float64Array(n);
  const sinT = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    cosT[j] = Math.cos((2 * Math.PI * j) / n);
    sinT[j] = -Math.sin((2 * Math.PI * j) / n);
  }
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let j = 0; j < n; j++) {
      const t = (k * j) % n;
      sr += re[j]! * cosT[t]! - im[j]! * sinT[t]!;
      si += re[j]! * sinT[t]! + im[j]! * cosT[t]!;
    }
    outRe[k] = sr;
    outIm[k] = si;
  }
  return { re: outRe, im: outIm };
}

/** max |a − b| over complex bins 0..count, relative to max |b|. */
function relativeError(aRe: ArrayLike<number>, aIm: ArrayLike<number>, bRe: Float64Array, bIm: Float64Array, count: number): number {
  let err = 0;
  let scale = 0;
  for (let k = 0; k < count; k++) {
    err = Math.max(err, Math.hypot(aRe[k]! - bRe[k]!, aIm[k]! - bIm[k]!));
    scale = Math.max(scale, Math.hypot(bRe[k]!, bIm[k]!));
  }
  return err / scale;
}

function accuracyRow(n: number): string {
  const x = samplesOf(2 * n, 17);
  const re = x.slice(0, n);
  const im = x.slice(n);
  const ref = naiveDft(re, im);
  // Complex, ours.
  const oRe = re.slice();
  const oIm = im.slice();
  createFftPlan(n).forward(oRe, oIm);
  const oursComplex = relativeError(oRe, oIm, ref.re, ref.im, n);
  // Complex, fft.js.
  const f = new FFT(n);
  const data = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    data[2 * i] = re[i]!;
    data[2 * i + 1] = im[i]!;
  }
  const out = new Float64Array(2 * n);
  f.transform(out, data);
  const jsRe = new Float64Array(n);
  const jsIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    jsRe[k] = out[2 * k]!;
    jsIm[k] = out[2 * k + 1]!;
  }
  const fftJsComplex = relativeError(jsRe, jsIm, ref.re, ref.im, n);
  // Real input (the real part alone), bins 0..N/2.
  const refReal = naiveDft(re, new Float64Array(n));
  const rRe = new Float64Array(n / 2 + 1);
  const rIm = new Float64Array(n / 2 + 1);
  createRealFftPlan(n).forward(re, rRe, rIm);
  const oursReal = relativeError(rRe, rIm, refReal.re, refReal.im, n / 2 + 1);
  f.realTransform(out, re);
  for (let k = 0; k <= n / 2; k++) {
    jsRe[k] = out[2 * k]!;
    jsIm[k] = out[2 * k + 1]!;
  }
  const fftJsReal = relativeError(jsRe, jsIm, refReal.re, refReal.im, n / 2 + 1);
  return `| ${n} | ${oursComplex.toExponential(2)} | ${fftJsComplex.toExponential(2)} | ${oursReal.toExponential(2)} | ${fftJsReal.toExponential(2)} |`;
}

function roundTripRow(n: number): string {
  const x = samplesOf(2 * n, 19);
  const re = x.slice(0, n);
  const im = x.slice(n);
  const plan = createFftPlan(n);
  const oRe = re.slice();
  const oIm = im.slice();
  plan.forward(oRe, oIm);
  plan.inverse(oRe, oIm);
  let ours = 0;
  for (let i = 0; i < n; i++) ours = Math.max(ours, Math.abs(oRe[i]! - re[i]!), Math.abs(oIm[i]! - im[i]!));
  const f = new FFT(n);
  const data = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    data[2 * i] = re[i]!;
    data[2 * i + 1] = im[i]!;
  }
  const spectrum = new Float64Array(2 * n);
  const back = new Float64Array(2 * n);
  f.transform(spectrum, data);
  f.inverseTransform(back, spectrum);
  let fftJs = 0;
  for (let i = 0; i < 2 * n; i++) fftJs = Math.max(fftJs, Math.abs(back[i]! - data[i]!));
  return `| ${n} | ${ours.toExponential(2)} | ${fftJs.toExponential(2)} |`;
}

console.log(machineLine());
console.log("");
console.log("accuracy: max |FFT − naive DFT| / max |DFT|, uniform samples in [−1, 1)");
console.log("| N | ours complex | fft.js complex | ours real | fft.js real |");
console.log("|---|---|---|---|---|");
for (const n of ACCURACY_SIZES) console.log(accuracyRow(n));
console.log("");
console.log("round trip: max |inverse(forward(x)) − x|, samples in [−1, 1)");
console.log("| N | ours | fft.js |");
console.log("|---|---|---|");
for (const n of SIZES) console.log(roundTripRow(n));
console.log("");
console.log(`speed: median ops/s of ${BATCHES} batches of ~${BATCH_MS} ms (ours / fft.js: > 1 means ours is faster)`);
console.log("| N | complex ours | complex fft.js | ratio | real ours | real fft.js | ratio | Welch periodogram ours | Welch fft.js | ratio |");
console.log("|---|---|---|---|---|---|---|---|---|---|");
for (const n of SIZES) {
  const c = opsPerS(complexCase(n));
  const r = opsPerS(realCase(n));
  const w = opsPerS(welchCase(n));
  const fmt = (v: number): string => Math.round(v).toLocaleString("en-GB");
  console.log(
    `| ${n} | ${fmt(c.ours)} | ${fmt(c.fftJs)} | ${(c.ours / c.fftJs).toFixed(2)} | ${fmt(r.ours)} | ${fmt(r.fftJs)} | ${(r.ours / r.fftJs).toFixed(2)} | ${fmt(w.ours)} | ${fmt(w.fftJs)} | ${(w.ours / w.fftJs).toFixed(2)} |`,
  );
}
