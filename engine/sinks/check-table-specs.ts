/**
 * Validation of the table specs a sink is opened with. Specs come from code, not from users, so
 * a bad one is a bug and raises a plain Error naming the table and column.
 */

import { runsTable } from "./runs-table.js";
import type { TableSpec } from "./sink.js";

const TYPES = new Set(["f64", "f32", "i32", "utf8"]);

/**
 * Throws unless every table has a unique non-empty name other than `runs` (which the sinks own)
 * and unique, typed columns none of which is `run_id` (which every table has implicitly).
 *
 * Example: checkTableSpecs([{ name: "runs", ... }]) throws "table name runs is reserved ...".
 */
export function checkTableSpecs(tables: readonly TableSpec[]): void {
  const names = new Set<string>();
  for (const table of tables) {
    if (!table.name) throw new Error("table spec: empty table name");
    if (table.name === runsTable.name) {
      throw new Error(`table name ${runsTable.name} is reserved: the sink writes the runs table itself`);
    }
    if (names.has(table.name)) throw new Error(`table ${table.name} is specified twice`);
    names.add(table.name);
    const columns = new Set<string>(["run_id"]);
    for (const column of table.columns) {
      if (!column.name) throw new Error(`table ${table.name}: empty column name`);
      if (columns.has(column.name)) {
        throw new Error(`table ${table.name}: column ${column.name} is ${column.name === "run_id" ? "implicit" : "specified twice"}`);
      }
      if (!TYPES.has(column.type)) {
        throw new Error(`table ${table.name}: column ${column.name} has type ${String(column.type)}, expected f64, f32, i32 or utf8`);
      }
      columns.add(column.name);
    }
  }
}
