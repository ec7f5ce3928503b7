import seedrandom from "seedrandom";

/**
 * Seeded malformed and hostile Modbus TCP traffic for fuzzing a served twin (serve-fuzz.test.ts).
 * Each case is one thing a client does on the wire:
 * - `frame`: one request with a valid MBAP header around a random PDU (function codes served or not,
 *   lengths that fit the function or not, unit ids served, unknown or 0 = broadcast, addresses near
 *   the mapped ranges or anywhere, quantities at and beyond the limits, byte counts right or wrong),
 *   sent whole or in pieces; the server must answer it (unless broadcast) and keep the connection;
 * - `burst`: several such frames in one write (pipelined): answered in order;
 * - `badHeader`: an MBAP header with a protocol id other than 0 or a length outside 2-254, then
 *   whatever: the server must close the connection;
 * - `partial`: part of a frame (often of the MBAP header), then the client goes away;
 * - `garbage`: random bytes, then the client goes away;
 * - `abandon`: a good request, the client gone before the reply;
 * - `halfClose`: a request and the client's FIN: the reply still comes, then the server's FIN;
 * - `slowLoris`: a frame trickled a byte at a time, slower than the server's frame timeout.
 * The same seed gives the same cases. Writes that would set a `forbid` register to its value are
 * changed (e.g. the lockstep advance register: the fuzz must not move the twin).
 */

export interface FuzzFrame {
  bytes: number[];
  tid: number;
  unit: number;
  fc: number;
  /** The PDU (function code + data), for checking the reply. */
  pdu: number[];
}

export type FuzzCase =
  | { kind: "frame"; frame: FuzzFrame; pieces: number[] }
  | { kind: "burst"; frames: FuzzFrame[] }
  | { kind: "badHeader"; bytes: number[] }
  | { kind: "partial"; bytes: number[] }
  | { kind: "garbage"; bytes: number[] }
  | { kind: "abandon"; frame: FuzzFrame }
  | { kind: "halfClose"; frame: FuzzFrame }
  | { kind: "slowLoris"; bytes: number[]; gapMs: number };

export interface FuzzOptions {
  seed: string;
  /** Unit ids to favour (the served ones). */
  units: readonly number[];
  /** Addresses to favour (starts and ends of mapped ranges). */
  addresses: readonly number[];
  /** Holding registers a write must not set to `value` (on `unit` or by broadcast). */
  forbid?: readonly { unit: number; address: number; value: number }[];
  /** Mapped ranges (fc 3: holding, 4: input), for a share of well-formed reads inside them. */
  ranges?: readonly { unit: number; fc: 3 | 4; start: number; count: number }[];
  /** Writable holding registers, for a share of well-formed writes to them. */
  writable?: readonly { unit: number; address: number }[];
}

/** Requests a case stands for (a burst: its frames). */
export function requestsOf(c: FuzzCase): number {
  return c.kind === "burst" ? c.frames.length : 1;
}

