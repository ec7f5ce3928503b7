import { existsSync, mkdirSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { SIMULATION_TABLES } from "../../../engine/simulation.js";
import { batchesIn, mergePartitions } from "../../../engine/sinks/parquet-partitions.js";
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

test.run();
