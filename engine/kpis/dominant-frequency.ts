import type { WelchPsd } from "./welch-psd.js";

/**
 * Frequency (Hz) of the largest PSD bin strictly above minHz, refined by fitting a parabola through
 * the logarithm of that bin and its two neighbours (Gaussian interpolation: M. Gasior and
 * J. L. Gonzalez, "Improving FFT frequency measurement resolution by parabolic and Gaussian
 * spectrum interpolation", AIP Conf. Proc. 732, 276 (2004); exact for a Gaussian peak and within a
 * few % of a bin for a Hann-windowed sine).
 * The offset is kept within ±0.5 bin; without two positive neighbours the bin frequency is returned.
 * NaN when no bin lies above minHz or every such bin is 0 (a constant signal).
 *
 * Example: a 2.3 Hz sine at dtS = 0.04 with 4,096-sample segments gives 2.3 ± 0.006 Hz.
 */
export function dominantFrequency(psd: WelchPsd, minHz: number): number {
  const f = psd.frequencyHz;
  const d = psd.density;
  const bins = f.length;
  let best = -1;
  let bestValue = 0;
  for (let k = 0; k < bins; k++) {
    if (f[k] > minHz && d[k] > bestValue) {
      bestValue = d[k];
      best = k;
    }
  }
  if (best < 0) return NaN;
  if (best === 0 || best === bins - 1 || !(d[best - 1] > 0) || !(d[best + 1] > 0)) return f[best];
  const a = Math.log(d[best - 1]);
  const b = Math.log(bestValue);
  const c = Math.log(d[best + 1]);
  const curvature = a - 2 * b + c;
  const offset = curvature < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / curvature)) : 0;
  return (best + offset) * psd.resolutionHz;
}
