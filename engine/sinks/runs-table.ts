/**
 * The fixed `runs` table every sink writes: one row per finished run, with the columns of
 * `RunRow` in snake_case (`run_id` is the implicit first column, as in every table). The sinks
 * write it through the same chunk path as any other table, so a run's rows and its `runs` row
 * share one code path and one atomic commit.
 */

import type { Chunk, ColumnData, ColumnSpec, RunRow, TableSpec } from "./sink.js";

/** One `RunRow` field and the column that stores it. */
interface RunField {
  key: Exclude<keyof RunRow, "runId">;
  column: ColumnSpec;
}

const FIELDS: readonly RunField[] = [
  { key: "scenario", column: { name: "scenario", type: "utf8", unit: "", description: "Scenario name (or file) the run came from" } },
  { key: "paramsJson", column: { name: "params_json", type: "utf8", unit: "", description: "JSON text of the swept parameter values ({} for a single run)" } },
  // A seed is an integer below 2^53, so a double holds it exactly; the shared column types have no int64.
  { key: "seed", column: { name: "seed", type: "f64", unit: "", description: "Seed of the run's random streams (an integer)" } },
  { key: "dtS", column: { name: "dt_s", type: "f64", unit: "s", description: "Base tick length" } },
  { key: "horizonS", column: { name: "horizon_s", type: "f64", unit: "s", description: "Simulated horizon" } },
  // f64, not i32: a 40 ms tick overflows int32 after 2.7 simulated years.
  { key: "ticks", column: { name: "ticks", type: "f64", unit: "", description: "Number of ticks simulated (an integer)" } },
  { key: "engineVersion", column: { name: "engine_version", type: "utf8", unit: "", description: "dctwin version that produced the run" } },
  { key: "nodeVersion", column: { name: "node_version", type: "utf8", unit: "", description: "Node.js version that produced the run" } },
  { key: "startedAt", column: { name: "started_at", type: "utf8", unit: "", description: "ISO-8601 UTC wall-clock time the run started (metadata only)" } },
  { key: "wallS", column: { name: "wall_s", type: "f64", unit: "s", description: "Wall-clock duration of the run" } },
  { key: "status", column: { name: "status", type: "utf8", unit: "", description: "Outcome: ok or failed" } },
  { key: "error", column: { name: "error", type: "utf8", unit: "", description: "Error message when status is failed, else empty" } },
];

/** Spec of the `runs` table: `run_id` (implicit), then scenario, params_json, seed, ... error. */
export const runsTable: TableSpec = {
  name: "runs",
  description: "One row per completed run: identity, swept parameters, seed, versions, timing and outcome",
  columns: FIELDS.map((field) => field.column),
};

/**
 * Turns a run row into a one-row chunk of `runsTable`, columns in spec order.
 *
 * Example: runRowChunk(run).columns[2] is Float64Array [run.seed]; .length === 1.
 */
export function runRowChunk(run: RunRow): Chunk {
  const columns: ColumnData[] = FIELDS.map(({ key, column }) => {
    const value = run[key];
    return column.type === "utf8" ? [String(value)] : Float64Array.of(Number(value));
  });
  return { table: runsTable.name, runId: run.runId, length: 1, columns };
}

/**
 * Reads a run row back from a record keyed by column name (`run_id`, `params_json`, ...), as a
 * query or an Arrow row returns it; numbers may arrive as bigint.
 *
 * Example: runRowFromRecord({ run_id: "a", seed: 7n, ... }).seed === 7.
 */
export function runRowFromRecord(record: Readonly<Record<string, unknown>>): RunRow {
  const row: Record<string, unknown> = { runId: String(record.run_id) };
  for (const { key, column } of FIELDS) {
    const value = record[column.name];
    row[key] = column.type === "utf8" ? String(value ?? "") : Number(value);
  }
  return row as unknown as RunRow;
}
