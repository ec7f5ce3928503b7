/**
 * Naming helpers for KPI rows: numbers in names use `p` for the decimal point (`12p5`), `m` for a
 * minus sign, and at most 12 significant digits, so names are valid SQL identifiers.
 */

/** `<prefix>_<metric>`, or just `metric` when prefix is "". Example: kpiName("pcc", "energy") === "pcc_energy". */
export function kpiName(prefix: string, metric: string): string {
  return prefix === "" ? metric : `${prefix}_${metric}`;
}

/** A number as a name fragment. Example: nameNumber(12.5) === "12p5"; nameNumber(0.1) === "0p1". */
export function nameNumber(x: number): string {
  return String(Number(x.toPrecision(12))).replace("-", "m").replace(".", "p").replace("+", "");
}

/**
 * A duration (s) as a name fragment: milliseconds below 1 s, else seconds.
 * Example: durationName(0.04) === "40ms"; durationName(1) === "1s"; durationName(60) === "60s".
 */
export function durationName(durationS: number): string {
  return durationS < 1 ? `${nameNumber(durationS * 1000)}ms` : `${nameNumber(durationS)}s`;
}

/** A frequency band (Hz) as a name fragment. Example: bandName(5, 12.5) === "5_12p5hz". */
export function bandName(loHz: number, hiHz: number): string {
  return `${nameNumber(loHz)}_${nameNumber(hiHz)}hz`;
}
