/**
 * One physical claim checked against a measured or published reference: what the model gives, what
 * the reference says, and the tolerance the test holds it to. test/validation/validation.test.ts
 * checks every row; `npm run validate` writes them as the README's validation table.
 */
export interface ValidationRow {
  /** Short name of the claim (unique; the test's name). */
  claim: string;
  /** Where the reference comes from (dataset, paper, closed form), with a pointer a user can follow. */
  source: string;
  measured: number;
  reference: number;
  unit: string;
  /** Tolerance as the test applies it: `rel` (|m − r| ≤ tol·|r|) or `abs` (|m − r| ≤ tol). */
  tolerance: { kind: "rel" | "abs"; value: number };
}

export function passes(row: ValidationRow): boolean {
  const err = Math.abs(row.measured - row.reference);
  return row.tolerance.kind === "rel" ? err <= row.tolerance.value * Math.abs(row.reference) : err <= row.tolerance.value;
}

/** Significant digits enough to show the tolerance: 4, more for tight relative tolerances. */
const digitsOf = (row: ValidationRow): number =>
  row.tolerance.kind === "rel" ? Math.min(12, Math.max(4, Math.ceil(-Math.log10(row.tolerance.value)) + 2)) : 4;

const fmt = (v: number, unit: string, digits = 4): string => `${Number(v.toPrecision(digits))}${unit ? ` ${unit}` : ""}`;

export function toleranceText(row: ValidationRow): string {
  if (row.tolerance.kind === "rel") return `±${Number((row.tolerance.value * 100).toPrecision(3))} %`;
  // An absolute tolerance on a percentage is in percentage points.
  return row.unit === "%" ? `±${fmt(row.tolerance.value, "", 3)} pp` : `±${fmt(row.tolerance.value, row.unit, 3)}`;
}

/** One line: measured vs reference vs tolerance (what each validation test prints). */
export function lineOf(row: ValidationRow): string {
  const err = row.reference !== 0 ? ` (${(((row.measured - row.reference) / Math.abs(row.reference)) * 100).toFixed(2)} %)` : "";
  const d = digitsOf(row);
  return `${row.claim}: measured ${fmt(row.measured, row.unit, d)} vs reference ${fmt(row.reference, row.unit, d)}${err}, tolerance ${toleranceText(row)} -> ${passes(row) ? "ok" : "FAIL"}`;
}

/** The README's validation table (markdown), in the rows' order. */
export function validationTable(rows: readonly ValidationRow[]): string {
  const lines = ["| claim | model | reference | tolerance | source |", "|---|---|---|---|---|"];
  for (const r of rows) {
    const d = digitsOf(r);
    lines.push(`| ${r.claim} | ${fmt(r.measured, r.unit, d)} | ${fmt(r.reference, r.unit, d)} | ${toleranceText(r)} | ${r.source} |`);
  }
  return `${lines.join("\n")}\n`;
}

export const README_START = "<!-- validation -->";
export const README_END = "<!-- /validation -->";
