/**
 * DuckDB result sink: every table of every run in one DuckDB file, the project's default output.
 *
 * Contract: `createDuckDbSink(path)` returns a `Sink`; nothing touches the file before `open`
 * (or `completedRuns`). Several runs may be open at once (a batch streams runs from several
 * workers): each open run has its own connection and transaction, and chunks go to the run named
 * by `chunk.runId`. The calling thread is the file's only writer.
 *
 * File layout:
 * - one table per `TableSpec`: `run_id VARCHAR` first, then the spec's columns (f64 DOUBLE,
 *   f32 FLOAT, i32 INTEGER, utf8 VARCHAR); `CREATE TABLE IF NOT EXISTS`, and an existing table
 *   gains the spec columns it lacks (`ALTER TABLE ADD COLUMN`; earlier runs read NULL there).
 *   Table columns the spec lacks are written as NULL. A column whose type in the file cannot
 *   hold the spec's type is a `UserError` at `open` (a DOUBLE column accepts f32 and i32 data).
 * - the `runs` table (see `runs-table.ts`): one row per completed run.
 * - `COMMENT ON TABLE/COLUMN` carry each table's description and each column's
 *   `description [unit]`, so `SELECT table_name, column_name, comment FROM duckdb_columns()`
 *   documents the schema inside the file.
 *
 * Row groups: the file is attached with `rowGroupSize` rows per row group (see
 * DuckDbSinkOptions).
 *
 * Atomicity: a run's rows in every table are visible together with its `runs` row, or not at all,
 * whatever the run's size and however the process ends. `beginRun` opens a connection and a
 * transaction on it, and deletes the run id's earlier rows in every table of the file that has a
 * `run_id` column when the id is already in `runs` (a rerun replaces); `write` appends through
 * appenders on that connection, so their rows belong to that transaction; `endRun` adds the `runs`
 * row and commits; `abortRun` (and `close` during a run) rolls back. A process killed mid-run leaves
 * the file as of the last complete commit. `close` checkpoints, so the file is self-contained (no
 * `.wal`) afterwards.
 *
 * Optimistic writes are off (`enable_optimistic_write = false`), which is what makes the above
 * hold for runs larger than a row group (issue #16). With them on, DuckDB (1.5.6) writes the row
 * groups a transaction fills straight into the file, and its commit logs only pointers to them
 * (a ROW_GROUP_DATA WAL entry) before the rows it logs in full (smaller tables, the `runs` row)
 * and the commit's end marker. A process killed while such a commit is being written leaves a WAL
 * that ends inside the commit, and replaying it restores the row-group entries of that unfinished
 * commit: all rows of the run's large table (43,200 rack_series rows of a 10-minute hall run), but
 * neither its `runs` row nor its other tables. (Inferred from the WAL sizes left by such kills and
 * DuckDB PR #13372, which added ROW_GROUP_DATA; DuckDB PR #25931, open, is titled "Fix uncommitted
 * data recovered accidentally".) Measured with test/fixtures/batch/killed-batch.ts: 3-5 of 30 kills
 * left such rows with optimistic writes, 0 of 40 without. Without them every row of a commit goes
 * to the WAL as data, and a WAL cut short anywhere in a commit replays none of it.
 *
 * Orphans: `open` deletes rows whose run id has no `ok` row in `runs` (left by a
 * version without the above, or planted by hand), so `--resume` reruns those runs on a clean
 * slate instead of on top of them.
 *
 * Example: const sink = createDuckDbSink("results/a.duckdb"); await sink.open([siteSeries]);
 * await sink.beginRun("r1"); await sink.write(chunk); await sink.endRun(runRow); await sink.close();
 */

import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DuckDBInstance, type DuckDBConnection, type DuckDBType } from "@duckdb/node-api";
import { UserError } from "../../models/lib/errors.js";
import { checkChunk } from "./check-chunk.js";
import { checkTableSpecs } from "./check-table-specs.js";
import { DuckDbTableAppender, NULL_SOURCE, RUN_ID_SOURCE, type TablePlan } from "./duckdb-table-appender.js";
import { runRowChunk, runsTable } from "./runs-table.js";
import type { Chunk, ColumnSpec, ColumnType, RunRow, Sink, TableSpec } from "./sink.js";
import { storageError, withStorageErrors } from "./storage-error.js";

const SQL_TYPE: Record<ColumnType, string> = { f64: "DOUBLE", f32: "FLOAT", i32: "INTEGER", utf8: "VARCHAR" };

/** File column types that can take each spec type without loss. */
const ACCEPTS: Record<string, readonly ColumnType[]> = {
  DOUBLE: ["f64", "f32", "i32"],
  FLOAT: ["f32"],
  INTEGER: ["i32"],
  VARCHAR: ["utf8"],
};

