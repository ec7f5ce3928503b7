/**
 * Modbus TCP framing (Modbus Messaging on TCP/IP Implementation Guide v1.0b, §3.1.3): an ADU is
 * the 7-byte MBAP header (transaction id 2, protocol id 2 = 0, length 2 = bytes that follow,
 * unit id 1) and a PDU of at most 253 bytes. The proxy cuts both directions into whole ADUs so a
 * fault acts on one request or one reply, never on a TCP segment that happens to hold half of one.
 */
export const MBAP_HEADER_BYTES = 7;
/** Largest PDU (function code + data), bytes. */
export const MAX_PDU_BYTES = 253;
/** fromMbapLength: not enough bytes yet to know. */
export const MBAP_NEED_MORE = 0;
/** fromMbapLength: the header is not a Modbus TCP header (protocol id not 0, or length out of 2-254). */
export const MBAP_INVALID = -1;

/**
 * Length in bytes of the ADU at the start of `buf` (which may hold more, or less), MBAP_NEED_MORE
 * before the 6 bytes that carry the length have arrived, or MBAP_INVALID. The length field counts the
 * unit id and the PDU, so it is 2 (unit + function code) to 254.
 *
 * Example: fromMbapLength(Buffer.from([0, 1, 0, 0, 0, 6, 1, 3, 0x9c, 0x40, 0, 2])) → 12.
 */
export function fromMbapLength(buf: Uint8Array): number {
  if (buf.length < 6) return MBAP_NEED_MORE;
  if (buf[2] !== 0 || buf[3] !== 0) return MBAP_INVALID;
  const length = (buf[4]! << 8) | buf[5]!;
  if (length < 2 || length > MAX_PDU_BYTES + 1) return MBAP_INVALID;
  return 6 + length;
}

/**
 * The exception reply to the request ADU `request`: same transaction, protocol and unit id, function
 * code with its top bit set, then `code` (Modbus Application Protocol v1.1b3 §7).
 *
 * Example: toMbapException(<tid 7, unit 1, FC3 request>, 4) → 00 07 00 00 00 03 01 83 04.
 */
export function toMbapException(request: Uint8Array, code: number): Buffer {
  const out = Buffer.alloc(9);
  out[0] = request[0]!;
  out[1] = request[1]!;
  out.writeUInt16BE(3, 4);
  out[6] = request[6]!;
  out[7] = (request[7]! | 0x80) & 0xff;
  out[8] = code;
  return out;
}

/**
 * A reply ADU cut short: the PDU keeps its first half (at least the function code) and the MBAP
 * length is rewritten to match, so the stream stays framed and the client gets a malformed reply at
 * once (modbus-serial: "Data length error"; libmodbus: invalid data) rather than waiting for bytes that
 * never come and then mis-framing the next reply.
 *
 * Example: toTruncatedMbap(00 01 00 00 00 07 01 03 04 53 75 6E 53) → 00 01 00 00 00 04 01 03 04 53 (PDU of 6 bytes cut to 3).
 */
export function toTruncatedMbap(reply: Uint8Array): Buffer {
  const pduBytes = reply.length - MBAP_HEADER_BYTES;
  const keptBytes = Math.max(1, Math.floor(pduBytes / 2));
  const out = Buffer.from(reply.subarray(0, MBAP_HEADER_BYTES + keptBytes));
  out.writeUInt16BE(1 + keptBytes, 4);
  return out;
}
