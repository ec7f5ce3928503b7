/**
 * Small published formulas that go with the price and carbon signals (docs/physics-sources.md §2.4, ☆ V7).
 */

/** Inputs of Octopus Agile's current unit-rate formula, pence per kWh (docs/physics-sources.md §2.4 [P]). */
export interface AgileRateParts {
  /** D: network and policy costs, p/kWh. */
  readonly networkPence: number;
  /** Q: peak network adder, p/kWh (0 outside 16:00-19:00 UK time). */
  readonly peakAdderPence: number;
  /** W: the half-hour's wholesale day-ahead price, p/kWh. */
  readonly wholesalePence: number;
  /** P: peak multiplier (1 outside 16:00-19:00 UK time). */
  readonly peakMultiplier: number;
}

/**
 * Octopus Agile unit rate = D + Q + W × P, p/kWh (octopus.energy "how to calculate prices",
 * docs/physics-sources.md §2.4 [P]). Example (the published peak example, ☆ V7):
 * agileUnitRate({ networkPence: 5, peakAdderPence: 2, wholesalePence: 15, peakMultiplier: 1.2 }) → 25.
 */
export function agileUnitRate(parts: AgileRateParts): number {
  return parts.networkPence + parts.peakAdderPence + parts.wholesalePence * parts.peakMultiplier;
}

/** True when a UK local clock time (minutes after midnight, 0-1439) is in Agile's 16:00-19:00 peak. */
export function isAgilePeak(localMinuteOfDay: number): boolean {
  return localMinuteOfDay >= 16 * 60 && localMinuteOfDay < 19 * 60;
}

/** GB Carbon Intensity API index names, lowest first. */
export const CARBON_INDEX_NAMES = ["very low", "low", "moderate", "high", "very high"] as const;
export type CarbonIndexName = (typeof CARBON_INDEX_NAMES)[number];

/**
 * Lower bounds of "low", "moderate", "high", "very high", gCO2/kWh, by the year they apply from
 * (Carbon Intensity Forecast Methodology PDF at commit 6a8bd07, docs/physics-sources.md §2.4 [P]; later
 * years' table is an image and unverified, so 2019's bands are used for every year after it).
 */
const CARBON_INDEX_BANDS: ReadonlyArray<readonly [fromYear: number, bounds: readonly [number, number, number, number]]> = [
  [2017, [100, 200, 300, 400]],
  [2018, [80, 180, 280, 380]],
  [2019, [60, 160, 260, 360]],
];

/**
 * The API's index for an intensity in gCO2/kWh in a given year (years before 2017 use 2017's bands).
 * Bands are whole gCO2/kWh ("160–259" is moderate): a value below a bound belongs to the band under it.
 * Example (☆ V7): carbonIndex(197, 2022) → "moderate".
 */
export function carbonIndex(gPerKWh: number, year: number): CarbonIndexName {
  let bounds = CARBON_INDEX_BANDS[0]![1];
  for (const [fromYear, b] of CARBON_INDEX_BANDS) if (year >= fromYear) bounds = b;
  let band = 0;
  while (band < bounds.length && gPerKWh >= bounds[band]!) band++;
  return CARBON_INDEX_NAMES[band]!;
}

/**
 * Carbon intensity of a generation mix before the loss correction, gCO2/kWh: Σ share × factor
 * (Carbon Intensity methodology Table 1, docs/physics-sources.md §2.4 [P]). Shares need not sum to 1; the
 * result is divided by their sum. Example (☆ V7): 50 % CCGT (394), 30 % wind (0), 20 % nuclear (0) → 197.
 */
export function mixIntensity(shares: readonly number[], factorsGPerKWh: readonly number[]): number {
  if (shares.length !== factorsGPerKWh.length) throw new RangeError(`mixIntensity: ${shares.length} shares but ${factorsGPerKWh.length} factors`);
  let sum = 0;
  let total = 0;
  for (let i = 0; i < shares.length; i++) {
    sum += shares[i]! * factorsGPerKWh[i]!;
    total += shares[i]!;
  }
  if (!(total > 0)) throw new RangeError("mixIntensity: the shares sum to 0");
  return sum / total;
}

/** Fuel factors of the methodology's Table 1, gCO2/kWh (docs/physics-sources.md §2.4 [P]). */
export const FUEL_FACTORS_G_PER_KWH = {
  biomass: 120,
  coal: 937,
  gasCcgt: 394,
  gasOcgt: 651,
  oil: 935,
  other: 300,
  hydro: 0,
  nuclear: 0,
  solar: 0,
  wind: 0,
  pumpedStorage: 0,
  importsFrance: 53,
  importsNetherlands: 474,
  importsBelgium: 179,
  importsIreland: 458,
} as const;
