import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Simulation } from "../engine/simulation.js";
import type { Chunk, TableSpec } from "../engine/sinks/sink.js";

/** Repository root (tests compile to dist/test/..., this file to dist/test/helpers.js). */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** A fresh temporary directory and its remover. */
export function tempDir(prefix = "dctwin-"): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** SHA-256 over chunks' bytes (typed arrays as bytes, strings as UTF-8), in order. */
export function hashChunks(chunks: readonly Chunk[]): string {
  const hash = createHash("sha256");
  for (const chunk of chunks) {
    hash.update(`${chunk.table}/${chunk.runId}/${chunk.length}`);
    for (const column of chunk.columns) {
      if (Array.isArray(column)) hash.update(column.slice(0, chunk.length).join("\u0000"));
      else hash.update(new Uint8Array(column.buffer, column.byteOffset, chunk.length * column.BYTES_PER_ELEMENT));
    }
  }
  return hash.digest("hex");
}

/**
 * A digest of a results file's contents, table by table (every table of the file that has rows),
 * leaving out what may differ between equal batches (wall-clock timing and versions in `runs`).
 * Values are `<rows>:<sum of row hashes>`: a multiset digest computed inside DuckDB, so it does
 * not depend on row order and counts a duplicated row twice.
 */
export async function resultsHash(path: string): Promise<Record<string, string>> {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const db = await DuckDBInstance.create(path, { access_mode: "READ_ONLY" });
  const con = await db.connect();
  const out: Record<string, string> = {};
  try {
    const tables = (await con.runAndReadAll("SELECT table_name FROM duckdb_tables() ORDER BY table_name")).getRows().map(([name]) => String(name));
    for (const table of tables) {
      const source =
        table === "runs"
          ? "(SELECT run_id, scenario, params_json, seed, dt_s, horizon_s, ticks, status, error FROM runs)"
          : `"${table.replaceAll('"', '""')}"`;
      const [[rows, digest]] = (await con.runAndReadAll(`SELECT count(*)::VARCHAR, coalesce(sum(hash(t))::VARCHAR, '') FROM ${source} AS t`)).getRows();
      if (rows === "0") continue;
      out[table] = `${rows}:${digest}`;
    }
  } finally {
    con.closeSync();
    db.closeSync();
  }
  return out;
}

/** Mean, min and max of a series (for checking loaded data against its SOURCE.md figures). */
export function stats(values: Float64Array): { mean: number; min: number; max: number } {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { mean: sum / values.length, min, max };
}

/** Runs a simulation to the end and returns every chunk it emitted. */
export function runAll(sim: Simulation): Chunk[] {
  const chunks: Chunk[] = [];
  while (!sim.done) chunks.push(...sim.advance());
  return chunks;
}

/** One numeric column of a table, over all its chunks, as plain numbers. */
export function col(chunks: readonly Chunk[], table: TableSpec, name: string): number[] {
  const i = table.columns.findIndex((c) => c.name === name);
  if (i < 0) throw new Error(`no column ${name} in ${table.name}`);
  return chunks.filter((c) => c.table === table.name).flatMap((c) => Array.from((c.columns[i] as Float64Array | Float32Array | Int32Array).subarray(0, c.length)));
}

/** Asserts that `run()` rejects (or throws) with an error whose message matches `pattern`, or that `pattern(error)` holds. */
export async function rejects(run: () => Promise<unknown>, pattern: RegExp | ((error: unknown) => boolean)): Promise<void> {
  try {
    await run();
  } catch (error) {
    const ok = pattern instanceof RegExp ? pattern.test((error as Error).message) : pattern(error);
    if (!ok) throw new Error(`rejected with ${String(error)}, expected ${String(pattern)}`);
    return;
  }
  throw new Error(`resolved, expected a rejection matching ${String(pattern)}`);
}
