/**
 * Rainflow cycle counting per ASTM E1049-85 (reapproved 2011), §5.4.4 "Rainflow Counting", the
 * algorithm of NREL BLAST-Lite's `blast/utils/rainflow.py` (BSD-3, after the `rainflow` Python
 * package) [P] (docs/physics-sources.md §3 and §7 V2). Two forms share one implementation:
 * - streaming: `createRainflowCounter` / `pushRainflow` / `finishRainflow`, allocation-free, for a
 *   series that arrives one sample per tick (the battery degradation model pushes its SOC);
 * - batch: `rainflowCycles(series)` (each cycle in extraction order) and `countCycles(series)`
 *   (counts per range, sorted, as BLAST-Lite's `count_cycles`).
 *
 * Algorithm. Reversals: the first and last samples, and every sample where the first difference
 * changes sign; repeated equal samples are one point (a plateau counts once, at its first sample).
 * Each new reversal is pushed on a stack; while the stack holds ≥ 3 points, with X the range of the
 * two newest and Y the range of the two before: X < Y → read the next reversal; Y holds the oldest
 * point (3 points on the stack) → count Y as a half cycle and drop the oldest point; otherwise count Y
 * as one cycle and drop Y's two points. At the end every remaining range is a half cycle.
 *
 * A cycle is (range = |a − b|, mean = (a + b)/2, count = 1 or 0.5) with the sample indices of its
 * two reversal points. Over a whole series Σ count × range = ½ Σ |x[k+1] − x[k]|: rainflow
 * redistributes the throughput of the series into cycles without losing any.
 *
 * Deviations, both outside ASTM's scope: a two-sample series gives one half cycle (BLAST-Lite's
 * reversal generator drops its last point and gives none); a streaming counter whose stack fills
 * (only a long converging oscillation can do that) counts its oldest range as a half cycle, as if
 * the series had started at the second point, and counts it in `overflowCycles`.
 */

/** One rainflow cycle. */
export interface RainflowCycle {
  /** |a − b|, in the unit of the series. */
  range: number;
  /** (a + b) / 2. */
  mean: number;
  /** 1 for a full cycle, 0.5 for a half cycle. */
  count: number;
  /** Sample index of the first reversal point of the cycle. */
  startIndex: number;
  /** Sample index of the second reversal point. */
  endIndex: number;
}

/**
 * A streaming rainflow counter (one series). Cycles closed by the last `pushRainflow` or
 * `finishRainflow` call are in out*[0 .. outLength) until the next call.
 */
export interface RainflowCounter {
  /** Largest number of reversal points held on the stack. */
  readonly capacity: number;
  /** Stack of reversal points (value, sample index), size entries. */
  readonly stackValue: Float64Array;
  readonly stackIndex: Float64Array;
  size: number;
  /** Samples pushed so far (NaN included); the next sample gets this index. */
  samples: number;
  /** Newest distinct sample: the candidate reversal. */
  candValue: number;
  candIndex: number;
  /** Sign-carrying difference that led to the candidate (0 until the series first moves). */
  candDelta: number;
  /** 1 once finishRainflow has run: further pushes throw until resetRainflow. */
  finished: number;
  /** Half cycles counted because the stack was full (see the module note). */
  overflowCycles: number;
  /** Cycles closed by the last call. */
  readonly outRange: Float64Array;
  readonly outMean: Float64Array;
  readonly outCount: Float64Array;
  readonly outStart: Float64Array;
  readonly outEnd: Float64Array;
  outLength: number;
}

/**
 * Allocates a streaming counter whose stack holds up to `capacity` reversal points (an integer ≥ 3;
 * default 128, far more than the residue of any SOC or load history). Example:
 * `const c = createRainflowCounter(); pushRainflow(c, x)` for each sample, then `finishRainflow(c)`.
 */
export function createRainflowCounter(capacity = 128): RainflowCounter {
  if (!Number.isInteger(capacity) || capacity < 3) {
    throw new RangeError(`createRainflowCounter: capacity must be an integer ≥ 3, got ${capacity}`);
  }
  // One call closes at most `size` cycles from the stack plus one residue half cycle per point at
  // the end, plus an overflow half cycle: 2 × capacity + 1 bounds every call.
  const outSize = 2 * capacity + 1;
  return {
    capacity,
    stackValue: new Float64Array(capacity),
    stackIndex: new Float64Array(capacity),
    size: 0,
    samples: 0,
    candValue: 0,
    candIndex: 0,
    candDelta: 0,
    finished: 0,
    overflowCycles: 0,
    outRange: new Float64Array(outSize),
    outMean: new Float64Array(outSize),
    outCount: new Float64Array(outSize),
    outStart: new Float64Array(outSize),
    outEnd: new Float64Array(outSize),
    outLength: 0,
  };
}

/** Empties the counter for a new series (keeps its buffers). */
export function resetRainflow(counter: RainflowCounter): void {
  counter.size = 0;
  counter.samples = 0;
  counter.candValue = 0;
  counter.candIndex = 0;
  counter.candDelta = 0;
  counter.finished = 0;
  counter.overflowCycles = 0;
  counter.outLength = 0;
}

function emit(c: RainflowCounter, a: number, ai: number, b: number, bi: number, count: number): void {
  const j = c.outLength++;
  c.outRange[j] = a > b ? a - b : b - a;
  c.outMean[j] = 0.5 * (a + b);
  c.outCount[j] = count;
  c.outStart[j] = ai;
  c.outEnd[j] = bi;
}

