/**
 * Validation of one chunk against its table spec, shared by the sinks. A mismatch would otherwise
 * surface as a corrupt file or garbage rows, so it throws at once, naming table, column and what
 * was received. A chunk's columns come from the engine, so a mismatch is a bug (plain Error).
 */

import type { Chunk, ColumnData, ColumnType, TableSpec } from "./sink.js";

function matches(type: ColumnType, data: ColumnData): boolean {
  switch (type) {
    case "f64":
      return data instanceof Float64Array;
    case "f32":
      return data instanceof Float32Array;
    case "i32":
      return data instanceof Int32Array;
    case "utf8":
      return Array.isArray(data);
  }
}

function kindOf(data: unknown): string {
  if (Array.isArray(data)) return "string[]";
  return (data as { constructor?: { name?: string } } | null)?.constructor?.name ?? String(data);
}

/**
 * Throws unless `chunk` has one column per spec column, each of the spec's type (f64 Float64Array,
 * f32 Float32Array, i32 Int32Array, utf8 string[]) and holding at least `chunk.length` values.
 *
 * Example: checkChunk(spec, { ..., length: 3, columns: [new Float64Array(2)] }) throws
 * "table site_series, column t_s: 2 values, chunk length 3".
 */
export function checkChunk(spec: TableSpec, chunk: Chunk): void {
  if (!Number.isInteger(chunk.length) || chunk.length < 0) {
    throw new Error(`table ${spec.name}: chunk length ${chunk.length} is not a non-negative integer`);
  }
  if (chunk.columns.length !== spec.columns.length) {
    throw new Error(`table ${spec.name}: chunk has ${chunk.columns.length} columns, spec has ${spec.columns.length}`);
  }
  for (let i = 0; i < spec.columns.length; i++) {
    const column = spec.columns[i];
    const data = chunk.columns[i];
    if (!matches(column.type, data)) {
      throw new Error(`table ${spec.name}, column ${column.name}: got ${kindOf(data)}, expected ${column.type}`);
    }
    if (data.length < chunk.length) {
      throw new Error(`table ${spec.name}, column ${column.name}: ${data.length} values, chunk length ${chunk.length}`);
    }
  }
}
