import { f64Column, i32Column } from "../engine/columns.js";
import type { Chunk } from "../engine/sinks/sink.js";
import { HIL_CYCLES, HIL_IO } from "./hil-tables.js";

/** Names of HIL io operations and qualities / outcomes, stored as small integers until a chunk is cut. */
export const OPS = ["read", "write", "heartbeat", "init"] as const;
export const OUTCOMES = ["ok", "stale", "error", "accepted", "refused", "limited", "dry_run", "failed"] as const;
export type Op = (typeof OPS)[number];
export type Outcome = (typeof OUTCOMES)[number];

/**
 * Records HIL cycles and point operations into preallocated typed arrays, so the real-time loop
 * does not allocate per cycle (details are references to strings made only on errors); names are
 * turned into string columns when a chunk is cut (every `capacity` rows, off the hot path).
 */
export interface HilRecorder {
  cycle(tS: number, cycle: number, plannedMs: number, startMs: number, readMs: number, computeMs: number, writeMs: number, missed: boolean, skipped: number, fallback: boolean): void;
  /**
   * `detail` may end in a number: then the row's detail is `detail + String(detailNumber) +
   * detailSuffix`, made when the chunk is cut, so a detail that carries a value (a ramp-limited
   * write's sent value) costs no string on the hot path. `client`: a served twin's client address.
   */
  io(tS: number, cycle: number, device: number, point: number, op: Op, value: number, outcome: Outcome, ageS: number, readback: number, detail: string, detailNumber?: number, detailSuffix?: string, client?: string): void;
  /** Chunks of full buffers (or of everything with `all`), ready for a sink (none: a shared frozen empty array). */
  drain(all: boolean): Chunk[];
  /** Rows recorded so far, per table. */
  counts(): { cycles: number; io: number };
}

const NOTHING_READY: Chunk[] = Object.freeze([]) as unknown as Chunk[];

/** `devices` and `points` name the indices io() receives. */
export function createHilRecorder(runId: string, devices: readonly string[], points: readonly string[], capacity = 8192): HilRecorder {
  const opIndex = new Map<string, number>(OPS.map((o, i) => [o, i]));
  const outcomeIndex = new Map<string, number>(OUTCOMES.map((o, i) => [o, i]));
  const newCycles = () => ({
    t: f64Column(capacity), cycle: i32Column(capacity), planned: f64Column(capacity), start: f64Column(capacity), lateness: f64Column(capacity),
    read: f64Column(capacity), compute: f64Column(capacity), write: f64Column(capacity), missed: i32Column(capacity), skipped: i32Column(capacity), fallback: i32Column(capacity),
  });
  const newIo = () => ({
    t: f64Column(capacity), cycle: i32Column(capacity), device: new Int32Array(capacity), point: new Int32Array(capacity), op: new Int8Array(capacity),
    value: f64Column(capacity), outcome: new Int8Array(capacity), age: f64Column(capacity), readback: f64Column(capacity), detail: new Array<string>(capacity).fill(""), client: new Array<string>(capacity).fill(""),
  });
  // Rows whose detail ends in a number (see io()): their number and suffix, kept across cuts.
  const detailHasNumber = new Uint8Array(capacity);
  const detailNumber = new Float64Array(capacity);
  const detailSuffix = new Array<string>(capacity).fill("");
  let c = newCycles();
  let cn = 0;
  let io = newIo();
  let ion = 0;
  let totalCycles = 0;
  let totalIo = 0;
  const ready: Chunk[] = [];

  const cutCycles = () => {
    if (cn === 0) return;
    ready.push({ table: HIL_CYCLES.name, runId, length: cn, columns: [c.t, c.cycle, c.planned, c.start, c.lateness, c.read, c.compute, c.write, c.missed, c.skipped, c.fallback] });
    c = newCycles();
    cn = 0;
  };
  const details = () => {
    const out = io.detail.slice(0, ion);
    for (let r = 0; r < ion; r++) {
      if (detailHasNumber[r] === 0) continue;
      out[r] = `${out[r]}${detailNumber[r]}${detailSuffix[r]}`;
      detailHasNumber[r] = 0;
    }
    return out;
  };
  const cutIo = () => {
    if (ion === 0) return;
    // A plain loop: Array.from over a typed array with a mapper goes through the iterator protocol
    // (~1.4 KB of garbage per 40 ms cycle, amortised, issue #11).
    const names = (index: Int32Array | Int8Array, table: readonly string[]) => {
      const out = new Array<string>(ion);
      for (let r = 0; r < ion; r++) out[r] = table[index[r]!]!;
      return out;
    };
    ready.push({
      table: HIL_IO.name,
      runId,
      length: ion,
      columns: [io.t, io.cycle, names(io.device, devices), names(io.point, points), names(io.op, OPS), io.value, names(io.outcome, OUTCOMES), io.age, io.readback, details(), io.client.slice(0, ion)],
    });
    io = newIo();
    ion = 0;
  };

  return {
    cycle(tS, cycle, plannedMs, startMs, readMs, computeMs, writeMs, missed, skipped, fallback) {
      const r = cn++;
      c.t[r] = tS;
      c.cycle[r] = cycle;
      c.planned[r] = plannedMs;
      c.start[r] = startMs;
      c.lateness[r] = startMs - plannedMs;
      c.read[r] = readMs;
      c.compute[r] = computeMs;
      c.write[r] = writeMs;
      c.missed[r] = missed ? 1 : 0;
      c.skipped[r] = skipped;
      c.fallback[r] = fallback ? 1 : 0;
      totalCycles++;
      if (cn === capacity) cutCycles();
    },
    io(tS, cycle, device, point, op, value, outcome, ageS, readback, detail, number, suffix, client = "") {
      const r = ion++;
      io.t[r] = tS;
      io.cycle[r] = cycle;
      io.device[r] = device;
      io.point[r] = point;
      io.op[r] = opIndex.get(op)!;
      io.value[r] = value;
      io.outcome[r] = outcomeIndex.get(outcome)!;
      io.age[r] = ageS;
      io.readback[r] = readback;
      io.detail[r] = detail;
      io.client[r] = client;
      if (number !== undefined) {
        detailHasNumber[r] = 1;
        detailNumber[r] = number;
        detailSuffix[r] = suffix ?? "";
      }
      totalIo++;
      if (ion === capacity) cutIo();
    },
    drain(all) {
      if (all) {
        cutCycles();
        cutIo();
      }
      // Nothing ready (most cycles): a shared empty array, not a new one.
      return ready.length === 0 ? NOTHING_READY : ready.splice(0, ready.length);
    },
    counts: () => ({ cycles: totalCycles, io: totalIo }),
  };
}
