/**
 * The forecast error model: a relative error that grows with lead time as a random walk, so its
 * variance grows linearly with the lead:
 *   sd(h) = sqrt(sd0² + (sd24² − sd0²) × h / 24 h),  forecast = actual × (1 + e(h)),
 * where e along the leads of one issued forecast is a random walk (successive leads share most of
 * their error, as real forecasts do: a forecast that is too high at 10 h is too high at 11 h).
 *
 * Random numbers are COUNTER-BASED: the draw for (seed, issue period, lead step) is a hash of the
 * three, not the next number of a stream. A forecast is therefore the same whoever asks, however
 * often, in whatever order and on whatever thread, and asking never shifts another random stream.
 */

/**
 * Default error of the noisy forecast, fitted on GB national carbon-intensity forecasts against
 * the outturn (Carbon Intensity API, NESO; datasets/gb-carbon-forecast/, docs/signals.md): the fit
 * uses the forecasts issued 2023-03-14 03:30Z and 2023-03-15 01:00Z, and the forecasts issued
 * 2023-03-14 12:00Z and 2023-03-15 12:00Z are held out to check it
 * (test/engine/signals/forecast-calibration.test.ts refits and compares).
 */
export const GB_CARBON_FORECAST_ERROR = Object.freeze({ sd0Frac: 0.0404, sd24Frac: 0.2113 });

/** Standard deviation of the relative error at a lead of leadS seconds (≥ 0). */
export function forecastErrorSd(sd0Frac: number, sd24Frac: number, leadS: number): number {
  const v = sd0Frac * sd0Frac + (sd24Frac * sd24Frac - sd0Frac * sd0Frac) * (leadS / 86_400);
  return v > 0 ? Math.sqrt(v) : 0;
}

/** murmur3's 32-bit finaliser: a bijective mix with full avalanche. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Uniform in (0, 1) from (seed, a, b, salt). */
function uniformAt(seed: number, a: number, b: number, salt: number): number {
  let h = mix32((seed ^ Math.imul(salt, 0x27d4eb2f)) >>> 0);
  h = mix32((h ^ Math.imul(a | 0, 0x9e3779b1)) >>> 0);
  h = mix32((h ^ Math.imul(b | 0, 0x85ebca77)) >>> 0);
  return (h + 0.5) / 4_294_967_296;
}

/**
 * A standard normal draw for (seed, issue period, lead step), by Box-Muller on two hashed
 * uniforms. Pure and allocation-free. Example: normalAt(7, 3, 0) is the same number every call.
 */
export function normalAt(seed: number, issue: number, step: number): number {
  const u = uniformAt(seed, issue, step, 1);
  const v = uniformAt(seed, issue, step, 2);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
