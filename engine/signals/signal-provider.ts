/**
 * Where a grid signal's values come from (price, carbon intensity, grid stress): one interface for
 * every provider, so the signal stage (grid-signals.ts), its forecasts and the KPIs never know
 * whether the values are committed data, generated, typed into the scenario or read from a live feed.
 *
 * A provider answers per SIGNAL PERIOD: period p covers [startTime + p × periodS, startTime +
 * (p + 1) × periodS), p = 0 starting at the scenario's startTime. Values are in the signal's unit.
 */
export interface SignalProvider {
  /** Provider kind, for messages and the results: dataset, synthetic, static or live. */
  readonly kind: string;
  /**
   * Value of period p, or NaN when the provider does not (yet) have it (a live feed lagging
   * behind). Allocation-free; any integer p ≥ 0.
   */
  valueAt(p: number): number;
  /**
   * Called by the stage at the start of every period p it publishes: a live provider re-reads its
   * feed here (a file at once; a URL in the background, so the value lands at a later period).
   * Others do nothing.
   */
  refresh?(p: number): void;
  /** Releases what the provider holds open (a live provider's pending request). */
  close?(): void;
}
