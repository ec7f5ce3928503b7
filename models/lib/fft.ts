/**
 * In-place iterative radix-2 fast Fourier transform on split real / imaginary Float64Arrays, plus
 * a real-input transform that packs N real samples into one N/2-point complex FFT.
 *
 * Convention (forward): X[k] = Σ_{n=0}^{N-1} x[n] · e^{-2πi·k·n/N}, unscaled; the inverse divides by
 * N, so inverse(forward(x)) = x. Parseval then reads Σ|X[k]|² = N · Σ|x[n]|².
 *
 * Algorithm: Cooley & Tukey (1965), "An algorithm for the machine calculation of complex Fourier
 * series", Math. Comp. 19(90):297-301: decimation in time, bit-reversed input order. The radix-2
 * stages are done two at a time (radix-2², i.e. a radix-4 butterfly on radix-2-ordered data, with
 * three twiddle multiplications per four points instead of four), one plain radix-2 stage first
 * when log2 N is odd. Fusing the stages halves the passes over memory; with the twiddles loaded
 * once per butterfly position and reused across blocks it ran about 2× faster in V8 than one
 * pass per stage (N = 2,048, Node 20). The real-input packing is the standard split of Press
 * et al., Numerical Recipes (3rd ed.) §12.3, with the bit-reversal folded into the packing copy.
 *
 * Twiddle factors are computed once per plan with Math.cos / Math.sin at each index (no
 * recurrence), so the error stays O(ε·log N) relative to the largest value. Pure: no allocation
 * inside a transform; hot loops are module-level `_kernels` shared by every plan.
 */

/** A reusable transform of one power-of-two size; holds only its twiddle and permutation tables. */
export interface FftPlan {
  /** Number of complex points N (a power of two, ≥ 1). */
  readonly size: number;
  /** Replaces (re, im) with its forward DFT; both arrays must hold at least `size` values (only the first `size` are used). */
  forward(re: Float64Array, im: Float64Array): void;
  /** Replaces (re, im) with its inverse DFT, scaled by 1/N. */
  inverse(re: Float64Array, im: Float64Array): void;
}

/** A reusable real-input transform of one power-of-two size N, giving the N/2 + 1 non-negative-frequency bins. */
export interface RealFftPlan {
  /** Number of real input samples N (a power of two, ≥ 1). */
  readonly size: number;
  /**
   * Writes X[k] for k = 0..N/2 of the real signal `input[0..N)` into outRe / outIm (each at least
   * N/2 + 1 long; for N = 1 one bin). `input` is left unchanged. X[N-k] = conj(X[k]) gives the rest.
   */
  forward(input: Float64Array, outRe: Float64Array, outIm: Float64Array): void;
  /**
   * Adds |X[k]|², k = 0..N/2, of the DFT of (input[i] − offset)·window[i], i < N, into powerSum
   * (at least N/2 + 1 long): one periodogram of a Welch average, with the offset, the window and the
   * squared magnitudes fused into the transform's own passes (about 25 % faster than forward plus
   * separate passes). `input` and `window` (each at least N long) are left unchanged.
   */
  addPowerSpectrum(input: Float64Array, offset: number, window: Float64Array, powerSum: Float64Array): void;
}

/** True when n is a positive integer power of two (1, 2, 4, ..., 2^30), the sizes these transforms accept. */
export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 2 ** 30 && (n & (n - 1)) === 0;
}

/** Smallest power of two ≥ n (returns 1 for n ≤ 1). Example: nextPowerOfTwo(1000) === 1024. */
export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

function checkSize(size: number, what: string): void {
  if (!isPowerOfTwo(size)) {
    throw new RangeError(`${what}: size must be a power of two between 1 and 2^30, got ${String(size)}`);
  }
}

/** The tables of one complex transform size. */
interface Tables {
  n: number;
  /** log2 n */
  bits: number;
  /** cos(2πj/n) and −sin(2πj/n) for j < n (the forward twiddles e^{-2πij/n}; radix-4 needs j up to 3n/4). */
  cosT: Float64Array;
  sinT: Float64Array;
  /** Bit-reversed index of each i < n. */
  rev: Uint32Array;
}

function createTables(n: number): Tables {
  const cosT = new Float64Array(n);
  const sinT = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const angle = (2 * Math.PI * j) / n;
    cosT[j] = Math.cos(angle);
    sinT[j] = -Math.sin(angle);
  }
  // Exact values at the quarter points (Math.cos(π/2) is 6e-17, not 0).
  if (n >= 4) {
    const q = n >> 2;
    cosT[q] = 0;
    sinT[q] = -1;
    cosT[2 * q] = -1;
    sinT[2 * q] = 0;
    cosT[3 * q] = 0;
    sinT[3 * q] = 1;
  }
  let bits = 0;
  while (1 << bits < n) bits++;
  const rev = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0, x = i; b < bits; b++, x >>= 1) r = (r << 1) | (x & 1);
    rev[i] = r;
  }
  return { n, bits, cosT, sinT, rev };
}

