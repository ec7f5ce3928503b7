import { crcChecks } from "./rtu-crc.js";

/**
 * Splits the bytes a Modbus RTU server receives into request frames, without I/O: the caller feeds
 * bytes with the time they arrived and calls idle() when the silence it was told to wait for has
 * passed. Modbus over Serial Line v1.02 §2.5.1.1 delimits frames by 3.5 character times of silence
 * (t3.5), but the times we see are event-loop times, not wire times: a USB adapter delivers one frame
 * in packets up to its latency timer apart (16 ms by default on FTDI), a pseudo terminal delivers two
 * frames written back to back in one read, and a GC pause stretches any gap. So:
 *
 * - a request whose length follows from its first bytes (see requestLengthAt) ends at that length
 *   when its CRC checks, silence or not: merged frames are split, and a reply leaves without waiting
 *   for t3.5;
 * - bytes that arrive after a silence start a new candidate frame, which is how the framer
 *   resynchronises after garbage; the bytes before the silence are dropped, except that a partial
 *   frame of known length is kept for up to joinWindowMs and joined with what follows when the joined
 *   frame's CRC checks (the split USB frame). A wrong join costs the kept prefix, never the new frame;
 * - a frame of a function code with no known length ends at a silence, and only its CRC decides;
 * - a buffer whose CRC does not check is dropped at the next silence, except a whole request at its
 *   end: a USB adapter hands over another device's reply (or noise) and the master's next request
 *   in one packet, where a real line would have had a silence between them;
 * - a buffer that checks but is not a request (a reply from another device on a multi-drop line, an
 *   exception reply, an echo) is dropped and counted as foreign;
 * - more than 256 bytes without a frame is an overrun: everything is dropped until the next silence.
 *
 * The inter-character limit t1.5 (§2.5.1.1) is not enforced: with the delivery above it would reject
 * good frames, and the CRC already rejects broken ones. All state is preallocated; a frame is passed
 * to onFrame in the framer's own buffer, valid only during the call.
 */
export interface RtuFramer {
  /** Adds bytes received at `nowMs` (monotonic ms); calls onFrame for every request frame they complete. */
  feed(bytes: Uint8Array, nowMs: number): void;
  /**
   * Ends the pending frame if the line has been silent long enough by `nowMs`. Returns the ms after
   * which to call again (bytes still pending), or -1 when nothing is pending.
   */
  idle(nowMs: number): number;
  /** Bytes held that are not a frame yet. */
  readonly pending: number;
  readonly stats: RtuFramerStats;
  /** Forgets held bytes (after the port was reopened). Stats are kept. */
  reset(): void;
}

export interface RtuFramerStats {
  /** Request frames passed to onFrame. */
  frames: number;
  /** Candidate frames dropped because their CRC did not check. */
  crcErrors: number;
  /** Frames whose CRC checked but which are not requests (replies of other devices, echoes). */
  foreignFrames: number;
  /** Times more than 256 bytes arrived without a frame. */
  overruns: number;
  /** Bytes dropped for any of the reasons above, or as runts (fewer than 4 bytes). */
  droppedBytes: number;
}

export interface RtuFramerOptions {
  /** Silence that ends a frame, ms: t3.5 of the line (silenceMsFor). */
  silenceMs: number;
  /** How long a partial frame of known length waits for the rest after a silence, ms (default 100). */
  joinWindowMs?: number;
  /** Called with each request frame: unit id at frame[0], PDU, then the CRC (checked); `length` bytes in all. */
  onFrame: (frame: Uint8Array, length: number) => void;
}

/** Largest RTU frame: unit id, a 253-byte PDU and the CRC (Modbus over Serial Line v1.02 §2.5.1). */
export const MAX_RTU_FRAME_BYTES = 256;
/** requestLengthAt: the header is not complete yet. */
export const LENGTH_NEED_MORE = 0;
/** requestLengthAt: the function code gives no length; the frame ends at a silence. */
export const LENGTH_BY_SILENCE = -1;

/** Line settings that decide the character time. */
export interface RtuLine {
  /** Bd. */
  baudRate: number;
  dataBits: number;
  parity: "none" | "even" | "odd";
  stopBits: number;
}

