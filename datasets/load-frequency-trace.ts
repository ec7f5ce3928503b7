import { unreadableFile } from "../models/lib/errors.js";
import { csvRowsOf } from "./csv-rows.js";
import { numberCell, readText, timeCell, uniformSeriesOf, type TimedSeries } from "./time-series-csv.js";

/**
 * Loader for a measured grid-frequency trace (e.g. NESO's 1-s "System frequency" CSVs, columns
 * `dtm,f`). No such trace is committed: datasets/README.md lists why (no copy with a clear licence
 * was found). Each value is an instantaneous reading ("point" sampling): use linear interpolation.
 */

export interface FrequencyCsvOptions {
  /** Column with the timestamp (default "dtm"). */
  readonly timeColumn?: string;
  /** Column with the frequency, Hz (default "f"). */
  readonly valueColumn?: string;
  /** Offset east of UTC, minutes, of timestamps written without a zone (default 0: read as UTC). */
  readonly assumedOffsetMin?: number;
}

/**
 * Parses a headed CSV of timestamp and frequency (Hz) into a uniform point series (pure, async
 * because fast-csv streams). A
 * timestamp with a zone ("Z", "+01:00") is converted to UTC; one without is read at
 * `assumedOffsetMin` (check the source: a local-time file with clock changes is not uniform in UTC
 * and is refused as having a gap). Throws a UserError naming `source`, the row and the column on a
 * missing column, a bad cell, a frequency outside 40-70 Hz, or a gap.
 * Example: "dtm,f\n2023-01-01 00:00:00,50.01\n2023-01-01 00:00:01,49.99" → periodS 1, values [50.01, 49.99].
 */
export async function fromFrequencyCsv(text: string, options: FrequencyCsvOptions = {}, source = "frequency csv"): Promise<TimedSeries> {
  const timeColumn = options.timeColumn ?? "dtm";
  const valueColumn = options.valueColumn ?? "f";
  const rows = await csvRowsOf(text, source);
  const header = rows[0]?.cells ?? [];
  const ti = header.indexOf(timeColumn);
  const vi = header.indexOf(valueColumn);
  if (ti < 0 || vi < 0) {
    throw unreadableFile(source, `header is ${JSON.stringify(header.join(","))}, expected columns ${JSON.stringify(timeColumn)} and ${JSON.stringify(valueColumn)}`);
  }
  const body = rows.slice(1);
  const timeMs = new Float64Array(body.length);
  const values = new Float64Array(body.length);
  body.forEach(({ row, cells }, i) => {
    timeMs[i] = timeCell(cells[ti], source, row, timeColumn, options.assumedOffsetMin ?? 0);
    const f = numberCell(cells[vi], source, row, valueColumn);
    if (!(f >= 40 && f <= 70)) throw unreadableFile(source, `row ${row}, column ${valueColumn}: got ${f}, expected a frequency in Hz (40-70)`);
    values[i] = f;
  });
  return uniformSeriesOf(timeMs, values, "point", "Hz", source, body[0]?.row ?? 2, 1);
}

/** Reads a frequency CSV file (see fromFrequencyCsv). */
export async function loadFrequencyTrace(path: string, options: FrequencyCsvOptions = {}): Promise<TimedSeries> {
  return fromFrequencyCsv(readText(path), options, path);
}
