import type { KpiAccumulator } from "./kpi-accumulator.js";
import type { KpiRow } from "./kpi-row.js";
import { checkChunk, requirePositive } from "./kpi-checks.js";
import { kpiName } from "./kpi-name.js";

/**
 * Streaming energy, peak, mean and minimum of a power signal sampled every `dtS` seconds (W).
 *
 * Rows: `<prefix>_energy` (Wh) = Σ P[i]·dtS / 3600 (each sample holds for one tick: the
 * rectangle rule, exact for the engine's piecewise-constant ticks), `<prefix>_peak_power` (W, max),
 * `<prefix>_mean_power` (W), `<prefix>_min_power` (W). With no samples: energy 0, the rest NaN.
 * O(1) memory. A NaN sample makes energy and mean NaN and is skipped by peak and min.
 * Throws a UserError unless dtS is finite and > 0.
 *
 * Example: 90,000 samples of 1 MW at dtS = 0.04 (1 h) give energy 1e6 Wh and peak = mean = min = 1e6 W.
 */
export function createPowerStatsKpis(prefix: string, dtS: number): KpiAccumulator {
  requirePositive(`createPowerStatsKpis(${prefix})`, "dtS", dtS, "s");
  // [ΣP (W), max P (W), min P (W)]
  const state = Float64Array.of(0, -Infinity, Infinity);
  let count = 0;
  return {
    add(values: Float64Array, length: number): void {
      checkChunk(values, length);
      _sumMaxMin(values, length, state);
      count += length;
    },
    finish(): KpiRow[] {
      const none = count === 0;
      const sumW = state[0];
      const maxW = state[1];
      const minW = state[2];
      return [
        { name: kpiName(prefix, "energy"), value: (sumW * dtS) / 3600, unit: "Wh" },
        { name: kpiName(prefix, "peak_power"), value: none ? NaN : maxW, unit: "W" },
        { name: kpiName(prefix, "mean_power"), value: none ? NaN : sumW / count, unit: "W" },
        { name: kpiName(prefix, "min_power"), value: none ? NaN : minW, unit: "W" },
      ];
    },
  };
}

/**
 * Adds values[0..length) into state = [sum, max, min] (unchecked fast path). The running sum is
 * carried in sample order, so chunking cannot change rounding.
 */
function _sumMaxMin(values: Float64Array, length: number, state: Float64Array): void {
  let s = state[0];
  let hi = state[1];
  let lo = state[2];
  for (let i = 0; i < length; i++) {
    const v = values[i];
    s += v;
    if (v > hi) hi = v;
    if (v < lo) lo = v;
  }
  state[0] = s;
  state[1] = hi;
  state[2] = lo;
}

// Warm the kernel so V8 has type feedback past its loop before first optimising it (see models/lib/fft.ts).
_sumMaxMin(Float64Array.of(1, 2), 2, Float64Array.of(0, -Infinity, Infinity));
