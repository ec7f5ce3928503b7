import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { DuckDBInstance } from "@duckdb/node-api";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { canonicalDecision, decisionHash, GENESIS_HASH, type ChainedDecision } from "../../../engine/audit/audit-chain.js";
import { createDecisionLog } from "../../../engine/audit/decision-log.js";
import { ROOT, tempDir } from "../../helpers.js";

const CLI = `${ROOT}dist/engine/cli/main.js`;
const dctwin = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: "utf8" });

/** Two racks, adaptive smoothing deciding every 5 s, a static price and carbon on the port: ~12 decisions in 1 min. */
const SCENARIO = `
name: audit-tiny
seed: 5
dt: 40ms
horizon: 1min
hall: { rows: 1, racksPerRow: 2, rackPreset: nvl72-liquid }
startTime: "2020-07-15T00:00:00Z"
signals:
  port:
    marketPeriod: 15min
    price: { kind: static, values: [55.5] }
    carbon: { kind: static, values: [180], period: 30min }
workloads:
  - { kind: training, id: job, racks: all, start: 1s, checkpointInterval: 0 }
controllers:
  - { kind: gpu-smoothing, id: smooth, groups: job, mode: adaptive, window: 5s, targetSwing: 10kW }
`;

const base = (): ChainedDecision => ({
  runId: "r",
  seq: 0,
  tS: 0.5,
  controller: "c",
  action: "cap",
  value: 1,
  reason: "why \"quoted\"",
  type: "cap",
  subject: "cap:g",
  inputs: "{}",
  constraints: "[]",
  alternatives: "[]",
  savingCost: Number.NaN,
  savingCarbonKg: Number.POSITIVE_INFINITY,
  prevHash: GENESIS_HASH,
});

test("canonical serialisation: fixed field order, JSON strings, non-finite numbers as strings", () => {
  assert.is(canonicalDecision(base()), `["r",0,0.5,"c","cap",1,"why \\"quoted\\"","cap","cap:g","{}","[]","[]","NaN","Infinity","${GENESIS_HASH}"]`);
  assert.is(decisionHash(base()), decisionHash(base()));
  // Every chained field moves the hash.
  const changed: Partial<ChainedDecision>[] = [{ runId: "s" }, { seq: 1 }, { tS: 0.50000001 }, { controller: "d" }, { action: "x" }, { value: 1.0000000001 }, { reason: "why" }, { type: "t" }, { subject: "" }, { inputs: "{ }" }, { constraints: "[1]" }, { alternatives: "[2]" }, { savingCost: 0 }, { savingCarbonKg: -Infinity }, { prevHash: "1".repeat(64) }];
  for (const change of changed) assert.is.not(decisionHash({ ...base(), ...change }), decisionHash(base()), JSON.stringify(change));
});

test("the decision log chains its rows and serialises details once, signals first", () => {
  const log = createDecisionLog();
  const detail = { type: "cap", subject: "cap:g", inputs: { forecastMin: 12, bad: Number.NaN }, constraints: [{ name: "min", ok: true }], alternatives: [{ option: "keep", cost: 3, chosen: false }], savingCost: 1.5 };
  log.append(0, "c", "set_cap", 500, "cheap", detail, { "grid.priceGbpPerMWh": 40 });
  detail.inputs.forecastMin = 99; // later changes do not reach the record
  log.append(2, "c", "mode", 1, "", undefined, undefined);
  const { chunk, head } = log.emit("run-1");
  const col = (i: number) => chunk.columns[i] as string[];
  assert.is(chunk.length, 2);
  assert.is(col(8)[0], '{"grid.priceGbpPerMWh":40,"forecastMin":12,"bad":"NaN"}');
  assert.is(col(9)[0], '[{"name":"min","ok":true}]');
  assert.is(col(6)[1], "mode"); // type defaults to the action
  assert.is(col(8)[1], "{}");
  assert.is(col(13)[0], GENESIS_HASH);
  assert.is(col(13)[1], col(14)[0]);
  assert.is(head, col(14)[1]);
  assert.equal(Array.from(chunk.columns[5] as Int32Array), [0, 1]);
});