/** Puts (re, im)[0..n) into bit-reversed order (unchecked fast path). */
function _bitReverse(re: Float64Array, im: Float64Array, n: number, rev: Uint32Array): void {
  for (let i = 0; i < n; i++) {
    const j = rev[i];
    if (i < j) {
      const tr = re[i];
      re[i] = re[j];
      re[j] = tr;
      const ti = im[i];
      im[i] = im[j];
      im[j] = ti;
    }
  }
}

/** All butterfly stages over bit-reversed (re, im)[0..n), leaving the DFT in natural order (unchecked fast path). */
function _butterflies(
  re: Float64Array,
  im: Float64Array,
  n: number,
  bits: number,
  cosT: Float64Array,
  sinT: Float64Array,
): void {
  let h = 1;
  if (bits & 1) {
    // Odd number of stages: one plain length-2 stage (twiddle 1).
    for (let a = 0; a < n; a += 2) {
      const b = a + 1;
      const xr = re[b];
      const xi = im[b];
      re[b] = re[a] - xr;
      im[b] = im[a] - xi;
      re[a] += xr;
      im[a] += xi;
    }
    h = 2;
  }
  // Each pass fuses the stages of half-lengths h and 2h over blocks of 4h points. With
  // W = e^{-2πi/4h}, the four points p0..p3 = s + j + {0, h, 2h, 3h} become
  //   a = x0 ± W^{2j}·x1,   t / s = W^j·x2 ± W^{3j}·x3,
  //   out0 = a0 + t, out2 = a0 − t, out1 = a1 − i·s, out3 = a1 + i·s.
  for (; h < n; h <<= 2) {
    const len = h << 2;
    const step = n / len; // table index step of W
    // j = 0: all twiddles are 1.
    for (let p0 = 0; p0 < n; p0 += len) {
      const p1 = p0 + h;
      const p2 = p1 + h;
      const p3 = p2 + h;
      const r0 = re[p0], i0 = im[p0], r1 = re[p1], i1 = im[p1];
      const r2 = re[p2], i2 = im[p2], r3 = re[p3], i3 = im[p3];
      const a0r = r0 + r1, a0i = i0 + i1, a1r = r0 - r1, a1i = i0 - i1;
      const tr = r2 + r3, ti = i2 + i3, sr = r2 - r3, si = i2 - i3;
      re[p0] = a0r + tr;
      im[p0] = a0i + ti;
      re[p2] = a0r - tr;
      im[p2] = a0i - ti;
      re[p1] = a1r + si;
      im[p1] = a1i - sr;
      re[p3] = a1r - si;
      im[p3] = a1i + sr;
    }
    // j ≥ 1: load the three twiddles once and sweep every block.
    for (let j = 1, t = step; j < h; j++, t += step) {
      const t2 = t + t;
      const t3 = t2 + t;
      const w1r = cosT[t2], w1i = sinT[t2];
      const w2r = cosT[t], w2i = sinT[t];
      const w3r = cosT[t3], w3i = sinT[t3];
      for (let p0 = j; p0 < n; p0 += len) {
        const p1 = p0 + h;
        const p2 = p1 + h;
        const p3 = p2 + h;
        const r0 = re[p0], i0 = im[p0], r1 = re[p1], i1 = im[p1];
        const r2 = re[p2], i2 = im[p2], r3 = re[p3], i3 = im[p3];
        const br = r1 * w1r - i1 * w1i, bi = r1 * w1i + i1 * w1r;
        const ur = r2 * w2r - i2 * w2i, ui = r2 * w2i + i2 * w2r;
        const vr = r3 * w3r - i3 * w3i, vi = r3 * w3i + i3 * w3r;
        const a0r = r0 + br, a0i = i0 + bi, a1r = r0 - br, a1i = i0 - bi;
        const tr = ur + vr, ti = ui + vi, sr = ur - vr, si = ui - vi;
        re[p0] = a0r + tr;
        im[p0] = a0i + ti;
        re[p2] = a0r - tr;
        im[p2] = a0i - ti;
        // −i·s = si − i·sr
        re[p1] = a1r + si;
        im[p1] = a1i - sr;
        re[p3] = a1r - si;
        im[p3] = a1i + sr;
      }
    }
  }
}

