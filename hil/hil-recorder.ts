import { f64Column, i32Column } from "../engine/columns.js";
import type { Chunk } from "../engine/sinks/sink.js";
import { HIL_CYCLES, HIL_IO } from "./hil-tables.js";

/** Names of HIL io operations and qualities / outcomes, stored as small integers until a chunk is cut. */
export const OPS = ["read", "write", "heartbeat", "init"] as const;
export const OUTCOMES = ["ok", "stale", "error", "accepted", "refused", "limited", "dry_run", "failed"] as const;
export type Op = (typeof OPS)[number];
export type Outcome = (typeof OUTCOMES)[number];

/** Indices into HilRecorder.ioNumbers. */
export const IO_T = 0;
export const IO_VALUE = 1;
export const IO_AGE = 2;
export const IO_READBACK = 3;
export const IO_DETAIL_NUMBER = 4;
/** Indices into HilRecorder.cycleNumbers: the cycle's time (s), then its planned and actual start and the read, compute and write times (ms). */
export const CY_T = 0;
export const CY_PLANNED = 1;
export const CY_START = 2;
export const CY_READ = 3;
export const CY_COMPUTE = 4;
export const CY_WRITE = 5;

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
  /** cycle() for the real-time loop: the numbers are set in `cycleNumbers` first (CY_*), as with ioRow. */
  cycleRow(cycle: number, missed: boolean, skipped: number, fallback: boolean): void;
  /** See cycleRow. */
  readonly cycleNumbers: Float64Array;
  /**
   * io() for the real-time loop: the row's numbers are set in `ioNumbers` first (IO_T, IO_VALUE,
   * IO_AGE, IO_READBACK and, when `detailSuffix` is not undefined, IO_DETAIL_NUMBER), op and
   * outcome are indices into OPS and OUTCOMES. Doubles passed as arguments to a call V8 does not
   * inline are boxed (16 B each); through the typed array nothing is allocated.
   */
  ioRow(cycle: number, device: number, point: number, op: number, outcome: number, detail: string, detailSuffix: string | undefined, client: string): void;
  /** See ioRow. */
  readonly ioNumbers: Float64Array;
  /** Chunks of full buffers (or of everything with `all`), ready for a sink (none: a shared frozen empty array). */
  drain(all: boolean): Chunk[];
  /**
   * Takes back drained chunks once the sink has written them (and no thread reads them again):
   * their columns are reused by later chunks, so a chunk cut allocates nothing once the first
   * chunks are back. Chunks of other tables are ignored.
   */
  release(chunks: readonly Chunk[]): void;
  /** Rows recorded so far, per table. */
  counts(): { cycles: number; io: number };
}

const NOTHING_READY: Chunk[] = Object.freeze([]) as unknown as Chunk[];

