/** Table specs, chunks and run rows shared by the sink tests and the SIGKILL fixture. */

import { DuckDBInstance } from "@duckdb/node-api";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Chunk, RunRow, TableSpec } from "../../../engine/sinks/sink.js";

/** One column of each supported type. */
export const mixedTable: TableSpec = {
  name: "mixed_series",
  description: "Test table with one column of each type",
  columns: [
    { name: "t_s", type: "f64", unit: "s", description: "Elapsed simulated time" },
    { name: "power_w", type: "f32", unit: "W", description: "Rack power" },
    { name: "k", type: "i32", unit: "", description: "Tick index" },
    { name: "label", type: "utf8", unit: "", description: "Phase label" },
  ],
};

/** Two doubles, the shape of a wide numeric series. */
export const siteTable: TableSpec = {
  name: "site_series",
  description: "Site channels at full resolution",
  columns: [
    { name: "t_s", type: "f64", unit: "s", description: "Elapsed simulated time" },
    { name: "pcc_power_w", type: "f64", unit: "W", description: "Active power at the point of common coupling" },
  ],
};

/** Rows `start .. start + length - 1` of `mixedTable`: t_s = i / 25, power_w = i + 0.5, k = i. */
export function mixedChunk(runId: string, start: number, length: number, spare = 0): Chunk {
  const t = new Float64Array(length + spare);
  const p = new Float32Array(length + spare);
  const k = new Int32Array(length + spare);
  const label: string[] = [];
  for (let i = 0; i < length + spare; i++) {
    t[i] = (start + i) / 25;
    p[i] = start + i + 0.5;
    k[i] = start + i;
    label.push(i % 3 === 0 ? "compute" : `communication phase number ${start + i}`);
  }
  return { table: mixedTable.name, runId, length, columns: [t, p, k, label] };
}

/** Rows of `siteTable`: t_s = i * 0.04, pcc_power_w = base + i. */
export function siteChunk(runId: string, start: number, length: number, base: number): Chunk {
  const t = new Float64Array(length);
  const p = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    t[i] = (start + i) * 0.04;
    p[i] = base + start + i;
  }
  return { table: siteTable.name, runId, length, columns: [t, p] };
}

/** A run row with every field set to something recognisable. */
export function runRow(runId: string, status: RunRow["status"] = "ok"): RunRow {
  return {
    runId,
    scenario: "hall-training-1h",
    paramsJson: '{"battery":"2MWh"}',
    seed: 4_294_967_297,
    dtS: 0.04,
    horizonS: 3600,
    ticks: 90_000,
    engineVersion: "0.1.0",
    nodeVersion: "v20.19.0",
    startedAt: "2025-01-01T00:00:00.000Z",
    wallS: 1.25,
    status,
    error: status === "failed" ? "boom: it's broken" : "",
  };
}

/** A fresh temporary folder and its removal. */
export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "dctwin-sinks-"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs each query on the DuckDB file at `path` (opened once, fresh) and returns their row objects. */
export async function queryFile(path: string, ...sqls: string[]): Promise<Record<string, unknown>[][]> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    const results: Record<string, unknown>[][] = [];
    for (const sql of sqls) results.push((await connection.runAndReadAll(sql)).getRowObjects());
    return results;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
