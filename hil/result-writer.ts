import type { Chunk, Sink } from "../engine/sinks/sink.js";

/**
 * Writes a real-time loop's result chunks behind the loop: `submit` queues them and returns at
 * once, so a cycle never waits for the sink (with the DuckDB sink on its own thread, the loop
 * thread only posts messages). Chunks are written in the order submitted; `written` runs once a
 * submission is in the sink, when its buffers may be reused. The first failure is kept: `failed`
 * holds it and `settle` throws it.
 *
 * Example: writer.submit(chunks, () => sim.release(chunks)); … await writer.settle();
 */
export interface ResultWriter {
  submit(chunks: readonly Chunk[], written?: () => void): void;
  /** Submissions not yet in the sink. */
  readonly backlog: number;
  /** The first write error, if any. */
  readonly failed: Error | undefined;
  /** Resolves when the backlog is at most `max` (at once, without a new promise, if it is). */
  room(max: number): Promise<void> | undefined;
  /**
   * room() for a callback: false when the backlog is at most `max` now (`then` is not called),
   * else true, and `then` runs once it is (or once a write has failed).
   */
  whenRoom(max: number, then: () => void): boolean;
  /** Waits for every submission; throws the first write error. */
  settle(): Promise<void>;
}

export function createResultWriter(sink: Sink): ResultWriter {
  let chain: Promise<void> = Promise.resolve();
  let backlog = 0;
  let failed: Error | undefined;
  const roomWaiters: { max: number; resolve: () => void }[] = [];
  const wake = () => {
    for (let i = roomWaiters.length - 1; i >= 0; i--) {
      if (backlog > roomWaiters[i]!.max && failed === undefined) continue;
      roomWaiters[i]!.resolve();
      roomWaiters.splice(i, 1);
    }
  };
  return {
    submit(chunks, written) {
      if (chunks.length === 0) return;
      backlog++;
      chain = chain.then(async () => {
        try {
          if (failed === undefined) for (const c of chunks) await sink.write(c);
          if (failed === undefined) written?.();
        } catch (error) {
          failed ??= error as Error;
        } finally {
          backlog--;
          wake();
        }
      });
    },
    get backlog() {
      return backlog;
    },
    get failed() {
      return failed;
    },
    room(max) {
      if (backlog <= max || failed !== undefined) return undefined;
      return new Promise<void>((resolve) => roomWaiters.push({ max, resolve }));
    },
    whenRoom(max, then) {
      if (backlog <= max || failed !== undefined) return false;
      roomWaiters.push({ max, resolve: then });
      return true;
    },
    async settle() {
      await chain;
      if (failed !== undefined) throw failed;
    },
  };
}
