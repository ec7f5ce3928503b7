import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { unreadableFile } from "../models/lib/errors.js";
import { csvRowsOf, headerText } from "./csv-rows.js";

/**
 * Loader for the hourly heat-meter registers of one Danish district-heated house
 * (`datasets/heat-demand-dk/`, Schaffer et al. 2022, see its SOURCE.md). The file holds cumulative
 * registers read on the hour (UTC); hour k is the interval between reading k and reading k + 1, so
 * n readings give n − 1 hours, and the hourly values are first differences:
 * - heat: Δ energy register (kWh) → mean heat power over the hour, W (× 1000);
 * - water volume through the substation: Δ volume register, m³;
 * - supply / return temperature: Δ(volume × temperature register) ÷ Δ volume, °C (flow-weighted
 *   mean over the hour; NaN in an hour with no flow).
 */
export interface HouseHeatDemand {
  readonly meterId: string;
  readonly customerId: string;
  /** First reading = start of hour 0, ISO-8601 UTC as in the file. */
  readonly startUtc: string;
  /** 3600: one value per hour. */
  readonly stepS: number;
  /** Mean heat power of each hour, W (≥ 0). */
  readonly heatW: Float64Array;
  /** Water through the substation in each hour, m³. */
  readonly volumeM3: Float64Array;
  /** Flow-weighted mean supply (inlet) temperature of each hour, °C (NaN without flow). */
  readonly supplyC: Float64Array;
  /** Flow-weighted mean return (back-flow) temperature of each hour, °C (NaN without flow). */
  readonly returnC: Float64Array;
}

const HEADER = [
  "customer_id", "meter_id", "time_rounded", "energy_heat_kwh", "volume_flow_m3", "inlet_flow_energy_m3xC", "back_flow_energy_m3xC",
] as const;
const STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const STEP_S = 3600;

/**
 * Parses the heat-meter CSV text (pure, async because fast-csv streams; header as in the Schaffer
 * et al. processed data; see csvRowsOf for quoting, BOM and line ends; blank lines ignored). Throws a UserError naming `source`, the line and the column for a bad
 * header, a bad timestamp, readings not exactly one hour apart, a non-numeric cell, a register
 * that decreases (a meter swap), a second meter in the file, or fewer than two readings.
 * Example: two readings one hour apart with energy 10 and 12.5 kWh → heatW [2500].
 */
export async function fromHeatMeterCsv(text: string, source = "heat meter csv"): Promise<HouseHeatDemand> {
  const rows = await csvRowsOf(text, source);
  const header = headerText(rows);
  if (header !== HEADER.join(",")) {
    throw unreadableFile(source, `line ${rows[0]?.row ?? 1}: got ${JSON.stringify(header)}, expected the header "${HEADER.join(",")}"`);
  }
  const times: number[] = [];
  const registers: number[][] = [[], [], [], []];
  let startUtc = "";
  let meterId = "";
  let customerId = "";
  for (const { row, cells } of rows.slice(1)) {
    const where = `line ${row}`;
    if (cells.length !== HEADER.length) {
      throw unreadableFile(source, `${where}: got ${cells.length} cells, expected ${HEADER.length}`);
    }
    if (times.length === 0) {
      customerId = cells[0]!;
      meterId = cells[1]!;
    } else if (cells[1] !== meterId) {
      throw unreadableFile(source, `${where}, column meter_id: got ${JSON.stringify(cells[1])}, expected one meter (${meterId})`);
    }
    const stamp = cells[2]!;
    const tMs = STAMP.test(stamp) ? Date.parse(stamp) : NaN;
    if (!Number.isFinite(tMs)) {
      throw unreadableFile(source, `${where}, column time_rounded: got ${JSON.stringify(stamp)}, expected a UTC time such as "2019-01-01T00:00:00Z"`);
    }
    if (times.length === 0) startUtc = stamp;
    else if (tMs - times[times.length - 1]! !== STEP_S * 1000) {
      throw unreadableFile(source, `${where}, column time_rounded: got ${stamp}, expected one hour after the previous reading`);
    }
    times.push(tMs);
    for (let c = 0; c < 4; c++) {
      const name = HEADER[3 + c]!;
      const cell = cells[3 + c]!;
      const v = cell === "" ? NaN : Number(cell);
      if (!Number.isFinite(v)) throw unreadableFile(source, `${where}, column ${name}: got ${JSON.stringify(cell)}, expected a number`);
      const column = registers[c]!;
      if (column.length > 0 && v < column[column.length - 1]!) {
        throw unreadableFile(source, `${where}, column ${name}: got ${v}, below the previous reading ${column[column.length - 1]} (registers only count up)`);
      }
      column.push(v);
    }
  }
  if (times.length < 2) throw unreadableFile(source, `got ${times.length} readings, expected at least 2 (one hour)`);
  const n = times.length - 1;
  const [energy, volume, inlet, back] = registers as [number[], number[], number[], number[]];
  const heatW = new Float64Array(n);
  const volumeM3 = new Float64Array(n);
  const supplyC = new Float64Array(n);
  const returnC = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    heatW[k] = (energy[k + 1]! - energy[k]!) * 1000; // kWh in one hour → mean W
    const dv = volume[k + 1]! - volume[k]!;
    volumeM3[k] = dv;
    supplyC[k] = dv > 0 ? (inlet[k + 1]! - inlet[k]!) / dv : NaN;
    returnC[k] = dv > 0 ? (back[k + 1]! - back[k]!) / dv : NaN;
  }
  return { meterId, customerId, startUtc, stepS: STEP_S, heatW, volumeM3, supplyC, returnC };
}

/** The committed dataset folder, found from this module whether it runs from source or from dist/. */
export function heatDemandDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, "heat-demand-dk"), join(here, "..", "..", "datasets", "heat-demand-dk")];
  return candidates.find((dir) => existsSync(join(dir, "SOURCE.md"))) ?? candidates[0]!;
}

/** Reads `meter660-2019.csv` (8,761 readings: 8,760 hours of 2019, UTC) from `dir` (default: the committed dataset). */
export async function loadHeatDemand(dir: string = heatDemandDir()): Promise<HouseHeatDemand> {
  const path = join(dir, "meter660-2019.csv");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw unreadableFile(path, (error as Error).message);
  }
  return fromHeatMeterCsv(text, path);
}