const RUN_ID_COMMENT = "Run identifier: joins every table to its row in runs";

function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** The COMMENT text of a column: its description, then its unit in brackets when it has one. */
function columnComment(column: ColumnSpec): string {
  return column.unit ? `${column.description} [${column.unit}]` : column.description;
}

interface FileColumn {
  name: string;
  dataType: string;
}

interface OpenRun {
  runId: string;
  connection: DuckDBConnection;
  appenders: Map<string, DuckDbTableAppender>;
}

/** DuckDB buffer-cache limit of the writer (queries on the finished file are not limited). */
const WRITER_MEMORY_LIMIT = "64MB";

/** The writer's name for the attached file (its in-memory default database stays empty). */
const FILE_ALIAS = "results";

/** DuckDB's own rows per row group. */
const DEFAULT_ROW_GROUP_SIZE = 122_880;

/**
 * Rows per row group for runs shorter than DuckDB's row group. Chosen when DuckDB wrote a
 * transaction's filled row groups straight into the file (optimistic writes), so that a hall-hour
 * (90,000 site_series rows) was not written twice (WAL, then checkpoint): measured on the 16-run
 * batch bench (bench/RESULTS.md), 1 thread 7.7 → 5.9 s, 2 threads 5.9 → 4.3 s. Optimistic writes
 * are now off for atomicity (see the file comment), so every run's rows go through the WAL and a
 * checkpoint; the size is kept, as it still sets the file's row groups. A single 24 h run keeps
 * DuckDB's default (its file grows by 29 % at 32,768).
 */
export const SHORT_RUN_ROW_GROUP_SIZE = 32_768;

/**
 * The row-group size for a file receiving runs of these lengths in ticks (site_series rows):
 * SHORT_RUN_ROW_GROUP_SIZE when any run is shorter than DuckDB's row group, else DuckDB's own.
 *
 * Example: rowGroupSizeFor([90_000]) → 32,768; rowGroupSizeFor([2_160_000]) → 122,880.
 */
export function rowGroupSizeFor(runTicks: readonly number[]): number {
  return runTicks.some((ticks) => ticks < DEFAULT_ROW_GROUP_SIZE) ? SHORT_RUN_ROW_GROUP_SIZE : DEFAULT_ROW_GROUP_SIZE;
}

export interface DuckDbSinkOptions {
  /** Rows per row group of the row groups this sink writes (default: DuckDB's, 122,880). */
  rowGroupSize?: number;
}

/**
 * Creates a DuckDB sink writing to the file at `path` (its folder is created if missing).
 *
 * Example: createDuckDbSink("results/batch.duckdb", { rowGroupSize: rowGroupSizeFor([90_000]) }).
 */
