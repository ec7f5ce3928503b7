/** Seconds in a day: the diurnal period. */
export const DAY_S = 86_400;

/**
 * Request rate (1/s) of a service with a daily cycle at time of day `timeOfDayS` (seconds after
 * midnight; any real value, taken modulo one day): a cosine around `meanPerS` that peaks at
 * `peakHourS` and whose peak / trough ratio is `peakToTroughRatio` (≥ 1; 1 gives a flat rate).
 * The daily mean is exactly `meanPerS`.
 *
 * rate(t) = mean · (1 + A cos(2π (t − peak) / 1 day)), A = (R − 1) / (R + 1), so that
 * (1 + A) / (1 − A) = R. A single cosine is an assumption (the first harmonic of the day-night
 * cycle); public week-long LLM traces (Azure LLM inference trace 2024, Stojkovic et al.,
 * "DynamoLLM", HPCA 2025) show such a daily swing, with weekday/weekend and lunch-dip detail that
 * one harmonic leaves out.
 *
 * Example: diurnalRate(14 * 3600, 10, 3, 14 * 3600) === 15; diurnalRate(2 * 3600, 10, 3, 14 * 3600) === 5.
 */
export function diurnalRate(timeOfDayS: number, meanPerS: number, peakToTroughRatio: number, peakHourS: number): number {
  const amplitude = (peakToTroughRatio - 1) / (peakToTroughRatio + 1);
  return meanPerS * (1 + amplitude * Math.cos((2 * Math.PI * (timeOfDayS - peakHourS)) / DAY_S));
}
