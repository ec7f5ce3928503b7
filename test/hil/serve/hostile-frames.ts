import { adu, u16 } from "./raw-client.js";

/**
 * A seeded generator of malformed and hostile Modbus TCP input for the fuzz tests: random function
 * codes, lengths, addresses, quantities, wrong byte counts, broadcasts, garbage, bad protocol ids,
 * oversize and undersize MBAP lengths, partial headers. Each item says whether it ends the
 * connection (the server must close it) and whether a reply must come. It aims at the test fixture's
 * units and registers (tcp-fuzz.test.ts) unless given a `HostileTarget` (serve-fuzz.test.ts: a real
 * `dctwin serve` process).
 */
export interface HostileItem {
  kind: string;
  bytes: number[];
  transactionId: number;
  unitId: number;
  fc: number;
  /** The server closes the connection after this (or the client ends it): it goes last in a batch. */
  kills: boolean;
  /** A well-framed request to a unit other than 0: exactly one reply. */
  expectsReply: boolean;
}

type Rng = () => number;

/** The unit ids and addresses to aim at (default: the fixture's units 1-4 and registers). */
export interface HostileTarget {
  units: readonly number[];
  addresses: readonly number[];
}

const SERVED_FCS = [1, 2, 3, 4, 5, 6, 15, 16, 23, 43];
const WRITE_FCS = [5, 6, 15, 16];
const ADDRESSES = [0, 1, 7, 99, 100, 101, 199, 200, 1967, 1999, 2000, 39999, 40000, 40009, 40010, 40011, 40012, 40019, 40099, 40100, 0xfffe, 0xffff];
const QUANTITIES = [0, 1, 2, 3, 8, 9, 120, 121, 122, 123, 124, 125, 126, 1968, 1969, 2000, 2001, 0x7fff, 0xffff];

const int = (rng: Rng, n: number) => Math.floor(rng() * n);
const pick = <T>(rng: Rng, list: readonly T[]) => list[int(rng, list.length)];
const bytes = (rng: Rng, n: number) => Array.from({ length: n }, () => int(rng, 256));

function unitId(rng: Rng, target: HostileTarget | undefined): number {
  const r = rng();
  return r < 0.75 ? (target === undefined ? 1 + int(rng, 4) : pick(rng, target.units)) : r < 0.9 ? int(rng, 256) : 0;
}

function address(rng: Rng, target: HostileTarget | undefined): number {
  return rng() < 0.7 ? pick(rng, target?.addresses ?? ADDRESSES) : int(rng, 0x10000);
}

function quantity(rng: Rng): number {
  return rng() < 0.7 ? pick(rng, QUANTITIES) : int(rng, 0x10000);
}

/** A register value: mostly within the gate's bound (1000), some above it. */
function value(rng: Rng): number {
  return rng() < 0.7 ? int(rng, 1001) : int(rng, 0x10000);
}

/** A PDU for a served function code with random fields; byte counts right, off by one, or random. */
function servedPdu(rng: Rng, fc: number, target?: HostileTarget): number[] {
  const a = address(rng, target);
  const q = quantity(rng);
  const cappedQ = Math.min(q, 130); // the data actually sent stays within a frame
  const byteCountRoll = rng();
  const byteCount = (right: number) => (byteCountRoll < 0.7 ? right : byteCountRoll < 0.85 ? (right + 1) & 0xff : int(rng, 256));
  switch (fc) {
    case 5:
      return [5, ...u16(a), ...(rng() < 0.6 ? pick(rng, [[0xff, 0], [0, 0]]) : bytes(rng, 2))];
    case 6:
      return [6, ...u16(a), ...u16(value(rng))];
    case 15: {
      const q15 = Math.min(q, 2000);
      const n = Math.min((q15 + 7) >> 3, 240);
      return [15, ...u16(a), ...u16(q15), byteCount(n), ...bytes(rng, n)];
    }
    case 16:
      return [16, ...u16(a), ...u16(cappedQ), byteCount(2 * cappedQ), ...Array.from({ length: Math.min(cappedQ, 120) }, () => u16(value(rng))).flat()];
    case 23: {
      const w = Math.min(quantity(rng), 120);
      return [23, ...u16(a), ...u16(q), ...u16(address(rng, target)), ...u16(w), byteCount(2 * w), ...Array.from({ length: w }, () => u16(value(rng))).flat()];
    }
    case 43:
      return [43, rng() < 0.8 ? 14 : int(rng, 256), int(rng, 6), int(rng, 256)];
    default:
      return [fc, ...u16(a), ...u16(q)];
  }
}

/** One hostile item with transaction id `transactionId`, aimed at `target` (default: the fixture). */
export function hostileItem(rng: Rng, transactionId: number, target?: HostileTarget): HostileItem {
  const r = rng();
  const unit = unitId(rng, target);
  const framed = (kind: string, pdu: number[]): HostileItem => {
    const clipped = pdu.slice(0, 253);
    return { kind, bytes: adu(transactionId, unit, clipped), transactionId, unitId: unit, fc: clipped[0], kills: false, expectsReply: unit !== 0 };
  };
  const killer = (kind: string, raw: number[]): HostileItem => ({ kind, bytes: raw, transactionId, unitId: unit, fc: -1, kills: true, expectsReply: false });
  if (r < 0.3) return framed("random-fc", [int(rng, 256), ...bytes(rng, int(rng, 12))]);
  if (r < 0.62) return framed("served-fc", servedPdu(rng, pick(rng, SERVED_FCS), target));
  if (r < 0.74) {
    // A served request cut short or padded: its length no longer fits the function.
    const pdu = servedPdu(rng, pick(rng, SERVED_FCS), target);
    return framed("bad-length", rng() < 0.5 ? pdu.slice(0, Math.max(1, pdu.length - 1 - int(rng, 4))) : [...pdu, ...bytes(rng, 1 + int(rng, 4))]);
  }
  if (r < 0.8) {
    const item = framed("broadcast", servedPdu(rng, pick(rng, WRITE_FCS), target));
    item.bytes[6] = 0;
    item.unitId = 0;
    item.expectsReply = false;
    return item;
  }
  if (r < 0.86) return killer("garbage", bytes(rng, 1 + int(rng, 300)));
  if (r < 0.9) return killer("bad-protocol", [...u16(transactionId), ...u16(1 + int(rng, 0xffff)), 0, 6, 1, 3, 0, 0, 0, 1]);
  if (r < 0.94) return killer("oversize", [...u16(transactionId), 0, 0, ...u16(255 + int(rng, 0xff00)), ...bytes(rng, int(rng, 300))]);
  if (r < 0.97) return killer("undersize", [...u16(transactionId), 0, 0, 0, int(rng, 2), ...bytes(rng, int(rng, 4))]);
  return killer("partial-header", [...u16(transactionId), 0, 0, 0, 6].slice(0, 1 + int(rng, 5)));
}

/** Function codes the fixture serves; any other must be answered 01 by a served unit. */
export function isServedFc(fc: number): boolean {
  return SERVED_FCS.includes(fc);
}
