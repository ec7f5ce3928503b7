/**
 * Atomic runs under SIGKILL (issue #16): batches of runs larger than a row group are killed at
 * seeded random points; after every kill no table may hold rows of a run without an `ok` runs row,
 * and `--resume` must finish the batch to the uninterrupted batch's contents, table by table.
 *
 * Reproduce a failure with the seed it prints: DCTWIN_KILL_SEED=<seed> (DCTWIN_KILL_TRIALS=<n> for
 * more trials).
 */

import { spawnSync } from "node:child_process";
import { copyFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { resultsHash, ROOT, tempDir } from "../../helpers.js";

const CLI = `${ROOT}dist/engine/cli/main.js`;
const KILLED_BATCH = `${ROOT}dist/test/fixtures/batch/killed-batch.js`;
const SWEEP = "test/fixtures/sweeps/hall-rowgroups.yaml";
const RUNS = 4;
/** Sink calls of the whole batch: beginRun, 6 table writes and endRun per run (measured). */
const CALLS = 8 * RUNS;
const TRIALS = Number(process.env.DCTWIN_KILL_TRIALS ?? 10);
const SEED = Number(process.env.DCTWIN_KILL_SEED ?? Math.floor(Math.random() * 2 ** 31));

const dctwin = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: "utf8" });

/** mulberry32: a small seeded generator of numbers in [0, 1). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `table:run_id (rows)` for every run id with rows in a table but no `ok` row in `runs`. */
async function orphans(path: string): Promise<string[]> {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const db = await DuckDBInstance.create(path, { access_mode: "READ_ONLY" });
  const con = await db.connect();
  try {
    const tables = (
      await con.runAndReadAll("SELECT DISTINCT table_name FROM duckdb_columns() WHERE column_name = 'run_id' AND NOT internal ORDER BY 1")
    )
      .getRows()
      .map(([name]) => String(name));
    const ok = tables.includes("runs") ? "SELECT run_id FROM runs WHERE status = 'ok'" : "SELECT NULL::VARCHAR";
    const found: string[] = [];
    for (const table of tables.filter((t) => t !== "runs")) {
      const rows = (await con.runAndReadAll(`SELECT run_id, count(*) FROM "${table}" WHERE run_id NOT IN (${ok}) GROUP BY ALL ORDER BY ALL`)).getRows();
      for (const [runId, n] of rows) found.push(`${table}:${runId} (${n} rows)`);
    }
    return found;
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

test("batches of runs larger than a row group, killed at random points, keep no rows of unfinished runs and resume to the uninterrupted batch", async () => {
  console.log(`atomic-runs: seed ${SEED}, ${TRIALS} trials (DCTWIN_KILL_SEED=${SEED} reproduces them)`);
  const next = random(SEED);
  const dir = tempDir();
  try {
    const whole = `${dir.path}/whole.duckdb`;
    const full = dctwin("batch", SWEEP, "--threads", "2", "--out", whole);
    assert.is(full.status, 0, full.stderr);
    const expected = await resultsHash(whole);
    assert.match(expected.rack_series ?? "", `${RUNS * 43_200}:`, "4 runs × 43,200 rack_series rows");
    for (let trial = 0; trial < TRIALS; trial++) {
      const file = `${dir.path}/killed-${trial}.duckdb`;
      // One or two kills (the second while the first kill's batch resumes), then --resume to the end.
      const kills = next() < 0.5 ? 1 : 2;
      const history: string[] = [];
      for (let k = 0; k < kills; k++) {
        // Mostly a few ms after an endRun, while its commit is being written (where a torn commit
        // can leave rows); otherwise after any sink call.
        const killAt = next() < 0.6 ? `e${1 + Math.floor(next() * RUNS)}` : String(1 + Math.floor(next() * CALLS));
        const delayMs = Math.floor(next() * 4);
        const child = spawnSync(process.execPath, [KILLED_BATCH, SWEEP, file, killAt, String(delayMs)], { cwd: ROOT, encoding: "utf8" });
        history.push(`kill at ${killAt} + ${delayMs} ms: ${child.signal ?? `exit ${child.status}`}`);
        const where = `seed ${SEED}, trial ${trial}, ${history.join(", ")}`;
        assert.ok(child.signal === "SIGKILL" || child.status === 0, `${where}: ${child.stderr}`);
        assert.equal(await orphans(file), [], `${where}: rows without an ok runs row`);
      }
      const resumed = dctwin("batch", SWEEP, "--threads", "2", "--out", file, "--resume");
      assert.is(resumed.status, 0, resumed.stderr);
      assert.equal(await resultsHash(file), expected, `seed ${SEED}, trial ${trial}, ${history.join(", ")}: resumed batch differs`);
    }
  } finally {
    dir.remove();
  }
});

test("--resume deletes orphan rows (a run without a runs row, a run id with no run at all) and reruns the run on a clean slate", async () => {
  const dir = tempDir();
  try {
    const whole = `${dir.path}/whole.duckdb`;
    const full = dctwin("batch", SWEEP, "--threads", "2", "--out", whole);
    assert.is(full.status, 0, full.stderr);
    const planted = `${dir.path}/planted.duckdb`;
    copyFileSync(whole, planted);
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const db = await DuckDBInstance.create(planted);
    const con = await db.connect();
    // hall-rowgroups-2 loses its runs row (its rows stay, as a kill used to leave them), and a
    // run id that is not in the sweep gets rows in two tables.
    await con.run("DELETE FROM runs WHERE run_id = 'hall-rowgroups-2'");
    await con.run("INSERT INTO rack_series SELECT 'ghost', * EXCLUDE (run_id) FROM rack_series WHERE run_id = 'hall-rowgroups-0'");
    await con.run("INSERT INTO site_series SELECT 'ghost', * EXCLUDE (run_id) FROM site_series WHERE run_id = 'hall-rowgroups-0' LIMIT 100");
    con.closeSync();
    db.closeSync();
    const before = await orphans(planted);
    assert.ok(before.includes("rack_series:hall-rowgroups-2 (43200 rows)") && before.includes("site_series:ghost (100 rows)"), before.join(", "));
    const resumed = dctwin("batch", SWEEP, "--threads", "2", "--out", planted, "--resume");
    assert.is(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stdout, `1 run(s) on 2 thread(s), 3 already done (resume)`);
    assert.equal(await orphans(planted), []);
    assert.equal(await resultsHash(planted), await resultsHash(whole));
  } finally {
    dir.remove();
  }
});

test.run();
