/**
 * Column buffers of result chunks, allocated on shared memory (SharedArrayBuffer).
 *
 * A batch's worker threads hand their chunks to the main thread, the only writer, and get them
 * back for reuse once written: the buffers move between threads without being copied. They are
 * shared, not transferred: transferring detaches an ArrayBuffer, and the first detached buffer in
 * a thread switches off V8's fast path for every typed-array access in that thread for good
 * (its "array buffer detaching protector"). Measured on the 16- and 48-run batches with results
 * discarded (bench/RESULTS.md): one detached 8-byte buffer made an in-process batch 13 % slower,
 * and workers that transferred their chunks used 25 % more CPU per run than workers that shared them.
 * The hand-off protocol (engine/pool/protocol.ts) still moves ownership: a thread writes a chunk's
 * buffers only while it owns them.
 *
 * Example: f64Column(4) → Float64Array [0, 0, 0, 0] on a SharedArrayBuffer.
 */

type NumericColumn = Float64Array | Float32Array | Int32Array;

/**
 * This thread's finished runs' columns, by type and length, for the next runs. A thread that
 * receives a chunk keeps its shared memory alive until that thread's garbage collector drops its
 * view, which the writing main thread, allocating little, does rarely: without reuse a 48-run
 * batch grew to 943 MB of RSS (643 MB at 16 runs).
 */
const pool = new Map<string, NumericColumn[]>();

function take<T extends NumericColumn>(kind: string, n: number, make: () => T): T {
  const column = pool.get(`${kind}:${n}`)?.pop();
  if (column === undefined) return make();
  column.fill(0);
  return column as T;
}

export function f64Column(n: number): Float64Array {
  return take("f64", n, () => new Float64Array(new SharedArrayBuffer(8 * n)));
}

export function f32Column(n: number): Float32Array {
  return take("f32", n, () => new Float32Array(new SharedArrayBuffer(4 * n)));
}

export function i32Column(n: number): Int32Array {
  return take("i32", n, () => new Int32Array(new SharedArrayBuffer(4 * n)));
}

/**
 * Hands a finished run's columns back for later runs of this thread. Each column must be given
 * once, and only when no thread will read or write it again (its chunks are written).
 */
export function recycleColumns(columns: Iterable<unknown>): void {
  for (const column of columns) {
    const kind = column instanceof Float64Array ? "f64" : column instanceof Float32Array ? "f32" : column instanceof Int32Array ? "i32" : undefined;
    if (kind === undefined || !((column as NumericColumn).buffer instanceof SharedArrayBuffer)) continue;
    const key = `${kind}:${(column as NumericColumn).length}`;
    let list = pool.get(key);
    if (list === undefined) pool.set(key, (list = []));
    list.push(column as NumericColumn);
  }
}

/** A shared Float64Array holding `values` (end-of-run tables built from plain arrays). */
export function f64ColumnOf(values: ArrayLike<number>): Float64Array {
  const column = f64Column(values.length);
  for (let i = 0; i < values.length; i++) column[i] = values[i]!;
  return column;
}

/** A shared Int32Array holding `values`. */
export function i32ColumnOf(values: ArrayLike<number>): Int32Array {
  const column = i32Column(values.length);
  for (let i = 0; i < values.length; i++) column[i] = values[i]!;
  return column;
}
