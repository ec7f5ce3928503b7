import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tableFromIPC } from "@uwdata/flechette";
import { asyncBufferFromFile, parquetReadObjects } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ROOT, tempDir } from "../../helpers.js";
import { runCli } from "../../hil/peer.js";

/**
 * The Arrow and Parquet files read by readers this project did not write, the way the README and
 * docs/results-schema.md show (hive-partitioned datasets): @uwdata/flechette for Arrow IPC (an
 * implementation independent of apache-arrow, which writes them), hyparquet for the Parquet shards
 * (DuckDB writes them), and DuckDB's read_parquet over the shard folders. Every table, every run:
 * the rows and every column's values equal the DuckDB results file of the same runs.
 *
 * pyarrow is not on this machine (Debian 12 has no python3-pyarrow); what made its README snippet
 * fail ("Field run_id has incompatible types: dictionary<...> vs string", issue #16) was a column
 * inside the files with the name of a hive partition key, so no file may hold one.
 */
const dir = tempDir("dctwin-readers-");
test.after(() => dir.remove());
const DB = join(dir.path, "results.duckdb");
const ARROW = join(dir.path, "arrow");
const PARQUET = join(dir.path, "parquet");

type Row = Record<string, unknown>;
/** A run's rows of one table, by column. */
type Columns = Map<string, unknown[]>;

