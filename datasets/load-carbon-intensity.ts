import { join } from "node:path";
import { UserError, unreadableFile } from "../models/lib/errors.js";
import { csvRowsOf, headerText } from "./csv-rows.js";
import { datasetDir, numberCell, readText, timeCell, uniformSeriesOf, type TimedSeries } from "./time-series-csv.js";

/**
 * Loader for GB national carbon intensity (`datasets/gb-carbon-intensity/`, NESO historic data via
 * the EECi Cambridge archive; see its SOURCE.md): hourly means of NESO's half-hourly intensity.
 * Timestamps in the file are UTC (start of the hour) and are read as UTC; values are converted
 * from kgCO2/kWh to gCO2/kWh. Each value is a period mean ("period-mean" sampling).
 */

const HEADER = ["datetime", "Carbon Intensity [kg_CO2/kWh]"];

/** Years committed in `datasets/gb-carbon-intensity/` (file `neso-hourly-<year>.csv`). */
export const CARBON_INTENSITY_YEARS = [2020, 2022] as const;

/**
 * Parses the NESO hourly CSV (`datetime,Carbon Intensity [kg_CO2/kWh]`, UTC) into gCO2/kWh (pure,
 * async because fast-csv streams).
 * kg → g is rounded to 0.001 g so the file's 3-decimal kg values become exact integers of g.
 * Throws a UserError naming `source`, the row and the column on a bad header, a bad cell, or a
 * time step that differs from the first (a gap).
 * Example: "datetime,Carbon Intensity [kg_CO2/kWh]\n2022-01-01 00:00:00,0.072\n2022-01-01 01:00:00,0.068"
 * → { startMs: Date.UTC(2022, 0, 1), periodS: 3600, values: [72, 68], unit: "gCO2/kWh" }.
 */
export async function fromNesoCarbonCsv(text: string, source = "carbon intensity csv"): Promise<TimedSeries> {
  const rows = await csvRowsOf(text, source);
  const header = headerText(rows);
  if (header !== HEADER.join(",")) {
    throw unreadableFile(source, `header is ${JSON.stringify(header)}, expected ${JSON.stringify(HEADER.join(","))}`);
  }
  const body = rows.slice(1);
  const timeMs = new Float64Array(body.length);
  const values = new Float64Array(body.length);
  body.forEach(({ row, cells }, i) => {
    timeMs[i] = timeCell(cells[0], source, row, HEADER[0]!);
    values[i] = Math.round(numberCell(cells[1], source, row, HEADER[1]!) * 1e6) / 1e3;
  });
  return uniformSeriesOf(timeMs, values, "period-mean", "gCO2/kWh", source, body[0]?.row ?? 2, 3600);
}

/** Reads one committed year (see CARBON_INTENSITY_YEARS), or the file at `path` when given. */
export async function loadCarbonIntensity(year: number = 2022, path?: string): Promise<TimedSeries> {
  if (path === undefined) {
    if (!(CARBON_INTENSITY_YEARS as readonly number[]).includes(year)) {
      throw new UserError(`carbon intensity: no data for ${year}; committed years: ${CARBON_INTENSITY_YEARS.join(", ")}`);
    }
    path = join(datasetDir("gb-carbon-intensity"), `neso-hourly-${year}.csv`);
  }
  return fromNesoCarbonCsv(readText(path), path);
}
