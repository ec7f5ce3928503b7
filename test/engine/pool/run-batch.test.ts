import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadSweep } from "../../../engine/batch/load-sweep.js";
import { expandSweep } from "../../../engine/batch/sweep.js";
import { runBatch } from "../../../engine/pool/run-batch.js";
import { SIMULATION_TABLES } from "../../../engine/simulation.js";
import { createDuckDbSink } from "../../../engine/sinks/duckdb-sink.js";
import { resultsHash, ROOT, tempDir } from "../../helpers.js";

async function batchInto(file: string, sweepFile: string, threads: number, chunkTicks?: number) {
  const plans = expandSweep(loadSweep(sweepFile), sweepFile);
  const sink = createDuckDbSink(file);
  await sink.open(SIMULATION_TABLES);
  const result = await runBatch(plans, sink, {
    threads,
    ...(chunkTicks ? { chunkTicks } : {}),
    nowMs: () => performance.now(),
    isoNow: () => new Date().toISOString(),
    engineVersion: "test",
    nodeVersion: process.version,
    scenarioName: sweepFile,
  });
  await sink.close();
  return result;
}

test("runBatch gives identical results with 1 thread (in-process) and 2 worker threads", async () => {
  const dir = tempDir();
  try {
    const sweep = `${ROOT}test/fixtures/sweeps/tiny.yaml`;
    const one = await batchInto(`${dir.path}/one.duckdb`, sweep, 1);
    // Small chunks in the pool: many messages, buffers moved back and forth, backpressure.
    const two = await batchInto(`${dir.path}/two.duckdb`, sweep, 2, 97);
    assert.is(one.outcomes.length, 8);
    assert.ok(two.outcomes.every((o) => o.status === "ok"), JSON.stringify(two.outcomes.map((o) => o.error)));
    const a = await resultsHash(`${dir.path}/one.duckdb`);
    const b = await resultsHash(`${dir.path}/two.duckdb`);
    assert.equal(a, b);
    assert.match(a.site_series!, /^8000:/, "8 runs × 1,000 ticks");
  } finally {
    dir.remove();
  }
});

test("a run with an invalid value is recorded as failed with its error, and the batch goes on", async () => {
  const dir = tempDir();
  try {
    const sweep = `${ROOT}test/fixtures/sweeps/tiny-with-bad-value.yaml`;
    const result = await batchInto(`${dir.path}/b.duckdb`, sweep, 2);
    assert.equal(result.outcomes.map((o) => o.status).sort(), ["failed", "ok", "ok"]);
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const db = await DuckDBInstance.create(`${dir.path}/b.duckdb`);
    const con = await db.connect();
    const runs = (await con.runAndReadAll("SELECT run_id, status, error FROM runs ORDER BY run_id")).getRows();
    const series = (await con.runAndReadAll("SELECT run_id, count(*)::INTEGER FROM site_series GROUP BY 1 ORDER BY 1")).getRows();
    con.closeSync();
    db.closeSync();
    assert.is(runs.length, 3);
    assert.equal(runs[1]!.slice(0, 2), ["tiny-bad-1", "failed"]);
    assert.match(String(runs[1]![2]), 'grid["workloads[0].iterationPeriod"][1]');
    assert.equal(series, [["tiny-bad-0", 1000], ["tiny-bad-2", 1000]], "no rows of the failed run");
  } finally {
    dir.remove();
  }
});

test.run();
