import { test } from "uvu";
import * as assert from "uvu/assert";
import { fanOut } from "../../../engine/sinks/fan-out.js";
import { createMemorySink } from "../../../engine/sinks/memory-sink.js";
import type { Chunk, RunRow, Sink, TableSpec } from "../../../engine/sinks/sink.js";
import { runRow, siteChunk, siteTable } from "./sample-tables.js";

/** A sink that records each call as "name:method" in `log`, optionally failing one method. */
function recordingSink(name: string, log: string[], failOn?: keyof Sink, done: string[] = []): Sink {
  const call = async (method: keyof Sink): Promise<void> => {
    // Yield first, so a fan-out that did not await would interleave the log.
    await new Promise((resolve) => setTimeout(resolve, name === "a" ? 5 : 0));
    log.push(`${name}:${method}`);
    if (method === failOn) throw new Error(`${name} failed in ${method}`);
  };
  return {
    open: (_tables: readonly TableSpec[]) => call("open"),
    beginRun: (_runId: string) => call("beginRun"),
    write: (_chunk: Chunk) => call("write"),
    endRun: (_run: RunRow) => call("endRun"),
    abortRun: (_runId: string) => call("abortRun"),
    completedRuns: async () => {
      await call("completedRuns");
      return new Set(done);
    },
    close: () => call("close"),
  };
}

test("fanOut(sinks) forwards every call to each sink in order, awaiting each", async () => {
  const log: string[] = [];
  const sink = fanOut([recordingSink("a", log), recordingSink("b", log)]);
  await sink.open([siteTable]);
  await sink.beginRun("r");
  await sink.write(siteChunk("r", 0, 1, 0));
  await sink.endRun(runRow("r"));
  await sink.close();
  assert.equal(log, [
    "a:open", "b:open", "a:beginRun", "b:beginRun", "a:write", "b:write", "a:endRun", "b:endRun", "a:close", "b:close",
  ]);
});

test("fanOut(sinks) stops a write at the first failure but aborts and closes every sink", async () => {
  const log: string[] = [];
  const sink = fanOut([recordingSink("a", log, "write"), recordingSink("b", log, "abortRun")]);
  try {
    await sink.write(siteChunk("r", 0, 1, 0));
    assert.unreachable("the failure of a was swallowed");
  } catch (error) {
    assert.is((error as Error).message, "a failed in write");
  }
  try {
    await sink.abortRun("r");
    assert.unreachable("the failure of b was swallowed");
  } catch (error) {
    assert.is((error as Error).message, "b failed in abortRun");
  }
  assert.equal(log, ["a:write", "a:abortRun", "b:abortRun"]);
});

test("fanOut(sinks).completedRuns() holds only runs every sink completed; fanOut([]) holds none", async () => {
  const log: string[] = [];
  const sink = fanOut([recordingSink("a", log, undefined, ["x", "y"]), recordingSink("b", log, undefined, ["y", "z"])]);
  assert.equal(await sink.completedRuns(), new Set(["y"]));
  assert.equal(await fanOut([]).completedRuns(), new Set());
});

test("fanOut([memory, memory]) gives both sinks the same committed rows", async () => {
  const a = createMemorySink();
  const b = createMemorySink();
  const sink = fanOut([a, b]);
  await sink.open([siteTable]);
  await sink.beginRun("r");
  await sink.write(siteChunk("r", 0, 3, 10));
  await sink.endRun(runRow("r"));
  assert.equal(a.table("site_series", "r"), b.table("site_series", "r"));
  assert.equal(a.table("site_series", "r").columns.pcc_power_w, [10, 11, 12]);
});

test.run();