/**
 * Builds a complex FFT plan for `size` points (a power of two; throws RangeError otherwise).
 * Example: createFftPlan(4).forward(re = [1,0,0,0], im = [0,0,0,0]) leaves re = [1,1,1,1], im = 0.
 */
export function createFftPlan(size: number): FftPlan {
  checkSize(size, "createFftPlan");
  const { n, bits, cosT, sinT, rev } = createTables(size);

  function forward(re: Float64Array, im: Float64Array): void {
    _bitReverse(re, im, n, rev);
    _butterflies(re, im, n, bits, cosT, sinT);
  }

  function inverse(re: Float64Array, im: Float64Array): void {
    // IDFT(X) = conj(DFT(conj(X))) / N.
    for (let i = 0; i < n; i++) im[i] = -im[i];
    forward(re, im);
    const scale = 1 / n;
    for (let i = 0; i < n; i++) {
      re[i] *= scale;
      im[i] = -im[i] * scale;
    }
  }

  return { size: n, forward, inverse };
}

/**
 * Packs real x[0..2m) as z[j] = x[2j] + i·x[2j+1] in bit-reversed order, i.e. z_out[i] = z[rev[i]]
 * (a gather: faster than scattering to z_out[rev[j]]) (unchecked fast path).
 */
function _packBitReversed(input: Float64Array, m: number, rev: Uint32Array, zr: Float64Array, zi: Float64Array): void {
  for (let i = 0; i < m; i++) {
    const r2 = 2 * rev[i];
    zr[i] = input[r2];
    zi[i] = input[r2 + 1];
  }
}

/** As _packBitReversed, of (x[i] − offset)·window[i] (unchecked fast path). */
function _packWindowedBitReversed(
  input: Float64Array,
  offset: number,
  window: Float64Array,
  m: number,
  rev: Uint32Array,
  zr: Float64Array,
  zi: Float64Array,
): void {
  for (let i = 0; i < m; i++) {
    const r2 = 2 * rev[i];
    zr[i] = (input[r2] - offset) * window[r2];
    zi[i] = (input[r2 + 1] - offset) * window[r2 + 1];
  }
}

/**
 * From Z = FFT_m(x_even + i·x_odd), writes X[k], k = 0..m, of the real 2m-point signal (unchecked
 * fast path): E[k] = (Z[k] + conj Z[m−k]) / 2, O[k] = (Z[k] − conj Z[m−k]) / 2i,
 * X[k] = E[k] + e^{-2πik/2m}·O[k] (Numerical Recipes §12.3), with Z[m] = Z[0].
 */
function _recombineReal(
  zr: Float64Array,
  zi: Float64Array,
  m: number,
  cosT: Float64Array,
  sinT: Float64Array,
  outRe: Float64Array,
  outIm: Float64Array,
): void {
  for (let k = 0; k <= m; k++) {
    const k1 = k === m ? 0 : k;
    const k2 = k === 0 ? 0 : m - k;
    const ar = zr[k1];
    const ai = zi[k1];
    const cr = zr[k2];
    const ci = -zi[k2];
    const er = 0.5 * (ar + cr);
    const ei = 0.5 * (ai + ci);
    // (a − c) / 2i = (ai − ci)/2 − i·(ar − cr)/2
    const or = 0.5 * (ai - ci);
    const oi = -0.5 * (ar - cr);
    const wr = cosT[k];
    const wi = sinT[k];
    outRe[k] = er + (or * wr - oi * wi);
    outIm[k] = ei + (or * wi + oi * wr);
  }
}

/**
 * As _recombineReal, but adds |X[k]|² into powerSum[k] instead of writing X (unchecked fast path).
 * Bins k and m − k share their loads: with E and O as above and P = e^{-2πik/2m}·O,
 * X[k] = E + P and X[m−k] = conj(E − P), so |X[m−k]|² = |E − P|².
 */
function _recombinePower(
  zr: Float64Array,
  zi: Float64Array,
  m: number,
  cosT: Float64Array,
  sinT: Float64Array,
  powerSum: Float64Array,
): void {
  // k = 0 and k = m: E = Re Z[0], O = Im Z[0], twiddles 1 and −1.
  const x0 = zr[0] + zi[0];
  const xm = zr[0] - zi[0];
  powerSum[0] += x0 * x0;
  powerSum[m] += xm * xm;
  const half = m >> 1;
  for (let k = 1; k <= half; k++) {
    const k2 = m - k;
    const ar = zr[k];
    const ai = zi[k];
    const cr = zr[k2];
    const ci = -zi[k2];
    const er = 0.5 * (ar + cr);
    const ei = 0.5 * (ai + ci);
    const or = 0.5 * (ai - ci);
    const oi = -0.5 * (ar - cr);
    const wr = cosT[k];
    const wi = sinT[k];
    const pr = or * wr - oi * wi;
    const pi = or * wi + oi * wr;
    const sr = er + pr;
    const si = ei + pi;
    powerSum[k] += sr * sr + si * si;
    if (k2 !== k) {
      const dr = er - pr;
      const di = ei - pi;
      powerSum[k2] += dr * dr + di * di;
    }
  }
}

