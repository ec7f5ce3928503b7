/**
 * Modbus RTU framing for the proxy (Modbus over Serial Line v1.02 §2.5.1): unit id, PDU, CRC-16
 * (low byte first). A frame's length follows from its function code (and, for variable-length
 * frames, a byte count in its first bytes), which is how the proxy cuts the byte stream: pseudo
 * terminals and USB adapters do not keep the t3.5 silences of a real line (hil-notes §2.4), so
 * silence is only the fallback for function codes whose length is not known here.
 */

/** fromRtu*Length: not enough bytes yet to know. */
export const RTU_NEED_MORE = 0;
/** fromRtu*Length: length unknown from the bytes (an unlisted function code): frame by silence. */
export const RTU_BY_SILENCE = -1;

/**
 * Total length in bytes (CRC included) of the request frame at the start of `buf`, RTU_NEED_MORE
 * or RTU_BY_SILENCE. Covers FC 1-8, 11, 12, 15, 16, 17, 22, 23.
 *
 * Example: fromRtuRequestLength(Buffer.from([1, 3, 0x9c, 0x40])) → 8.
 */
export function fromRtuRequestLength(buf: Uint8Array): number {
  if (buf.length < 2) return RTU_NEED_MORE;
  switch (buf[1]) {
    case 1: case 2: case 3: case 4: case 5: case 6: case 8:
      return 8;
    case 7: case 11: case 12: case 17:
      return 4;
    case 15: case 16:
      return buf.length < 7 ? RTU_NEED_MORE : 9 + buf[6]!;
    case 22:
      return 10;
    case 23:
      return buf.length < 11 ? RTU_NEED_MORE : 13 + buf[10]!;
    default:
      return RTU_BY_SILENCE;
  }
}

/**
 * Total length in bytes (CRC included) of the reply frame at the start of `buf`, RTU_NEED_MORE or
 * RTU_BY_SILENCE. An exception reply (function code with its top bit set) is 5 bytes.
 *
 * Example: fromRtuReplyLength(Buffer.from([1, 3, 4])) → 9; fromRtuReplyLength(Buffer.from([1, 0x83])) → 5.
 */
export function fromRtuReplyLength(buf: Uint8Array): number {
  if (buf.length < 2) return RTU_NEED_MORE;
  const fc = buf[1]!;
  if (fc & 0x80) return 5;
  switch (fc) {
    case 1: case 2: case 3: case 4: case 12: case 17: case 23:
      return buf.length < 3 ? RTU_NEED_MORE : 5 + buf[2]!;
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

/**
 * Modbus CRC-16 (polynomial 0xA001 reflected, initial 0xFFFF) of the first `length` bytes of `buf`,
 * as a number whose low byte travels first (Modbus over Serial Line v1.02 §6.2.2).
 *
 * Example: crc16(Buffer.from([1, 3, 0, 0, 0, 10]), 6) → 0xCDC5 (sent as C5 CD).
 */
export function crc16(buf: Uint8Array, length: number): number {
  let crc = 0xffff;
  for (let i = 0; i < length; i++) {
    crc ^= buf[i]!;
    for (let b = 0; b < 8; b++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

/** The exception reply to an RTU request from `unitId` with function code `fc`: unit, fc | 0x80, code, CRC. */
export function toRtuException(unitId: number, fc: number, code: number): Buffer {
  const out = Buffer.alloc(5);
  out[0] = unitId;
  out[1] = (fc | 0x80) & 0xff;
  out[2] = code;
  out.writeUInt16LE(crc16(out, 3), 3);
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
