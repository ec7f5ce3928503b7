import { RTU_BY_SILENCE } from "./rtu-frame.js";

/** How a frame was cut: by its length (the normal case) or by a silence on the line (unknown function code, or a frame cut short). */
export type FrameCut = "length" | "silence";

export interface RtuFramer {
  /** Adds bytes as they came off the serial port; whole frames go to the framer's `onFrame` at once. */
  push(chunk: Uint8Array): void;
  /** Bytes held that are not yet a frame. */
  readonly pending: number;
  /** Forgets held bytes and stops the silence timer. */
  reset(): void;
}

export interface RtuFramerTiming {
  /** Silence after which bytes of unknown length count as one frame, ms (t3.5 or a few ms on a pty). */
  silenceMs: number;
  /**
   * Silence after which a frame whose length is known but which is not complete is passed on as it
   * is, ms. Longer than silenceMs because USB serial adapters deliver bytes in bursts up to their
   * latency timer apart (16 ms by default on FTDI), which must not split a frame.
   */
  partialMs: number;
}

/**
 * Cuts one direction of an RTU byte stream into frames: by the length `lengthOf` reads from a
 * frame's first bytes, else by silence. Frames are passed on whatever their CRC: the proxy injects
 * faults, it does not repair or filter the line.
 *
 * Example: push(01 03 9C 40 00 02 EB 8F) with fromRtuRequestLength → onFrame(those 8 bytes, "length").
 */
export function createRtuFramer(lengthOf: (buf: Uint8Array) => number, onFrame: (frame: Buffer, cut: FrameCut) => void, timing: RtuFramerTiming): RtuFramer {
  let buf: Buffer = Buffer.alloc(0);
  let timer: NodeJS.Timeout | undefined;

  const flush = () => {
    timer = undefined;
    if (buf.length === 0) return;
    const frame = buf;
    buf = Buffer.alloc(0);
    onFrame(frame, "silence");
  };
  return {
    push(chunk) {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      buf = buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([buf, chunk]);
      for (;;) {
        const n = lengthOf(buf);
        if (n > 0 && buf.length >= n) {
          const frame = buf.subarray(0, n);
          buf = buf.subarray(n);
          onFrame(frame, "length");
          continue;
        }
        if (buf.length > 0) timer = setTimeout(flush, n === RTU_BY_SILENCE ? timing.silenceMs : timing.partialMs);
        return;
      }
    },
    get pending() {
      return buf.length;
    },
    reset() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      buf = Buffer.alloc(0);
    },
  };
}
