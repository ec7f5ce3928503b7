/**
 * DuckDB sink ingest rate: one run of 2,160,000 rows x 8 f64 columns (a 24 h site series at
 * 40 ms) written through `createDuckDbSink` in chunks of 65,536 rows, then committed. Prints the
 * rows/s with the machine, next to a baseline: the same rows appended one value at a time with
 * `appendDouble` (on a tenth of the rows, extrapolated). Also times `beginRun` of a new run id on
 * the filled file (it deletes that id's earlier rows in every table).
 *
 * Run: npx tsc -p tsconfig.json && node dist/bench/sink-ingest.js
 */

import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { createDuckDbSink } from "../engine/sinks/duckdb-sink.js";
import type { RunRow, TableSpec } from "../engine/sinks/sink.js";
import { machineLine, peakRssMB } from "./machine.js";

const ROWS = 2_160_000;
const CHUNK_ROWS = 65_536;
const COLUMNS = 8;

const table: TableSpec = {
  name: "site_series",
  description: "Benchmark site series",
  columns: Array.from({ length: COLUMNS }, (_, j) => ({ name: `c${j}_w`, type: "f64" as const, unit: "W", description: `channel ${j}` })),
};

function runRow(runId: string, wallS: number): RunRow {
  return {
    runId, scenario: "bench", paramsJson: "{}", seed: 1, dtS: 0.04, horizonS: 86_400, ticks: ROWS,
    engineVersion: "bench", nodeVersion: process.version, startedAt: new Date().toISOString(), wallS, status: "ok", error: "",
  };
}

/** Fills `columns` with rows start .. start + length - 1 (a cheap, non-constant signal). */
function fill(columns: Float64Array[], start: number, length: number): void {
  for (let j = 0; j < columns.length; j++) {
    const column = columns[j];
    for (let i = 0; i < length; i++) column[i] = 1e6 + j * 1e3 + ((start + i) % 5000) * 0.25;
  }
}

async function sinkRate(path: string): Promise<{ seconds: number; fillSeconds: number }> {
  const sink = createDuckDbSink(path);
  await sink.open([table]);
  const columns = Array.from({ length: COLUMNS }, () => new Float64Array(CHUNK_ROWS));
  const started = performance.now();
  let fillMs = 0;
  await sink.beginRun("bench");
  for (let start = 0; start < ROWS; start += CHUNK_ROWS) {
    const length = Math.min(CHUNK_ROWS, ROWS - start);
    const fillStart = performance.now();
    fill(columns, start, length);
    fillMs += performance.now() - fillStart;
    await sink.write({ table: table.name, runId: "bench", length, columns });
  }
  await sink.endRun(runRow("bench", 0));
  const seconds = (performance.now() - started) / 1000;
  await sink.close();
  return { seconds, fillSeconds: fillMs / 1000 };
}

async function beginRunMs(path: string): Promise<number> {
  const sink = createDuckDbSink(path);
  await sink.open([table]);
  const started = performance.now();
  await sink.beginRun("another");
  const ms = performance.now() - started;
  await sink.abortRun("another");
  await sink.close();
  return ms;
}

async function appendDoubleRate(path: string, rows: number): Promise<number> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  await connection.run(`CREATE TABLE t (run_id VARCHAR, ${table.columns.map((c) => `${c.name} DOUBLE`).join(", ")})`);
  const columns = Array.from({ length: COLUMNS }, () => new Float64Array(CHUNK_ROWS));
  const started = performance.now();
  await connection.run("BEGIN TRANSACTION");
  const appender = await connection.createAppender("t");
  for (let start = 0; start < rows; start += CHUNK_ROWS) {
    const length = Math.min(CHUNK_ROWS, rows - start);
    fill(columns, start, length);
    for (let i = 0; i < length; i++) {
      appender.appendVarchar("bench");
      for (let j = 0; j < COLUMNS; j++) appender.appendDouble(columns[j][i]);
      appender.endRow();
    }
  }
  appender.closeSync();
  await connection.run("COMMIT");
  const seconds = (performance.now() - started) / 1000;
  connection.closeSync();
  instance.closeSync();
  return rows / seconds;
}

const dir = mkdtempSync(join(tmpdir(), "dctwin-bench-sink-"));
try {
  const path = join(dir, "bench.duckdb");
  const { seconds, fillSeconds } = await sinkRate(path);
  const deleteMs = await beginRunMs(path);
  const baseline = await appendDoubleRate(join(dir, "baseline.duckdb"), ROWS / 10);
  console.log(machineLine());
  console.log(`DuckDB sink: ${ROWS.toLocaleString("en")} rows x ${COLUMNS} f64 in chunks of ${CHUNK_ROWS.toLocaleString("en")} rows`);
  console.log(`  ${seconds.toFixed(2)} s (of which ${fillSeconds.toFixed(2)} s filling the arrays), ${(ROWS / seconds / 1e6).toFixed(2)} M rows/s, ` +
    `${((ROWS * COLUMNS * 8) / seconds / 1e6).toFixed(0)} MB/s of doubles; file ${(statSync(path).size / 1e6).toFixed(0)} MB`);
  console.log(`  baseline, per-value appendDouble: ${(baseline / 1e6).toFixed(2)} M rows/s (the sink is ${((ROWS / seconds) / baseline).toFixed(1)}x faster; measured on ${(ROWS / 10).toLocaleString("en")} rows)`);
  console.log(`  beginRun of a new run id on that file (DELETE in every table): ${deleteMs.toFixed(1)} ms`);
  console.log(`  peak rss of this process: ${peakRssMB().toFixed(0)} MB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
