import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { tableFromIPC } from "apache-arrow";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createArrowSink } from "../../../engine/sinks/arrow-sink.js";
import { runRowFromRecord } from "../../../engine/sinks/runs-table.js";
import { mixedChunk, mixedTable, runRow, siteChunk, siteTable, tempDir } from "./sample-tables.js";

const temp = tempDir();
test.after(() => temp.remove());

let dirCount = 0;
function newDir(): string {
  return join(temp.dir, `arrow-${++dirCount}`);
}

/** Every file under `dir`, as paths relative to it, sorted. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name)))
    .sort();
}

function readArrow(path: string) {
  return tableFromIPC(readFileSync(path));
}

test("endRun() leaves one IPC file per table that tableFromIPC reads back equal to what was written", async () => {
  const dir = newDir();
  const sink = createArrowSink(dir);
  await sink.open([mixedTable, siteTable]);
  await sink.beginRun("r1");
  await sink.write(mixedChunk("r1", 0, 3000));
  await sink.write(mixedChunk("r1", 3000, 5, 7)); // columns longer than the chunk: only 5 rows count
  await sink.write(mixedChunk("r1", 3005, 0));
  await sink.endRun(runRow("r1"));
  await sink.close();

  assert.equal(filesUnder(dir), ["mixed_series/run_id=r1/part-0.arrow", "runs/run_id=r1/part-0.arrow"]);
  const bytes = readFileSync(join(dir, "mixed_series/run_id=r1/part-0.arrow"));
  assert.is(bytes.subarray(0, 6).toString(), "ARROW1", "file format, not stream format");
  const table = tableFromIPC(bytes);
  assert.is(table.numRows, 3005);
  assert.is(table.batches.length, 2, "one record batch per non-empty write");
  assert.equal(
    table.schema.fields.map((f) => `${f.name} ${f.type}`),
    ["t_s Float64", "power_w Float32", "k Int32", "label Utf8"],
    "no run_id column: the run_id=r1 folder is the hive partition key (a column of the same name would clash with it in pyarrow)",
  );
  assert.is(table.schema.fields[1].metadata.get("unit"), "W");
  assert.is(table.schema.fields[1].metadata.get("description"), "Rack power");
  assert.is(table.schema.metadata.get("description"), mixedTable.description);

  const expected = mixedChunk("r1", 0, 3005);
  assert.equal(table.getChild("t_s")!.toArray(), expected.columns[0]);
  assert.equal(table.getChild("power_w")!.toArray(), expected.columns[1]);
  assert.equal(table.getChild("k")!.toArray(), expected.columns[2]);
  assert.equal([...table.getChild("label")!], expected.columns[3]);

  const runs = readArrow(join(dir, "runs/run_id=r1/part-0.arrow"));
  // run_id comes from the folder, as a hive-partitioned reader adds it.
  assert.equal(runs.toArray().map((row) => runRowFromRecord({ run_id: "r1", ...row.toJSON() })), [runRow("r1")]);
});

test("write() keeps the run's files out of the dataset until endRun(), and abortRun() deletes them", async () => {
  const dir = newDir();
  const sink = createArrowSink(dir);
  await sink.open([siteTable]);
  await sink.beginRun("r1");
  await sink.write(siteChunk("r1", 0, 1000, 0));
  assert.equal(filesUnder(dir), ["_partial/run_id=r1/site_series.arrow.partial"]);
  assert.equal(await sink.completedRuns(), new Set());
  await sink.endRun(runRow("r1"));
  assert.equal(filesUnder(dir), ["runs/run_id=r1/part-0.arrow", "site_series/run_id=r1/part-0.arrow"]);

  await sink.beginRun("r2");
  await sink.write(siteChunk("r2", 0, 10, 0));
  await sink.abortRun("r2");
  assert.equal(filesUnder(dir), ["runs/run_id=r1/part-0.arrow", "site_series/run_id=r1/part-0.arrow"]);
  assert.equal(await sink.completedRuns(), new Set(["r1"]));
  await sink.close();
});

test("beginRun() removes stale partials and the earlier completed copy of its run id", async () => {
  const dir = newDir();
  const first = createArrowSink(dir);
  await first.open([siteTable, mixedTable]);
  await first.beginRun("r");
  await first.write(siteChunk("r", 0, 10, 0));
  await first.write(mixedChunk("r", 0, 3));
  await first.endRun(runRow("r"));
  await first.beginRun("other");
  await first.write(siteChunk("other", 0, 4, 0));
  await first.endRun(runRow("other"));
  // A process that died mid-run leaves a partial behind.
  await first.beginRun("r");
  await first.write(siteChunk("r", 0, 5, -1));

  const second = createArrowSink(dir);
  await second.open([siteTable, mixedTable]);
  await second.beginRun("r");
  assert.equal(filesUnder(dir), ["runs/run_id=other/part-0.arrow", "site_series/run_id=other/part-0.arrow"]);
  await second.write(siteChunk("r", 0, 3, 100));
  await second.endRun(runRow("r", "failed"));
  assert.equal(filesUnder(dir), [
    "runs/run_id=other/part-0.arrow",
    "runs/run_id=r/part-0.arrow",
    "site_series/run_id=other/part-0.arrow",
    "site_series/run_id=r/part-0.arrow",
  ]);
  assert.equal([...readArrow(join(dir, "site_series/run_id=r/part-0.arrow")).getChild("pcc_power_w")!], [100, 101, 102]);
  assert.is(readArrow(join(dir, "runs/run_id=r/part-0.arrow")).get(0)!.status, "failed");
  await second.close();
});

test("completedRuns() decodes run ids that are not folder-safe (slashes, '=', spaces), and the folder holds the run's rows", async () => {
  const dir = newDir();
  const sink = createArrowSink(dir);
  await sink.open([siteTable]);
  const id = "sweep/battery=2 MWh";
  await sink.beginRun(id);
  await sink.write(siteChunk(id, 0, 2, 0));
  await sink.endRun(runRow(id));
  await sink.close();
  assert.equal(await createArrowSink(dir).completedRuns(), new Set([id]));
  assert.equal(filesUnder(join(dir, "site_series")), ["run_id=sweep%2Fbattery%3D2%20MWh/part-0.arrow"]);
  const table = readArrow(join(dir, "site_series/run_id=sweep%2Fbattery%3D2%20MWh/part-0.arrow"));
  assert.is(table.numRows, 2);
  assert.is(table.getChild("run_id"), null, "the run id is the folder's, decoded by hive readers (pyarrow: segment_encoding='uri')");
});

test("open() refuses table names that cannot be folder names; write() refuses mismatched chunks", async () => {
  const dir = newDir();
  const sink = createArrowSink(dir);
  try {
    await sink.open([{ ...siteTable, name: "../escape" }]);
    assert.unreachable("open() accepted a table name with a path separator");
  } catch (error) {
    assert.match((error as Error).message, "must match");
  }
  await sink.open([siteTable]);
  await sink.beginRun("x");
  try {
    await sink.write({ ...siteChunk("x", 0, 3, 0), length: 4 });
    assert.unreachable("write() accepted a chunk longer than its columns");
  } catch (error) {
    assert.match((error as Error).message, "t_s: 3 values, chunk length 4");
  }
  await sink.abortRun("x");
  await sink.close();
});

test.run();
