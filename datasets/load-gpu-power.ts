import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { unreadableFile } from "../models/lib/errors.js";
import { csvRowsOf, headerText, type CsvRow } from "./csv-rows.js";

/**
 * Loader for the measured H100 power trace (`datasets/gpu-power/`, CC0, see its SOURCE.md): NVML
 * power samples every ~20 ms with phase labels, and the per-step marks of the training section.
 * Times are seconds from the first phase mark (samples before it are negative); powers are watts.
 */

/** The 20 ms trace as columns. `phase[i]` indexes `phaseNames` (in order of first appearance). */
export interface GpuPowerTrace {
  /** Sample timestamps, s (increasing; NVML averages the power over the interval before each). */
  readonly tS: Float64Array;
  /** Board power, W. */
  readonly powerW: Float64Array;
  /** Phase code of each sample: the phase whose mark is the latest at or before the sample. */
  readonly phase: Uint8Array;
  readonly phaseNames: readonly string[];
}

/** One row per training step: compute start / end and step end on the trace's time base, s. */
export interface GpuStepMarks {
  readonly step: Int32Array;
  readonly computeStartS: Float64Array;
  readonly computeEndS: Float64Array;
  readonly stepEndS: Float64Array;
  readonly loss: Float64Array;
}

/** Device facts recorded with the trace (`h100-meta.json`). */
export interface GpuPowerMeta {
  readonly gpu: string;
  readonly driver: string;
  readonly powerLimitW: number;
  readonly samples: number;
  readonly medianDtMs: number;
}

/** The records after the header of a CSV text (see csvRowsOf); checks the header. Pure. */
async function bodyOf(text: string, source: string, header: readonly string[]): Promise<CsvRow[]> {
  const rows = await csvRowsOf(text, source);
  const got = headerText(rows);
  if (got !== header.join(",")) {
    throw unreadableFile(source, `header is ${JSON.stringify(got)}, expected ${JSON.stringify(header.join(","))}`);
  }
  return rows.slice(1);
}

function numberAt(cell: string | undefined, source: string, row: number, column: string): number {
  const value = cell === undefined || cell === "" ? NaN : Number(cell);
  if (!Number.isFinite(value)) throw unreadableFile(source, `row ${row}, column ${column}: got ${JSON.stringify(cell ?? "")}, expected a number`);
  return value;
}

/**
 * Parses `t_s,power_w,phase` CSV text (pure, async because fast-csv streams). Throws a UserError naming `source`, the row and the
 * column on a bad header, a non-numeric cell or a time that does not increase. Empty body → 0 samples.
 */
export async function fromGpuPowerCsv(text: string, source = "gpu power csv"): Promise<GpuPowerTrace> {
  const rows = await bodyOf(text, source, ["t_s", "power_w", "phase"]);
  const tS = new Float64Array(rows.length);
  const powerW = new Float64Array(rows.length);
  const phase = new Uint8Array(rows.length);
  const phaseNames: string[] = [];
  const codes = new Map<string, number>();
  rows.forEach(({ row, cells }, i) => {
    tS[i] = numberAt(cells[0], source, row, "t_s");
    powerW[i] = numberAt(cells[1], source, row, "power_w");
    if (i > 0 && !(tS[i] > tS[i - 1])) throw unreadableFile(source, `row ${row}, column t_s: got ${tS[i]}, expected a time after ${tS[i - 1]}`);
    const name = cells[2] ?? "";
    if (name === "") throw unreadableFile(source, `row ${row}, column phase: got "", expected a phase name`);
    let code = codes.get(name);
    if (code === undefined) {
      if (phaseNames.length === 256) throw unreadableFile(source, `row ${row}, column phase: more than 256 phase names`);
      code = phaseNames.length;
      codes.set(name, code);
      phaseNames.push(name);
    }
    phase[i] = code;
  });
  return { tS, powerW, phase, phaseNames };
}

/** Parses `step,compute_start_s,compute_end_s,step_end_s,loss` CSV text (pure, async); errors as fromGpuPowerCsv. */
export async function fromGpuStepMarksCsv(text: string, source = "gpu step marks csv"): Promise<GpuStepMarks> {
  const columns = ["step", "compute_start_s", "compute_end_s", "step_end_s", "loss"] as const;
  const rows = await bodyOf(text, source, columns);
  const out = {
    step: new Int32Array(rows.length),
    computeStartS: new Float64Array(rows.length),
    computeEndS: new Float64Array(rows.length),
    stepEndS: new Float64Array(rows.length),
    loss: new Float64Array(rows.length),
  };
  rows.forEach(({ row, cells }, i) => {
    out.step[i] = numberAt(cells[0], source, row, columns[0]);
    out.computeStartS[i] = numberAt(cells[1], source, row, columns[1]);
    out.computeEndS[i] = numberAt(cells[2], source, row, columns[2]);
    out.stepEndS[i] = numberAt(cells[3], source, row, columns[3]);
    out.loss[i] = numberAt(cells[4], source, row, columns[4]);
  });
  return out;
}

/** The committed dataset folder, found from this module whether it runs from source or from dist/. */
export function gpuPowerDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, "gpu-power"), join(here, "..", "..", "datasets", "gpu-power")];
  return candidates.find((dir) => existsSync(join(dir, "SOURCE.md"))) ?? candidates[0]!;
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw unreadableFile(path, (error as Error).message);
  }
}

/** Reads `h100-train-steps-20ms.csv` from `dir` (default: the committed dataset). */
export async function loadGpuPowerTrace(dir: string = gpuPowerDir()): Promise<GpuPowerTrace> {
  const path = join(dir, "h100-train-steps-20ms.csv");
  return fromGpuPowerCsv(readText(path), path);
}

/** Reads `h100-train-step-marks.csv` from `dir` (default: the committed dataset). */
export async function loadGpuStepMarks(dir: string = gpuPowerDir()): Promise<GpuStepMarks> {
  const path = join(dir, "h100-train-step-marks.csv");
  return fromGpuStepMarksCsv(readText(path), path);
}

/** Reads `h100-meta.json` from `dir` (default: the committed dataset). */
export function loadGpuPowerMeta(dir: string = gpuPowerDir()): GpuPowerMeta {
  const path = join(dir, "h100-meta.json");
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readText(path)) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof SyntaxError) throw unreadableFile(path, `not JSON: ${error.message}`);
    throw error;
  }
  return {
    gpu: String(raw.gpu),
    driver: String(raw.driver),
    powerLimitW: Number(raw.power_limit_w),
    samples: Number(raw.samples),
    medianDtMs: Number(raw.median_dt_ms),
  };
}