async function dctwin(...args: string[]): Promise<void> {
  const r = await runCli(args);
  if (r.code !== 0) throw new Error(`dctwin ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
}

async function duckdb<T>(use: (sql: (query: string) => Promise<Row[]>) => Promise<T>): Promise<T> {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const db = await DuckDBInstance.create(DB, { access_mode: "READ_ONLY" });
  const con = await db.connect();
  try {
    return await use(async (query) => (await con.runAndReadAll(query)).getRowObjectsJS() as Row[]);
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

/** The sub-folders of `path` that a dataset reader reads (not `_partial`, `_work`, `.x`). */
const datasetDirs = (path: string) => readdirSync(path, { withFileTypes: true }).filter((e) => e.isDirectory() && !/^[_.]/.test(e.name)).map((e) => e.name).sort();

/** `key=value` of a hive folder name, the value decoded as pyarrow's segment_encoding="uri" does. */
function hiveKey(folder: string): [string, string] {
  const at = folder.indexOf("=");
  assert.ok(at > 0, `${folder} is a hive folder (key=value)`);
  return [folder.slice(0, at), decodeURIComponent(folder.slice(at + 1))];
}

/**
 * Checks a run's rows of `table` as read from a file against the same rows in the results file:
 * the same columns but run_id (which the file holds when it is not a partition key), the same
 * count, and for every column the same values in some order (sums for numbers, sorted text),
 * except the columns in `unequal` (wall-clock facts of a separate execution of the same runs).
 */
async function sameAsDuckDb(sql: (q: string) => Promise<Row[]>, table: string, runId: string, columns: Columns, where: string, unequal: readonly string[] = []): Promise<void> {
  const names = (await sql(`SELECT column_name FROM duckdb_columns() WHERE table_name = '${table}' AND column_name <> 'run_id' ORDER BY column_index`)).map((r) => String(r["column_name"]));
  assert.equal([...columns.keys()].filter((c) => c !== "run_id"), names, `${where}: the columns of ${table}`);
  const id = runId.replaceAll("'", "''");
  const [{ n }] = (await sql(`SELECT count(*)::INTEGER AS n FROM "${table}" WHERE run_id = '${id}'`)) as [{ n: number }];
  const rows = columns.get(names[0]!)!.length;
  assert.is(rows, n, `${where}: rows of ${table} for ${runId}`);
  for (const name of names) {
    const values = columns.get(name)!;
    assert.is(values.length, n, `${where}: ${table}.${name} length`);
    if (unequal.includes(name)) continue;
    if (typeof values[0] === "number" || typeof values[0] === "bigint") {
      const [{ sum, abs }] = (await sql(`SELECT sum("${name}")::DOUBLE AS sum, sum(abs("${name}"))::DOUBLE AS abs FROM "${table}" WHERE run_id = '${id}'`)) as [{ sum: number; abs: number }];
      const mine = values.reduce<number>((s, v) => s + Number(v), 0);
      const close = (Number.isNaN(sum) && Number.isNaN(mine)) || Math.abs(mine - sum) <= 1e-9 * Math.max(1, abs);
      assert.ok(close, `${where}: sum of ${table}.${name} for ${runId}: ${mine} read, ${sum} in DuckDB`);
    } else {
      const expected = (await sql(`SELECT "${name}"::VARCHAR AS v FROM "${table}" WHERE run_id = '${id}' ORDER BY 1`)).map((r) => String(r["v"]));
      assert.equal(values.map(String).sort(), expected.sort(), `${where}: ${table}.${name} for ${runId}`);
    }
  }
}

test.before(async () => {
  // A short run of the battery hall (storage_series too) and a small batch, Arrow beside DuckDB;
  // then the batch again as two Parquet shards.
  const battery = join(dir.path, "battery.yaml");
  writeFileSync(battery, readFileSync(join(ROOT, "scenarios/hall-training-1h-battery.yaml"), "utf8").replace(/^horizon: .*$/m, "horizon: 20s"));
  const sweep = join(ROOT, "test/fixtures/sweeps/tiny.yaml");
  await dctwin("run", battery, "--out", DB, "--arrow", ARROW);
  await dctwin("batch", sweep, "--threads", "1", "--out", DB, "--arrow", ARROW);
  await Promise.all(["0/2", "1/2"].map((shard) => dctwin("batch", sweep, "--threads", "1", "--shard", shard, "--out-dir", PARQUET)));
});

test("Arrow IPC files (--arrow DIR): flechette reads every table's files; run_id is the folder, never a column; rows and values equal the DuckDB file", async () => {
  const tables = datasetDirs(ARROW);
  assert.ok(tables.includes("site_series") && tables.includes("storage_series") && tables.includes("runs") && tables.includes("kpis"), tables.join(", "));
  await duckdb(async (sql) => {
    const runIds = (await sql("SELECT run_id FROM runs ORDER BY 1")).map((r) => String(r["run_id"]));
    assert.is(runIds.length, 9);
    for (const table of tables) {
      const seen: string[] = [];
      for (const folder of datasetDirs(join(ARROW, table))) {
        const [key, runId] = hiveKey(folder);
        assert.is(key, "run_id");
        seen.push(runId);
        const files = readdirSync(join(ARROW, table, folder));
        assert.equal(files, ["part-0.arrow"], `${table}/${folder}`);
        const arrow = tableFromIPC(readFileSync(join(ARROW, table, folder, files[0]!)));
        const names = arrow.schema.fields.map((f) => f.name);
        assert.not.ok(names.includes("run_id"), `${table}/${folder}: a run_id column would clash with the partition key in pyarrow`);
        const columns: Columns = new Map(names.map((name) => [name, Array.from(arrow.getChild(name).toArray() as ArrayLike<unknown>)]));
        await sameAsDuckDb(sql, table, runId, columns, `arrow ${table}/${folder}`);
      }
      const withRows = (await sql(`SELECT DISTINCT run_id FROM "${table}" ORDER BY 1`)).map((r) => String(r["run_id"]));
      assert.equal(seen.sort(), withRows, `${table}: a file for every run with rows`);
    }
    // A few values by position: the battery run's PCC power at the first and last tick.
    const arrow = tableFromIPC(readFileSync(join(ARROW, "site_series/run_id=hall-training-1h-battery/part-0.arrow")));
    const pcc = arrow.getChild("pcc_power_w").toArray() as Float64Array;
    const expected = (await sql("SELECT pcc_power_w FROM site_series WHERE run_id = 'hall-training-1h-battery' ORDER BY t_s")).map((r) => Number(r["pcc_power_w"]));
    assert.is(pcc.length, 500, "20 s of 40 ms ticks");
    assert.equal([pcc[0], pcc[499]], [expected[0], expected[499]]);
  });
});

test("Parquet shards (--shard i/N --out-dir DIR): hyparquet reads every table's files; batch= and shard= are folders, never columns; rows and values equal the DuckDB file", async () => {
  const tables = datasetDirs(PARQUET);
  assert.ok(tables.includes("site_series") && tables.includes("runs"), tables.join(", "));
  await duckdb(async (sql) => {
    for (const table of tables) {
      const byRun = new Map<string, Columns>();
      for (const batchFolder of datasetDirs(join(PARQUET, table))) {
        assert.equal(hiveKey(batchFolder), ["batch", "tiny"]);
        const shards = datasetDirs(join(PARQUET, table, batchFolder));
        assert.equal(shards.filter((s) => !s.endsWith(".partial")), ["shard=0-of-2", "shard=1-of-2"], `${table}: both shards, no partial one`);
        for (const shardFolder of shards) {
          const file = await asyncBufferFromFile(join(PARQUET, table, batchFolder, shardFolder, "part-0.parquet"));
          const rows = (await parquetReadObjects({ file, compressors })) as Row[];
          for (const row of rows) {
            assert.not.ok("batch" in row || "shard" in row, `${table}/${shardFolder}: a batch or shard column would clash with the partition keys`);
            const runId = String(row["run_id"]);
            let columns = byRun.get(runId);
            if (columns === undefined) byRun.set(runId, (columns = new Map()));
            for (const [name, value] of Object.entries(row)) {
              if (!columns.has(name)) columns.set(name, []);
              columns.get(name)!.push(value);
            }
          }
        }
      }
      const withRows = (await sql(`SELECT DISTINCT run_id FROM "${table}" WHERE run_id LIKE 'tiny-%' ORDER BY 1`)).map((r) => String(r["run_id"]));
      assert.equal([...byRun.keys()].sort(), withRows, `${table}: the shards hold every run of the batch with rows`);
      // The shards ran the batch again: the same rows, but runs' wall-clock columns differ.
      for (const [runId, columns] of byRun) await sameAsDuckDb(sql, table, runId, columns, `parquet ${table}`, table === "runs" ? ["started_at", "wall_s"] : []);
    }
  });
});

test("DuckDB reads the Parquet shards as one hive-partitioned dataset, as docs/results-schema.md shows", async () => {
  await duckdb(async (sql) => {
    const glob = `${PARQUET}/site_series/*/*/*.parquet`;
    const fromParquet = await sql(`SELECT batch, run_id, count(*)::INTEGER AS n FROM read_parquet('${glob}', hive_partitioning = true) GROUP BY ALL ORDER BY run_id`);
    const fromDb = await sql("SELECT 'tiny' AS batch, run_id, count(*)::INTEGER AS n FROM site_series WHERE run_id LIKE 'tiny-%' GROUP BY ALL ORDER BY run_id");
    assert.is(fromParquet.length, 8);
    assert.equal(fromParquet, fromDb);
  });
});

test.run();
