import type { Rng } from "../../models/lib/rng.js";
import type { SignalProvider } from "./signal-provider.js";

/** Shape of a synthetic signal; amplitudes and noise are fractions of `mean`. */
export interface SyntheticSignalParams {
  /** Level the shape is drawn around, in the signal's unit. */
  readonly mean: number;
  /** Daily swing: a cosine of this amplitude, as a fraction of mean (0.2: ±20 %). */
  readonly dailyFrac: number;
  /** UTC time of day of the daily maximum, s after midnight (e.g. 64,800 for 18:00). */
  readonly dailyPeakS: number;
  /** Change on Saturdays and Sundays (UTC), as a fraction of the weekday value (−0.1: 10 % lower). */
  readonly weekendFrac: number;
  /** Standard deviation of the noise, as a fraction of mean. */
  readonly noiseFrac: number;
  /** Correlation time of the noise (first-order autoregressive), s. */
  readonly noiseTimeS: number;
  /** Values are clamped to [min, max] (a stress fraction to [0, 1]). */
  readonly min: number;
  readonly max: number;
}

const DAY_MS = 86_400_000;

/**
 * A seeded signal with a daily and a weekly shape and autocorrelated noise, for runs that need a
 * plausible price, carbon or stress curve without data. Values are generated once for `periods`
 * periods (the run plus the forecast horizon), in order from the rng, so they depend only on the
 * seed; past the last period the last value holds.
 * value(p) = clamp(mean × (1 + dailyFrac × cos(2π (tod − peak) / 1 day)) × (1 + weekendFrac on
 * Sat/Sun) + mean × noiseFrac × x_p), x an AR(1) series of unit variance, φ = exp(−period / noiseTime),
 * evaluated at the middle of the period.
 * Example: mean 100, dailyFrac 0.2, peak 18:00, no noise, startMs at a Monday 00:00Z, 1-h periods →
 * valueAt(17) (17:00-18:00, midpoint 17:30) = 100 × (1 + 0.2 cos(−π/24)) ≈ 119.8.
 */
export function createSyntheticProvider(params: SyntheticSignalParams, startMs: number, periodS: number, periods: number, rng: Rng): SignalProvider {
  const n = Math.max(1, periods);
  const values = new Float64Array(n);
  const phi = params.noiseTimeS > 0 ? Math.exp(-periodS / params.noiseTimeS) : 0;
  const innovation = Math.sqrt(1 - phi * phi);
  let x = rng.normal(0, 1);
  for (let p = 0; p < n; p++) {
    if (p > 0) x = phi * x + innovation * rng.normal(0, 1);
    const midMs = startMs + (p + 0.5) * periodS * 1000;
    const todS = (((midMs % DAY_MS) + DAY_MS) % DAY_MS) / 1000;
    // 1970-01-01 was a Thursday: day-of-week 0 = Sunday, 6 = Saturday.
    const dow = (((Math.floor(midMs / DAY_MS) + 4) % 7) + 7) % 7;
    const weekend = dow === 0 || dow === 6 ? 1 + params.weekendFrac : 1;
    const shape = 1 + params.dailyFrac * Math.cos((2 * Math.PI * (todS - params.dailyPeakS)) / 86_400);
    const v = params.mean * shape * weekend + params.mean * params.noiseFrac * x;
    values[p] = v < params.min ? params.min : v > params.max ? params.max : v;
  }
  return { kind: "synthetic", valueAt: (p) => values[p < 0 ? 0 : p >= n ? n - 1 : p]! };
}
