import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DOUBLE, DuckDBDataChunk, DuckDBInstance, FLOAT, VARCHAR, type DuckDBType } from "@duckdb/node-api";
import { machineLine } from "./machine.js";

/**
 * Where DuckDB's ingest time goes: 4 runs × 90,000 rows (one hall-hour of site_series at 40 ms) of
 * a run_id VARCHAR and 10 DOUBLE columns, appended through an appender in 2,048-row data chunks (as
 * engine/sinks/duckdb-table-appender.ts does), each run committed, then checkpointed. Each variant
 * changes one thing; the figure is process CPU time (user + system) minus the time spent filling
 * the chunks, so a busy machine disturbs it less than wall time.
 *
 * Run: npx tsc -p tsconfig.json && node dist/bench/ingest-variants.js
 */
const RUNS = 4;
const ROWS = 90_000;
const COLUMNS = 10;
const SLICE = 2048;

type Variant = "file" | "in-memory" | "no run_id" | "FLOAT" | "uncompressed" | "INSERT from TEMP";

async function measure(variant: Variant): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "dctwin-ingest-"));
  const instance = await DuckDBInstance.create(variant === "in-memory" ? ":memory:" : join(dir, "x.duckdb"), { memory_limit: "64MB", threads: "1" });
  const db = await instance.connect();
  const withRunId = variant !== "no run_id";
  const valueType: DuckDBType = variant === "FLOAT" ? FLOAT : DOUBLE;
  const sqlType = variant === "FLOAT" ? "FLOAT" : "DOUBLE";
  const columns = Array.from({ length: COLUMNS }, (_, i) => `c${i} ${sqlType}`).join(", ");
  await db.run(`CREATE TABLE s (${withRunId ? "run_id VARCHAR, " : ""}${columns})`);
  if (variant === "uncompressed") await db.run("PRAGMA force_compression='uncompressed'");
  if (variant === "INSERT from TEMP") {
    const values = Array.from({ length: COLUMNS }, (_, i) => `8e6 + sin(i * 0.2 + ${i}) * 3e6 + i * 0.001 AS c${i}`).join(", ");
    await db.run(`CREATE TEMP TABLE src AS SELECT 'iteration-period-16-0' AS run_id, ${values} FROM range(${ROWS}) t(i)`);
  }
  const types: DuckDBType[] = [...(withRunId ? [VARCHAR] : []), ...Array.from({ length: COLUMNS }, () => valueType)];
  let fillS = 0;
  const cpu0 = process.cpuUsage();
  for (let run = 0; run < RUNS; run++) {
    if (variant === "INSERT from TEMP") {
      await db.run("INSERT INTO s SELECT * FROM src");
      continue;
    }
    await db.run("BEGIN TRANSACTION");
    const appender = await db.createAppender("s");
    const chunk = DuckDBDataChunk.create(types, SLICE);
    chunk.rowCount = SLICE;
    const vectors = types.map((_, i) => chunk.getColumnVector(i));
    if (withRunId) {
      for (let r = 0; r < SLICE; r++) vectors[0]!.setItem(r, `iteration-period-16-${run}`);
      vectors[0]!.flush();
    }
    for (let offset = 0; offset < ROWS; offset += SLICE) {
      const n = Math.min(SLICE, ROWS - offset);
      const fill0 = performance.now();
      for (let c = withRunId ? 1 : 0; c < types.length; c++) {
        const items = (vectors[c] as unknown as { items: Float64Array | Float32Array }).items;
        for (let r = 0; r < n; r++) items[r] = 8e6 + Math.sin((offset + r) * 0.2 + c) * 3e6 + (offset + r) * 0.001;
        vectors[c]!.flush();
      }
      fillS += (performance.now() - fill0) / 1000;
      chunk.rowCount = n;
      appender.appendDataChunk(chunk);
    }
    appender.closeSync();
    await db.run("COMMIT");
  }
  await db.run("CHECKPOINT");
  const cpu = process.cpuUsage(cpu0);
  db.closeSync();
  instance.closeSync();
  rmSync(dir, { recursive: true, force: true });
  return (cpu.user + cpu.system) / 1e6 - fillS;
}

console.log(machineLine());
const results: Record<string, number> = {};
for (const variant of ["file", "in-memory", "no run_id", "FLOAT", "uncompressed", "INSERT from TEMP"] as Variant[]) {
  const s = await measure(variant);
  results[variant] = Math.round(s * 1000) / 1000;
  console.log(`${variant.padEnd(18)} ${s.toFixed(3)} s CPU for ${RUNS} × ${ROWS.toLocaleString("en")} rows (${((s / (RUNS * ROWS * (COLUMNS + 1))) * 1e9).toFixed(0)} ns per value)`);
}
console.log(JSON.stringify(results));
