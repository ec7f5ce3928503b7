import type { KpiAccumulator } from "./kpi-accumulator.js";
import type { KpiRow } from "./kpi-row.js";
import { checkChunk, requirePositive } from "./kpi-checks.js";
import { durationName, kpiName } from "./kpi-name.js";
import { nextPowerOfTwo } from "../../models/lib/fft.js";

/** Ramp windows reported by default (s): 40 ms (one tick at the default dt), 1 s and 1 min, the windows the design asks for
 * (docs/results-schema.md lists the KPIs). */
export const DEFAULT_RAMP_WINDOWS_S: readonly number[] = [0.04, 1, 60];

/**
 * Streaming maximum ramp rate of a signal over each window w (s): with m = max(1, round(w / dtS))
 * ticks, the maximum over all i ≥ m of |P[i] − P[i−m]| / (m·dtS), in W/s (unit of the signal per s).
 * The divisor is the window actually used, m·dtS, so a linear ramp of slope a gives exactly a for
 * every window even when w is not a multiple of dtS.
 *
 * Rows: `<prefix>_max_ramp_<w>` (e.g. `_max_ramp_40ms`, `_max_ramp_1s`, `_max_ramp_60s`), unit
 * `W/s`, in the order of `windowsS`; NaN while fewer than m + 1 samples have been seen. Memory: a
 * ring of the last max(m) samples (rounded up to a power of two), e.g. 2,048 values for 60 s at
 * 40 ms. A NaN sample is skipped by the max. Throws a UserError unless dtS and every window are
 * finite and > 0.
 *
 * Example: a step of 1 MW at dtS = 0.04 gives 25 MW/s (40 ms), 1 MW/s (1 s), 16,667 W/s (60 s).
 */
export function createRampKpis(
  prefix: string,
  dtS: number,
  windowsS: readonly number[] = DEFAULT_RAMP_WINDOWS_S,
): KpiAccumulator {
  const source = `createRampKpis(${prefix})`;
  requirePositive(source, "dtS", dtS, "s");
  windowsS.forEach((w, r) => requirePositive(source, `windowsS[${r}]`, w, "s"));
  const lags = windowsS.map((w) => Math.max(1, Math.round(w / dtS)));
  const ringSize = nextPowerOfTwo(Math.max(1, ...lags));
  const mask = ringSize - 1;
  // ring[g & mask] holds sample g for the last ringSize global indices g.
  const ring = new Float64Array(ringSize);
  const maxAbsDiff = new Float64Array(lags.length).fill(-Infinity);
  let count = 0;

  return {
    add(values: Float64Array, length: number): void {
      checkChunk(values, length);
      const n0 = count;
      for (let r = 0; r < lags.length; r++) {
        const m = lags[r];
        // Samples whose partner lies in an earlier chunk read it from the ring, the rest from this chunk.
        let best = _maxAbsDiffRing(values, Math.max(0, m - n0), Math.min(m, length), m, ring, mask, n0, maxAbsDiff[r]);
        best = _maxAbsDiff(values, m, length, m, best);
        maxAbsDiff[r] = best;
      }
      _toRing(values, Math.max(0, length - ringSize), length, ring, mask, n0);
      count += length;
    },
    finish(): KpiRow[] {
      return windowsS.map((w, r) => ({
        name: kpiName(prefix, `max_ramp_${durationName(w)}`),
        value: count > lags[r] && maxAbsDiff[r] >= 0 ? maxAbsDiff[r] / (lags[r] * dtS) : NaN,
        unit: "W/s",
      }));
    },
  };
}

/** max(best, |values[j] − values[j − lag]|) over j in [from, to), from ≥ lag (unchecked fast path). */
function _maxAbsDiff(values: Float64Array, from: number, to: number, lag: number, best: number): number {
  for (let j = from; j < to; j++) {
    // Math.abs is branch-free; an `if (d < 0)` here mispredicts on noisy signals (3× slower).
    const d = Math.abs(values[j] - values[j - lag]);
    if (d > best) best = d;
  }
  return best;
}

/**
 * As _maxAbsDiff for j < lag, reading sample (n0 + j − lag) from the ring (index & mask), where n0
 * is the global index of values[0] (unchecked fast path).
 */
function _maxAbsDiffRing(
  values: Float64Array,
  from: number,
  to: number,
  lag: number,
  ring: Float64Array,
  mask: number,
  n0: number,
  best: number,
): number {
  for (let j = from; j < to; j++) {
    const d = Math.abs(values[j] - ring[(n0 + j - lag) & mask]);
    if (d > best) best = d;
  }
  return best;
}

/** Stores values[from..to) in the ring at global indices n0 + j (unchecked fast path). */
function _toRing(values: Float64Array, from: number, to: number, ring: Float64Array, mask: number, n0: number): void {
  for (let j = from; j < to; j++) ring[(n0 + j) & mask] = values[j];
}

// Warm the kernels so V8 has type feedback past their loops before first optimising them (see models/lib/fft.ts).
{
  const warm = Float64Array.of(1, 2, 4, 8);
  const ring = new Float64Array(4);
  _maxAbsDiff(warm, 1, 4, 1, _maxAbsDiffRing(warm, 0, 1, 1, ring, 3, 4, -Infinity));
  _toRing(warm, 0, 4, ring, 3, 0);
}
