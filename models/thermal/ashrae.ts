/**
 * ASHRAE TC 9.9 thermal envelopes as pure checks, and counters of the time spent outside them.
 * Air (server inlet), docs/physics-sources.md §5.3 [S]: recommended 18-27 °C for classes A1-A4; allowable
 * A1 15-32, A2 10-35, A3 5-40, A4 5-45 °C; class H1 (high-density, 2021 5th edition) recommended
 * 18-22 °C [R]. Liquid (facility water supply) classes W17 ... W45, the number being the highest
 * supply temperature in °C (§4 [S]/[R]). Humidity limits are not modelled.
 */
export interface Envelope {
  readonly name: string;
  readonly minC: number;
  readonly maxC: number;
}

/** Recommended inlet range for A1-A4, °C. */
export const ASHRAE_RECOMMENDED: Envelope = Object.freeze({ name: "recommended", minC: 18, maxC: 27 });

/** Allowable inlet ranges per class, °C; H1 carries only its recommended range (its allowable one is not in the figures). */
export const ASHRAE_ALLOWABLE: Readonly<Record<"A1" | "A2" | "A3" | "A4", Envelope>> = Object.freeze({
  A1: Object.freeze({ name: "A1", minC: 15, maxC: 32 }),
  A2: Object.freeze({ name: "A2", minC: 10, maxC: 35 }),
  A3: Object.freeze({ name: "A3", minC: 5, maxC: 40 }),
  A4: Object.freeze({ name: "A4", minC: 5, maxC: 45 }),
});

/** Class H1 recommended inlet range, °C [R]. */
export const ASHRAE_H1_RECOMMENDED: Envelope = Object.freeze({ name: "H1-recommended", minC: 18, maxC: 22 });

/** Liquid-cooling facility-water classes: the highest supply temperature, °C (W+ is above 45 °C). */
export const ASHRAE_W_CLASSES: Readonly<Record<"W17" | "W27" | "W32" | "W40" | "W45", number>> = Object.freeze({
  W17: 17, W27: 27, W32: 32, W40: 40, W45: 45,
});

/** True when `tempC` lies within [minC, maxC] of `env` (NaN is outside). Example: (27, recommended) → true. */
export function insideEnvelope(tempC: number, env: Envelope): boolean {
  return tempC >= env.minC && tempC <= env.maxC;
}

/**
 * Time counters per monitored point (rack inlets), structure of arrays. A step of dtS seconds at
 * temperature T adds dtS to `belowS` when T < min of the recommended range, to `aboveS` when
 * T > its max, and to `outsideAllowableS` when T is outside the allowable range; `peakC` / `lowC`
 * track extremes. A NaN temperature counts as above the recommended range and outside the allowable one.
 */
export interface EnvelopeCounters {
  readonly count: number;
  readonly recommended: Envelope;
  readonly allowable: Envelope;
  readonly belowS: Float64Array;
  readonly aboveS: Float64Array;
  readonly outsideAllowableS: Float64Array;
  readonly peakC: Float64Array;
  readonly lowC: Float64Array;
}

/** Allocates counters for `count` points, all zero (peak −Infinity, low +Infinity). Default: recommended A1-A4 and allowable A1. */
export function createEnvelopeCounters(count: number, recommended: Envelope = ASHRAE_RECOMMENDED, allowable: Envelope = ASHRAE_ALLOWABLE.A1): EnvelopeCounters {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`createEnvelopeCounters: count must be an integer ≥ 0, got ${count}`);
  const peakC = new Float64Array(count).fill(-Infinity);
  const lowC = new Float64Array(count).fill(Infinity);
  return {
    count, recommended, allowable,
    belowS: new Float64Array(count), aboveS: new Float64Array(count), outsideAllowableS: new Float64Array(count), peakC, lowC,
  };
}

/** Adds one step of dtS seconds at temperatures `tempC` (one per point) to the counters (allocation-free). dtS ≤ 0 adds nothing. */
export function accumulateEnvelope(counters: EnvelopeCounters, tempC: ArrayLike<number>, dtS: number): void {
  if (!(dtS > 0)) return;
  const { recommended: rec, allowable: allow, belowS, aboveS, outsideAllowableS, peakC, lowC } = counters;
  for (let i = 0; i < counters.count; i++) {
    const t = tempC[i];
    if (t < rec.minC) belowS[i] += dtS;
    else if (!(t <= rec.maxC)) aboveS[i] += dtS; // NaN counts as above (fail hot)
    if (!(t >= allow.minC && t <= allow.maxC)) outsideAllowableS[i] += dtS;
    if (t > peakC[i]) peakC[i] = t;
    if (t < lowC[i]) lowC[i] = t;
  }
}

/** Minutes point i spent outside the recommended range (below + above). */
export function minutesOutsideRecommended(counters: EnvelopeCounters, i: number): number {
  return (counters.belowS[i] + counters.aboveS[i]) / 60;
}

/** Minutes point i spent outside the allowable range. */
export function minutesOutsideAllowable(counters: EnvelopeCounters, i: number): number {
  return counters.outsideAllowableS[i] / 60;
}
