import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { DuckDBInstance } from "@duckdb/node-api";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { resultsHash, ROOT, tempDir } from "../../helpers.js";

const CLI = `${ROOT}dist/engine/cli/main.js`;
const dctwin = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: "utf8" });

test("dctwin run <scenario> writes a DuckDB file (and Arrow files) and prints a KPI summary", async () => {
  const dir = tempDir();
  try {
    const out = `${dir.path}/r.duckdb`;
    const r = dctwin("run", "scenarios/gpu-duty-cycle-calibration.yaml", "--out", out, "--arrow", `${dir.path}/arrow`, "--seed", "3");
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /pcc_max_ramp_40ms/);
    assert.match(r.stdout, /pcc_dominant_frequency/);
    const db = await DuckDBInstance.create(out);
    const con = await db.connect();
    const rows = (sql: string) => con.runAndReadAll(sql).then((x) => x.getRows());
    assert.equal(await rows("select count(*)::INTEGER, min(t_s), round(max(t_s), 9) from site_series"), [[3000, 0, 59.98]]);
    assert.equal(await rows("select run_id, status, seed::INTEGER from runs"), [["gpu-duty-cycle-calibration", "ok", 3]]);
    const kpis = await rows("select count(*)::INTEGER from kpis where unit <> ''");
    assert.ok((kpis[0]![0] as number) > 20);
    con.closeSync();
    db.closeSync();
    assert.ok(existsSync(`${dir.path}/arrow/site_series/run_id=gpu-duty-cycle-calibration/part-0.arrow`));
  } finally {
    dir.remove();
  }
});

test("dctwin run --threads 2 (a worker simulates, this thread writes) gives the same results as --threads 1", async () => {
  const dir = tempDir();
  try {
    const hashes = [];
    for (const threads of ["1", "2"]) {
      const out = `${dir.path}/t${threads}.duckdb`;
      const r = dctwin("run", "scenarios/hall-training-1h-both.yaml", "--out", out, "--threads", threads);
      assert.is(r.status, 0, r.stderr);
      hashes.push(await resultsHash(out));
    }
    assert.equal(hashes[1], hashes[0]);
    const bad = dctwin("run", "scenarios/hall-training-1h.yaml", "--threads", "3");
    assert.is(bad.status, 2);
    assert.match(bad.stderr, "--threads: got 3, expected 1 or 2");
  } finally {
    dir.remove();
  }
});

test("dctwin run <bad scenario> exits 2 and names every field path, without a stack trace", () => {
  const dir = tempDir();
  try {
    const bad = `${dir.path}/bad.yaml`;
    writeFileSync(bad, "name: bad\nhorizon: 1h\nworkloads:\n  - kind: training\n    id: job\n    iterationPeriod: soon\n    racks: Z99\n");
    const r = dctwin("run", bad, "--out", `${dir.path}/x.duckdb`);
    assert.is(r.status, 2);
    assert.match(r.stderr, /workloads\[0\]\.iterationPeriod: got "soon", expected a duration/);
    assert.match(r.stderr, /workloads\[0\]\.racks: got "Z99"/);
    assert.not.match(r.stderr, /\n\s+at /);
    assert.not.ok(existsSync(`${dir.path}/x.duckdb`), "nothing written for an invalid scenario");
  } finally {
    dir.remove();
  }
});

test("dctwin validate reports ok files and bad ones; missing files and YAML errors are user errors", () => {
  const dir = tempDir();
  try {
    writeFileSync(`${dir.path}/syntax.yaml`, "name: [unclosed\n");
    const ok = dctwin("validate", "scenarios/hall-training-1h.yaml");
    assert.is(ok.status, 0);
    assert.match(ok.stdout, /ok: scenarios\/hall-training-1h.yaml: hall-training-1h, 72 racks/);
    const missing = dctwin("validate", `${dir.path}/none.yaml`);
    assert.is(missing.status, 2);
    assert.match(missing.stderr, /none.yaml: no such file/);
    const syntax = dctwin("validate", `${dir.path}/syntax.yaml`);
    assert.is(syntax.status, 2);
    assert.match(syntax.stderr, /YAML syntax error at line/);
    const usage = dctwin("run");
    assert.is(usage.status, 2);
    assert.not.match(usage.stderr, /\n\s+at /);
  } finally {
    dir.remove();
  }
});

test.run();
