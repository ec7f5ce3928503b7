import { bisectRight } from "d3-array";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { unreadableFile } from "../models/lib/errors.js";
import { csvRowsOf, headerText } from "./csv-rows.js";

/**
 * Loader for hourly UK weather observations (`datasets/weather-uk-bedford/`, Met Office MIDAS Open,
 * Open Government Licence v3.0, see its SOURCE.md): Bedford, 2022, one row per hour, times in UTC.
 * Columns become SI-named arrays: temperatures in °C, relative humidity as a fraction, pressure in
 * Pa, wind in m/s. Times are seconds from the first observation (`startUtc`).
 *
 * Missing values (`NA`) are filled so that every array is finite: dry bulb, humidity, pressure and
 * wind linearly in time; wet bulb and dew point through their depression below the dry bulb
 * (dry − wet), interpolated linearly and subtracted from the dry bulb of the hour, which keeps
 * them at or below the dry bulb. `filled` counts the filled values per column (2022: 171 wet-bulb,
 * dew-point and humidity hours in November, 1 dry-bulb hour on 14 July).
 */
export interface WeatherTrace {
  /** First observation, ISO 8601 UTC. */
  readonly startUtc: string;
  /** Observation times, s from startUtc (increasing). */
  readonly tS: Float64Array;
  readonly dryBulbC: Float64Array;
  readonly wetBulbC: Float64Array;
  readonly dewPointC: Float64Array;
  readonly relHumFrac: Float64Array;
  readonly pressurePa: Float64Array;
  readonly windMs: Float64Array;
  /** Values filled per column (see above). */
  readonly filled: Readonly<Record<"dryBulb" | "wetBulb" | "dewPoint" | "relHum" | "pressure" | "wind", number>>;
}

/** The 2022 day with the highest dry bulb (39.0 °C at 14:00 UTC; daily mean 29.4 °C), 00:00 UTC. */
export const SUMMER_DAY_UTC = "2022-07-19T00:00:00Z";
/** The 2022 day with the lowest daily mean dry bulb (−4.2 °C; minimum −7.1 °C), 00:00 UTC. */
export const WINTER_DAY_UTC = "2022-12-13T00:00:00Z";

const HEADER = ["ob_time", "air_temperature", "wetb_temp", "dewpoint", "rltv_hum", "stn_pres", "wind_speed"] as const;
const KNOT_MS = 1852 / 3600;

function cellValue(cell: string | undefined, source: string, row: number, column: string): number {
  if (cell === "NA") return NaN;
  const value = cell === undefined || cell === "" ? NaN : Number(cell);
  if (!Number.isFinite(value)) throw unreadableFile(source, `row ${row}, column ${column}: got ${JSON.stringify(cell ?? "")}, expected a number or NA`);
  return value;
}

/** Fills NaNs of `values` linearly in `tS` between finite neighbours (held at the ends); returns the count filled. Throws when all are NaN. */
function fillLinear(values: Float64Array, tS: Float64Array, source: string, column: string): number {
  let filled = 0;
  let prev = -1;
  const n = values.length;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(values[i])) continue;
    if (i - prev > 1) {
      for (let j = prev + 1; j < i; j++) {
        values[j] = prev < 0 ? values[i] : values[prev] + ((values[i] - values[prev]) * (tS[j] - tS[prev])) / (tS[i] - tS[prev]);
        filled++;
      }
    }
    prev = i;
  }
  if (prev < 0 && n > 0) throw unreadableFile(source, `column ${column} has no values`);
  for (let j = prev + 1; j < n; j++) { values[j] = values[prev]; filled++; }
  return filled;
}

/** Fills a temperature below the dry bulb through its depression (dryBulb must be filled already). */
function fillDepression(values: Float64Array, dryBulbC: Float64Array, tS: Float64Array, source: string, column: string): number {
  const depression = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) depression[i] = dryBulbC[i] - values[i];
  const filled = fillLinear(depression, tS, source, column);
  for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i])) values[i] = dryBulbC[i] - depression[i];
  return filled;
}

/**
 * Parses the trimmed MIDAS CSV (`ob_time,air_temperature,wetb_temp,dewpoint,rltv_hum,stn_pres,wind_speed`;
 * ob_time "YYYY-MM-DD HH:MM:SS" UTC, °C, %, hPa, knots; NA = missing) into a WeatherTrace (pure,
 * async because fast-csv streams; see csvRowsOf for quoting, BOM and line ends).
 * Throws a UserError naming `source`, the row and the column on a bad header, cell or time order.
 */
