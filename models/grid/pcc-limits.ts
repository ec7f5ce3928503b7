/**
 * Streaming monitor of the grid-connection limits at the PCC, fed one PCC power value per tick
 * (the tick's mean, W, positive drawn from the grid; a battery discharging into the site makes it
 * smaller or negative). Each limit's violations are EVENTS: a maximal run of consecutive violating
 * ticks, reported once it ends (or at finish) with its start, end and worst value, and counted
 * (number of events, total seconds in violation). No allocation after createPccMonitor.
 *
 * Limits (each Infinity = not monitored). A value is a violation when it is strictly above its limit.
 * - import capacity: P > importCapacityW, W;
 * - export capacity: −P > exportCapacityW, W;
 * - ramp: |P(t) − P(t − w)| / w over w = rampWindowS (default 1 s), W/s — the engine's
 *   `pcc_max_ramp_1s` KPI definition, evaluated at every tick once w of history exists;
 * - slow ramp: |P(t) − P(t − w)| over w = slowRampWindowS (default 60 s), expressed in W/min
 *   (= |ΔP| × 60 / w), for limits written as "MW/min" (docs/physics-sources.md §2.1: a 10 MW/min POC limit
 *   studied in [X] arXiv:2606.21833; §8.8: no verified GB limit exists, so limits are scenario data);
 * - swing: max − min of P over the last swingWindowS (the current tick and the ones before it,
 *   swingWindowS / dtS ticks in all), W; sliding, so an event's start and end are tick-exact (the
 *   engine's `pcc_swing_*` KPIs use consecutive windows instead).
 * Window lengths must be whole numbers of ticks.
 *
 * Times: tick j of the monitor (j = 0 at the first step, or `startTick`) covers [j·dtS, (j+1)·dtS);
 * an event over ticks a..b−1 has startS = a·dtS, endS = b·dtS, duration (b − a)·dtS. Worst value:
 * the largest excess in the limit's unit, keeping the sign for ramps (negative = falling).
 */

/** Event kinds, by index. */
export const PCC_LIMIT_KINDS = ["import-capacity", "export-capacity", "ramp", "slow-ramp", "swing"] as const;
export type PccLimitKind = (typeof PCC_LIMIT_KINDS)[number];
/** Unit of each kind's value and limit, by index. */
export const PCC_LIMIT_UNITS = ["W", "W", "W/s", "W/min", "W"] as const;
export const PCC_IMPORT = 0;
export const PCC_EXPORT = 1;
export const PCC_RAMP = 2;
export const PCC_SLOW_RAMP = 3;
export const PCC_SWING = 4;
const KINDS = 5;

export interface PccLimits {
  /** Largest import, W (Infinity = none). */
  readonly importCapacityW: number;
  /** Largest export, W ≥ 0 (Infinity = none). */
  readonly exportCapacityW: number;
  /** Ramp limit over rampWindowS, W/s. */
  readonly rampLimitWps: number;
  /** Default 1 s. */
  readonly rampWindowS?: number;
  /** Slow ramp limit over slowRampWindowS, W/min. */
  readonly slowRampLimitWpmin: number;
  /** Default 60 s. */
  readonly slowRampWindowS?: number;
  /** Largest peak-to-peak power over swingWindowS, W. */
  readonly swingLimitW: number;
  /** Default 5 s (the engine's swingWindow default). */
  readonly swingWindowS?: number;
}

/**
 * Called when an event ends: kind (index into PCC_LIMIT_KINDS), start and end (engine s), the worst
 * value and the limit, both in PCC_LIMIT_UNITS[kind]. Primitive arguments: emitting allocates nothing.
 */
export type PccEventCallback = (kind: number, startS: number, endS: number, worst: number, limit: number) => void;

export interface PccMonitor {
  readonly dtS: number;
  /** Limits by kind (index as PCC_LIMIT_KINDS). */
  readonly limit: Float64Array;
  readonly rampTicks: number;
  readonly slowRampTicks: number;
  readonly swingTicks: number;
  /** Tick index of the first step (startTick). */
  readonly firstTick: number;
  /** Next tick index to be stepped. */
  tick: number;

