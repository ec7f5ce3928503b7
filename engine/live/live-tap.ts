import type { Chunk, Sink } from "../sinks/sink.js";
import type { LiveFeed } from "./live-feed.js";

/**
 * A sink that shows every chunk to the live feed, then passes it on to `inner` unchanged: the
 * live view's only hook into a run. The feed reads the chunk before the inner sink does (the
 * engine may reuse a chunk's buffers once its write has finished).
 */
export function liveTap(inner: Sink, feed: LiveFeed): Sink {
  return {
    open: (tables) => inner.open(tables),
    beginRun: (runId) => inner.beginRun(runId),
    write(chunk: Chunk): Promise<void> {
      feed.consume(chunk);
      return inner.write(chunk);
    },
    async endRun(run) {
      feed.flush();
      await inner.endRun(run);
    },
    abortRun: (runId) => inner.abortRun(runId),
    completedRuns: () => inner.completedRuns(),
    close: () => inner.close(),
  };
}