/** Removes the oldest stack point (a half cycle has been counted from it). */
function dropOldest(c: RainflowCounter): void {
  const v = c.stackValue;
  const ix = c.stackIndex;
  for (let j = 1; j < c.size; j++) {
    v[j - 1] = v[j];
    ix[j - 1] = ix[j];
  }
  c.size--;
}

/** Pushes a reversal point and closes every cycle it completes (ASTM E1049-85 §5.4.4). */
function pushReversal(c: RainflowCounter, value: number, index: number): void {
  const v = c.stackValue;
  const ix = c.stackIndex;
  if (c.size === c.capacity) {
    emit(c, v[0], ix[0], v[1], ix[1], 0.5);
    c.overflowCycles++;
    dropOldest(c);
  }
  v[c.size] = value;
  ix[c.size] = index;
  c.size++;
  while (c.size >= 3) {
    const n = c.size;
    const x = Math.abs(v[n - 1] - v[n - 2]);
    const y = Math.abs(v[n - 2] - v[n - 3]);
    if (x < y) break;
    if (n === 3) {
      // Y contains the starting point: a half cycle, and the starting point goes.
      emit(c, v[0], ix[0], v[1], ix[1], 0.5);
      dropOldest(c);
    } else {
      // A full cycle: Y's two points go, the newest point moves down.
      emit(c, v[n - 3], ix[n - 3], v[n - 2], ix[n - 2], 1);
      v[n - 3] = v[n - 1];
      ix[n - 3] = ix[n - 1];
      c.size = n - 2;
    }
  }
}

/**
 * Adds the next sample (allocation-free) and returns how many cycles it closed; they are in
 * counter.out*[0 .. returned). NaN samples are skipped (they still take an index). A sample
 * closes cycles only once the series has turned after it, so cycles lag the series by one
 * reversal. Throws after finishRainflow.
 */
export function pushRainflow(counter: RainflowCounter, value: number): number {
  counter.outLength = 0;
  if (counter.finished) throw new Error("pushRainflow: the counter was finished; resetRainflow it first");
  const index = counter.samples++;
  if (value !== value) return 0; // NaN: skipped, but it keeps its index
  if (counter.size === 0) {
    // The first valid sample (the stack never empties again until finishRainflow).
    counter.candValue = value;
    counter.candIndex = index;
    counter.candDelta = 0;
    pushReversal(counter, value, index); // the first sample is always a reversal
    return counter.outLength;
  }
  if (value === counter.candValue) return 0; // a plateau is one point
  const delta = value - counter.candValue;
  if (counter.candDelta * delta < 0) pushReversal(counter, counter.candValue, counter.candIndex);
  counter.candValue = value;
  counter.candIndex = index;
  counter.candDelta = delta;
  return counter.outLength;
}

/**
 * Ends the series: the last sample becomes a reversal, and every range left on the stack is counted
 * as a half cycle. Returns the number of cycles closed (in counter.out*). Idempotent.
 */
export function finishRainflow(counter: RainflowCounter): number {
  counter.outLength = 0;
  if (counter.finished) return 0;
  counter.finished = 1;
  if (counter.size > 0 && counter.stackIndex[counter.size - 1] !== counter.candIndex) {
    pushReversal(counter, counter.candValue, counter.candIndex);
  }
  const v = counter.stackValue;
  const ix = counter.stackIndex;
  for (let j = 0; j + 1 < counter.size; j++) emit(counter, v[j], ix[j], v[j + 1], ix[j + 1], 0.5);
  counter.size = 0;
  return counter.outLength;
}

/**
 * Every rainflow cycle of `series`, in the order the algorithm closes them (BLAST-Lite's
 * `extract_cycles`). Example: rainflowCycles([0, 2, 0]) → two half cycles of range 2.
 */
export function rainflowCycles(series: ArrayLike<number>): RainflowCycle[] {
  const counter = createRainflowCounter(Math.max(3, series.length + 1));
  const cycles: RainflowCycle[] = [];
  const collect = (): void => {
    for (let j = 0; j < counter.outLength; j++) {
      cycles.push({
        range: counter.outRange[j],
        mean: counter.outMean[j],
        count: counter.outCount[j],
        startIndex: counter.outStart[j],
        endIndex: counter.outEnd[j],
      });
    }
  };
  for (let k = 0; k < series.length; k++) {
    pushRainflow(counter, series[k]);
    collect();
  }
  finishRainflow(counter);
  collect();
  return cycles;
}

/**
 * Cycle counts per range, ranges ascending (BLAST-Lite's `count_cycles` without binning). Example
 * (ASTM E1049-85 / V2): countCycles([-2, 1, -3, 5, -1, 3, -4, 4, -2]) →
 * [{3, 0.5}, {4, 1.5}, {6, 0.5}, {8, 1}, {9, 0.5}].
 */
export function countCycles(series: ArrayLike<number>): { range: number; count: number }[] {
  const byRange = new Map<number, number>();
  for (const c of rainflowCycles(series)) byRange.set(c.range, (byRange.get(c.range) ?? 0) + c.count);
  return [...byRange.entries()].sort((a, b) => a[0] - b[0]).map(([range, count]) => ({ range, count }));
}