  /** Events completed or open, by kind. */
  readonly eventCount: Float64Array;
  /** Ticks in violation, by kind (× dtS = seconds; see violationS()). */
  readonly violationTicks: Float64Array;
  /** Largest value seen, by kind, violating or not (ramps as magnitudes), in the kind's unit. */
  readonly peakValue: Float64Array;
  /** Open event per kind: start tick (−1 = none) and worst value so far. */
  readonly openStart: Float64Array;
  readonly openWorst: Float64Array;
  /** The last value of each kind (NaN until it can be evaluated: ramps need history). */
  readonly value: Float64Array;

  /** Ring of the last powers, indexed by (tick − firstTick) mod length (max window + 1 slots). */
  readonly history: Float64Array;
  /** Monotonic deques of (tick − firstTick) for the sliding max and min (swingTicks slots each). */
  readonly maxQ: Float64Array;
  readonly minQ: Float64Array;
  /** Deque heads and lengths: [maxHead, maxLen, minHead, minLen]. */
  readonly q: Int32Array;
}

function windowTicks(windowS: number, dtS: number, name: string): number {
  const ticks = Math.round(windowS / dtS);
  if (!(ticks >= 1) || Math.abs(ticks * dtS - windowS) > 1e-9 * Math.max(1, windowS)) {
    throw new RangeError(`createPccMonitor: ${name} (${windowS} s) must be a whole number ≥ 1 of ticks of ${dtS} s`);
  }
  return ticks;
}

/**
 * Creates a monitor for `limits` at tick dtS (> 0); `startTick` is the tick index of the first step
 * (event times are startTick·dtS onwards). Throws a RangeError for a window that is not a whole
 * number of ticks or a negative / NaN limit.
 * Example: createPccMonitor({ importCapacityW: 12e6, exportCapacityW: Infinity, rampLimitWps: 2e6,
 * slowRampLimitWpmin: 10e6, swingLimitW: 2e6 }, 0.04).rampTicks → 25.
 */
export function createPccMonitor(limits: PccLimits, dtS: number, startTick = 0): PccMonitor {
  if (!(dtS > 0)) throw new RangeError(`createPccMonitor: dtS must be > 0, got ${dtS}`);
  if (!Number.isInteger(startTick) || startTick < 0) throw new RangeError(`createPccMonitor: startTick must be an integer ≥ 0, got ${startTick}`);
  const limit = new Float64Array([
    limits.importCapacityW,
    limits.exportCapacityW,
    limits.rampLimitWps,
    limits.slowRampLimitWpmin,
    limits.swingLimitW,
  ]);
  limit.forEach((v, k) => {
    if (!(v >= 0)) throw new RangeError(`createPccMonitor: the ${PCC_LIMIT_KINDS[k]} limit must be ≥ 0 (or Infinity), got ${v}`);
  });
  const rampTicks = windowTicks(limits.rampWindowS ?? 1, dtS, "rampWindowS");
  const slowRampTicks = windowTicks(limits.slowRampWindowS ?? 60, dtS, "slowRampWindowS");
  const swingTicks = windowTicks(limits.swingWindowS ?? 5, dtS, "swingWindowS");
  const openStart = new Float64Array(KINDS).fill(-1);
  return {
    dtS,
    limit,
    rampTicks,
    slowRampTicks,
    swingTicks,
    firstTick: startTick,
    tick: startTick,
    eventCount: new Float64Array(KINDS),
    violationTicks: new Float64Array(KINDS),
    peakValue: new Float64Array(KINDS).fill(-Infinity),
    openStart,
    openWorst: new Float64Array(KINDS),
    value: new Float64Array(KINDS).fill(NaN),
    history: new Float64Array(Math.max(rampTicks, slowRampTicks, swingTicks) + 1),
    maxQ: new Float64Array(swingTicks),
    minQ: new Float64Array(swingTicks),
    q: new Int32Array(4),
  };
}

/** Seconds in violation of kind `kind` so far (open events included). */
export function violationS(m: PccMonitor, kind: number): number {
  return m.violationTicks[kind] * m.dtS;
}