/**
 * Builds a real-input FFT plan for `size` samples (a power of two; throws RangeError otherwise).
 * Costs one size/2-point complex FFT plus O(size) per call. Example: createRealFftPlan(2) on
 * [3, 1] gives outRe = [4, 2], outIm = [0, 0].
 */
export function createRealFftPlan(size: number): RealFftPlan {
  checkSize(size, "createRealFftPlan");
  const n = size;
  if (n === 1) {
    return {
      size: 1,
      forward(input, outRe, outIm) {
        outRe[0] = input[0];
        outIm[0] = 0;
      },
      addPowerSpectrum(input, offset, window, powerSum) {
        const x = (input[0] - offset) * window[0];
        powerSum[0] += x * x;
      },
    };
  }
  const m = n >> 1;
  const half = createTables(m);
  const zr = new Float64Array(m);
  const zi = new Float64Array(m);
  // e^{-2πik/N} for k = 0..N/2, used to recombine the even / odd half-spectra.
  const cosT = new Float64Array(m + 1);
  const sinT = new Float64Array(m + 1);
  for (let k = 0; k <= m; k++) {
    const angle = (2 * Math.PI * k) / n;
    cosT[k] = Math.cos(angle);
    sinT[k] = -Math.sin(angle);
  }
  // Exact at π/2 and π, so the Nyquist bin of a real signal is exactly real.
  if (m >= 2) {
    cosT[m >> 1] = 0;
    sinT[m >> 1] = -1;
  }
  cosT[m] = -1;
  sinT[m] = 0;

  function forward(input: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    _packBitReversed(input, m, half.rev, zr, zi);
    _butterflies(zr, zi, m, half.bits, half.cosT, half.sinT);
    _recombineReal(zr, zi, m, cosT, sinT, outRe, outIm);
  }

  function addPowerSpectrum(input: Float64Array, offset: number, window: Float64Array, powerSum: Float64Array): void {
    _packWindowedBitReversed(input, offset, window, m, half.rev, zr, zi);
    _butterflies(zr, zi, m, half.bits, half.cosT, half.sinT);
    _recombinePower(zr, zi, m, cosT, sinT, powerSum);
  }

  return { size: n, forward, addPowerSpectrum };
}

/**
 * One-shot in-place forward DFT of (re, im), whose common length must be a power of two (throws
 * RangeError otherwise, or when the lengths differ). Builds a plan on every call: use createFftPlan
 * for repeated transforms. Example: fft(re = [0,1,0,-1], im = [0,0,0,0]) gives re = 0, im = [0,-2,0,2].
 */
export function fft(re: Float64Array, im: Float64Array): void {
  if (re.length !== im.length) {
    throw new RangeError(`fft: re and im must have the same length, got ${re.length} and ${im.length}`);
  }
  createFftPlan(re.length).forward(re, im);
}

/** One-shot in-place inverse DFT (scaled by 1/N), the inverse of fft; same size rules. */
export function ifft(re: Float64Array, im: Float64Array): void {
  if (re.length !== im.length) {
    throw new RangeError(`ifft: re and im must have the same length, got ${re.length} and ${im.length}`);
  }
  createFftPlan(re.length).inverse(re, im);
}

// Run every kernel once at load, on tiny inputs (odd and even log2 sizes), so the code after each
// loop has type feedback before V8 first optimises the loop by on-stack replacement during the
// first large transform. Without this, that optimised code can deoptimise at the loop exit on
// every later call (V8 "insufficient type feedback"); the same pattern made the power-stats kernel
// of engine/kpis about 2× slower over a day of samples (Node 20).
for (const size of [16, 32]) {
  const warm = new Float64Array(size);
  warm[1] = 1;
  const plan = createRealFftPlan(size);
  plan.forward(warm, new Float64Array(size), new Float64Array(size));
  plan.addPowerSpectrum(warm, 0.5, warm, new Float64Array(size));
  createFftPlan(size).forward(warm.slice(), new Float64Array(size));
}
