import { checkChunk, requirePositive } from "./kpi-checks.js";
import { createRealFftPlan, isPowerOfTwo, nextPowerOfTwo } from "../../models/lib/fft.js";
import { invalidInput } from "../../models/lib/errors.js";

/** Welch segment length by default (samples): 4,096 = 163.84 s at 40 ms, bins of 0.0061 Hz. */
export const DEFAULT_SEGMENT_LENGTH = 4096;

/** A one-sided power spectral density estimate. */
export interface WelchPsd {
  /** Bin frequencies k / (segmentLength·dtS), k = 0..segmentLength/2 (Hz). */
  frequencyHz: Float64Array;
  /**
   * One-sided density per bin, in (signal unit)²/Hz, e.g. W²/Hz: Σ density[k]·resolutionHz over
   * all bins equals the (Hann-weighted) variance of the signal (Parseval).
   */
  density: Float64Array;
  /** Bin spacing 1 / (segmentLength·dtS) (Hz). */
  resolutionHz: number;
  /** FFT length used (samples): the requested one, or the zero-padded length for a short signal. */
  segmentLength: number;
  /** Segments averaged (1 for a short, zero-padded signal; 0 when no samples were seen). */
  segmentCount: number;
  /** True when the signal was shorter than one segment and was zero-padded (see createWelchPsd). */
  zeroPadded: boolean;
  /** Samples seen. */
  sampleCount: number;
}

/** A streaming Welch estimator (see createWelchPsd). */
export interface WelchAccumulator {
  /** Appends samples values[0..length), consecutive with earlier calls. */
  add(values: Float64Array, length: number): void;
  /** The estimate from everything added so far; does not change the state. */
  result(): WelchPsd;
}

/** Periodic Hann window w[i] = 0.5 − 0.5·cos(2πi/n) (Harris 1978, Proc. IEEE 66(1) p. 51; scipy's default for Welch). */
function hann(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}

/**
 * Welch's averaged-periodogram PSD estimate (P. D. Welch, IEEE Trans. Audio Electroacoust. 15(2),
 * 1967), streaming: segments of `segmentLength` samples (a power of two ≥ 2) with 50 % overlap, the
 * segment mean removed, a periodic Hann window, one real FFT per segment, and the periodograms
 * averaged; normalised as a one-sided density, density[k] = c·|X[k]|² / (fs·Σw²) with c = 2 except
 * at DC and Nyquist (c = 1), fs = 1/dtS, so a sine of amplitude A integrates to A²/2 (as scipy.signal.welch,
 * scaling="density").
 *
 * Samples after the last complete segment (fewer than segmentLength/2) do not contribute. If fewer
 * than segmentLength samples arrive in total, `result()` instead uses one segment of all n samples
 * (mean removed, Hann window of length n) zero-padded to nextPowerOfTwo(n), so the bins are coarser
 * (fs/nextPowerOfTwo(n)); n = 0 gives empty arrays and n = 1 a single zero DC bin.
 * Memory: O(segmentLength). Throws a UserError unless dtS > 0 and segmentLength is a power of two ≥ 2.
 *
 * Example: 2 h of 1e5·sin(2π·0.5·t) at dtS = 0.04 peaks at 0.5 Hz and Σ density·resolutionHz ≈ 5e9 W².
 */
