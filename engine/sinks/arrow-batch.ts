/**
 * Arrow schemas and record batches for the sinks' tables, built over the engine's typed arrays
 * without copying them (utf8 columns are encoded, as Arrow needs offsets and bytes).
 *
 * Column types: run_id Dictionary<Utf8, Int32> (one dictionary entry per file, so the constant
 * run id costs 4 bytes a row instead of its text), f64 Float64, f32 Float32, i32 Int32, utf8 Utf8.
 * Each field's metadata holds `unit` and `description`; the schema's holds the table's
 * `description`.
 */

import {
  Dictionary,
  Field,
  Float32,
  Float64,
  Int32,
  RecordBatch,
  Schema,
  Struct,
  Utf8,
  makeData,
  vectorFromArray,
  type Data,
  type DataType,
  type Vector,
} from "apache-arrow";
import type { Chunk, ColumnData, ColumnType, TableSpec } from "./sink.js";

const RUN_ID_DESCRIPTION = "Run identifier: joins every table to its row in runs";

function arrowType(type: ColumnType): DataType {
  switch (type) {
    case "f64":
      return new Float64();
    case "f32":
      return new Float32();
    case "i32":
      return new Int32();
    case "utf8":
      return new Utf8();
  }
}

/**
 * The Arrow schema of a table: `run_id` (dictionary-encoded text) then the spec's columns.
 *
 * Example: toArrowSchema(spec).fields[1].metadata.get("unit") === spec.columns[0].unit.
 */
export function toArrowSchema(spec: TableSpec): Schema {
  const runId = new Field(
    "run_id",
    new Dictionary(new Utf8(), new Int32(), 0),
    false,
    new Map([
      ["unit", ""],
      ["description", RUN_ID_DESCRIPTION],
    ]),
  );
  const fields = spec.columns.map(
    (c) =>
      new Field(
        c.name,
        arrowType(c.type),
        false,
        new Map([
          ["unit", c.unit],
          ["description", c.description],
        ]),
      ),
  );
  return new Schema([runId, ...fields], new Map([["description", spec.description]]));
}

/** The one-entry dictionary of a run's `run_id` column; reuse it for every batch of a file. */
export function runIdDictionary(runId: string): Vector<Utf8> {
  return vectorFromArray([runId], new Utf8());
}

/** Shared zero indices for the run_id column; never written to, so batches may share them. */
let zeros = new Int32Array(0);

function zeroIndices(length: number): Int32Array {
  if (zeros.length < length) zeros = new Int32Array(Math.max(length, 2 * zeros.length));
  return zeros.subarray(0, length);
}

const encoder = new TextEncoder();

function utf8Data(values: readonly string[], length: number): Data<Utf8> {
  const offsets = new Int32Array(length + 1);
  const parts: Uint8Array[] = new Array(length);
  let total = 0;
  for (let i = 0; i < length; i++) {
    const bytes = encoder.encode(values[i] ?? "");
    parts[i] = bytes;
    total += bytes.length;
    offsets[i + 1] = total;
  }
  const bytes = new Uint8Array(total);
  for (let i = 0; i < length; i++) bytes.set(parts[i], offsets[i]);
  return makeData({ type: new Utf8(), length, valueOffsets: offsets, data: bytes });
}

function columnData(type: DataType, data: ColumnData, length: number): Data {
  if (Array.isArray(data)) return utf8Data(data, length);
  // subarray: a view, so the batch shares the engine's memory.
  return makeData({ type, length, data: data.subarray(0, length) } as Parameters<typeof makeData>[0]);
}

/**
 * A record batch of `chunk` (already checked against its spec) under `schema` (from
 * `toArrowSchema`), with `dictionary` (from `runIdDictionary(chunk.runId)`) for run_id.
 *
 * Example: toRecordBatch(schema, chunk, dict).numRows === chunk.length.
 */
export function toRecordBatch(schema: Schema, chunk: Chunk, dictionary: Vector<Utf8>): RecordBatch {
  const { length } = chunk;
  const runIdField = schema.fields[0];
  const children: Data[] = [makeData({ type: runIdField.type as Dictionary<Utf8, Int32>, length, data: zeroIndices(length), dictionary })];
  for (let i = 0; i < chunk.columns.length; i++) {
    children.push(columnData(schema.fields[i + 1].type, chunk.columns[i], length));
  }
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, children }));
}