/**
 * t3.5 of a line in ms: 3.5 characters of 1 start bit + data bits + parity bit + stop bits, fixed at
 * 1.75 ms above 19,200 Bd (Modbus over Serial Line v1.02 §2.5.1.1, which fixes it because the
 * per-character timing is too tight for the receiver's interrupt handling at higher rates).
 *
 * Example: silenceMsFor({ baudRate: 9600, dataBits: 8, parity: "even", stopBits: 1 }) → 4.0104… (11 bits);
 * at 115200 Bd → 1.75.
 */
export function silenceMsFor(line: RtuLine): number {
  if (line.baudRate > 19200) return 1.75;
  const bitsPerChar = 1 + line.dataBits + (line.parity === "none" ? 0 : 1) + line.stopBits;
  return (3.5 * bitsPerChar * 1000) / line.baudRate;
}

/**
 * Total length (unit id and CRC included) of the request frame that starts at `start` in
 * `buf[0..end)`, from the function code and, for variable lengths, the byte count (MODBUS
 * Application Protocol V1.1b3 §6): FC1-6 8; FC7, 11, 12, 17 4; FC8 8 except sub-function 0 (echoes
 * any data); FC15/16 9 + byte count; FC20/21 5 + byte count; FC22 10; FC23 13 + byte count; FC24 6;
 * FC43 MEI 14 7. LENGTH_NEED_MORE when the bytes that decide are not there yet; LENGTH_BY_SILENCE
 * for anything else (other function codes, FC43 MEI 13, replies).
 *
 * Example: requestLengthAt(Uint8Array.of(1, 16, 0, 0, 0, 2, 4), 0, 7) → 13.
 */
export function requestLengthAt(buf: Uint8Array, start: number, end: number): number {
  const have = end - start;
  if (have < 2) return LENGTH_NEED_MORE;
  switch (buf[start + 1]) {
    case 1: case 2: case 3: case 4: case 5: case 6:
      return 8;
    case 7: case 11: case 12: case 17:
      return 4;
    case 8:
      if (have < 4) return LENGTH_NEED_MORE;
      return buf[start + 2] === 0 && buf[start + 3] === 0 ? LENGTH_BY_SILENCE : 8;
    case 15: case 16:
      return have < 7 ? LENGTH_NEED_MORE : 9 + buf[start + 6]!;
    case 20: case 21:
      return have < 3 ? LENGTH_NEED_MORE : 5 + buf[start + 2]!;
    case 22:
      return 10;
    case 23:
      return have < 11 ? LENGTH_NEED_MORE : 13 + buf[start + 10]!;
    case 24:
      return 6;
    case 43:
      if (have < 3) return LENGTH_NEED_MORE;
      return buf[start + 2] === 14 ? 7 : LENGTH_BY_SILENCE;
    default:
      return LENGTH_BY_SILENCE;
  }
}

/** Candidate starts kept after silences inside one buffer; more means a line of noise. */
const MAX_STARTS = 8;

/**
 * Creates a framer for one serial line.
 *
 * Example: feeding 01 03 00 0A 00 03 25 C9 in one or several pieces calls onFrame(frame, 8) once,
 * as soon as the eighth byte arrives.
 */
