/**
 * A sink that forwards every call to several sinks in order, awaiting each before the next, so
 * one run can go to DuckDB and Arrow at once.
 *
 * Contract: the first sink that throws stops `open`, `beginRun`, `write` and `endRun` (the caller
 * then aborts the run); `abortRun` and `close` reach every sink even when one throws, then
 * rethrow the first error. `completedRuns` is the intersection: a run counts as done only when
 * every sink holds it, so `--resume` redoes a run that one sink lost. With no sinks, every call
 * does nothing and `completedRuns` is empty.
 *
 * Example: fanOut([createDuckDbSink("a.duckdb"), createArrowSink("arrow")]).
 */

import type { Chunk, RunRow, Sink, TableSpec } from "./sink.js";

async function forAll(sinks: readonly Sink[], call: (sink: Sink) => Promise<void>): Promise<void> {
  let failed = false;
  let first: unknown;
  for (const sink of sinks) {
    try {
      await call(sink);
    } catch (error) {
      if (!failed) first = error;
      failed = true;
    }
  }
  if (failed) throw first;
}

/**
 * Creates a sink forwarding to `sinks` in array order.
 *
 * Example: await fanOut([a, b]).write(chunk) calls a.write(chunk), then b.write(chunk).
 */
export function fanOut(sinks: readonly Sink[]): Sink {
  const list = [...sinks];
  return {
    async open(tables: readonly TableSpec[]): Promise<void> {
      for (const sink of list) await sink.open(tables);
    },
    async beginRun(runId: string): Promise<void> {
      for (const sink of list) await sink.beginRun(runId);
    },
    async write(chunk: Chunk): Promise<void> {
      for (const sink of list) await sink.write(chunk);
    },
    async endRun(run: RunRow): Promise<void> {
      for (const sink of list) await sink.endRun(run);
    },
    async abortRun(runId: string): Promise<void> {
      await forAll(list, (sink) => sink.abortRun(runId));
    },
    async completedRuns(): Promise<Set<string>> {
      if (list.length === 0) return new Set();
      let done: Set<string> | undefined;
      for (const sink of list) {
        const ids = await sink.completedRuns();
        done = done === undefined ? ids : new Set([...done].filter((id) => ids.has(id)));
      }
      return done!;
    },
    async close(): Promise<void> {
      await forAll(list, (sink) => sink.close());
    },
  };
}
