/**
 * External signals (prices, carbon intensity, a measured frequency trace) on the engine's time base.
 *
 * A source is a UNIFORM series: sample i belongs to the source time `startMs + i × periodS`
 * (epoch milliseconds, UTC; loaders in `datasets/` turn a file's clock into this). Two kinds:
 * - `"period-mean"`: the value holds over its whole period [tᵢ, tᵢ + period) — a settlement-period
 *   price, a half-hourly or hourly mean carbon intensity (what the GB Carbon Intensity API and NESO
 *   publish, docs/physics-sources.md §2.4 [P]);
 * - `"point"`: the value is an instantaneous reading at tᵢ (a frequency meter sample).
 *
 * A signal puts the engine's t = 0 at a chosen instant `startMs` (the scenario's start date), so
 * tick k covers engine time [k·dtS, (k + 1)·dtS). Lookups return the MEAN of the signal over the
 * tick (the engine's convention for every tick value, so Σ price × energy is exact at any tick
 * length) and never allocate. Interpolation:
 * - `"step"`: the value of the period the instant falls in (zero-order hold for point samples);
 * - `"linear"`: straight lines between knots; knots sit at period MIDPOINTS for period means (a
 *   period mean is best placed at its centre) and at the sample instants for point samples.
 * Outside the data the signal either holds the first / last value (`"hold"`) or repeats the data
 * cyclically (`"wrap"`, e.g. one year of prices for a longer run). `fromS` / `toS` tell the engine
 * what range of its own time is covered by real data, so a scenario can refuse a bad start date.
 */

export type SignalSampling = "period-mean" | "point";
export type SignalInterp = "step" | "linear";
export type SignalOutside = "hold" | "wrap";

/** A uniform source series (what the loaders return); values are in `unit`. */
export interface UniformSeries {
  /** Time of sample 0, epoch ms UTC (start of its period for period means). */
  readonly startMs: number;
  /** Spacing of the samples, s (> 0). */
  readonly periodS: number;
  readonly values: Float64Array;
  readonly sampling: SignalSampling;
  /** Unit of `values`, e.g. "gCO2/kWh", "p/kWh", "EUR/MWh", "Hz". */
  readonly unit: string;
}

export interface SignalOptions {
  /** Instant (epoch ms UTC) that the engine's t = 0 maps to. */
  readonly startMs: number;
  /** Engine tick, s (> 0). */
  readonly dtS: number;
  /** Default "step". */
  readonly interp?: SignalInterp;
  /** Default "hold". */
  readonly outside?: SignalOutside;
}

/** A source series placed on the engine's time base. Read-only after createSignal. */
export interface Signal {
  /** The source values (shared with the series, not copied; do not modify). */
  readonly values: Float64Array;
  readonly n: number;
  readonly periodS: number;
  readonly dtS: number;
  readonly unit: string;
  /** Source position (in periods) of the engine's t = 0. */
  readonly offsetPeriods: number;
  /** Engine tick in source periods: dtS / periodS. */
  readonly tickPeriods: number;
  /** Position of knot i is i + knotPeriods (0.5 for period means, 0 for point samples). */
  readonly knotPeriods: number;
  readonly linear: boolean;
  readonly wrap: boolean;
  /** Engine time where real data begins and ends, s (outside it the signal holds or wraps). */
  readonly fromS: number;
  readonly toS: number;
}

/** Positions within this many periods of a whole period snap to it (k·dtS is inexact in binary). */
const SNAP_PERIODS = 1e-9;

/**
 * Places `series` on the engine's time base; validates it once. Throws a RangeError on an empty
 * series, a non-finite value (naming its index), periodS ≤ 0 or dtS ≤ 0.
 * Example: a 30-min price series starting 2020-01-01T00:00Z, createSignal(s, { startMs: 1577840400000 (= 01:00Z),
 * dtS: 0.04 }) → signalAt(sig, 0) is the 01:00-01:30 price (values[2]).
 */
export function createSignal(series: UniformSeries, options: SignalOptions): Signal {
  const { values, periodS } = series;
  const n = values.length;
  if (n === 0) throw new RangeError("createSignal: the series is empty");
  if (!(periodS > 0) || !Number.isFinite(periodS)) throw new RangeError(`createSignal: periodS must be > 0, got ${periodS}`);
  const { startMs, dtS } = options;
  if (!(dtS > 0) || !Number.isFinite(dtS)) throw new RangeError(`createSignal: dtS must be > 0, got ${dtS}`);
  if (!Number.isFinite(startMs)) throw new RangeError(`createSignal: startMs must be a finite epoch time in ms, got ${startMs}`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(values[i])) throw new RangeError(`createSignal: value ${i} is ${values[i]}, expected a finite number`);
  }
  const offsetPeriods = (startMs - series.startMs) / 1000 / periodS;
  const pointSamples = series.sampling === "point";
  return {
    values,
    n,
    periodS,
    dtS,
    unit: series.unit,
    offsetPeriods,
    tickPeriods: dtS / periodS,
    knotPeriods: pointSamples ? 0 : 0.5,
    linear: (options.interp ?? "step") === "linear",
    wrap: (options.outside ?? "hold") === "wrap",
    fromS: -offsetPeriods * periodS,
    // A point series has data up to its last sample instant; a period-mean series to the end of its last period.
    toS: ((pointSamples ? n - 1 : n) - offsetPeriods) * periodS,
  };
}

