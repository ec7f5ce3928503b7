import { crc16Modbus } from "../serve/rtu-crc.js";
import { LENGTH_BY_SILENCE, LENGTH_NEED_MORE, requestLengthAt } from "../serve/rtu-framer.js";

/**
 * Modbus RTU framing for the proxy (Modbus over Serial Line v1.02 §2.5.1): unit id, PDU, CRC-16
 * (low byte first). A frame's length follows from its function code (and, for variable-length
 * frames, a byte count in its first bytes), which is how the proxy cuts the byte stream: pseudo
 * terminals and USB adapters do not keep the t3.5 silences of a real line (hil-notes §2.4), so
 * silence is only the fallback for function codes whose length is not known here. The CRC and
 * the request lengths are the RTU server's (hil/serve/), so there is one rule for both.
 */

/** fromRtu*Length: not enough bytes yet to know. */
export const RTU_NEED_MORE = LENGTH_NEED_MORE;
/** fromRtu*Length: length unknown from the bytes (an unlisted function code): frame by silence. */
export const RTU_BY_SILENCE = LENGTH_BY_SILENCE;

/**
 * Total length in bytes (CRC included) of the request frame at the start of `buf`, RTU_NEED_MORE
 * or RTU_BY_SILENCE: the RTU server's rule (hil/serve/rtu-framer.ts requestLengthAt), so the proxy
 * and the twin cut requests alike.
 *
 * Example: fromRtuRequestLength(Buffer.from([1, 3, 0x9c, 0x40])) → 8.
 */
export function fromRtuRequestLength(buf: Uint8Array): number {
  return requestLengthAt(buf, 0, buf.length);
}

/**
 * Total length in bytes (CRC included) of the reply frame at the start of `buf`, RTU_NEED_MORE or
 * RTU_BY_SILENCE (MODBUS Application Protocol V1.1b3 §6). An exception reply (function code with
 * its top bit set) is 5 bytes; FC43 replies (device identification) are framed by silence.
 *
 * Example: fromRtuReplyLength(Buffer.from([1, 3, 4])) → 9; fromRtuReplyLength(Buffer.from([1, 0x83])) → 5.
 */
export function fromRtuReplyLength(buf: Uint8Array): number {
  if (buf.length < 2) return RTU_NEED_MORE;
  const fc = buf[1]!;
  if (fc & 0x80) return 5;
  switch (fc) {
    case 1: case 2: case 3: case 4: case 12: case 17: case 20: case 21: case 23:
      return buf.length < 3 ? RTU_NEED_MORE : 5 + buf[2]!;
    case 24:
      return buf.length < 4 ? RTU_NEED_MORE : 6 + ((buf[2]! << 8) | buf[3]!);
    case 5: case 6: case 8: case 11: case 15: case 16:
      return 8;
    case 7:
      return 5;
    case 22:
      return 10;
    default:
      return RTU_BY_SILENCE;
  }
}

/** The exception reply to an RTU request from `unitId` with function code `fc`: unit, fc | 0x80, code, CRC. */
export function toRtuException(unitId: number, fc: number, code: number): Buffer {
  const out = Buffer.alloc(5);
  out[0] = unitId;
  out[1] = (fc | 0x80) & 0xff;
  out[2] = code;
  out.writeUInt16LE(crc16Modbus(out, 0, 3), 3);
  return out;
}

/** A copy of `frame` with both CRC bytes inverted, so every receiver rejects it (a frame under 3 bytes is returned as a copy unchanged). */
export function toCrcFlipped(frame: Uint8Array): Buffer {
  const out = Buffer.from(frame);
  if (out.length >= 3) {
    out[out.length - 2] ^= 0xff;
    out[out.length - 1] ^= 0xff;
  }
  return out;
}
