import { signFrame } from "../../../hil/serve/rtu-crc.js";
import { UNKNOWN_UNIT, type PduHandler } from "../../../hil/serve/served-unit.js";

/** An RTU frame: unit id, PDU bytes, CRC. */
export function rtuFrame(unitId: number, ...pdu: number[]): Uint8Array {
  const out = new Uint8Array(pdu.length + 3);
  out[0] = unitId;
  out.set(pdu, 1);
  signFrame(out, pdu.length + 1);
  return out;
}

export interface FixtureDevice {
  handler: PduHandler;
  /** Holding registers 0..registers.length-1, shared by every served unit. */
  registers: Uint16Array;
  /** Every call: unit id, function code, client. */
  calls: string[];
}

/**
 * A test fixture in place of hil/serve/pdu.ts: answers FC3 from `registers`, applies FC6 and FC16,
 * exception 02 outside the array, 01 for any other function code; UNKNOWN_UNIT for units not in
 * `unitIds`; unit 0 (broadcast) applies writes and answers nothing. With `writeDelayMs` a write
 * answers through a promise, as pdu.ts does when the twin's `applied` is asynchronous (lockstep).
 */
export function createFixtureDevice(unitIds: number[], size = 32, writeDelayMs = 0): FixtureDevice {
  const registers = new Uint16Array(size);
  for (let i = 0; i < size; i++) registers[i] = 100 + i;
  const calls: string[] = [];
  const exception = (out: Uint8Array, fc: number, code: number) => {
    out[0] = fc | 0x80;
    out[1] = code;
    return 2;
  };
  const later = (n: number) => (writeDelayMs > 0 ? new Promise<number>((r) => setTimeout(() => r(n), writeDelayMs)) : n);
  const handler: PduHandler = (unitId, pdu, length, out, client) => {
    const fc = pdu[0]!;
    calls.push(`${unitId}:${fc}:${client}`);
    if (unitId !== 0 && !unitIds.includes(unitId)) return UNKNOWN_UNIT;
    const address = (pdu[1]! << 8) | pdu[2]!;
    const word = (pdu[3]! << 8) | pdu[4]!;
    if (fc === 3) {
      if (length !== 5 || word < 1 || word > 125) return exception(out, fc, 3);
      if (address + word > size) return exception(out, fc, 2);
      out[0] = 3;
      out[1] = word * 2;
      for (let i = 0; i < word; i++) {
        out[2 + 2 * i] = registers[address + i]! >> 8;
        out[3 + 2 * i] = registers[address + i]! & 0xff;
      }
      return 2 + word * 2; // even for unit 0: the server, not the handler, keeps broadcasts unanswered
    }
    if (fc === 6) {
      if (address >= size) return exception(out, fc, 2);
      registers[address] = word;
      out.set(pdu.subarray(0, 5), 0);
      return later(unitId === 0 ? 0 : 5);
    }
    if (fc === 16) {
      if (length !== 6 + word * 2 || pdu[5] !== word * 2) return exception(out, fc, 3);
      if (address + word > size) return exception(out, fc, 2);
      for (let i = 0; i < word; i++) registers[address + i] = (pdu[6 + 2 * i]! << 8) | pdu[7 + 2 * i]!;
      out.set(pdu.subarray(0, 5), 0);
      return later(unitId === 0 ? 0 : 5);
    }
    return exception(out, fc, 1);
  };
  return { handler, registers, calls };
}
