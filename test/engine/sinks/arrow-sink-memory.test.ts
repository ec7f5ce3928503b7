import { statSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createArrowSink } from "../../../engine/sinks/arrow-sink.js";
import type { TableSpec } from "../../../engine/sinks/sink.js";
import { runRow, tempDir } from "./sample-tables.js";

const temp = tempDir();
test.after(() => temp.remove());

const wide: TableSpec = {
  name: "wide_series",
  description: "Four power channels",
  columns: ["a_w", "b_w", "c_w", "d_w"].map((name) => ({ name, type: "f64" as const, unit: "W", description: name })),
};

test("write() streams batches to disk: rss grows far less than the ~420 MB written (200 chunks x 65,536 rows x 4 f64)", async () => {
  const chunks = 200;
  const rows = 65_536;
  const sink = createArrowSink(temp.dir);
  await sink.open([wide]);
  await sink.beginRun("long");
  const rssBeforeB = process.memoryUsage().rss;
  let peakGrowthB = 0;
  for (let c = 0; c < chunks; c++) {
    // Fresh arrays per chunk, as a worker would hand over; a sink that kept them would grow by 2 MB a chunk.
    const columns = [0, 1, 2, 3].map((j) => {
      const values = new Float64Array(rows);
      for (let i = 0; i < rows; i++) values[i] = c * rows + i + j;
      return values;
    });
    await sink.write({ table: wide.name, runId: "long", length: rows, columns });
    peakGrowthB = Math.max(peakGrowthB, process.memoryUsage().rss - rssBeforeB);
  }
  await sink.endRun(runRow("long"));
  await sink.close();
  const dataB = chunks * rows * 4 * 8;
  const fileB = statSync(join(temp.dir, "wide_series/run_id=long/part-0.arrow")).size;
  assert.ok(fileB > dataB, `file holds all the data: ${fileB} B`);
  assert.ok(peakGrowthB < 120e6, `rss grew by ${(peakGrowthB / 1e6).toFixed(0)} MB while writing ${(dataB / 1e6).toFixed(0)} MB`);
});

test.run();
