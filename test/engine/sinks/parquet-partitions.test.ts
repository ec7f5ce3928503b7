import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { DuckDBInstance } from "@duckdb/node-api";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { SIMULATION_TABLES } from "../../../engine/simulation.js";
import { batchesIn, exportPartitions, mergePartitions, missingShards } from "../../../engine/sinks/parquet-partitions.js";
import { UserError } from "../../../models/lib/errors.js";
import { tempDir } from "../../helpers.js";

test("mergePartitions(dir, out, tables, misspelt batch) is an error listing the batches present, and writes nothing", async () => {
  const dir = tempDir();
  try {
    for (const name of ["batch=floor-sweep/shard=0-of-2", "batch=floor-sweep/shard=1-of-2", "batch=ride-through/shard=0-of-1", "batch=x.partial"]) {
      mkdirSync(`${dir.path}/parts/runs/${name}`, { recursive: true });
    }
    assert.equal(batchesIn(`${dir.path}/parts`), ["floor-sweep", "ride-through"]);
    const out = `${dir.path}/merged.duckdb`;
    try {
      await mergePartitions(`${dir.path}/parts`, out, SIMULATION_TABLES, "floor-swep");
      assert.unreachable("merged");
    } catch (error) {
      assert.instance(error, UserError);
      assert.match((error as Error).message, `--batch: got "floor-swep", expected a batch present in ${dir.path}/parts: floor-sweep, ride-through`);
    }
    assert.not.ok(existsSync(out), "no database written");
    mkdirSync(`${dir.path}/empty/runs`, { recursive: true });
    await mergePartitions(`${dir.path}/empty`, out, SIMULATION_TABLES).then(
      () => assert.unreachable("merged"),
      (error: unknown) => assert.match((error as Error).message, /no batch partitions/),
    );
    assert.not.ok(existsSync(out));
  } finally {
    dir.remove();
  }
});

test("mergePartitions refuses a batch with a shard missing (a failed or unfinished task), or shards of two counts, and writes nothing", async () => {
  const dir = tempDir();
  try {
    for (const name of ["batch=a/shard=0-of-3", "batch=a/shard=2-of-3", "batch=a/shard=1-of-3.partial", "batch=b/shard=0-of-2", "batch=b/shard=1-of-4", "batch=c/shard=0-of-1"]) {
      mkdirSync(`${dir.path}/parts/runs/${name}`, { recursive: true });
    }
    assert.equal(missingShards(`${dir.path}/parts`, "a"), ["1-of-3"]);
    assert.equal(missingShards(`${dir.path}/parts`, "b"), ["shards of 2 different counts (0-of-2, 1-of-4): one count per batch"]);
    assert.equal(missingShards(`${dir.path}/parts`, "c"), []);
    const out = `${dir.path}/merged.duckdb`;
    for (const batch of ["a", undefined]) {
      await mergePartitions(`${dir.path}/parts`, out, SIMULATION_TABLES, batch).then(
        () => assert.unreachable("merged"),
        (error: unknown) => {
          assert.instance(error, UserError);
          assert.match((error as Error).message, `${dir.path}/parts: missing shard partitions: a 1-of-3${batch === undefined ? ", b shards of 2 different counts" : " ("}`);
          assert.match((error as Error).message, "run those shards again with --resume");
        },
      );
    }
    assert.not.ok(existsSync(out), "no database written");
  } finally {
    dir.remove();
  }
});

test("exportPartitions writes every table with a run_id, runs last, so a shard whose runs partition is there is whole", async () => {
  const dir = tempDir();
  try {
    const db = await DuckDBInstance.create(`${dir.path}/work.duckdb`);
    const con = await db.connect();
    for (const table of ["a_series", "runs", "z_series"]) await con.run(`CREATE TABLE ${table} (run_id VARCHAR, x DOUBLE); INSERT INTO ${table} VALUES ('r-0', 1)`);
    await con.run("CREATE TABLE other (y DOUBLE)");
    con.closeSync();
    db.closeSync();
    assert.equal(await exportPartitions(`${dir.path}/work.duckdb`, `${dir.path}/parts`, "b", "0-of-1"), ["a_series", "z_series", "runs"]);
    assert.equal(readdirSync(`${dir.path}/parts/runs/batch=b`), ["shard=0-of-1"]);
    assert.equal(readdirSync(`${dir.path}/parts/runs/batch=b/shard=0-of-1`), ["part-0.parquet"]);
  } finally {
    dir.remove();
  }
});

test.run();
