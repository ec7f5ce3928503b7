import { test } from "uvu";
import * as assert from "uvu/assert";
import { createMemorySink } from "../../../engine/sinks/memory-sink.js";
import { mixedChunk, mixedTable, runRow, siteChunk, siteTable } from "./sample-tables.js";

test("table() concatenates a committed run's chunks into plain arrays, copied at write()", async () => {
  const sink = createMemorySink();
  await sink.open([mixedTable, siteTable]);
  await sink.beginRun("r");
  const first = mixedChunk("r", 0, 2, 1);
  await sink.write(first);
  (first.columns[0] as Float64Array).fill(-1); // the engine reuses its buffer after write()
  await sink.write(mixedChunk("r", 2, 1));
  await sink.endRun(runRow("r"));
  assert.equal(sink.table("mixed_series", "r"), {
    columns: {
      t_s: [0, 0.04, 0.08],
      power_w: [0.5, 1.5, 2.5],
      k: [0, 1, 2],
      label: ["compute", "communication phase number 1", "compute"],
    },
    length: 3,
  });
  assert.equal(sink.table("site_series", "r"), { columns: { t_s: [], pcc_power_w: [] }, length: 0 });
  assert.throws(() => sink.table("nope", "r"), /not opened/);
});

test("endRun() makes a run visible, abortRun() keeps nothing, and a rerun replaces the earlier rows", async () => {
  const sink = createMemorySink();
  await sink.open([siteTable]);
  await sink.beginRun("a");
  await sink.write(siteChunk("a", 0, 3, 0));
  assert.is(sink.table("site_series", "a").length, 0, "nothing visible before endRun");
  await sink.endRun(runRow("a", "failed"));
  await sink.beginRun("b");
  await sink.write(siteChunk("b", 0, 3, 0));
  await sink.abortRun("b");
  await sink.beginRun("a");
  await sink.write(siteChunk("a", 0, 1, 50));
  await sink.endRun(runRow("a"));
  assert.equal(sink.table("site_series", "a").columns.pcc_power_w, [50]);
  assert.is(sink.table("site_series", "b").length, 0);
  assert.equal(sink.runs(), [runRow("a")]);
  assert.equal(await sink.completedRuns(), new Set(["a"]));
  await sink.close();
});

test("write() refuses chunks outside a run or not matching the spec", async () => {
  const sink = createMemorySink();
  await sink.open([siteTable]);
  try {
    await sink.write(siteChunk("x", 0, 1, 0));
    assert.unreachable("write() outside a run was accepted");
  } catch (error) {
    assert.match((error as Error).message, "outside beginRun");
  }
  await sink.beginRun("x");
  try {
    await sink.write({ ...siteChunk("x", 0, 1, 0), columns: [new Float64Array(1)] });
    assert.unreachable("a chunk with a missing column was accepted");
  } catch (error) {
    assert.match((error as Error).message, "chunk has 1 columns, spec has 2");
  }
});

test.run();