/** Cases until they make at least `requests` requests. */
export function fuzzCases(requests: number, options: FuzzOptions): FuzzCase[] {
  const rng = seedrandom.alea(options.seed) as unknown as () => number;
  const int = (n: number) => Math.floor(rng() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const chance = (p: number) => rng() < p;
  const bytes = (n: number) => Array.from({ length: n }, () => int(256));
  const u16 = (v: number) => [(v >> 8) & 0xff, v & 0xff];
  let tid = 0;

  const address = (): number => {
    const r = rng();
    if (r < 0.45) return Math.min(0xffff, Math.max(0, pick(options.addresses) + int(21) - 10));
    if (r < 0.6) return int(10);
    if (r < 0.75) return 0xffff - int(130);
    return int(0x10000);
  };
  const quantity = (): number => (chance(0.6) ? pick([0, 1, 2, 3, 7, 123, 124, 125, 126, 127, 246, 2000, 2001, 2008, 0x7fff, 0xffff]) : int(300));
  const unit = (): number => {
    const r = rng();
    if (r < 0.6) return pick(options.units);
    if (r < 0.68) return 0;
    if (r < 0.75) return pick([247, 248, 254, 255]);
    return int(256);
  };
  const fcOf = (): number => {
    const r = rng();
    if (r < 0.7) return pick([1, 2, 3, 3, 3, 4, 4, 5, 6, 6, 15, 16, 16, 23, 43]);
    if (r < 0.82) return pick([7, 8, 11, 12, 17, 20, 21, 22, 24, 0x2b, 0x5a]);
    return int(256);
  };
  const registers = (n: number) => Array.from({ length: n }, () => (chance(0.3) ? pick([0, 1, 0xffff, 0x8000, 0x7fff]) : int(0x10000))).flatMap(u16);

  /** A PDU shaped for its function code, then, now and then, cut short or lengthened. */
  const pduOf = (fc: number): number[] => {
    let pdu: number[];
    switch (fc) {
      case 1:
      case 2:
      case 3:
      case 4:
        pdu = [fc, ...u16(address()), ...u16(quantity())];
        break;
      case 5:
        pdu = [fc, ...u16(address()), ...u16(chance(0.6) ? pick([0xff00, 0]) : int(0x10000))];
        break;
      case 6:
        pdu = [fc, ...u16(address()), ...u16(chance(0.3) ? pick([0, 1, 2, 7, 0xffff]) : int(0x10000))];
        break;
      case 15: {
        const n = chance(0.7) ? 1 + int(40) : quantity();
        const bc = chance(0.8) ? (n + 7) >> 3 : int(256);
        pdu = [fc, ...u16(address()), ...u16(n), bc & 0xff, ...bytes(Math.min(bc, 240))];
        break;
      }
      case 16: {
        const n = chance(0.7) ? 1 + int(4) : quantity();
        const bc = chance(0.8) ? 2 * n : int(256);
        pdu = [fc, ...u16(address()), ...u16(n), bc & 0xff, ...registers(Math.min(bc, 240) >> 1)];
        if (chance(0.1)) pdu.push(int(256));
        break;
      }
      case 23: {
        const n = chance(0.7) ? 1 + int(4) : quantity();
        const bc = chance(0.8) ? 2 * n : int(256);
        pdu = [fc, ...u16(address()), ...u16(quantity()), ...u16(address()), ...u16(n), bc & 0xff, ...registers(Math.min(bc, 236) >> 1)];
        break;
      }
      case 43:
        pdu = [fc, chance(0.8) ? 14 : int(256), int(6), chance(0.7) ? int(4) : int(256)];
        break;
      default:
        pdu = [fc, ...bytes(int(20))];
    }
    if (chance(0.12)) pdu = pdu.slice(0, 1 + int(pdu.length)); // cut short (maybe to the function code alone)
    else if (chance(0.08)) pdu.push(...bytes(1 + int(8))); // trailing bytes
    return pdu.slice(0, 253);
  };

  /** Changes a write that would set a forbidden register to its forbidden value. */
  const guard = (u: number, pdu: number[]) => {
    const fc = pdu[0];
    let at: number;
    let first: number;
    if (fc === 6) [at, first] = [(pdu[1]! << 8) | pdu[2]!, 3];
    else if (fc === 16) [at, first] = [(pdu[1]! << 8) | pdu[2]!, 6];
    else if (fc === 23) [at, first] = [(pdu[5]! << 8) | pdu[6]!, 10];
    else return;
    for (const f of options.forbid ?? []) {
      if (u !== f.unit && u !== 0) continue;
      const i = first + 2 * (f.address - at);
      if (f.address < at || i + 1 >= pdu.length) continue;
      if (((pdu[i]! << 8) | pdu[i + 1]!) === f.value) pdu[i + 1] = (pdu[i + 1]! + 1) & 0xff;
    }
  };

  /** A well-formed read inside a mapped range, or a write to a writable register: what a real client sends. */
  const plausible = (): [number, number[]] | undefined => {
    const ranges = options.ranges ?? [];
    const writable = options.writable ?? [];
    if (ranges.length > 0 && (writable.length === 0 || chance(0.5))) {
      const r = pick(ranges);
      const n = 1 + int(Math.min(125, r.count));
      return [r.unit, [r.fc, ...u16(r.start + int(r.count - n + 1)), ...u16(n)]];
    }
    if (writable.length === 0) return undefined;
    const w = pick(writable);
    const value = () => (chance(0.5) ? pick([0, 1, 2, 240, 600, 1200, 5000, 0xffff]) : int(0x10000));
    const k = int(3);
    if (k === 0) return [w.unit, [6, ...u16(w.address), ...u16(value())]];
    if (k === 1) return [w.unit, [16, ...u16(w.address), ...u16(2), 4, ...u16(value()), ...u16(value())]];
    return [w.unit, [23, ...u16(w.address), ...u16(1), ...u16(w.address), ...u16(1), 2, ...u16(value())]];
  };

  const frame = (u = unit()): FuzzFrame => {
    let fc: number;
    let pdu: number[];
    const good = chance(0.3) ? plausible() : undefined;
    if (good !== undefined) {
      [u, pdu] = good;
      fc = pdu[0]!;
    } else {
      fc = fcOf();
      pdu = pduOf(fc);
    }
    guard(u, pdu);
    tid = (tid + 1 + int(3)) & 0xffff;
    return { bytes: [...u16(tid), 0, 0, ...u16(pdu.length + 1), u, ...pdu], tid, unit: u, fc, pdu };
  };
  const served = () => {
    let u = unit();
    while (u === 0) u = unit();
    return u;
  };

  const cases: FuzzCase[] = [];
  let made = 0;
  while (made < requests) {
    const r = rng();
    let c: FuzzCase;
    if (r < 0.7) {
      const f = frame();
      const pieces: number[] = [];
      if (chance(0.25)) for (let at = 1 + int(8); at < f.bytes.length; at += 1 + int(12)) pieces.push(at);
      c = { kind: "frame", frame: f, pieces };
    } else if (r < 0.78) {
      c = { kind: "burst", frames: Array.from({ length: 2 + int(9) }, () => frame(served())) };
    } else if (r < 0.84) {
      const header = [...bytes(2), ...u16(0), ...u16(0)];
      const kind = int(3);
      if (kind === 0) header.splice(2, 2, ...u16(1 + int(0xffff))); // protocol id not 0
      else if (kind === 1) header.splice(4, 2, ...u16(int(2))); // length 0 or 1
      else header.splice(4, 2, ...u16(255 + int(0x10000 - 255))); // longer than any ADU
      c = { kind: "badHeader", bytes: [...header, ...bytes(int(20))] };
    } else if (r < 0.89) {
      const f = frame();
      c = { kind: "partial", bytes: f.bytes.slice(0, chance(0.5) ? 1 + int(5) : 1 + int(f.bytes.length - 1)) };
    } else if (r < 0.94) {
      c = { kind: "garbage", bytes: bytes(1 + int(300)) };
    } else if (r < 0.97) {
      c = { kind: "abandon", frame: frame(served()) };
    } else if (r < 0.998) {
      c = { kind: "halfClose", frame: frame(served()) };
    } else {
      const f = frame(served());
      // A long frame (length 254) whose bytes trickle in one by one.
      const pdu = [3, ...bytes(252)];
      c = { kind: "slowLoris", bytes: [...u16(f.tid), 0, 0, ...u16(254), f.unit, ...pdu], gapMs: 150 + int(200) };
    }
    cases.push(c);
    made += requestsOf(c);
  }
  return cases;
}