export function createWelchPsd(dtS: number, segmentLength: number = DEFAULT_SEGMENT_LENGTH): WelchAccumulator {
  const source = "createWelchPsd";
  requirePositive(source, "dtS", dtS, "s");
  if (!isPowerOfTwo(segmentLength) || segmentLength < 2) {
    throw invalidInput(source, [{ path: "segmentLength", value: segmentLength, expected: "a power of two ≥ 2 (samples)" }]);
  }
  const n = segmentLength;
  const hop = n >> 1;
  const bins = hop + 1;
  const window = hann(n);
  const windowPower = sumOfSquares(window);
  const plan = createRealFftPlan(n);
  const segment = new Float64Array(n);
  // Σ over segments of |X[k]|²; scaled only in result(), so chunking cannot change rounding.
  const powerSum = new Float64Array(bins);
  let fill = 0;
  let segmentCount = 0;
  let sampleCount = 0;

  // Σ of the segment's second half, which becomes the next segment's first half: each sample is
  // summed once, not twice (the mean is (first + second) / n, the same for any chunking).
  let carriedHalfSum = 0;

  function processSegment(): void {
    const firstHalfSum = segmentCount === 0 ? _sum(segment, 0, hop) : carriedHalfSum;
    carriedHalfSum = _sum(segment, hop, n);
    plan.addPowerSpectrum(segment, (firstHalfSum + carriedHalfSum) / n, window, powerSum);
    segmentCount++;
  }

  return {
    add(values: Float64Array, length: number): void {
      checkChunk(values, length);
      let j = 0;
      while (j < length) {
        const take = Math.min(n - fill, length - j);
        segment.set(values.subarray(j, j + take), fill);
        fill += take;
        j += take;
        if (fill === n) {
          processSegment();
          segment.copyWithin(0, hop, n);
          fill = n - hop;
        }
      }
      sampleCount += length;
    },
    result(): WelchPsd {
      if (segmentCount > 0) {
        return toDensity(powerSum, n, segmentCount, windowPower, dtS, false, sampleCount);
      }
      // Shorter than one segment: every sample is still in `segment[0..fill)`.
      return shortSignalPsd(segment, fill, dtS);
    },
  };
}

/**
 * Welch PSD of a whole array (see createWelchPsd for the method, units and edge cases), for reports.
 * Example: welchPsd(values, 0.04).frequencyHz[1] === 1 / (4096·0.04) ≈ 0.0061 Hz when values.length ≥ 4096.
 */
export function welchPsd(values: Float64Array, dtS: number, segmentLength: number = DEFAULT_SEGMENT_LENGTH): WelchPsd {
  const acc = createWelchPsd(dtS, segmentLength);
  acc.add(values, values.length);
  return acc.result();
}

function sumOfSquares(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s;
}

/** Σ x[from..to) (unchecked fast path). */
function _sum(x: Float64Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += x[i];
  return sum;
}

function toDensity(
  powerSum: Float64Array,
  n: number,
  segmentCount: number,
  windowPower: number,
  dtS: number,
  zeroPadded: boolean,
  sampleCount: number,
): WelchPsd {
  const bins = powerSum.length;
  const fs = 1 / dtS;
  const resolutionHz = fs / n;
  const frequencyHz = new Float64Array(bins);
  const density = new Float64Array(bins);
  const scale = windowPower > 0 ? 1 / (segmentCount * fs * windowPower) : 0;
  for (let k = 0; k < bins; k++) {
    frequencyHz[k] = k * resolutionHz;
    // One-sided: the negative-frequency half folds onto k, except at DC and Nyquist (k = n/2).
    const fold = k === 0 || 2 * k === n ? 1 : 2;
    density[k] = fold * scale * powerSum[k];
  }
  return { frequencyHz, density, resolutionHz, segmentLength: n, segmentCount, zeroPadded, sampleCount };
}

function shortSignalPsd(x: Float64Array, count: number, dtS: number): WelchPsd {
  if (count === 0) {
    const empty = new Float64Array(0);
    return { frequencyHz: empty, density: empty, resolutionHz: NaN, segmentLength: 0, segmentCount: 0, zeroPadded: false, sampleCount: 0 };
  }
  const n = nextPowerOfTwo(count);
  // Samples and a Hann window of length count, both zero-padded to n.
  const padded = new Float64Array(n);
  padded.set(x.subarray(0, count));
  const window = new Float64Array(n);
  window.set(hann(count));
  const power = new Float64Array((n >> 1) + 1);
  createRealFftPlan(n).addPowerSpectrum(padded, _sum(x, 0, count) / count, window, power);
  return toDensity(power, n, 1, sumOfSquares(window), dtS, true, count);
}

// Warm the kernels so V8 has type feedback past their loops before first optimising them (see models/lib/fft.ts).
welchPsd(Float64Array.of(1, 3, 2, 5, 4, 4, 1, 0, 2), 1, 4);
