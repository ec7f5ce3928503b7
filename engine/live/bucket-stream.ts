/**
 * Min / max / mean per time bucket of a stream of rows in time order, per key (a battery, a rack):
 * a bucket is handed to `onBucket` once a later bucket starts for its key (or at flush). The hot
 * path allocates nothing: values go into per-key typed arrays; only a finished bucket makes a row.
 *
 * Example: with bucketS 1, row(0, 0.2); value(0, 5); row(0, 0.6); value(0, 7); row(0, 1.1) hands
 * bucket 0 of key 0 over with min 5, max 7, mean 6.
 */
export interface BucketStats {
  key: number;
  /** Bucket start, s (bucket index × bucketS). */
  tS: number;
  min: Float64Array;
  max: Float64Array;
  mean: Float64Array;
}

export interface BucketStream {
  /** Starts a row of `key` at time tS (s): finishes the key's bucket if tS is past it. */
  row(key: number, tS: number): void;
  /** Adds a value of channel `channel` to the current row's bucket (NaN is skipped). */
  value(channel: number, v: number): void;
  /**
   * Adds rows 0..n of columns (row(keys?.[i] ?? 0, t[i]) and value(c, columns[c][i]) for each
   * row, in one tight loop: the fast path for a chunk).
   */
  addRows(keys: Int32Array | undefined, t: Float64Array, columns: readonly (Float64Array | Float32Array)[], n: number): void;
  /** Hands over every open bucket. */
  flush(): void;
}

export function createBucketStream(bucketS: number, channels: number, onBucket: (stats: BucketStats) => void): BucketStream {
  if (!(bucketS > 0)) throw new RangeError(`createBucketStream: bucketS must be > 0, got ${bucketS}`);
  interface KeyState {
    bucket: number;
    min: Float64Array;
    max: Float64Array;
    sum: Float64Array;
    count: Float64Array;
  }
  const keys = new Map<number, KeyState>();
  let current: KeyState | undefined;
  let currentKey = 0;
  const reset = (s: KeyState) => {
    s.min.fill(Infinity);
    s.max.fill(-Infinity);
    s.sum.fill(0);
    s.count.fill(0);
  };
  const emit = (key: number, s: KeyState) => {
    if (s.bucket < 0) return;
    const mean = new Float64Array(channels);
    let any = false;
    for (let c = 0; c < channels; c++) {
      mean[c] = s.count[c]! > 0 ? s.sum[c]! / s.count[c]! : NaN;
      if (s.count[c]! > 0) any = true;
    }
    if (any) onBucket({ key, tS: s.bucket * bucketS, min: s.min.slice(), max: s.max.slice(), mean });
  };
  const stream: BucketStream = {
    addRows(keyColumn, t, columns, n) {
      const channelCount = columns.length;
      let i = 0;
      while (i < n) {
        // row() picks the key's state and closes its bucket if t is past it; then every following
        // row of the same key and bucket goes in without a call.
        const key = keyColumn === undefined ? 0 : keyColumn[i]!;
        stream.row(key, t[i]!);
        const s = current!;
        const { min, max, sum, count } = s;
        const next = s.bucket + 1;
        do {
          for (let c = 0; c < channelCount; c++) {
            const v = columns[c]![i]!;
            if (v !== v) continue;
            if (v < min[c]!) min[c] = v;
            if (v > max[c]!) max[c] = v;
            sum[c] += v;
            count[c]++;
          }
          i++;
        } while (i < n && (keyColumn === undefined || keyColumn[i] === key) && t[i]! / bucketS + 1e-9 < next);
      }
    },
    row(key: number, tS: number): void {
      if (current === undefined || key !== currentKey) {
        let s = keys.get(key);
        if (s === undefined) {
          s = { bucket: -1, min: new Float64Array(channels), max: new Float64Array(channels), sum: new Float64Array(channels), count: new Float64Array(channels) };
          reset(s);
          keys.set(key, s);
        }
        current = s;
        currentKey = key;
      }
      // A tiny offset keeps k·dt that lands a hair under a bucket edge in its bucket.
      const bucket = Math.floor(tS / bucketS + 1e-9);
      if (bucket !== current.bucket) {
        emit(key, current);
        reset(current);
        current.bucket = bucket;
      }
    },
    value(channel: number, v: number): void {
      if (v !== v) return;
      const s = current!;
      if (v < s.min[channel]!) s.min[channel] = v;
      if (v > s.max[channel]!) s.max[channel] = v;
      s.sum[channel] += v;
      s.count[channel]++;
    },
    flush(): void {
      for (const [key, s] of keys) {
        emit(key, s);
        reset(s);
        s.bucket = -1;
      }
    },
  };
  return stream;
}