export function createRtuFramer(options: RtuFramerOptions): RtuFramer {
  const { silenceMs, onFrame } = options;
  const joinWindowMs = options.joinWindowMs ?? 100;
  const buf = new Uint8Array(MAX_RTU_FRAME_BYTES);
  let len = 0;
  // Offsets (> 0, < len, ascending) where bytes arrived after a silence: later candidate frame starts.
  const starts = new Int16Array(MAX_STARTS);
  let nStarts = 0;
  let lastMs = -Infinity;
  // After an overrun: drop everything until a silence.
  let discarding = false;
  const stats: RtuFramerStats = { frames: 0, crcErrors: 0, foreignFrames: 0, overruns: 0, droppedBytes: 0 };

  const dropFront = (n: number) => {
    if (n >= len) {
      len = 0;
      nStarts = 0;
      return;
    }
    buf.copyWithin(0, n, len);
    len -= n;
    let k = 0;
    for (let i = 0; i < nStarts; i++) {
      const s = starts[i]! - n;
      if (s > 0) starts[k++] = s;
    }
    nStarts = k;
  };

  const emit = (length: number) => {
    stats.frames++;
    onFrame(buf, length);
    dropFront(length);
  };

  // Emits every complete request frame at the buffer start or at a later candidate start.
  const scan = () => {
    while (len > 0) {
      const expected = requestLengthAt(buf, 0, len);
      const complete = expected > 0 && expected <= len;
      if (complete && crcChecks(buf, 0, expected)) {
        emit(expected);
        continue;
      }
      if ((complete || expected > MAX_RTU_FRAME_BYTES) && nStarts > 0) {
        // The frame at the start failed: the bytes after the next silence are the next candidate.
        if (complete) stats.crcErrors++;
        stats.droppedBytes += starts[0]!;
        dropFront(starts[0]!);
        continue;
      }
      // A later start may already hold a whole frame while the first is still partial.
      let found = false;
      for (let i = 0; i < nStarts && !found; i++) {
        const c = starts[i]!;
        const e = requestLengthAt(buf, c, len);
        if (e > 0 && c + e <= len && crcChecks(buf, c, e)) {
          stats.droppedBytes += c;
          dropFront(c);
          found = true;
        }
      }
      if (!found) return;
    }
  };

  // The line has been silent for `gapMs` after the held bytes; `beforeBytes` when new bytes follow.
  const silence = (gapMs: number, beforeBytes: boolean) => {
    if (discarding) {
      discarding = false;
      return;
    }
    if (len === 0) return;
    // A frame closed by the silence: the rest of the buffer from the start or from a later start.
    for (let i = -1; i < nStarts; i++) {
      const c = i < 0 ? 0 : starts[i]!;
      const rest = len - c;
      if (rest < 4 || !crcChecks(buf, c, rest)) continue;
      stats.droppedBytes += c;
      dropFront(c);
      // Known-length requests were emitted at their length, so a checked buffer of another length is not a request.
      if (requestLengthAt(buf, 0, len) === LENGTH_BY_SILENCE && (buf[1]! & 0x80) === 0) emit(len);
      else {
        stats.foreignFrames++;
        stats.droppedBytes += len;
        len = 0;
        nStarts = 0;
      }
      return;
    }
    // A whole request at the end of bytes that do not check: what a USB adapter makes of another
    // device's reply (or noise) and the master's next request when it delivers them in one packet.
    for (let c = 1; c <= len - 4; c++) {
      if (requestLengthAt(buf, c, len) !== len - c || !crcChecks(buf, c, len - c)) continue;
      stats.crcErrors++;
      stats.droppedBytes += c;
      dropFront(c);
      emit(len);
      return;
    }
    // A partial frame of known length waits for the rest (a USB adapter's next packet).
    if (gapMs < joinWindowMs) {
      for (let i = -1; i < nStarts; i++) {
        const c = i < 0 ? 0 : starts[i]!;
        const e = requestLengthAt(buf, c, len);
        if (e === LENGTH_NEED_MORE || (e > len - c && e <= MAX_RTU_FRAME_BYTES)) {
          if (beforeBytes) {
            if (nStarts === MAX_STARTS) {
              stats.droppedBytes += starts[0]!;
              dropFront(starts[0]!);
            }
            starts[nStarts++] = len;
          }
          return;
        }
      }
    }
    if (len >= 4) stats.crcErrors++;
    stats.droppedBytes += len;
    len = 0;
    nStarts = 0;
  };

  return {
    feed(bytes, nowMs) {
      if (len > 0 || discarding) {
        const gapMs = nowMs - lastMs;
        if (gapMs >= silenceMs) silence(gapMs, true);
      }
      lastMs = nowMs;
      const n = bytes.length;
      let i = 0;
      while (i < n) {
        if (discarding) {
          stats.droppedBytes += n - i;
          return;
        }
        const end = Math.min(n, i + MAX_RTU_FRAME_BYTES - len);
        while (i < end) buf[len++] = bytes[i++]!;
        scan();
        if (len === MAX_RTU_FRAME_BYTES) {
          if (nStarts > 0) {
            stats.droppedBytes += starts[0]!;
            dropFront(starts[0]!);
            scan();
          } else {
            stats.overruns++;
            stats.droppedBytes += len;
            len = 0;
            discarding = true;
          }
        }
      }
    },
    idle(nowMs) {
      if (len === 0) return -1;
      const gapMs = nowMs - lastMs;
      if (gapMs < silenceMs) return silenceMs - gapMs;
      silence(gapMs, false);
      if (len === 0) return -1;
      return Math.max(0, joinWindowMs - gapMs);
    },
    get pending() {
      return len;
    },
    stats,
    reset() {
      len = 0;
      nStarts = 0;
      discarding = false;
      lastMs = -Infinity;
    },
  };
}
