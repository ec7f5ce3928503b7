/**
 * The bulk-ingest fast path of the DuckDB sink: appends engine chunks to one table of one run
 * through a DuckDB appender, 2048 rows (one DuckDB vector) at a time.
 *
 * Why it looks like this (measured: 2.16 M rows x 8 doubles in ~2 s, where per-value
 * `appendDouble` is several times slower):
 * - one `DuckDBDataChunk` is reused for every 2048-row slice;
 * - numeric columns are block-copied with `items.set(typedArray.subarray(...))` and `flush()`
 *   (`items` is a private field of the numeric vector classes of @duckdb/node-api 1.5; if it
 *   is missing the code falls back to per-value `setItem`, slower but correct);
 * - the constant `run_id` column and the all-NULL columns (table columns the spec lacks) are
 *   written ONCE per chunk: DuckDB keeps a data chunk's vector contents across
 *   `appendDataChunk` calls until the chunk is reset (checked in the tests).
 * - a table with text data columns resets its chunk before every slice, because each string
 *   assigned to a vector lives in the chunk's string heap until the next reset (without the
 *   reset, 4 M short strings grew the heap by ~140 MB); the run_id is then refilled per slice.
 */

import { DuckDBDataChunk, DuckDBVector, type DuckDBAppender, type DuckDBType } from "@duckdb/node-api";
import type { Chunk, ColumnData } from "./sink.js";

/** Rows per DuckDB vector (STANDARD_VECTOR_SIZE of the bundled DuckDB build). */
const SLICE_ROWS = DuckDBVector.standardSize();

/** `TablePlan.sources` entry of the run_id column: filled with the run id. */
export const RUN_ID_SOURCE = -1;
/** `TablePlan.sources` entry of a table column the spec lacks: filled with NULL. */
export const NULL_SOURCE = -2;

/** How a table of the file is filled from chunks of its spec. */
export interface TablePlan {
  name: string;
  /** Per table column, in table order: RUN_ID_SOURCE, NULL_SOURCE or the spec column index. */
  sources: readonly number[];
  /** Whether any filled column is text (then the chunk is reset per slice; see above). */
  hasTextData: boolean;
}

type TypedArray = Float64Array | Float32Array | Int32Array;

/** The backing array of a numeric vector, or undefined when the library hides it. */
function itemsOf(vector: DuckDBVector): TypedArray | undefined {
  const items = (vector as unknown as { items?: unknown }).items;
  if (items instanceof Float64Array || items instanceof Float32Array || items instanceof Int32Array) return items;
  return undefined;
}

/** Appends chunks of one table for one run; `close` flushes into the open transaction. */
export class DuckDbTableAppender {
  private readonly appender: DuckDBAppender;
  private readonly plan: TablePlan;
  private readonly runId: string;
  private readonly chunk: DuckDBDataChunk;
  private vectors: DuckDBVector[] = [];
  /** True until the chunk is appended after its last prime (its string heap is empty). */
  private fresh = false;

  /**
   * `types` are the appender's column types in table order (`appender.columnType(i)`), so the
   * chunk matches the table exactly, including NULL-only columns of types the spec never uses.
   */
  constructor(appender: DuckDBAppender, types: readonly DuckDBType[], plan: TablePlan, runId: string) {
    if (types.length !== plan.sources.length) {
      throw new Error(`table ${plan.name}: appender has ${types.length} columns, plan has ${plan.sources.length}`);
    }
    this.appender = appender;
    this.plan = plan;
    this.runId = runId;
    this.chunk = DuckDBDataChunk.create(types, SLICE_ROWS);
    this.prime();
  }

  /** Fetches fresh vector wrappers and writes the constant columns (run_id, NULLs) once. */
  private prime(): void {
    this.chunk.rowCount = SLICE_ROWS;
    this.vectors = this.plan.sources.map((_, i) => this.chunk.getColumnVector(i));
    this.plan.sources.forEach((source, i) => {
      if (source !== RUN_ID_SOURCE && source !== NULL_SOURCE) return;
      const vector = this.vectors[i];
      const value = source === RUN_ID_SOURCE ? this.runId : null;
      for (let row = 0; row < SLICE_ROWS; row++) vector.setItem(row, value);
      vector.flush();
    });
    this.fresh = true;
  }

  /** Appends `chunk.length` rows; `chunk` must already be checked against the table spec. */
  append(chunk: Chunk): void {
    const { sources, hasTextData } = this.plan;
    for (let offset = 0; offset < chunk.length; offset += SLICE_ROWS) {
      const n = Math.min(SLICE_ROWS, chunk.length - offset);
      if (hasTextData && !this.fresh) {
        this.chunk.reset();
        this.prime();
      }
      for (let i = 0; i < sources.length; i++) {
        const source = sources[i];
        if (source < 0) continue;
        fillVector(this.vectors[i], chunk.columns[source], offset, n);
      }
      this.chunk.rowCount = n;
      this.appender.appendDataChunk(this.chunk);
      this.fresh = false;
    }
  }

  /** Flushes the buffered rows into the connection's transaction and releases the appender. */
  close(): void {
    this.appender.closeSync();
  }

  /** Drops rows not yet flushed and releases the appender (the caller rolls back the rest). */
  discard(): void {
    try {
      this.appender.clear();
    } finally {
      this.appender.closeSync();
    }
  }
}

/** Copies `n` values of `data` from `offset` into the first `n` items of `vector`. */
function fillVector(vector: DuckDBVector, data: ColumnData, offset: number, n: number): void {
  const items = Array.isArray(data) ? undefined : itemsOf(vector);
  if (items !== undefined && !Array.isArray(data)) {
    // TypedArray.set converts element types (f32 or i32 data into a DOUBLE column).
    items.set(data.subarray(offset, offset + n));
  } else {
    const setItem = vector.setItem.bind(vector) as (row: number, value: unknown) => void;
    for (let row = 0; row < n; row++) setItem(row, data[offset + row] ?? null);
  }
  vector.flush();
}
