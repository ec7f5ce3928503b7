/**
 * Replies on their way to one client, in order, each released at its own time. Order matters:
 * RTU has one request in flight and many TCP clients match replies by arrival, so a reply must not
 * overtake an earlier one when the delay shrinks mid-run; a later reply therefore waits at least
 * until the one before it left. libuv timers may fire up to ~1 ms early (hil-notes §4), so a
 * timer that fires early is re-armed: a reply held `delayMs` never leaves sooner than that.
 */
export interface ReplyQueue {
  /** Sends `frame` `delayMs` from now (at once when 0 and nothing is waiting). */
  send(frame: Uint8Array, delayMs: number): void;
  /** Replies still waiting. */
  readonly waiting: number;
  /** Forgets every waiting reply (the connection closed, or the link went down). */
  clear(): void;
}

/** Creates a queue that hands each released frame to `write`; `nowMs` is a monotonic clock. */
export function createReplyQueue(write: (frame: Uint8Array) => void, nowMs: () => number = () => performance.now()): ReplyQueue {
  const frames: Uint8Array[] = [];
  const releaseAtMs: number[] = [];
  let timer: NodeJS.Timeout | undefined;

  const arm = () => {
    if (timer !== undefined || frames.length === 0) return;
    timer = setTimeout(fire, Math.max(0, Math.ceil(releaseAtMs[0]! - nowMs())));
  };
  const fire = () => {
    timer = undefined;
    const now = nowMs();
    while (frames.length > 0 && releaseAtMs[0]! <= now) {
      releaseAtMs.shift();
      write(frames.shift()!);
    }
    arm();
  };
  return {
    send(frame, delayMs) {
      if (delayMs <= 0 && frames.length === 0) {
        write(frame);
        return;
      }
      const last = releaseAtMs.length > 0 ? releaseAtMs[releaseAtMs.length - 1]! : -Infinity;
      frames.push(frame);
      releaseAtMs.push(Math.max(nowMs() + delayMs, last));
      arm();
    },
    get waiting() {
      return frames.length;
    },
    clear() {
      frames.length = 0;
      releaseAtMs.length = 0;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