export function createDuckDbSink(path: string, options: DuckDbSinkOptions = {}): Sink {
  const rowGroupSize = options.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE;
  let instance: DuckDBInstance | undefined;
  let connection: DuckDBConnection | undefined;
  let closed = false;
  const specs = new Map<string, TableSpec>();
  const plans = new Map<string, TablePlan>();
  /** Tables of the file with a run_id column: where a rerun's earlier rows may live. */
  let runTables: string[] = [];
  /**
   * Run ids with a row in `runs`. A run's rows are committed together with its runs row, so only
   * these ids can have rows in the file, and `beginRun` of any other id has nothing to delete
   * (no scan of every table per run, which would grow with the file).
   */
  const runsInFile = new Set<string>();
  const open = new Map<string, OpenRun>();

  async function connect(): Promise<DuckDBConnection> {
    if (closed) throw new Error(`DuckDB sink ${path} is closed`);
    if (connection) return connection;
    try {
      if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
      // A bounded buffer cache keeps the writer's memory flat however long the run: DuckDB spills
      // a transaction's appended rows to a temporary file when they outgrow it. One
      // thread: appends are single-threaded, and DuckDB's extra threads only contended with the
      // simulation for the core (hall-day bench on one core: 10.8-12.9 s with defaults, 7.6 s).
      // No optimistic writes: they break the atomicity of a commit cut short (see the file comment).
      // A long run's uncommitted rows then outgrow the buffer cache and spill to temporary files:
      // next to the results file (`<file>.tmp/`), not in DuckDB's default `.tmp/` of the cwd.
      const config: Record<string, string> = { memory_limit: WRITER_MEMORY_LIMIT, threads: "1", enable_optimistic_write: "false" };
      if (path !== ":memory:") config.temp_directory = `${path}.tmp`;
      instance = await DuckDBInstance.create(":memory:", config);
      connection = await instance.connect();
      await connection.run(`ATTACH ${literal(path)} AS ${FILE_ALIAS} (ROW_GROUP_SIZE ${rowGroupSize})`);
      await connection.run(`USE ${FILE_ALIAS}`);
    } catch (error) {
      connection?.closeSync();
      instance?.closeSync();
      connection = undefined;
      instance = undefined;
      throw storageError(path, "opening it", error) ?? new UserError(`${path}: cannot open DuckDB file: ${(error as Error).message}`);
    }
    return connection;
  }

  async function fileColumns(db: DuckDBConnection, table: string): Promise<FileColumn[]> {
    const reader = await db.runAndReadAll(
      `SELECT column_name, data_type FROM duckdb_columns()
       WHERE database_name = current_database() AND schema_name = current_schema() AND table_name = $1
       ORDER BY column_index`,
      [table],
    );
    return reader.getRows().map(([name, dataType]) => ({ name: String(name), dataType: String(dataType) }));
  }

  /** Creates or evolves one table, documents it, and returns how chunks fill it. */
  async function prepareTable(db: DuckDBConnection, spec: TableSpec): Promise<TablePlan> {
    const t = ident(spec.name);
    const definitions = ["run_id VARCHAR", ...spec.columns.map((c) => `${ident(c.name)} ${SQL_TYPE[c.type]}`)];
    await db.run(`CREATE TABLE IF NOT EXISTS ${t} (${definitions.join(", ")})`);
    let columns = await fileColumns(db, spec.name);
    const wanted: { name: string; type: ColumnType }[] = [{ name: "run_id", type: "utf8" }, ...spec.columns];
    const present = new Map(columns.map((c) => [c.name, c.dataType]));
    for (const column of wanted) {
      const dataType = present.get(column.name);
      if (dataType === undefined) {
        await db.run(`ALTER TABLE ${t} ADD COLUMN ${ident(column.name)} ${SQL_TYPE[column.type]}`);
      } else if (!(ACCEPTS[dataType] ?? []).includes(column.type)) {
        throw new UserError(
          `${path}: table ${spec.name}, column ${column.name} is ${dataType} in the file, but the run writes ` +
            `${SQL_TYPE[column.type]} values; write to a new file or drop that column`,
        );
      }
    }
    await db.run(`COMMENT ON TABLE ${t} IS ${literal(spec.description)}`);
    await db.run(`COMMENT ON COLUMN ${t}.run_id IS ${literal(RUN_ID_COMMENT)}`);
    for (const column of spec.columns) {
      await db.run(`COMMENT ON COLUMN ${t}.${ident(column.name)} IS ${literal(columnComment(column))}`);
    }
    columns = await fileColumns(db, spec.name);
    const index = new Map(spec.columns.map((c, i) => [c.name, i]));
    const sources = columns.map((c) => (c.name === "run_id" ? RUN_ID_SOURCE : index.get(c.name) ?? NULL_SOURCE));
    const hasTextData = sources.some((s) => s >= 0 && spec.columns[s].type === "utf8");
    return { name: spec.name, sources, hasTextData };
  }

  /**
   * Deletes the rows of every run id that has no `ok` row in `runs` (a failed run has no rows) (orphans), in all
   * `tables` but `runs`. One scan of each table's run_id column per `open`.
   */
  async function deleteOrphans(db: DuckDBConnection, tables: readonly string[]): Promise<void> {
    for (const table of tables) {
      if (table === runsTable.name) continue;
      await db.run(
        `DELETE FROM ${ident(table)} WHERE run_id IS NULL OR run_id NOT IN (SELECT run_id FROM runs WHERE status = 'ok' AND run_id IS NOT NULL)`,
      );
    }
  }

  async function tableAppender(run: OpenRun, table: string): Promise<DuckDbTableAppender> {
    let appender = run.appenders.get(table);
    if (appender) return appender;
    const plan = plans.get(table)!;
    const raw = await run.connection.createAppender(table, "main", FILE_ALIAS);
    const types: DuckDBType[] = [];
    for (let i = 0; i < raw.columnCount; i++) types.push(raw.columnType(i));
    appender = new DuckDbTableAppender(raw, types, plan, run.runId);
    run.appenders.set(table, appender);
    return appender;
  }

  function requireRun(runId: string, call: string): OpenRun {
    const run = open.get(runId);
    if (!run) throw new Error(`DuckDB sink ${path}: ${call} for run ${runId} outside beginRun .. endRun`);
    return run;
  }

  async function rollback(run: OpenRun): Promise<void> {
    open.delete(run.runId);
    for (const appender of run.appenders.values()) {
      try {
        appender.discard();
      } catch {
        // An appender that fails to discard (or was already closed) holds nothing that
        // survives the ROLLBACK below, so its error would only hide the one that led here.
      }
    }
    run.appenders.clear();
    try {
      await run.connection.run("ROLLBACK");
    } finally {
      run.connection.closeSync();
    }
  }

  return withStorageErrors(path, {
    async open(tables: readonly TableSpec[]): Promise<void> {
      checkTableSpecs(tables);
      if (open.size > 0) throw new Error(`DuckDB sink ${path}: open during run ${[...open.keys()][0]}`);
      const db = await connect();
      await db.run("BEGIN TRANSACTION");
      try {
        const newPlans = new Map<string, TablePlan>();
        for (const spec of [runsTable, ...tables]) newPlans.set(spec.name, await prepareTable(db, spec));
        const reader = await db.runAndReadAll(
          `SELECT DISTINCT table_name FROM duckdb_columns()
           WHERE database_name = current_database() AND schema_name = current_schema()
             AND column_name = 'run_id' AND NOT internal
           ORDER BY table_name`,
        );
        runTables = reader.getRows().map(([name]) => String(name));
        await deleteOrphans(db, runTables);
        const ids = await db.runAndReadAll("SELECT run_id FROM runs");
        await db.run("COMMIT");
        runsInFile.clear();
        for (const [runId] of ids.getRows()) runsInFile.add(String(runId));
        specs.clear();
        plans.clear();
        for (const spec of [runsTable, ...tables]) specs.set(spec.name, spec);
        for (const [name, plan] of newPlans) plans.set(name, plan);
      } catch (error) {
        await db.run("ROLLBACK").catch(() => undefined);
        throw error;
      }
    },

    async beginRun(runId: string): Promise<void> {
      if (plans.size === 0) throw new Error(`DuckDB sink ${path}: beginRun(${runId}) before open`);
      if (open.has(runId)) throw new Error(`DuckDB sink ${path}: beginRun(${runId}) while that run is open`);
      await connect();
      const db = await instance!.connect();
      await db.run(`USE ${FILE_ALIAS}`);
      await db.run("BEGIN TRANSACTION");
      const run: OpenRun = { runId, connection: db, appenders: new Map() };
      open.set(runId, run);
      try {
        if (runsInFile.has(runId)) {
          for (const table of runTables) await db.run(`DELETE FROM ${ident(table)} WHERE run_id = $1`, [runId]);
        }
      } catch (error) {
        await rollback(run).catch(() => undefined);
        throw error;
      }
    },

    async write(chunk: Chunk): Promise<void> {
      const run = requireRun(chunk.runId, `write(${chunk.table})`);
      const spec = specs.get(chunk.table);
      if (!spec || spec === runsTable) {
        throw new Error(`DuckDB sink ${path}: write to table ${chunk.table}, which was not opened`);
      }
      checkChunk(spec, chunk);
      if (chunk.length === 0) return;
      (await tableAppender(run, chunk.table)).append(chunk);
    },

    async endRun(row: RunRow): Promise<void> {
      const run = requireRun(row.runId, "endRun");
      const db = run.connection;
      try {
        const chunk = runRowChunk(row);
        checkChunk(runsTable, chunk);
        (await tableAppender(run, runsTable.name)).append(chunk);
        for (const appender of run.appenders.values()) appender.close();
        run.appenders.clear();
        await db.run("COMMIT");
        runsInFile.add(run.runId);
        open.delete(run.runId);
        db.closeSync();
      } catch (error) {
        if (open.get(run.runId) === run) await rollback(run).catch(() => undefined);
        throw error;
      }
    },

    async abortRun(runId: string): Promise<void> {
      const run = open.get(runId);
      if (run) await rollback(run);
    },

    async completedRuns(): Promise<Set<string>> {
      const db = await connect();
      const exists = await db.runAndReadAll(
        `SELECT count(*) FROM duckdb_tables()
         WHERE database_name = current_database() AND schema_name = current_schema() AND table_name = 'runs'`,
      );
      if (Number(exists.getRows()[0][0]) === 0) return new Set();
      const reader = await db.runAndReadAll(`SELECT run_id FROM runs WHERE status IN ('ok', 'failed')`);
      return new Set(reader.getRows().map(([runId]) => String(runId)));
    },

    async close(): Promise<void> {
      if (closed) return;
      try {
        for (const run of [...open.values()]) await rollback(run);
        if (connection) await connection.run(`CHECKPOINT ${FILE_ALIAS}`);
      } finally {
        closed = true;
        connection?.closeSync();
        instance?.closeSync();
        connection = undefined;
        instance = undefined;
      }
    },
  });
}
