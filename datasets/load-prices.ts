import { join } from "node:path";
import { unreadableFile } from "../models/lib/errors.js";
import { csvRowsOf, headerText } from "./csv-rows.js";
import { datasetDir, numberCell, readText, timeCell, uniformSeriesOf, type TimedSeries } from "./time-series-csv.js";

/**
 * Loaders for electricity prices (see each folder's SOURCE.md):
 * - `prices-gb-agile/`: Octopus Agile import unit rates, region A (Eastern England), 30 min, pence
 *   per kWh INCLUDING 5 % VAT (divide by 1.05 for the rate without VAT);
 * - `prices-entsoe-day-ahead/`: ENTSO-E day-ahead prices of the DE-LU bidding zone, 60 min, EUR/MWh.
 * Both files carry UTC timestamps (start of the period); they are read as UTC. The Agile file also
 * carries the UK local clock time, which the parser checks against UTC + the UK offset (GMT, or BST
 * from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October). A price
 * holds over its whole settlement period ("period-mean" sampling: use step interpolation).
 */

/** Epoch ms of 01:00 UTC on the last Sunday of a month (month 0-11): the UK clock change instant. */
function lastSunday0100Utc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  const day = lastDay.getUTCDate() - lastDay.getUTCDay();
  return Date.UTC(year, month, day, 1);
}

/** Minutes the UK clock is ahead of UTC at an instant: 60 in BST, else 0 (rules in force since 1998). */
export function ukOffsetMin(utcMs: number): number {
  const year = new Date(utcMs).getUTCFullYear();
  return utcMs >= lastSunday0100Utc(year, 2) && utcMs < lastSunday0100Utc(year, 9) ? 60 : 0;
}

/**
 * Parses an energy-stats.uk style Agile CSV (no header; `utc,local HH:MM,region letter,region
 * name,p/kWh inc VAT`) into a 30-min series in p/kWh inc VAT (pure, async because fast-csv streams). Throws a UserError naming
 * `source`, the row and the column on a bad cell, a local time that disagrees with UTC + the UK
 * offset, a second region letter, or a gap.
 * Example: "2020-01-01T00:00:00Z,00:00,A,Eastern_England,9.4815\n2020-01-01T00:30:00Z,00:30,A,Eastern_England,9.9645"
 * → { startMs: Date.UTC(2020, 0, 1), periodS: 1800, values: [9.4815, 9.9645], unit: "p/kWh" }.
 */
export async function fromAgileCsv(text: string, source = "agile csv"): Promise<TimedSeries> {
  const rows = await csvRowsOf(text, source);
  const timeMs = new Float64Array(rows.length);
  const values = new Float64Array(rows.length);
  let region: string | undefined;
  rows.forEach(({ row, cells }, i) => {
    if (cells.length !== 5) throw unreadableFile(source, `row ${row}: ${cells.length} columns, expected 5 (utc, local time, region letter, region name, p/kWh)`);
    const t = timeCell(cells[0], source, row, "1 (UTC time)");
    const local = new Date(t + ukOffsetMin(t) * 60_000).toISOString().slice(11, 16);
    if (cells[1] !== local) {
      throw unreadableFile(source, `row ${row}, column 2 (UK local time): got ${JSON.stringify(cells[1])}, expected ${JSON.stringify(local)} for ${cells[0]}`);
    }
    region ??= cells[2];
    if (cells[2] !== region) throw unreadableFile(source, `row ${row}, column 3 (region): got ${JSON.stringify(cells[2])}, expected ${JSON.stringify(region)} as in row 1`);
    timeMs[i] = t;
    values[i] = numberCell(cells[4], source, row, "5 (p/kWh)");
  });
  return uniformSeriesOf(timeMs, values, "period-mean", "p/kWh", source, rows[0]?.row ?? 1, 1800);
}

const ENTSOE_HEADER = ["time", "item", "unit", "bidding_zone", "value"];

/**
 * Parses the ENTSO-E day-ahead CSV (`time,item,unit,bidding_zone,value`, UTC, EUR/MWh) and keeps
 * the rows of `zone` (pure, async because fast-csv streams). Throws a UserError naming `source`, the row and the column on a bad
 * header, a bad cell, a unit other than [EUR/MWh], no rows for the zone, or a gap.
 * Example: header + "2020-01-01T00:00:00Z,Day-ahead Price,[EUR/MWh],DE,38.6" → values [38.6], periodS 3600.
 */
export async function fromEntsoeDayAheadCsv(text: string, zone = "DE", source = "entso-e day-ahead csv"): Promise<TimedSeries> {
  const rows = await csvRowsOf(text, source);
  const header = headerText(rows);
  if (header !== ENTSOE_HEADER.join(",")) {
    throw unreadableFile(source, `header is ${JSON.stringify(header)}, expected ${JSON.stringify(ENTSOE_HEADER.join(","))}`);
  }
  const times: number[] = [];
  const prices: number[] = [];
  let firstRow = 0;
  for (const { row, cells } of rows.slice(1)) {
    if (cells[3] !== zone) continue;
    if (cells[2] !== "[EUR/MWh]") throw unreadableFile(source, `row ${row}, column unit: got ${JSON.stringify(cells[2])}, expected "[EUR/MWh]"`);
    if (firstRow === 0) firstRow = row;
    times.push(timeCell(cells[0], source, row, "time"));
    prices.push(numberCell(cells[4], source, row, "value"));
  }
  if (times.length === 0) throw unreadableFile(source, `no rows for bidding zone ${JSON.stringify(zone)}`);
  return uniformSeriesOf(Float64Array.from(times), Float64Array.from(prices), "period-mean", "EUR/MWh", source, firstRow, 3600);
}

/** Reads the committed Agile 2020 region-A file, or the file at `path`. */
export async function loadAgilePrices(path: string = join(datasetDir("prices-gb-agile"), "agile-A-2020.csv")): Promise<TimedSeries> {
  return fromAgileCsv(readText(path), path);
}

/** Reads the committed ENTSO-E DE-LU 2020 file (zone "DE"), or the file at `path`. */
export async function loadEntsoeDayAhead(zone = "DE", path: string = join(datasetDir("prices-entsoe-day-ahead"), "de-lu-2020.csv")): Promise<TimedSeries> {
  return fromEntsoeDayAheadCsv(readText(path), zone, path);
}
