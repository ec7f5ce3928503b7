/**
 * What every result sink (DuckDB, Arrow IPC, memory) implements, and the shape of the data it
 * receives. The engine emits columnar chunks (typed arrays, one per column, in the table spec's
 * column order); a sink never reaches into models. Every table's first column is `run_id`, which
 * is not part of a chunk: the sink adds it from `chunk.runId`.
 */

/** Column types a sink must support. */
export type ColumnType = "f64" | "f32" | "i32" | "utf8";

export interface ColumnSpec {
  /** snake_case with the unit as suffix, e.g. `pcc_power_w`, `t_s`. */
  name: string;
  type: ColumnType;
  /** Unit symbol, `""` when dimensionless or text. */
  unit: string;
  description: string;
}

export interface TableSpec {
  name: string;
  description: string;
  /** Columns after the implicit leading `run_id VARCHAR`. */
  columns: readonly ColumnSpec[];
}

export type ColumnData = Float64Array | Float32Array | Int32Array | string[];

/** A slice of rows of one table for one run. `columns[i]` matches `spec.columns[i]`. */
export interface Chunk {
  table: string;
  runId: string;
  /** Number of rows; each column holds at least this many values. */
  length: number;
  columns: ColumnData[];
}

/** One row of the `runs` table: a run's identity, parameters, timing and outcome. */
export interface RunRow {
  runId: string;
  scenario: string;
  /** JSON text of the swept parameter values (`{}` for a single run). */
  paramsJson: string;
  seed: number;
  dtS: number;
  horizonS: number;
  ticks: number;
  engineVersion: string;
  nodeVersion: string;
  /** ISO-8601 UTC wall-clock time the run started (metadata only; never used by models). */
  startedAt: string;
  wallS: number;
  status: "ok" | "failed";
  /** Error message when status is "failed", else "". */
  error: string;
}

/**
 * A result sink. `beginRun` .. `endRun` bracket one run; a run's rows become visible together with
 * its `runs` row at `endRun` (or not at all, if the process dies first), so an interrupted batch
 * never leaves half a run behind.
 */
export interface Sink {
  /** Creates (or opens) the tables. Existing tables gain any columns they lack. */
  open(tables: readonly TableSpec[]): Promise<void>;
  /** Starts a run; discards any earlier partial rows of this run id. */
  beginRun(runId: string): Promise<void>;
  write(chunk: Chunk): Promise<void>;
  /** Writes the runs row and commits the run's rows atomically. */
  endRun(run: RunRow): Promise<void>;
  /** Abandons the current run's rows (nothing of it is kept). */
  abortRun(runId: string): Promise<void>;
  /** Run ids already completed in this sink (for `--resume`). */
  completedRuns(): Promise<Set<string>>;
  close(): Promise<void>;
}