/** `devices` and `points` name the indices io() receives. */
export function createHilRecorder(runId: string, devices: readonly string[], points: readonly string[], capacity = 8192): HilRecorder {
  const opIndex = new Map<string, number>(OPS.map((o, i) => [o, i]));
  const outcomeIndex = new Map<string, number>(OUTCOMES.map((o, i) => [o, i]));
  // Columns are reused once their chunk is written (release()): the typed ones and the text ones,
  // all `capacity` long (a chunk's length says how many rows are its own).
  type CycleColumns = ReturnType<typeof makeCycles>;
  type IoColumns = ReturnType<typeof makeIo>;
  const makeCycles = () => ({
    t: f64Column(capacity), cycle: i32Column(capacity), planned: f64Column(capacity), start: f64Column(capacity), lateness: f64Column(capacity),
    read: f64Column(capacity), compute: f64Column(capacity), write: f64Column(capacity), missed: i32Column(capacity), skipped: i32Column(capacity), fallback: i32Column(capacity),
  });
  const makeIo = () => ({
    t: f64Column(capacity), cycle: i32Column(capacity), value: f64Column(capacity), age: f64Column(capacity), readback: f64Column(capacity),
    detail: new Array<string>(capacity).fill(""), client: new Array<string>(capacity).fill(""),
  });
  const freeCycles: CycleColumns[] = [];
  const freeIo: IoColumns[] = [];
  const freeText: string[][] = [];
  const newCycles = () => freeCycles.pop() ?? makeCycles();
  const newIo = () => freeIo.pop() ?? makeIo();
  const newText = () => freeText.pop() ?? new Array<string>(capacity).fill("");
  // The io rows' names as indices until a chunk is cut (turned into text columns then).
  const ioDevice = new Int32Array(capacity);
  const ioPoint = new Int32Array(capacity);
  const ioOp = new Int8Array(capacity);
  const ioOutcome = new Int8Array(capacity);
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
  const ioNumbers = new Float64Array(5);
  const cycleNumbers = new Float64Array(6);

  const cutCycles = () => {
    if (cn === 0) return;
    ready.push({ table: HIL_CYCLES.name, runId, length: cn, columns: [c.t, c.cycle, c.planned, c.start, c.lateness, c.read, c.compute, c.write, c.missed, c.skipped, c.fallback] });
    c = newCycles();
    cn = 0;
  };
  // A plain loop: Array.from over a typed array with a mapper goes through the iterator protocol
  // (~1.4 KB of garbage per 40 ms cycle, amortised, issue #11).
  const names = (index: Int32Array | Int8Array, table: readonly string[]) => {
    const out = newText();
    for (let r = 0; r < ion; r++) out[r] = table[index[r]!]!;
    return out;
  };
  const cutIo = () => {
    if (ion === 0) return;
    const detail = io.detail;
    for (let r = 0; r < ion; r++) {
      if (detailHasNumber[r] === 0) continue;
      detail[r] = `${detail[r]}${detailNumber[r]}${detailSuffix[r]}`;
      detailHasNumber[r] = 0;
    }
    ready.push({
      table: HIL_IO.name,
      runId,
      length: ion,
      columns: [io.t, io.cycle, names(ioDevice, devices), names(ioPoint, points), names(ioOp, OPS), io.value, names(ioOutcome, OUTCOMES), io.age, io.readback, detail, io.client],
    });
    io = newIo();
    ion = 0;
  };

  return {
    cycle(tS, cycle, plannedMs, startMs, readMs, computeMs, writeMs, missed, skipped, fallback) {
      cycleNumbers[CY_T] = tS;
      cycleNumbers[CY_PLANNED] = plannedMs;
      cycleNumbers[CY_START] = startMs;
      cycleNumbers[CY_READ] = readMs;
      cycleNumbers[CY_COMPUTE] = computeMs;
      cycleNumbers[CY_WRITE] = writeMs;
      this.cycleRow(cycle, missed, skipped, fallback);
    },
    cycleNumbers,
    cycleRow(cycle, missed, skipped, fallback) {
      const r = cn++;
      c.t[r] = cycleNumbers[CY_T]!;
      c.cycle[r] = cycle;
      c.planned[r] = cycleNumbers[CY_PLANNED]!;
      c.start[r] = cycleNumbers[CY_START]!;
      c.lateness[r] = cycleNumbers[CY_START]! - cycleNumbers[CY_PLANNED]!;
      c.read[r] = cycleNumbers[CY_READ]!;
      c.compute[r] = cycleNumbers[CY_COMPUTE]!;
      c.write[r] = cycleNumbers[CY_WRITE]!;
      c.missed[r] = missed ? 1 : 0;
      c.skipped[r] = skipped;
      c.fallback[r] = fallback ? 1 : 0;
      totalCycles++;
      if (cn === capacity) cutCycles();
    },
    io(tS, cycle, device, point, op, value, outcome, ageS, readback, detail, number, suffix, client = "") {
      ioNumbers[IO_T] = tS;
      ioNumbers[IO_VALUE] = value;
      ioNumbers[IO_AGE] = ageS;
      ioNumbers[IO_READBACK] = readback;
      if (number !== undefined) ioNumbers[IO_DETAIL_NUMBER] = number;
      this.ioRow(cycle, device, point, opIndex.get(op)!, outcomeIndex.get(outcome)!, detail, number === undefined ? undefined : suffix ?? "", client);
    },
    ioNumbers,
    ioRow(cycle, device, point, op, outcome, detail, suffix, client) {
      const r = ion++;
      io.t[r] = ioNumbers[IO_T]!;
      io.cycle[r] = cycle;
      ioDevice[r] = device;
      ioPoint[r] = point;
      ioOp[r] = op;
      io.value[r] = ioNumbers[IO_VALUE]!;
      ioOutcome[r] = outcome;
      io.age[r] = ioNumbers[IO_AGE]!;
      io.readback[r] = ioNumbers[IO_READBACK]!;
      io.detail[r] = detail;
      io.client[r] = client;
      if (suffix !== undefined) {
        detailHasNumber[r] = 1;
        detailNumber[r] = ioNumbers[IO_DETAIL_NUMBER]!;
        detailSuffix[r] = suffix;
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
    release(chunks) {
      for (const chunk of chunks) {
        const k = chunk.columns;
        if ((k[0] as Float64Array).length !== capacity) continue;
        if (chunk.table === HIL_CYCLES.name) {
          const [t, cycle, planned, start, lateness, read, compute, write, missed, skipped, fallback] = k as [Float64Array, Int32Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Int32Array, Int32Array, Int32Array];
          freeCycles.push({ t, cycle, planned, start, lateness, read, compute, write, missed, skipped, fallback });
        } else if (chunk.table === HIL_IO.name) {
          const [t, cycle, device, point, op, value, outcome, age, readback, detail, client] = k as [Float64Array, Int32Array, string[], string[], string[], Float64Array, string[], Float64Array, Float64Array, string[], string[]];
          freeIo.push({ t, cycle, value, age, readback, detail, client });
          freeText.push(device, point, op, outcome);
        }
      }
    },
    counts: () => ({ cycles: totalCycles, io: totalIo }),
  };
}
