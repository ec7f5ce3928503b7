/**
 * Quantities with units, as scenario files write them: `40ms`, `24h`, `700W`, `9.5MW`,
 * `12.5MVA`, `1.5L/min/kW`, `65J`, `200W/s`, `10MW/min`, `90%`. Parsing is pure and returns SI
 * values (s, W, VA, J, W/s, m3/s per W, fraction) or `undefined` when the text does not fit.
 *
 * Example: fromQuantity("9.5MW", "power") === 9_500_000; fromQuantity("40ms", "duration") === 0.04.
 */

export type Dimension =
  | "duration"
  | "power"
  | "apparentPower"
  | "energy"
  | "rampRate"
  | "fraction"
  | "temperature"
  | "flowPerPower"
  | "frequency";

const PREFIX: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, m: 1e-3 };

/** Unit symbols per dimension, each mapped to its SI factor (before any prefix). */
const UNITS: Record<Dimension, Record<string, number>> = {
  duration: { ms: 1e-3, s: 1, min: 60, h: 3600, d: 86400 },
  power: { W: 1 },
  apparentPower: { VA: 1 },
  energy: { J: 1, Wh: 3600 },
  rampRate: { "W/s": 1, "W/min": 1 / 60 },
  fraction: { "%": 0.01, "": 1 },
  temperature: { C: 1, "°C": 1 },
  flowPerPower: { "L/min/kW": 1e-3 / 60 / 1e3, "m3/s/W": 1 },
  frequency: { Hz: 1, mHz: 1e-3 },
};

/** Units that take an SI prefix (kW, MWh, mHz); durations, fractions and temperatures take none. */
const PREFIXED: Record<Dimension, readonly string[]> = {
  duration: [],
  power: ["W"],
  apparentPower: ["VA"],
  energy: ["J", "Wh"],
  rampRate: ["W/s", "W/min"],
  fraction: [],
  temperature: [],
  flowPerPower: [],
  frequency: ["Hz"],
};

/** What each dimension's SI value is measured in, for messages and the JSON Schema. */
export const SI_UNIT: Record<Dimension, string> = {
  duration: "s",
  power: "W",
  apparentPower: "VA",
  energy: "J",
  rampRate: "W/s",
  fraction: "fraction (0-1)",
  temperature: "°C",
  flowPerPower: "m3/s per W",
  frequency: "Hz",
};

/** Examples shown when a quantity does not parse. */
export const EXAMPLE: Record<Dimension, string> = {
  duration: `"40ms", "1.2s", "15min", "24h"`,
  power: `"700W", "132kW", "9.5MW"`,
  apparentPower: `"12.5MVA"`,
  energy: `"65J", "2MWh"`,
  rampRate: `"200W/s", "2MW/s", "10MW/min"`,
  fraction: `"90%" or 0.9`,
  temperature: `"45C"`,
  flowPerPower: `"1.5L/min/kW"`,
  frequency: `"50Hz"`,
};

const NUMBER = /^([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*)$/;

/**
 * Parses a quantity to its SI value. A bare number is taken as already in SI units (seconds,
 * watts, ...), except that a fraction accepts 0-1. Returns undefined for text that does not fit.
 */
export function fromQuantity(input: unknown, dimension: Dimension): number | undefined {
  if (typeof input === "number") return Number.isFinite(input) ? input : undefined;
  if (typeof input !== "string") return undefined;
  const match = NUMBER.exec(input.trim());
  if (!match) return undefined;
  const magnitude = Number(match[1]);
  const unitText = match[2]!.trim();
  const factor = unitText === "" ? 1 : unitFactor(unitText, dimension);
  if (factor === undefined) return undefined;
  const value = unitText === "" ? magnitude : scale(magnitude, factor);
  // "1e400MW" is Infinity: no quantity is infinite.
  return Number.isFinite(value) ? value : undefined;
}

/**
 * The SI factor of a unit written exactly as listed (own keys only: "toString" is no unit), or
 * with one SI prefix on a unit that takes prefixes (kW, MVA, MWh, mHz); undefined otherwise, so
 * "200kms" is not 200 s and "5mmin" is nothing.
 */
function unitFactor(unitText: string, dimension: Dimension): number | undefined {
  const units = UNITS[dimension];
  if (Object.hasOwn(units, unitText)) return units[unitText];
  const prefix = unitText.charAt(0);
  const base = unitText.slice(1);
  if (!Object.hasOwn(PREFIX, prefix) || !PREFIXED[dimension].includes(base)) return undefined;
  return PREFIX[prefix]! * units[base]!;
}

/**
 * magnitude × factor, dividing by the reciprocal when the factor is below 1 and its reciprocal is
 * a whole number, so decimal inputs stay exact: 70 % is 70 / 100 = 0.7, not 70 × 0.01 = 0.7000000000000001.
 */
function scale(magnitude: number, factor: number): number {
  if (factor >= 1) return magnitude * factor;
  const inverse = Math.round(1 / factor);
  return Math.abs(1 / factor - inverse) < 1e-9 * inverse ? magnitude / inverse : magnitude * factor;
}
