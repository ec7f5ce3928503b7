import type { SwingGrids } from "./swing-equation.js";

/**
 * Grid events as data, applied to a swing-equation grid's inputs: a generator trip (a lasting loss
 * of generation), a load step (other load switched in, or out when negative, optionally for a
 * limited time) and a voltage sag (a flag with a depth, for the UPS model; it does not move the
 * frequency in the aggregate model). Times are engine seconds; an event is in effect in every tick
 * that starts at or after `atS` (and before `atS + durationS`).
 */
export type GridEventKind = "generator-trip" | "load-step" | "voltage-sag";

export interface GridEvent {
  readonly kind: GridEventKind;
  /** When it happens, engine s (≥ 0). */
  readonly atS: number;
  /** generator-trip: generation lost, W (> 0). load-step: load added, W (negative = load lost). Unused for a sag. */
  readonly powerW?: number;
  /** How long it lasts, s (> 0; default Infinity; a trip always lasts). voltage-sag: required. */
  readonly durationS?: number;
  /** voltage-sag: fraction of nominal voltage lost, 0 < depth ≤ 1 (0.3 = the voltage falls to 70 %). */
  readonly depthFrac?: number;
}

/** Events compiled for lookup: one Float64Array per field, in the order given. */
export interface GridEventSchedule {
  readonly count: number;
  /** 0 generator-trip, 1 load-step, 2 voltage-sag. */
  readonly kind: Uint8Array;
  readonly atS: Float64Array;
  readonly endS: Float64Array;
  readonly powerW: Float64Array;
  readonly depthFrac: Float64Array;
}

const KIND_CODE: Record<GridEventKind, number> = { "generator-trip": 0, "load-step": 1, "voltage-sag": 2 };

/** Ticks whose start is within this of an event time count as at or after it (k·dtS is inexact). */
const TIME_EPS_S = 1e-9;

/**
 * Validates and compiles events; throws a RangeError naming the event index, the field and the
 * value: an unknown kind, atS < 0 or not finite, a trip without powerW > 0, a load step without a
 * finite powerW, a sag without 0 < depthFrac ≤ 1 and durationS > 0, durationS ≤ 0.
 * Example: createGridEventSchedule([{ kind: "generator-trip", atS: 10, powerW: 5e6 }]).count → 1.
 */
export function createGridEventSchedule(events: readonly GridEvent[]): GridEventSchedule {
  const n = events.length;
  const s: GridEventSchedule = {
    count: n,
    kind: new Uint8Array(n),
    atS: new Float64Array(n),
    endS: new Float64Array(n),
    powerW: new Float64Array(n),
    depthFrac: new Float64Array(n),
  };
  events.forEach((e, i) => {
    const bad = (field: string, value: unknown, expected: string): RangeError =>
      new RangeError(`gridEvents[${i}].${field}: got ${JSON.stringify(value) ?? String(value)}, expected ${expected}`);
    const code = KIND_CODE[e.kind];
    if (code === undefined) throw bad("kind", e.kind, `one of ${Object.keys(KIND_CODE).join(", ")}`);
    if (!(Number.isFinite(e.atS) && e.atS >= 0)) throw bad("atS", e.atS, "a time ≥ 0 s");
    const duration = e.durationS ?? Infinity;
    if (!(duration > 0)) throw bad("durationS", e.durationS, "a duration > 0 s");
    if (e.kind === "generator-trip") {
      if (!(Number.isFinite(e.powerW) && e.powerW! > 0)) throw bad("powerW", e.powerW, "the generation lost, W > 0");
      if (e.durationS !== undefined) throw bad("durationS", e.durationS, "nothing: a trip lasts (model a return as a load-step)");
    } else if (e.kind === "load-step") {
      if (!Number.isFinite(e.powerW)) throw bad("powerW", e.powerW, "the load added, W (negative = load lost)");
    } else {
      if (!(e.depthFrac! > 0 && e.depthFrac! <= 1)) throw bad("depthFrac", e.depthFrac, "a depth in (0, 1]");
      if (!Number.isFinite(duration)) throw bad("durationS", e.durationS, "a finite sag duration, s");
    }
    s.kind[i] = code;
    s.atS[i] = e.atS;
    s.endS[i] = e.atS + duration;
    s.powerW[i] = e.kind === "voltage-sag" ? 0 : e.powerW!;
    s.depthFrac[i] = e.kind === "voltage-sag" ? e.depthFrac! : 0;
  });
  return s;
}

/**
 * Writes the events in effect at engine time tS (a tick's start) into grid i's inputs: lostGenW =
 * Σ trips so far, loadStepW = Σ load steps in effect, sagDepthFrac = the deepest sag in effect (0
 * when none). Allocation-free (a scan; schedules hold a handful of events). Returns true while a sag
 * is in effect.
 */
export function applyGridEvents(schedule: GridEventSchedule, tS: number, grids: SwingGrids, i: number): boolean {
  let lost = 0;
  let load = 0;
  let sag = 0;
  const t = tS + TIME_EPS_S;
  for (let e = 0; e < schedule.count; e++) {
    if (!(schedule.atS[e] <= t && t < schedule.endS[e])) continue;
    const code = schedule.kind[e];
    if (code === 0) lost += schedule.powerW[e];
    else if (code === 1) load += schedule.powerW[e];
    else if (schedule.depthFrac[e] > sag) sag = schedule.depthFrac[e];
  }
  grids.lostGenW[i] = lost;
  grids.loadStepW[i] = load;
  grids.sagDepthFrac[i] = sag;
  return sag > 0;
}
