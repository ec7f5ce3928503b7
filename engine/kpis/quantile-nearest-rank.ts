/**
 * The q-quantile of ascending-sorted `sorted[0..length)` by the nearest-rank method: the value of
 * rank ceil(q·length) (1-based, at least 1), so the result is always one of the observed values.
 * NaN when length is 0. q in [0, 1] (clamped).
 *
 * Example: quantileNearestRank(Float64Array.of(1, 2, 3, 4), 4, 0.5) === 2; with q = 0.99 it is 4.
 */
export function quantileNearestRank(sorted: Float64Array, length: number, q: number): number {
  if (length <= 0) return NaN;
  const rank = Math.min(length, Math.max(1, Math.ceil(Math.min(1, Math.max(0, q)) * length)));
  return sorted[rank - 1];
}
