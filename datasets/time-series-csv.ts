import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadText } from "./load-text.js";
import { unreadableFile } from "../models/lib/errors.js";
import type { SignalSampling, UniformSeries } from "../models/signals/signal.js";

/**
 * Shared helpers of the signal loaders (carbon intensity, prices, frequency): timestamp parsing to
 * UTC epoch ms, the uniform-spacing check, file reading with user-facing errors, and the committed
 * dataset folders. Parsing is pure; only readText and datasetDir touch the file system. CSV records
 * come from csvRowsOf (datasets/csv-rows.ts).
 */

/** A uniform series with the timestamp of every sample (what the signal loaders return). */
export interface TimedSeries extends UniformSeries {
  /** Timestamp of each sample, epoch ms UTC (start of its period for period means). */
  readonly timeMs: Float64Array;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Epoch ms (UTC) of an ISO-8601-like timestamp: "YYYY-MM-DD HH:MM[:SS[.fff]]" with a space or "T",
 * and an optional zone "Z", "+01:00" or "+0100". A timestamp without a zone is read at
 * `assumedOffsetMin` minutes east of UTC (default 0: UTC). NaN when the text does not match or a
 * field is out of range. Example: utcMsOf("2022-01-01 01:00:00") → Date.UTC(2022, 0, 1, 1).
 */
export function utcMsOf(text: string, assumedOffsetMin = 0): number {
  const m = TIMESTAMP.exec(text.trim());
  if (m === null) return NaN;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number, number];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Number(`0.${m[7]}`) * 1000;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return NaN;
  let offsetMin = assumedOffsetMin;
  const zone = m[8];
  if (zone !== undefined && zone !== "Z") {
    const digits = zone.replace(":", "");
    const sign = digits[0] === "-" ? -1 : 1;
    offsetMin = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
  } else if (zone === "Z") {
    offsetMin = 0;
  }
  const utc = Date.UTC(year, month - 1, day, hour, minute, second) + ms - offsetMin * 60_000;
  // Date.UTC rolls 31 Feb into March: refuse dates that do not exist.
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return NaN;
  return utc;
}

/**
 * Checks that `timeMs` is uniformly spaced (every step equal to the first within 1 ms) and builds
 * the series. Throws a UserError naming `source` and the first irregular row (`firstRow` is the file
 * row of sample 0, for the message). Fewer than 2 samples: periodS = `defaultPeriodS`.
 */
export function uniformSeriesOf(
  timeMs: Float64Array,
  values: Float64Array,
  sampling: SignalSampling,
  unit: string,
  source: string,
  firstRow: number,
  defaultPeriodS: number,
): TimedSeries {
  const n = timeMs.length;
  if (n === 0) throw unreadableFile(source, "no data rows");
  const stepMs = n >= 2 ? timeMs[1]! - timeMs[0]! : defaultPeriodS * 1000;
  if (!(stepMs > 0)) throw unreadableFile(source, `row ${firstRow + 1}: time ${new Date(timeMs[1]!).toISOString()} does not come after the one before`);
  for (let i = 2; i < n; i++) {
    const d = timeMs[i]! - timeMs[i - 1]!;
    if (Math.abs(d - stepMs) > 1) {
      throw unreadableFile(
        source,
        `row ${firstRow + i}: time ${new Date(timeMs[i]!).toISOString()} is ${d / 1000} s after the one before, expected ${stepMs / 1000} s (a uniform series with no gaps)`,
      );
    }
  }
  return { startMs: timeMs[0]!, periodS: stepMs / 1000, values, sampling, unit, timeMs };
}

/** Largest time-series CSV read, bytes: a month of NESO 1-s frequency data is ~70 MB. */
export const MAX_SERIES_FILE_BYTES = 512 * 1024 * 1024;

/** Reads a text file; a missing, unreadable or endless (`/dev/zero`) file is a UserError naming the path. */
export function readText(path: string): string {
  return loadText(path, MAX_SERIES_FILE_BYTES, "a month of 1-s frequency data is ~70 MB");
}

/** A committed dataset folder, found from this module whether it runs from source or from dist/. */
export function datasetDir(folder: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, folder), join(here, "..", "..", "datasets", folder)];
  return candidates.find((dir) => existsSync(join(dir, "SOURCE.md"))) ?? candidates[0]!;
}

/** A finite number from a cell, or a UserError naming the source, row and column. */
export function numberCell(cell: string | undefined, source: string, row: number, column: string): number {
  const value = cell === undefined || cell.trim() === "" ? NaN : Number(cell);
  if (!Number.isFinite(value)) throw unreadableFile(source, `row ${row}, column ${column}: got ${JSON.stringify(cell ?? "")}, expected a number`);
  return value;
}

/** A timestamp cell as epoch ms UTC (see utcMsOf), or a UserError naming the source, row and column. */
export function timeCell(cell: string | undefined, source: string, row: number, column: string, assumedOffsetMin = 0): number {
  const value = cell === undefined ? NaN : utcMsOf(cell, assumedOffsetMin);
  if (!Number.isFinite(value)) {
    throw unreadableFile(source, `row ${row}, column ${column}: got ${JSON.stringify(cell ?? "")}, expected a time such as "2022-01-01 00:00:00" or "2022-01-01T00:00:00Z"`);
  }
  return value;
}
