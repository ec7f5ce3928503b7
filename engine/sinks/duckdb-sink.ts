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
 * Staging (option, for batches on worker threads): a run's chunks are appended into TEMP tables of
 * its own connection and moved into the tables in batches of STAGE_ROWS rows (see below), inside
 * the run's transaction.
 *
 * Atomicity: `beginRun` opens a connection and a transaction on it, and deletes the run id's
 * earlier rows in every table of the file that has a `run_id` column (a rerun replaces); `write`
 * appends through appenders on that connection, so their rows belong to that transaction; `endRun` adds the `runs` row and
 * commits; `abortRun` (and `close` during a run) rolls back. A process killed mid-run leaves
 * the file as of the last commit: DuckDB writes a transaction to its WAL only at commit.
 * `close` checkpoints, so the file is self-contained (no `.wal`) afterwards.
 *
 * Example: const sink = createDuckDbSink("results/a.duckdb"); await sink.open([siteSeries]);
 * await sink.beginRun("r1"); await sink.write(chunk); await sink.endRun(runRow); await sink.close();
 */

import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DuckDBInstance, type DuckDBConnection, type DuckDBType } from "@duckdb/node-api";
import { UserError } from "../errors.js";
import { checkChunk } from "./check-chunk.js";
import { checkTableSpecs } from "./check-table-specs.js";
import { DuckDbTableAppender, NULL_SOURCE, RUN_ID_SOURCE, type TablePlan } from "./duckdb-table-appender.js";
import { runRowChunk, runsTable } from "./runs-table.js";
import type { Chunk, ColumnSpec, ColumnType, RunRow, Sink, TableSpec } from "./sink.js";

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
  /** Rows in each table's staging table not yet moved into the table. */
  staged: Map<string, number>;
}

/**
 * Rows a run stages per table before moving them into the table. Appending into a connection's
 * in-memory TEMP table is cheap for the calling thread (no compression); the move, one
 * `INSERT … SELECT` inside the run's transaction, runs on DuckDB's own thread while the calling
 * thread serves other runs. This bounds a run's staged memory (~25 MB for site_series) and keeps
 * the batch's main thread from being the bottleneck (measured: 188 ms vs 439 ms of the calling
 * thread's time for 360 k rows × 10 doubles).
 */
const STAGE_ROWS = 262_144;

function stagingName(table: string): string {
  return `stage_${table}`;
}

/**
 * Creates a DuckDB sink writing to the file at `path` (its folder is created if missing).
 *
 * Example: createDuckDbSink("results/batch.duckdb").
 */
/** DuckDB buffer-cache limit of the writer (queries on the finished file are not limited). */
const WRITER_MEMORY_LIMIT = "64MB";

export interface DuckDbSinkOptions {
  /**
   * Stage each run's rows in TEMP tables and move them into the tables on DuckDB's thread (see
   * STAGE_ROWS). Worth it when several runs stream at once (a batch on worker threads): the
   * calling thread then does ~40 % of the write work. For one run at a time it only adds work.
   */
  staging?: boolean;
}

export function createDuckDbSink(path: string, options: DuckDbSinkOptions = {}): Sink {
  const staging = options.staging ?? false;
  let instance: DuckDBInstance | undefined;
  let connection: DuckDBConnection | undefined;
  let closed = false;
  const specs = new Map<string, TableSpec>();
  const plans = new Map<string, TablePlan>();
  /** Tables of the file with a run_id column: where a rerun's earlier rows may live. */
  let runTables: string[] = [];
  const open = new Map<string, OpenRun>();

  async function connect(): Promise<DuckDBConnection> {
    if (closed) throw new Error(`DuckDB sink ${path} is closed`);
    if (connection) return connection;
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    try {
      // A bounded buffer cache keeps the writer's memory flat however long the run: appended row
      // groups are written to the file as they fill, so cached blocks are only a cache. One
      // thread: appends are single-threaded, and DuckDB's extra threads only contended with the
      // simulation for the core (hall-day bench on one core: 10.8-12.9 s with defaults, 7.6 s).
      instance = await DuckDBInstance.create(path, { memory_limit: WRITER_MEMORY_LIMIT, threads: "1" });
    } catch (error) {
      throw new UserError(`${path}: cannot open DuckDB file: ${(error as Error).message}`);
    }
    connection = await instance.connect();
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

  async function tableAppender(run: OpenRun, table: string): Promise<DuckDbTableAppender> {
    let appender = run.appenders.get(table);
    if (appender) return appender;
    const plan = plans.get(table)!;
    let raw;
    if (staging) {
      const stage = stagingName(table);
      if (!run.staged.has(table)) {
        await run.connection.run(`CREATE TEMP TABLE ${ident(stage)} AS SELECT * FROM main.${ident(table)} LIMIT 0`);
        run.staged.set(table, 0);
      }
      raw = await run.connection.createAppender(stage, "main", "temp");
    } else {
      raw = await run.connection.createAppender(table);
    }
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

  /** Moves a table's staged rows into the table (inside the run's transaction). */
  async function moveStaged(run: OpenRun, table: string): Promise<void> {
    const appender = run.appenders.get(table);
    if (appender) {
      appender.close();
      run.appenders.delete(table);
    }
    if (!run.staged.get(table)) return;
    const stage = ident(stagingName(table));
    await run.connection.run(`INSERT INTO main.${ident(table)} SELECT * FROM temp.${stage}`);
    // A fresh staging table: cheaper than DELETE, which leaves every moved row as a tombstone.
    await run.connection.run(`DROP TABLE temp.${stage}`);
    await run.connection.run(`CREATE TEMP TABLE ${stage} AS SELECT * FROM main.${ident(table)} LIMIT 0`);
    run.staged.set(table, 0);
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

  return {
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
        await db.run("COMMIT");
        runTables = reader.getRows().map(([name]) => String(name));
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
      await db.run("BEGIN TRANSACTION");
      const run: OpenRun = { runId, connection: db, appenders: new Map(), staged: new Map() };
      open.set(runId, run);
      try {
        for (const table of runTables) await db.run(`DELETE FROM ${ident(table)} WHERE run_id = $1`, [runId]);
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
      if (staging) {
        const staged = run.staged.get(chunk.table)! + chunk.length;
        run.staged.set(chunk.table, staged);
        if (staged >= STAGE_ROWS) await moveStaged(run, chunk.table);
      }
    },

    async endRun(row: RunRow): Promise<void> {
      const run = requireRun(row.runId, "endRun");
      const db = run.connection;
      try {
        const chunk = runRowChunk(row);
        checkChunk(runsTable, chunk);
        (await tableAppender(run, runsTable.name)).append(chunk);
        if (staging) run.staged.set(runsTable.name, 1);
        for (const table of [...run.appenders.keys(), ...run.staged.keys()]) await moveStaged(run, table);
        await db.run("COMMIT");
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
        if (connection) await connection.run("CHECKPOINT");
      } finally {
        closed = true;
        connection?.closeSync();
        instance?.closeSync();
        connection = undefined;
        instance = undefined;
      }
    },
  };
}
