/**
 * District-heating demand as a signal: a measured building profile (datasets/heat-demand-dk: one
 * Danish district-heated house, hourly, 2019) scaled to a network. Pure: the engine passes in the
 * loaded profile (datasets/load-heat-demand.ts) and looks the signal up by elapsed seconds.
 *
 * Scaling keeps the hourly shape and multiplies it by one factor:
 * - { houses: N }: N copies of the house (factor N);
 * - { peakW }: the (smoothed) profile's largest hour becomes peakW;
 * - { annualWh }: the profile's total over its length (a year for the committed data) becomes annualWh.
 * N identical houses keep one house's spikiness: a real network's peak is lower than N times one
 * house's (the houses' peaks do not coincide), and the meter data alternate between high and low
 * hours (see the dataset's SOURCE.md). `smoothHours` (odd, default 1 = none) applies a centred
 * moving average, wrapping around the ends so the total energy is unchanged, as a stand-in for
 * that diversity; it is not calibrated on network data.
 */
export interface DistrictDemand {
  /** Length of one value, s (3600 for the hourly data). */
  readonly stepS: number;
  /** Mean heat demand over step k, W (k = 0 starts at startUtc). */
  readonly demandW: Float64Array;
  /** Start of the first step, ISO-8601 UTC (metadata; the model never reads the clock). */
  readonly startUtc: string;
  /** Scale factor applied to the (smoothed) house profile: houses-equivalent. */
  readonly houses: number;
  /** Sum over the profile, Wh. */
  readonly totalWh: number;
  /** Largest step value, W. */
  readonly peakW: number;
}

/** How to scale the house to a network (exactly one of the three). */
export type DemandScale = { readonly houses: number } | { readonly peakW: number } | { readonly annualWh: number };

/** A building profile as loaded: mean heat per step, W. */
export interface BuildingProfile {
  readonly stepS: number;
  readonly heatW: Float64Array;
  readonly startUtc: string;
}

/**
 * Scales `house` to a network (see the module doc). Throws a RangeError for an empty or all-zero
 * profile, a scale that is not one positive finite number, or smoothHours that is not an odd
 * integer from 1 to the profile length.
 * Example: districtDemand(house, { houses: 12_000 }).totalWh → 2.10e11 for the 2019 house (17.5 MWh).
 */
export function districtDemand(house: BuildingProfile, scale: DemandScale, smoothHours = 1): DistrictDemand {
  const n = house.heatW.length;
  if (n === 0) throw new RangeError("districtDemand: the building profile is empty");
  if (!(house.stepS > 0)) throw new RangeError(`districtDemand: stepS must be > 0, got ${house.stepS}`);
  const window = Math.round((smoothHours * 3600) / house.stepS);
  if (!Number.isInteger(smoothHours) || smoothHours < 1 || window % 2 !== 1 || window > n) {
    throw new RangeError(`districtDemand: smoothHours must be an odd whole number of steps from 1 to ${n}, got ${smoothHours}`);
  }
  const shape = window === 1 ? Float64Array.from(house.heatW) : movingAverageWrapped(house.heatW, window);
  let sum = 0;
  let peak = 0;
  for (let k = 0; k < n; k++) {
    sum += shape[k];
    if (shape[k] > peak) peak = shape[k];
  }
  const hours = house.stepS / 3600;
  const keys = Object.keys(scale);
  const value = keys.length === 1 ? (scale as Record<string, number>)[keys[0]!] : NaN;
  if (!(typeof value === "number" && Number.isFinite(value) && value > 0)) {
    throw new RangeError(`districtDemand: scale must be one of { houses }, { peakW }, { annualWh } with a positive number, got ${JSON.stringify(scale)}`);
  }
  let factor: number;
  if ("houses" in scale) factor = scale.houses;
  else if ("peakW" in scale) factor = scale.peakW / peak;
  else if ("annualWh" in scale) factor = scale.annualWh / (sum * hours);
  else throw new RangeError(`districtDemand: unknown scale ${JSON.stringify(scale)}`);
  if (!(factor > 0 && Number.isFinite(factor))) throw new RangeError("districtDemand: the building profile is all zero");
  for (let k = 0; k < n; k++) shape[k] *= factor;
  return { stepS: house.stepS, demandW: shape, startUtc: house.startUtc, houses: factor, totalWh: sum * hours * factor, peakW: peak * factor };
}

/** Centred moving average of odd `window`, wrapping around both ends (sum preserved). */
function movingAverageWrapped(x: Float64Array, window: number): Float64Array {
  const n = x.length;
  const half = (window - 1) / 2;
  const out = new Float64Array(n);
  let acc = 0;
  for (let j = -half; j <= half; j++) acc += x[((j % n) + n) % n];
  for (let k = 0; k < n; k++) {
    out[k] = acc / window;
    acc += x[(k + half + 1) % n] - x[(((k - half) % n) + n) % n];
  }
  return out;
}

/**
 * Demand at elapsed time `tS` (s from startUtc): the value of the step that contains tS (held, so
 * the energy over whole steps is exact); the profile repeats before and after its length.
 * Example: demandAt(d, 5400) === d.demandW[1] for hourly data.
 */
export function demandAt(demand: DistrictDemand, tS: number): number {
  const n = demand.demandW.length;
  let k = Math.floor(tS / demand.stepS) % n;
  if (k < 0) k += n;
  return demand.demandW[k] ?? 0;
}
