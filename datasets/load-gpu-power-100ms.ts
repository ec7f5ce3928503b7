import { join } from "node:path";
import { readFileSync } from "node:fs";
import { unreadableFile } from "../models/lib/errors.js";
import { csvRowsOf, headerText } from "./csv-rows.js";
import { gpuPowerDir } from "./load-gpu-power.js";

/**
 * Loader for the 100 ms nvidia-smi H100 trace (`datasets/gpu-power-h100-measured/`, CC0, see its
 * SOURCE.md): the driver's 1 s averaged power and its instantaneous power every ~100 ms, and the
 * workload's phase marks. Times are seconds from the `idle_start` mark.
 */
export interface GpuPower100ms {
  readonly tS: Float64Array;
  /** nvidia-smi power.draw: 1 s average, W. */
  readonly averageW: Float64Array;
  /** nvidia-smi power.draw.instant, W. */
  readonly instantW: Float64Array;
  /** Phase marks in order: time (s) and name. */
  readonly phases: readonly { tS: number; event: string }[];
}

async function rowsOf(path: string, header: string): Promise<string[][]> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw unreadableFile(path, (error as Error).message);
  }
  const rows = await csvRowsOf(text, path);
  if (headerText(rows) !== header) throw unreadableFile(path, `header is ${JSON.stringify(headerText(rows))}, expected ${JSON.stringify(header)}`);
  return rows.slice(1).map((r) => r.cells);
}

function num(cell: string | undefined, path: string, row: number, column: string): number {
  const v = cell === undefined || cell === "" ? NaN : Number(cell);
  if (!Number.isFinite(v)) throw unreadableFile(path, `row ${row}, column ${column}: got ${JSON.stringify(cell ?? "")}, expected a number`);
  return v;
}

/** Reads the committed trace (default folder: `datasets/gpu-power-h100-measured`). */
export async function loadGpuPower100ms(dir: string = join(gpuPowerDir(), "..", "gpu-power-h100-measured")): Promise<GpuPower100ms> {
  const powerPath = join(dir, "h100-power-100ms.csv");
  const rows = await rowsOf(powerPath, "t_s,power_draw_w,power_draw_instant_w");
  const tS = new Float64Array(rows.length);
  const averageW = new Float64Array(rows.length);
  const instantW = new Float64Array(rows.length);
  rows.forEach((cells, i) => {
    tS[i] = num(cells[0], powerPath, i + 2, "t_s");
    averageW[i] = num(cells[1], powerPath, i + 2, "power_draw_w");
    instantW[i] = num(cells[2], powerPath, i + 2, "power_draw_instant_w");
    if (i > 0 && !(tS[i] > tS[i - 1])) throw unreadableFile(powerPath, `row ${i + 2}, column t_s: got ${tS[i]}, expected a time after ${tS[i - 1]}`);
  });
  const phasePath = join(dir, "h100-phases.csv");
  const phases = (await rowsOf(phasePath, "t_s,event")).map((cells, i) => ({ tS: num(cells[0], phasePath, i + 2, "t_s"), event: cells[1] ?? "" }));
  return { tS, averageW, instantW, phases };
}
