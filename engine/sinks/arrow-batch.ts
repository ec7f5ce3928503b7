/**
 * Arrow schemas and record batches for the sinks' tables, built over the engine's typed arrays
 * without copying them (utf8 columns are encoded, as Arrow needs offsets and bytes).
 *
 * Column types: f64 Float64, f32 Float32, i32 Int32, utf8 Utf8. Each field's metadata holds `unit`
 * and `description`; the schema's holds the table's `description`.
 *
 * No run_id column: the Arrow sink writes one file per table per run under a hive-style folder
 * `run_id=<id>/`, and readers take run_id from that folder name. Were it also a column of the file,
 * its type would have to equal the type each reader infers for the partition key, and no one type
 * does: pyarrow.dataset's `partitioning="hive"` infers string (int32 when every id looks like an
 * integer), pyarrow.parquet-style readers a dictionary of strings, and pyarrow refuses to merge a
 * file field with a partition field of another type ("Field run_id has incompatible types:
 * dictionary<...> vs string", issue #16, when this column was a dictionary). Hive-partitioned
 * writers leave the key out of the files for this reason (pyarrow's write_dataset does), and
 * DuckDB and polars read the key from the path as pyarrow does.
 */

import { Field, Float32, Float64, Int32, RecordBatch, Schema, Struct, Utf8, makeData, type Data, type DataType } from "apache-arrow";
import type { Chunk, ColumnData, ColumnType, TableSpec } from "./sink.js";

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
 * The Arrow schema of a table: the spec's columns (run_id is the file's folder, not a column).
 *
 * Example: toArrowSchema(spec).fields[0].metadata.get("unit") === spec.columns[0].unit.
 */
export function toArrowSchema(spec: TableSpec): Schema {
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
  return new Schema(fields, new Map([["description", spec.description]]));
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
 * `toArrowSchema`).
 *
 * Example: toRecordBatch(schema, chunk).numRows === chunk.length.
 */
export function toRecordBatch(schema: Schema, chunk: Chunk): RecordBatch {
  const { length } = chunk;
  const children: Data[] = [];
  for (let i = 0; i < chunk.columns.length; i++) {
    children.push(columnData(schema.fields[i].type, chunk.columns[i], length));
  }
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length, children }));
}
