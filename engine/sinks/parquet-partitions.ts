import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { UserError } from "../../models/lib/errors.js";
import { createDuckDbSink } from "./duckdb-sink.js";
import type { TableSpec } from "./sink.js";

/**
 * Shard partitions of a batch, for runs spread over machines. Each shard writes every table of
 * its DuckDB work file as Parquet, hive-style:
 *   <dir>/<table>/batch=<batch>/shard=<shard>/part-0.parquet
 * so DuckDB reads all shards of a table as one dataset:
 *   SELECT ... FROM read_parquet('<dir>/site_series/*\/*\/*.parquet', hive_partitioning = true)
 * A shard's files are written under a temporary name and renamed into place, so a reader never
 * sees half a shard; writing a shard again replaces it.
 */
export async function exportPartitions(dbPath: string, dir: string, batch: string, shard: string): Promise<string[]> {
  const instance = await DuckDBInstance.create(dbPath, { access_mode: "READ_ONLY" });
  const con = await instance.connect();
  try {
    // `runs` last: a shard whose runs partition is there has written every table.
    const tables = (await con.runAndReadAll(
      `SELECT DISTINCT table_name FROM duckdb_columns() WHERE column_name = 'run_id' AND NOT internal ORDER BY table_name = 'runs', table_name`,
    )).getRows().map(([name]) => String(name));
    for (const table of tables) {
      const final = join(dir, table, `batch=${batch}`, `shard=${shard}`);
      const partial = `${final}.partial`;
      rmSync(partial, { recursive: true, force: true });
      mkdirSync(partial, { recursive: true });
      await con.run(`COPY (SELECT * FROM "${table}") TO '${join(partial, "part-0.parquet").replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION zstd)`);
      rmSync(final, { recursive: true, force: true });
      renameSync(partial, final);
    }
    return tables;
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

/** The batches that have a runs partition under `dir`, sorted (`runs/batch=<name>/`). */
export function batchesIn(dir: string): string[] {
  return readdirSync(join(dir, "runs"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name.startsWith("batch=") && !entry.name.endsWith(".partial"))
    .map((entry) => entry.name.slice("batch=".length))
    .sort();
}

/**
 * The shards of a batch missing from `dir`, as "<i>-of-<N>" (empty when every shard 0..N-1 of one
 * N has its runs partition), or a description of shards of different counts N.
 */
export function missingShards(dir: string, batch: string): string[] {
  const names = readdirSync(join(dir, "runs", `batch=${batch}`), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.endsWith(".partial"))
    .map((entry) => /^shard=(\d+)-of-(\d+)$/.exec(entry.name))
    .filter((match) => match !== null);
  const counts = [...new Set(names.map((match) => Number(match[2])))];
  if (counts.length > 1) return [`shards of ${counts.length} different counts (${names.map((match) => `${match[1]}-of-${match[2]}`).sort().join(", ")}): one count per batch`];
  const n = counts[0] ?? 0;
  const present = new Set(names.map((match) => Number(match[1])));
  return Array.from({ length: n }, (_, i) => i).filter((i) => !present.has(i)).map((i) => `${i}-of-${n}`);
}

/**
 * Merges every shard partition under `dir` (optionally of one batch) into one DuckDB file with
 * the same tables, column types and comments as a single-process batch. A run id present in two
 * shards, a batch with a shard missing (a task that failed or has not finished), or a `batch`
 * that is not there (the message lists those that are), is an error, and nothing is written then.
 */
export async function mergePartitions(dir: string, outPath: string, tables: readonly TableSpec[], batch?: string): Promise<{ runs: number; rows: Map<string, number> }> {
  if (!existsSync(join(dir, "runs"))) throw new UserError(`${dir}: no runs partitions (expected ${join(dir, "runs", "batch=…", "shard=…")})`);
  // Checked before the output is touched: a misspelt batch must not leave an empty database.
  const batches = batchesIn(dir);
  if (batches.length === 0) throw new UserError(`${dir}: no batch partitions (expected ${join(dir, "runs", "batch=…", "shard=…")})`);
  if (batch !== undefined && !batches.includes(batch)) throw new UserError(`--batch: got ${JSON.stringify(batch)}, expected a batch present in ${dir}: ${batches.join(", ")}`);
  const missing = (batch === undefined ? batches : [batch]).flatMap((b) => missingShards(dir, b).map((shard) => `${b} ${shard}`));
  if (missing.length > 0) {
    throw new UserError(
      `${dir}: missing shard partitions: ${missing.join(", ")} (a task that failed or has not finished); run those shards again with --resume (Slurm: sbatch --array=<i> with the same SHARDS), then merge`,
    );
  }
  const glob = (table: string) => `'${join(dir, table, "*", "*", "*.parquet").replaceAll("'", "''")}'`;
  const where = batch === undefined ? "" : ` WHERE batch = '${batch.replaceAll("'", "''")}'`;
  const present = readdirSync(dir).filter((name) => !name.startsWith("_") && existsSync(join(dir, name)));
  const probe = await DuckDBInstance.create(":memory:");
  const pc = await probe.connect();
  try {
    const dup = (await pc.runAndReadAll(`SELECT run_id, count(*) FROM read_parquet(${glob("runs")}, hive_partitioning = true)${where} GROUP BY 1 HAVING count(*) > 1 LIMIT 5`)).getRows();
    if (dup.length > 0) throw new UserError(`${dir}: run ids in more than one shard: ${dup.map(([id]) => String(id)).join(", ")}`);
  } finally {
    pc.closeSync();
    probe.closeSync();
  }
  rmSync(outPath, { force: true });
  const sink = createDuckDbSink(outPath);
  await sink.open(tables);
  await sink.close();
  const instance = await DuckDBInstance.create(outPath);
  const con = await instance.connect();
  const rows = new Map<string, number>();
  try {
    await con.run("BEGIN TRANSACTION");
    for (const table of ["runs", ...tables.map((t) => t.name)]) {
      if (!present.includes(table)) continue;
      const columns = (await con.runAndReadAll(`SELECT column_name FROM duckdb_columns() WHERE table_name = '${table}' ORDER BY column_index`)).getRows().map(([c]) => `"${String(c)}"`);
      await con.run(`INSERT INTO "${table}" SELECT ${columns.join(", ")} FROM read_parquet(${glob(table)}, hive_partitioning = true, union_by_name = true)${where}`);
      rows.set(table, Number((await con.runAndReadAll(`SELECT count(*) FROM "${table}"`)).getRows()[0]![0]));
    }
    await con.run("COMMIT");
    await con.run("CHECKPOINT");
  } finally {
    con.closeSync();
    instance.closeSync();
  }
  return { runs: rows.get("runs") ?? 0, rows };
}
