/**
 * CRC-16/MODBUS (reflected polynomial 0xA001, initial 0xFFFF), the check of every RTU frame, sent low
 * byte first (Modbus over Serial Line v1.02 §2.5.1.2 and §6.2.2). Table-driven because the RTU
 * server checks every received frame and signs every reply on the serial hot path.
 */
const TABLE = new Uint16Array(256);
for (let n = 0; n < 256; n++) {
  let crc = n;
  for (let b = 0; b < 8; b++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  TABLE[n] = crc;
}

/**
 * CRC of `length` bytes of `buf` from `start`, as a number whose low byte travels first.
 *
 * Example: crc16Modbus(Uint8Array.of(1, 3, 0, 0, 0, 10), 0, 6) → 0xCDC5 (sent as C5 CD).
 */
export function crc16Modbus(buf: Uint8Array, start: number, length: number): number {
  let crc = 0xffff;
  const end = start + length;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ buf[i]!) & 0xff]!;
  return crc;
}

/**
 * True when the `length`-byte frame at `start` (CRC included, so length ≥ 3) ends with the CRC of
 * the bytes before it.
 *
 * Example: crcChecks(Uint8Array.of(1, 3, 0, 0, 0, 10, 0xc5, 0xcd), 0, 8) → true.
 */
export function crcChecks(buf: Uint8Array, start: number, length: number): boolean {
  const crc = crc16Modbus(buf, start, length - 2);
  const at = start + length - 2;
  return buf[at] === (crc & 0xff) && buf[at + 1] === crc >>> 8;
}

/** Appends the CRC of the first `length` bytes of `buf` at `length` (low byte first); returns the frame length, length + 2. */
export function signFrame(buf: Uint8Array, length: number): number {
  const crc = crc16Modbus(buf, 0, length);
  buf[length] = crc & 0xff;
  buf[length + 1] = crc >>> 8;
  return length + 2;
}
