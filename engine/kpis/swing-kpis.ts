import type { KpiAccumulator } from "./kpi-accumulator.js";
import type { KpiRow } from "./kpi-row.js";
import { checkChunk, requirePositive } from "./kpi-checks.js";
import { kpiName } from "./kpi-name.js";
import { quantileNearestRank } from "./quantile-nearest-rank.js";

/** Swing window by default (s). */
export const DEFAULT_SWING_WINDOW_S = 5;

/**
 * Streaming power swing: the peak-to-peak range (max − min, W) within consecutive non-overlapping
 * windows of m = max(1, round(windowS / dtS)) ticks, starting at the first sample.
 *
 * Rows: `<prefix>_swing_p99` (W, the 99th percentile of the per-window swings by the nearest-rank
 * method, see quantileNearestRank) and `<prefix>_swing_max` (W). Only complete windows count: a
 * trailing partial window is ignored, and both values are NaN before the first window completes.
 * Memory: one float per window (a growable Float64Array: 17,280 values for 24 h at 5 s).
 * Throws a UserError unless dtS and windowS are finite and > 0.
 *
 * Example: a step of 1 MW in the middle of a 5 s window gives swing_max = 1e6 W.
 */
export function createSwingKpis(prefix: string, dtS: number, windowS: number = DEFAULT_SWING_WINDOW_S): KpiAccumulator {
  const source = `createSwingKpis(${prefix})`;
  requirePositive(source, "dtS", dtS, "s");
  requirePositive(source, "windowS", windowS, "s");
  const m = Math.max(1, Math.round(windowS / dtS));
  let swings = new Float64Array(256);
  let swingCount = 0;
  let inWindow = 0;
  // [min, max] of the current window so far.
  const range = Float64Array.of(Infinity, -Infinity);

  return {
    add(values: Float64Array, length: number): void {
      checkChunk(values, length);
      let j = 0;
      while (j < length) {
        const end = Math.min(length, j + (m - inWindow));
        _minMax(values, j, end, range);
        inWindow += end - j;
        j = end;
        if (inWindow === m) {
          if (swingCount === swings.length) {
            const grown = new Float64Array(swings.length * 2);
            grown.set(swings);
            swings = grown;
          }
          swings[swingCount++] = range[1] - range[0];
          inWindow = 0;
          range[0] = Infinity;
          range[1] = -Infinity;
        }
      }
    },
    finish(): KpiRow[] {
      const sorted = swings.slice(0, swingCount).sort();
      return [
        { name: kpiName(prefix, "swing_p99"), value: quantileNearestRank(sorted, swingCount, 0.99), unit: "W" },
        { name: kpiName(prefix, "swing_max"), value: swingCount > 0 ? sorted[swingCount - 1] : NaN, unit: "W" },
      ];
    },
  };
}

/** Folds values[from..to) into range = [min, max] (unchecked fast path). */
function _minMax(values: Float64Array, from: number, to: number, range: Float64Array): void {
  let lo = range[0];
  let hi = range[1];
  for (let i = from; i < to; i++) {
    const v = values[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  range[0] = lo;
  range[1] = hi;
}

// Warm the kernel so V8 has type feedback past its loop before first optimising it (see models/lib/fft.ts).
_minMax(Float64Array.of(1, 2), 0, 2, Float64Array.of(Infinity, -Infinity));
