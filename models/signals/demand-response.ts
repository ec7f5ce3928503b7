/**
 * Demand-response events as data: "reduce by X W, announced Y s before, from t for Z s". Times are
 * engine seconds (t = 0 at the run's start). A scenario declares the events; the engine validates
 * them once (validateDemandResponseEvents), compiles them (createDemandResponseSchedule) and a
 * demand-response controller looks them up each tick without allocating.
 */

/** One event as a scenario declares it (after unit parsing: seconds and watts). */
export interface DemandResponseEvent {
  /** Name for the events table and the controller's decisions, e.g. "dfs-2023-01-23". */
  readonly id: string;
  /** Start of the reduction window, engine s. */
  readonly startS: number;
  /** Length of the reduction window, s (> 0). */
  readonly durationS: number;
  /** Reduction asked of the site's PCC power against its baseline, W (> 0). */
  readonly reductionW: number;
  /** Notice: the event is announced noticeS before startS, s (≥ 0; 0 = no notice). */
  readonly noticeS: number;
}

/** One problem, shaped like the engine's `Issue` (path, value received, what was expected). */
export interface DemandResponseIssue {
  path: string;
  value: unknown;
  expected: string;
}

/**
 * Checks a list of events and returns every problem (empty when valid): each field present and
 * finite, startS ≥ 0, durationS > 0, reductionW > 0, noticeS ≥ 0, ids unique, and no two
 * reduction windows overlapping. With `horizonS`, an event must start before the horizon.
 * `path` prefixes each issue's path (default "demandResponse").
 * Example: [{ id: "a", startS: 10, durationS: 0, reductionW: 1e6, noticeS: 0 }] →
 * [{ path: "demandResponse[0].durationS", value: 0, expected: "a duration > 0 s" }].
 */
export function validateDemandResponseEvents(
  events: readonly DemandResponseEvent[],
  horizonS = Infinity,
  path = "demandResponse",
): DemandResponseIssue[] {
  const issues: DemandResponseIssue[] = [];
  const seen = new Map<string, number>();
  events.forEach((event, i) => {
    const at = `${path}[${i}]`;
    if (typeof event.id !== "string" || event.id === "") {
      issues.push({ path: `${at}.id`, value: event.id, expected: "a non-empty name" });
    } else if (seen.has(event.id)) {
      issues.push({ path: `${at}.id`, value: event.id, expected: `a name not used already (used by ${path}[${seen.get(event.id)}])` });
    } else {
      seen.set(event.id, i);
    }
    if (!(Number.isFinite(event.startS) && event.startS >= 0)) {
      issues.push({ path: `${at}.startS`, value: event.startS, expected: "a start time ≥ 0 s" });
    } else if (!(event.startS < horizonS)) {
      issues.push({ path: `${at}.startS`, value: event.startS, expected: `a start before the horizon (${horizonS} s)` });
    }
    if (!(Number.isFinite(event.durationS) && event.durationS > 0)) {
      issues.push({ path: `${at}.durationS`, value: event.durationS, expected: "a duration > 0 s" });
    }
    if (!(Number.isFinite(event.reductionW) && event.reductionW > 0)) {
      issues.push({ path: `${at}.reductionW`, value: event.reductionW, expected: "a reduction > 0 W" });
    }
    if (!(Number.isFinite(event.noticeS) && event.noticeS >= 0)) {
      issues.push({ path: `${at}.noticeS`, value: event.noticeS, expected: "a notice ≥ 0 s" });
    }
  });
  // Overlaps, among events whose window is well formed, in start order.
  const order = events
    .map((event, i) => i)
    .filter((i) => Number.isFinite(events[i]!.startS) && events[i]!.durationS > 0 && Number.isFinite(events[i]!.durationS))
    .sort((a, b) => events[a]!.startS - events[b]!.startS);
  for (let j = 1; j < order.length; j++) {
    const prev = events[order[j - 1]!]!;
    const cur = events[order[j]!]!;
    const prevEndS = prev.startS + prev.durationS;
    if (cur.startS < prevEndS) {
      issues.push({
        path: `${path}[${order[j]}].startS`,
        value: cur.startS,
        expected: `a start at or after ${prevEndS} s, the end of ${path}[${order[j - 1]}] ("${prev.id}")`,
      });
    }
  }
  return issues;
}

/** Events compiled for lookup: sorted by start, one Float64Array per field. */
export interface DemandResponseSchedule {
  readonly count: number;
  readonly ids: readonly string[];
  /** When the event is announced, s (startS − noticeS). */
  readonly announceS: Float64Array;
  readonly startS: Float64Array;
  readonly endS: Float64Array;
  readonly reductionW: Float64Array;
}

/**
 * Compiles valid events (see validateDemandResponseEvents; throws a RangeError listing the problems
 * otherwise) into a schedule sorted by start.
 */
export function createDemandResponseSchedule(events: readonly DemandResponseEvent[]): DemandResponseSchedule {
  const issues = validateDemandResponseEvents(events);
  if (issues.length > 0) {
    throw new RangeError(`createDemandResponseSchedule: ${issues.map((i) => `${i.path}: got ${String(i.value)}, expected ${i.expected}`).join("; ")}`);
  }
  const sorted = [...events].sort((a, b) => a.startS - b.startS);
  const n = sorted.length;
  const schedule = {
    count: n,
    ids: sorted.map((e) => e.id),
    announceS: new Float64Array(n),
    startS: new Float64Array(n),
    endS: new Float64Array(n),
    reductionW: new Float64Array(n),
  };
  sorted.forEach((e, i) => {
    schedule.announceS[i] = e.startS - e.noticeS;
    schedule.startS[i] = e.startS;
    schedule.endS[i] = e.startS + e.durationS;
    schedule.reductionW[i] = e.reductionW;
  });
  return schedule;
}

/**
 * Index of the event that is announced and not yet over at engine time tS (announceS ≤ tS < endS),
 * or −1. When a later event is already announced while an earlier one runs, the running one wins.
 * Allocation-free (a scan; schedules hold a handful of events).
 */
export function demandResponseIndexAt(schedule: DemandResponseSchedule, tS: number): number {
  for (let i = 0; i < schedule.count; i++) {
    if (tS < schedule.endS[i] && tS >= schedule.announceS[i]) return i;
  }
  return -1;
}

/** Reduction requested at engine time tS, W (0 outside every reduction window [startS, endS)). */
export function demandResponseReductionAt(schedule: DemandResponseSchedule, tS: number): number {
  for (let i = 0; i < schedule.count; i++) {
    if (tS >= schedule.startS[i] && tS < schedule.endS[i]) return schedule.reductionW[i];
  }
  return 0;
}
