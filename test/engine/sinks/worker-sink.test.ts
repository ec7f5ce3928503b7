import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { UserError } from "../../../models/lib/errors.js";
import { createDuckDbSink } from "../../../engine/sinks/duckdb-sink.js";
import type { Sink } from "../../../engine/sinks/sink.js";
import { StorageError } from "../../../engine/sinks/storage-error.js";
import { createWorkerDuckDbSink } from "../../../engine/sinks/worker-sink.js";
import { resultsHash } from "../../helpers.js";
import { mixedChunk, mixedTable, runRow, siteChunk, siteTable, tempDir } from "./sample-tables.js";

const temp = tempDir();
test.after(() => temp.remove());

/**
 * Two committed runs and one aborted, through `sink`; with `queued`, a run's writes are posted
 * without waiting for each other (the sink thread must keep them in order).
 */
async function fill(sink: Sink, queued: boolean): Promise<void> {
  await sink.open([siteTable, mixedTable]);
  for (const id of ["a", "b", "c"]) {
    await sink.beginRun(id);
    const chunks = [siteChunk(id, 0, 40_000, 1), siteChunk(id, 40_000, 5, 2), mixedChunk(id, 0, 300)];
    if (queued) await Promise.all(chunks.map((c) => sink.write(c)));
    else for (const c of chunks) await sink.write(c);
    if (id === "c") await sink.abortRun(id);
    else await sink.endRun(runRow(id));
  }
  assert.equal([...(await sink.completedRuns())].sort(), ["a", "b"]);
  await sink.close();
}

test("the DuckDB sink on its own thread writes the same file as in this thread (runs committed, an aborted run absent)", async () => {
  const here = join(temp.dir, "here.duckdb");
  const there = join(temp.dir, "there.duckdb");
  await fill(createDuckDbSink(here), false);
  await fill(createWorkerDuckDbSink(there), true);
  const expected = await resultsHash(here);
  assert.ok(Object.keys(expected).length >= 3, JSON.stringify(expected));
  assert.equal(await resultsHash(there), expected);
});

test("a storage failure in the sink thread (a path under a regular file) is a StorageError here, and the thread ends", async () => {
  const file = join(temp.dir, "plain-file");
  writeFileSync(file, "not a folder");
  const sink = createWorkerDuckDbSink(join(file, "results.duckdb"));
  try {
    await sink.open([siteTable]);
    assert.unreachable("open should have failed");
  } catch (error) {
    assert.instance(error, StorageError);
    assert.instance(error, UserError);
    assert.match((error as Error).message, /plain-file\/results\.duckdb: a part of the path is a file, not a folder/);
  }
  await sink.close();
});

test.run();