export async function fromWeatherCsv(text: string, source = "weather csv"): Promise<WeatherTrace> {
  const rows = await csvRowsOf(text, source);
  const header = headerText(rows);
  if (header !== HEADER.join(",")) {
    throw unreadableFile(source, `header is ${JSON.stringify(header)}, expected ${JSON.stringify(HEADER.join(","))}`);
  }
  const n = Math.max(0, rows.length - 1);
  const f = (): Float64Array => new Float64Array(n);
  const tS = f(), dryBulbC = f(), wetBulbC = f(), dewPointC = f(), relHumFrac = f(), pressurePa = f(), windMs = f();
  let startMs = NaN;
  let startUtc = "";
  for (let i = 0; i < n; i++) {
    const { row, cells } = rows[i + 1]!;
    const stamp = cells[0] ?? "";
    const ms = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(stamp) ? Date.parse(`${stamp.replace(" ", "T")}Z`) : NaN;
    if (!Number.isFinite(ms)) throw unreadableFile(source, `row ${row}, column ob_time: got ${JSON.stringify(stamp)}, expected YYYY-MM-DD HH:MM:SS`);
    if (i === 0) { startMs = ms; startUtc = new Date(ms).toISOString().replace(".000Z", "Z"); }
    tS[i] = (ms - startMs) / 1000;
    if (i > 0 && !(tS[i] > tS[i - 1])) throw unreadableFile(source, `row ${row}, column ob_time: ${stamp} is not after the previous row`);
    dryBulbC[i] = cellValue(cells[1], source, row, HEADER[1]);
    wetBulbC[i] = cellValue(cells[2], source, row, HEADER[2]);
    dewPointC[i] = cellValue(cells[3], source, row, HEADER[3]);
    relHumFrac[i] = cellValue(cells[4], source, row, HEADER[4]) / 100;
    pressurePa[i] = cellValue(cells[5], source, row, HEADER[5]) * 100;
    windMs[i] = cellValue(cells[6], source, row, HEADER[6]) * KNOT_MS;
  }
  const filled = {
    dryBulb: fillLinear(dryBulbC, tS, source, HEADER[1]),
    wetBulb: 0,
    dewPoint: 0,
    relHum: fillLinear(relHumFrac, tS, source, HEADER[4]),
    pressure: fillLinear(pressurePa, tS, source, HEADER[5]),
    wind: fillLinear(windMs, tS, source, HEADER[6]),
  };
  filled.wetBulb = fillDepression(wetBulbC, dryBulbC, tS, source, HEADER[2]);
  filled.dewPoint = fillDepression(dewPointC, dryBulbC, tS, source, HEADER[3]);
  return { startUtc, tS, dryBulbC, wetBulbC, dewPointC, relHumFrac, pressurePa, windMs, filled };
}

/** The committed dataset folder, found from this module whether it runs from source or from dist/. */
export function weatherDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, "weather-uk-bedford"), join(here, "..", "..", "datasets", "weather-uk-bedford")];
  return candidates.find((dir) => existsSync(join(dir, "SOURCE.md"))) ?? candidates[0]!;
}

/** Reads `bedford-2022-hourly.csv` (default: the committed dataset) into a WeatherTrace. */
export async function loadWeather(path: string = join(weatherDir(), "bedford-2022-hourly.csv")): Promise<WeatherTrace> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw unreadableFile(path, (error as Error).message);
  }
  return fromWeatherCsv(text, path);
}

/** Seconds from the trace's start to `isoUtc` (e.g. SUMMER_DAY_UTC). Throws a RangeError on an unreadable time. */
export function secondsFromStart(trace: WeatherTrace, isoUtc: string): number {
  const ms = Date.parse(isoUtc);
  if (!Number.isFinite(ms)) throw new RangeError(`secondsFromStart: ${JSON.stringify(isoUtc)} is not a date`);
  return (ms - Date.parse(trace.startUtc)) / 1000;
}

/**
 * Value of `column` (one of the trace's arrays) at `tS` seconds from the start: linear between the
 * observations around it, held at the first / last observation outside the trace. Allocation-free
 * (d3-array's bisectRight, a binary search). Example: weatherAt(trace, trace.dryBulbC, 1800) → mean
 * of the first two hours.
 */
export function weatherAt(trace: WeatherTrace, column: Float64Array, tS: number): number {
  const t = trace.tS;
  const n = t.length;
  if (!(tS > t[0])) return column[0];
  if (tS >= t[n - 1]) return column[n - 1];
  // t[0] < tS < t[n − 1], so the first observation after tS is at 1..n − 1.
  const hi = bisectRight(t, tS, 1, n - 1);
  const lo = hi - 1;
  return column[lo] + ((column[hi] - column[lo]) * (tS - t[lo])) / (t[hi] - t[lo]);
}
