import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkChunk } from "../../../engine/sinks/check-chunk.js";
import { checkTableSpecs } from "../../../engine/sinks/check-table-specs.js";
import { runRowChunk, runRowFromRecord, runsTable } from "../../../engine/sinks/runs-table.js";
import { mixedChunk, mixedTable, runRow, siteTable } from "./sample-tables.js";

test("checkChunk(spec, chunk) accepts each column type and columns longer than the chunk", () => {
  checkChunk(mixedTable, mixedChunk("r", 0, 4, 3));
  checkChunk(mixedTable, mixedChunk("r", 0, 0));
});

test("checkChunk(spec, chunk) names the table and column of a wrong type, a short column or a bad length", () => {
  const good = mixedChunk("r", 0, 4);
  assert.throws(() => checkChunk(mixedTable, { ...good, columns: [good.columns[0], new Float64Array(4), good.columns[2], good.columns[3]] }), /mixed_series, column power_w: got Float64Array, expected f32/);
  assert.throws(() => checkChunk(mixedTable, { ...good, columns: [good.columns[0], good.columns[1], good.columns[2], new Float64Array(4)] }), /column label: got Float64Array, expected utf8/);
  assert.throws(() => checkChunk(mixedTable, { ...good, length: 5 }), /column t_s: 4 values, chunk length 5/);
  assert.throws(() => checkChunk(mixedTable, { ...good, length: 1.5 }), /chunk length 1.5/);
  assert.throws(() => checkChunk(mixedTable, { ...good, columns: good.columns.slice(1) }), /chunk has 3 columns, spec has 4/);
});

test("checkTableSpecs(tables) refuses the reserved runs table, run_id columns, duplicates and unknown types", () => {
  checkTableSpecs([mixedTable, siteTable]);
  assert.throws(() => checkTableSpecs([runsTable]), /reserved/);
  assert.throws(() => checkTableSpecs([siteTable, siteTable]), /specified twice/);
  assert.throws(() => checkTableSpecs([{ ...siteTable, columns: [{ ...siteTable.columns[0], name: "run_id" }] }]), /run_id is implicit/);
  assert.throws(() => checkTableSpecs([{ ...siteTable, columns: [siteTable.columns[0], siteTable.columns[0]] }]), /t_s is specified twice/);
  assert.throws(() => checkTableSpecs([{ ...siteTable, columns: [{ ...siteTable.columns[0], type: "f16" as never }] }]), /type f16/);
});

test("runRowChunk(run) is a one-row chunk of runsTable that runRowFromRecord(record) turns back into the run", () => {
  const run = runRow("r", "failed");
  const chunk = runRowChunk(run);
  checkChunk(runsTable, chunk);
  assert.is(chunk.length, 1);
  const record: Record<string, unknown> = { run_id: chunk.runId };
  runsTable.columns.forEach((column, i) => (record[column.name] = chunk.columns[i][0]));
  record.seed = BigInt(run.seed); // a BIGINT column comes back as bigint
  assert.equal(runRowFromRecord(record), run);
  assert.equal(
    runsTable.columns.map((c) => c.name),
    ["scenario", "params_json", "seed", "dt_s", "horizon_s", "ticks", "engine_version", "node_version", "started_at", "wall_s", "status", "error"],
  );
});

test.run();