/** Records whether kind k violates at tick j with value v (|v| compared for ramps). */
// The value is read from m.value[k] (set just before), not passed: a double argument to a call V8
// does not inline is a new heap number, five per tick here.
function track(m: PccMonitor, k: number, j: number, excess: boolean, onEvent: PccEventCallback | undefined): void {
  const v = m.value[k]!;
  const mag = v < 0 ? -v : v;
  if (mag > m.peakValue[k]) m.peakValue[k] = mag;
  if (excess) {
    if (m.openStart[k] < 0) {
      m.openStart[k] = j;
      m.openWorst[k] = v;
      m.eventCount[k]++;
    } else {
      const w = m.openWorst[k];
      if (mag > (w < 0 ? -w : w)) m.openWorst[k] = v;
    }
    m.violationTicks[k]++;
  } else if (m.openStart[k] >= 0) {
    if (onEvent !== undefined) onEvent(k, m.openStart[k] * m.dtS, j * m.dtS, m.openWorst[k], m.limit[k]);
    m.openStart[k] = -1;
  }
}

/**
 * Feeds the next tick's PCC power (W; the tick mean) and reports every event that ended at this
 * tick through `onEvent`. A non-finite power throws a RangeError (it would poison the windows).
 * Allocation-free; O(1) amortised (monotonic deques for the sliding max and min).
 */
export function stepPccMonitor(m: PccMonitor, powerW: number, onEvent?: PccEventCallback): void {
  if (!Number.isFinite(powerW)) throw new RangeError(`stepPccMonitor: tick ${m.tick}: PCC power is ${powerW}`);
  const j = m.tick;
  const seen = j - m.firstTick; // ticks stepped before this one
  const hist = m.history;
  const hn = hist.length;
  hist[seen % hn] = powerW;

  // Capacity.
  m.value[PCC_IMPORT] = powerW;
  track(m, PCC_IMPORT, j, powerW > m.limit[PCC_IMPORT], onEvent);
  m.value[PCC_EXPORT] = -powerW;
  track(m, PCC_EXPORT, j, -powerW > m.limit[PCC_EXPORT], onEvent);

  // Ramps, once their window of history exists.
  if (seen >= m.rampTicks) {
    const r = (powerW - hist[(seen - m.rampTicks) % hn]) / (m.rampTicks * m.dtS);
    m.value[PCC_RAMP] = r;
    track(m, PCC_RAMP, j, (r < 0 ? -r : r) > m.limit[PCC_RAMP], onEvent);
  }
  if (seen >= m.slowRampTicks) {
    const r = ((powerW - hist[(seen - m.slowRampTicks) % hn]) * 60) / (m.slowRampTicks * m.dtS);
    m.value[PCC_SLOW_RAMP] = r;
    track(m, PCC_SLOW_RAMP, j, (r < 0 ? -r : r) > m.limit[PCC_SLOW_RAMP], onEvent);
  }

  // Swing: sliding max and min over the last swingTicks ticks. Each deque holds local tick
  // indices in a ring of swingTicks slots: drop expired heads, then dominated tails, then push.
  const w = m.swingTicks;
  const q = m.q;
  const maxQ = m.maxQ;
  const minQ = m.minQ;
  const first = seen - w + 1;
  while (q[1] > 0 && maxQ[q[0]] < first) { q[0] = (q[0] + 1) % w; q[1]--; }
  while (q[1] > 0 && hist[maxQ[(q[0] + q[1] - 1) % w] % hn] <= powerW) q[1]--;
  maxQ[(q[0] + q[1]) % w] = seen;
  q[1]++;
  while (q[3] > 0 && minQ[q[2]] < first) { q[2] = (q[2] + 1) % w; q[3]--; }
  while (q[3] > 0 && hist[minQ[(q[2] + q[3] - 1) % w] % hn] >= powerW) q[3]--;
  minQ[(q[2] + q[3]) % w] = seen;
  q[3]++;
  const swing = hist[maxQ[q[0]] % hn] - hist[minQ[q[2]] % hn];
  m.value[PCC_SWING] = swing;
  track(m, PCC_SWING, j, swing > m.limit[PCC_SWING], onEvent);

  m.tick = j + 1;
}

/**
 * Closes every open event at the current tick (end = the end of the last stepped tick) and reports
 * it through `onEvent`; call once at the end of a run. Counts are unchanged (an open event was
 * already counted when it started).
 */
export function finishPccMonitor(m: PccMonitor, onEvent?: PccEventCallback): void {
  for (let k = 0; k < KINDS; k++) {
    if (m.openStart[k] >= 0) {
      if (onEvent !== undefined) onEvent(k, m.openStart[k] * m.dtS, m.tick * m.dtS, m.openWorst[k], m.limit[k]);
      m.openStart[k] = -1;
    }
  }
}