test("dctwin audit verify: intact → 0; an UPDATE, a DELETE, a cut end → 1 naming the row; user mistakes → 2", async () => {
  const dir = tempDir();
  try {
    const scenario = `${dir.path}/s.yaml`;
    writeFileSync(scenario, SCENARIO);
    const out = `${dir.path}/r.duckdb`;
    const run = dctwin("run", scenario, "--out", out);
    assert.is(run.status, 0, run.stderr);
    const ok = dctwin("audit", "verify", out);
    assert.is(ok.status, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /audit-tiny: intact, \d+ decisions, head [0-9a-f]{64}/);

    const sql = async (statement: string) => {
      const db = await DuckDBInstance.create(out);
      const con = await db.connect();
      try {
        return (await con.runAndReadAll(statement)).getRows();
      } finally {
        con.closeSync();
        db.closeSync();
      }
    };
    const [[count, inputs]] = (await sql("SELECT count(*)::INTEGER, min(inputs) FROM decisions")) as [[number, string]];
    assert.ok(count >= 5, `${count} decisions`);
    assert.is(inputs, '{"grid.priceGbpPerMWh":55.5,"grid.carbonGPerKWh":180}');
    const copy = async (name: string, edit: string) => {
      const path = `${dir.path}/${name}.duckdb`;
      await sql(`ATTACH '${path}' AS x; COPY FROM DATABASE r TO x; DETACH x`);
      const db = await DuckDBInstance.create(path);
      const con = await db.connect();
      await con.run(edit);
      con.closeSync();
      db.closeSync();
      return path;
    };
    const edited = await copy("edited", "UPDATE decisions SET value = value + 0.01 WHERE seq = 2");
    const e = dctwin("audit", "verify", edited);
    assert.is(e.status, 1, e.stdout + e.stderr);
    assert.match(e.stdout, /audit-tiny: BROKEN at row seq 2 \(t_s [\d.]+, controller smooth\): hash .* does not match the row's contents/);
    const reasoned = await copy("reasoned", "UPDATE decisions SET reason = 'nothing to see' WHERE seq = 0");
    assert.match(dctwin("audit", "verify", reasoned).stdout, /BROKEN at row seq 0/);
    const deleted = await copy("deleted", "DELETE FROM decisions WHERE seq = 3");
    const d = dctwin("audit", "verify", deleted);
    assert.is(d.status, 1);
    assert.match(d.stdout, /BROKEN at row seq 4 .*seq 4 where 3 was expected/);
    const cut = await copy("cut", `DELETE FROM decisions WHERE seq = ${count - 1}`);
    const c = dctwin("audit", "verify", cut, "--run", "audit-tiny");
    assert.is(c.status, 1);
    assert.match(c.stdout, new RegExp(`audit_head event records ${count} rows .* the table holds ${count - 1}`));
    // Rewriting a hash to match an edit still breaks the next row's link.
    const rehashed = await copy("rehashed", "UPDATE decisions SET hash = repeat('a', 64) WHERE seq = 1");
    assert.match(dctwin("audit", "verify", rehashed).stdout, /BROKEN at row seq 1/);

    const missing = dctwin("audit", "verify", `${dir.path}/nope.duckdb`);
    assert.is(missing.status, 2);
    assert.match(missing.stderr, /nope.duckdb: no such file/);
    const unknown = dctwin("audit", "verify", out, "--run", "other");
    assert.is(unknown.status, 2);
    assert.match(unknown.stderr, /--run: got "other", expected a run id/);
    writeFileSync(`${dir.path}/text.duckdb`, "not a database");
    assert.is(dctwin("audit", "verify", `${dir.path}/text.duckdb`).status, 2);
    assert.is(dctwin("audit", "check", out).status, 2);
  } finally {
    dir.remove();
  }
});

test("the chain is the same whatever the thread count (the worker hashes what the main thread would)", async () => {
  const dir = tempDir();
  try {
    const scenario = `${dir.path}/s.yaml`;
    writeFileSync(scenario, SCENARIO);
    const heads: string[] = [];
    for (const threads of ["1", "2"]) {
      const out = `${dir.path}/t${threads}.duckdb`;
      assert.is(dctwin("run", scenario, "--out", out, "--threads", threads).status, 0);
      heads.push(/head ([0-9a-f]{64})/.exec(dctwin("audit", "verify", out).stdout)![1]!);
    }
    assert.is(heads[1], heads[0]);
  } finally {
    dir.remove();
  }
});

test.run();