/** Value of source sample i, with i outside 0..n−1 held or wrapped. */
function sampleAt(sig: Signal, i: number): number {
  const n = sig.n;
  if (i >= 0 && i < n) return sig.values[i];
  if (sig.wrap) {
    const j = i % n;
    return sig.values[j < 0 ? j + n : j];
  }
  return sig.values[i < 0 ? 0 : n - 1];
}

function snap(p: number): number {
  const r = Math.round(p);
  return Math.abs(p - r) < SNAP_PERIODS ? r : p;
}

/** Signal value at source position p (periods), no averaging. */
function valueAtPosition(sig: Signal, p: number): number {
  if (!sig.linear) return sampleAt(sig, Math.floor(p));
  const x = p - sig.knotPeriods;
  const j = Math.floor(x);
  const a = sampleAt(sig, j);
  return a + (sampleAt(sig, j + 1) - a) * (x - j);
}

/** Mean of the signal over source positions [a, b], a < b (periods); loops over the periods spanned. */
function meanOverPositions(sig: Signal, a: number, b: number): number {
  let sum = 0;
  if (!sig.linear) {
    let i = Math.floor(a);
    let x = a;
    while (x < b) {
      const next = i + 1 < b ? i + 1 : b;
      sum += sampleAt(sig, i) * (next - x);
      x = next;
      i++;
    }
    return sum / (b - a);
  }
  // Linear: within one knot-to-knot segment the function is a line, so its mean over a piece is
  // its value at the piece's midpoint.
  const k = sig.knotPeriods;
  let j = Math.floor(a - k);
  let x = a;
  while (x < b) {
    const segEnd = j + 1 + k;
    const next = segEnd < b ? segEnd : b;
    const v0 = sampleAt(sig, j);
    const mid = (x + next) / 2;
    sum += (v0 + (sampleAt(sig, j + 1) - v0) * (mid - j - k)) * (next - x);
    x = next;
    j++;
  }
  return sum / (b - a);
}

/**
 * Mean of the signal over tick k, i.e. engine time [k·dtS, (k + 1)·dtS), in the series' unit.
 * Allocation-free; any integer k (negative or beyond the data: held or wrapped).
 * Example: a 30-min price series at a 40 ms tick, k = 45,000 (t = 1,800 s) → the second period's price.
 */
export function signalAt(sig: Signal, k: number): number {
  return signalMean(sig, k, 1);
}

/**
 * Mean of the signal over `ticks` ticks from tick k: engine time [k·dtS, (k + ticks)·dtS).
 * ticks ≤ 0 gives the value at the instant k·dtS. Allocation-free; costs one loop pass per source
 * period spanned.
 */
export function signalMean(sig: Signal, k: number, ticks: number): number {
  const a = snap(sig.offsetPeriods + k * sig.tickPeriods);
  if (!(ticks > 0)) return valueAtPosition(sig, a);
  const b = snap(sig.offsetPeriods + (k + ticks) * sig.tickPeriods);
  if (!(b > a)) return valueAtPosition(sig, a);
  return meanOverPositions(sig, a, b);
}

/** Value of the signal at engine time tS (an instant, not a tick mean), in the series' unit. */
export function signalAtS(sig: Signal, tS: number): number {
  return valueAtPosition(sig, snap(sig.offsetPeriods + tS / sig.periodS));
}

/**
 * Resamples the signal to an engine period of `periodTicks` ticks: out[j] = mean over ticks
 * [j·periodTicks, (j + 1)·periodTicks). Fills all of `out` (allocated by the caller) and returns it.
 * Example: a 30-min price series, periodTicks 1,500 (1 min at 40 ms) → 30 equal values per period.
 */
export function resampleSignal(sig: Signal, periodTicks: number, out: Float64Array): Float64Array {
  if (!(periodTicks > 0)) throw new RangeError(`resampleSignal: periodTicks must be > 0, got ${periodTicks}`);
  for (let j = 0; j < out.length; j++) out[j] = signalMean(sig, j * periodTicks, periodTicks);
  return out;
}
