import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { resultsHash, ROOT, tempDir } from "../../helpers.js";

const CLI = `${ROOT}dist/engine/cli/main.js`;
const dctwin = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: "utf8" });
const LONG = "test/fixtures/sweeps/tiny-long.yaml";

/** Starts a batch and SIGKILLs it once `afterRuns` runs have been reported finished. */
function batchKilledAfter(afterRuns: number, out: string): Promise<{ finished: number; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, "batch", LONG, "--threads", "2", "--out", out], { cwd: ROOT });
    let finished = 0;
    let text = "";
    child.stdout.on("data", (data: Buffer) => {
      text += data.toString();
      finished = (text.match(/^run \S+ ok/gm) ?? []).length;
      if (finished >= afterRuns) child.kill("SIGKILL");
    });
    child.on("error", reject);
    child.on("exit", (_code, signal) => resolve({ finished, signal }));
  });
}

test("dctwin batch --dry-run lists every run with its seed and parameters", () => {
  const r = dctwin("batch", "test/fixtures/sweeps/tiny.yaml", "--dry-run");
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /tiny-7 +\d+ +\{"controllers\[0\]\.floor":"70%"/);
  assert.match(r.stdout, "8 run(s), 0 invalid");
});

test("a batch killed with SIGKILL continues with --resume: nothing lost, nothing twice, same results", async () => {
  const dir = tempDir();
  try {
    const whole = `${dir.path}/whole.duckdb`;
    const full = dctwin("batch", LONG, "--threads", "2", "--out", whole);
    assert.is(full.status, 0, full.stderr);
    const killedFile = `${dir.path}/killed.duckdb`;
    const killed = await batchKilledAfter(2, killedFile);
    assert.is(killed.signal, "SIGKILL");
    const partial = await resultsHash(killedFile);
    const runsBefore = Number(partial.runs!.split(":")[0]);
    assert.ok(runsBefore >= 2 && runsBefore < 8, `${runsBefore} runs survived the kill`);
    const resumed = dctwin("batch", LONG, "--threads", "2", "--out", killedFile, "--resume");
    assert.is(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stdout, `${8 - runsBefore} run(s) on 2 thread(s), ${runsBefore} already done (resume)`);
    assert.equal(await resultsHash(killedFile), await resultsHash(whole));
  } finally {
    dir.remove();
  }
});

test("shards run as separate processes and merged equal the single-process batch", async () => {
  const dir = tempDir();
  try {
    const single = `${dir.path}/single.duckdb`;
    assert.is(dctwin("batch", "test/fixtures/sweeps/tiny.yaml", "--threads", "1", "--out", single).status, 0);
    const parts = `${dir.path}/parts`;
    const shards = await Promise.all(
      [0, 1, 2].map(
        (i) =>
          new Promise<number | null>((resolve) => {
            const child = spawn(process.execPath, [CLI, "batch", "test/fixtures/sweeps/tiny.yaml", "--threads", "1", "--shard", `${i}/3`, "--out-dir", parts], { cwd: ROOT });
            child.on("exit", (code) => resolve(code));
          }),
      ),
    );
    assert.equal(shards, [0, 0, 0]);
    assert.ok(existsSync(`${parts}/site_series/batch=tiny/shard=1-of-3/part-0.parquet`));
    assert.equal(readdirSync(`${parts}/runs/batch=tiny`).sort(), ["shard=0-of-3", "shard=1-of-3", "shard=2-of-3"]);
    const merged = `${dir.path}/merged.duckdb`;
    const m = dctwin("merge", parts, "--out", merged);
    assert.is(m.status, 0, m.stderr);
    assert.match(m.stdout, "merged 8 run(s)");
    assert.equal(await resultsHash(merged), await resultsHash(single));
    const q = dctwin("query", merged, "SELECT count(*) AS n FROM read_parquet('" + parts + "/site_series/*/*/*.parquet', hive_partitioning = true) WHERE batch = 'tiny'");
    assert.match(q.stdout, /8000/, "DuckDB reads the partitions together");
    const misspelt = dctwin("merge", parts, "--out", `${dir.path}/misspelt.duckdb`, "--batch", "tinny");
    assert.is(misspelt.status, 2, misspelt.stderr);
    assert.match(misspelt.stderr, 'expected a batch present in');
    assert.match(misspelt.stderr, ": tiny\n");
    assert.not.ok(existsSync(`${dir.path}/misspelt.duckdb`));
  } finally {
    dir.remove();
  }
});

test("dctwin batch exits 3 when some runs failed, and 2 for a bad sweep or shard", () => {
  const dir = tempDir();
  try {
    const r = dctwin("batch", "test/fixtures/sweeps/tiny-with-bad-value.yaml", "--threads", "1", "--out", `${dir.path}/x.duckdb`);
    assert.is(r.status, 3, r.stderr);
    assert.match(r.stdout, /run tiny-bad-1 failed: grid\["workloads\[0\]\.iterationPeriod"\]\[1\]/);
    const shard = dctwin("batch", "test/fixtures/sweeps/tiny.yaml", "--shard", "3/3", "--out-dir", dir.path);
    assert.is(shard.status, 2);
    assert.match(shard.stderr, "expected i/N with 0 ≤ i < N");
    const missing = dctwin("batch", "test/fixtures/sweeps/nope.yaml");
    assert.is(missing.status, 2);
    assert.not.match(missing.stderr, /\n\s+at /);
  } finally {
    dir.remove();
  }
});

test.run();
