import { readdirSync } from "node:fs";
import { join } from "node:path";
import { unreadableFile } from "../models/lib/errors.js";
import { datasetDir, readText } from "./time-series-csv.js";

/**
 * Loader for the GB carbon-intensity forecast samples (`datasets/gb-carbon-forecast/`, Carbon
 * Intensity API via nmpowell/carbon-intensity-forecast-tracking; see its SOURCE.md): 48-hour
 * national forecasts as issued at four times (`fw48h/`) and the outturn of three days (`pt24h/`),
 * half-hourly, gCO2/kWh, UTC. What the forecast error model is calibrated on
 * (engine/signals/forecast-calibration.ts).
 */

/** One issued forecast: the half-hour it was issued in, and its values per half-hour ahead. */
export interface IssuedForecast {
  /** Start of the first forecast half-hour (the capture time rounded down), epoch ms UTC. */
  readonly issuedMs: number;
  readonly targetMs: number[];
  readonly gPerKWh: number[];
}

export interface CarbonForecastSamples {
  /** Issued forecasts, by file name (the capture time, e.g. 2023-03-14T0331Z). */
  readonly forecasts: ReadonlyMap<string, IssuedForecast>;
  /** Outturn (the API's "actual"), gCO2/kWh, by half-hour start in epoch ms. */
  readonly actual: ReadonlyMap<number, number>;
}

function rowsOf(text: string, source: string): { fromMs: number; forecast: number; actual: number }[] {
  const lines = text.trim().split(/\r?\n/);
  const header = lines[0]!.split(",");
  const iFrom = header.indexOf("from");
  const iForecast = header.indexOf("intensity.forecast");
  const iActual = header.indexOf("intensity.actual");
  if (iFrom < 0 || iForecast < 0 || iActual < 0) throw unreadableFile(source, `header ${JSON.stringify(lines[0])} lacks from, intensity.forecast or intensity.actual`);
  return lines.slice(1).map((line, i) => {
    const cells = line.split(",");
    const fromMs = Date.parse(cells[iFrom]!.replace(/Z$/, ":00Z"));
    if (!Number.isFinite(fromMs)) throw unreadableFile(source, `row ${i + 2}: time ${JSON.stringify(cells[iFrom])}`);
    const cell = (j: number) => (cells[j] === undefined || cells[j] === "" ? Number.NaN : Number(cells[j]));
    return { fromMs, forecast: cell(iForecast), actual: cell(iActual) };
  });
}

/**
 * Parses the sample files (pure apart from the reads): each fw48h file's forecasts, and every
 * pt24h file's actual values. Throws a UserError naming the file on a bad header or time.
 */
export function loadCarbonForecastSamples(dir: string = datasetDir("gb-carbon-forecast")): CarbonForecastSamples {
  const forecasts = new Map<string, IssuedForecast>();
  for (const name of readdirSync(join(dir, "fw48h")).filter((f) => f.endsWith(".csv")).sort()) {
    const path = join(dir, "fw48h", name);
    const rows = rowsOf(readText(path), path);
    forecasts.set(name.replace(/\.csv$/, ""), { issuedMs: rows[0]!.fromMs, targetMs: rows.map((r) => r.fromMs), gPerKWh: rows.map((r) => r.forecast) });
  }
  const actual = new Map<number, number>();
  for (const name of readdirSync(join(dir, "pt24h")).filter((f) => f.endsWith(".csv")).sort()) {
    const path = join(dir, "pt24h", name);
    for (const r of rowsOf(readText(path), path)) if (Number.isFinite(r.actual)) actual.set(r.fromMs, r.actual);
  }
  return { forecasts, actual };
}
