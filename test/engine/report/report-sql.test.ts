import { DuckDBInstance } from "@duckdb/node-api";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { runReportSql, runReportSqlColumns } from "../../../engine/report/report-sql.js";

test("runReportSql sets the file's variables (quotes in run ids kept as text), then resets them to the file's defaults", async () => {
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  try {
    await con.run("CREATE TABLE kpis (run_id VARCHAR, name VARCHAR, value DOUBLE, unit VARCHAR)");
    await con.run("INSERT INTO kpis VALUES ('it''s', 'pcc_energy', 1, 'Wh'), ('b', 'pcc_energy', 2, 'Wh')");
    const one = await runReportSql(con, "kpi-table.sql", { run_ids: ["it's"] });
    assert.equal(one, [{ run_id: "it's", name: "pcc_energy", value: 1, unit: "Wh" }]);
    const all = await runReportSqlColumns(con, "kpi-table.sql");
    assert.equal(all.run_id, ["b", "it's"], "no variable left set: every run");
    assert.equal((await runReportSql(con, "kpi-table.sql", { run_ids: [] })).length, 0, "an empty list selects none");
    const error = await runReportSql(con, "kpi-table.sql", { bucket_s: Number.NaN }).catch((e: Error) => e);
    assert.match(String(error), /not a finite number/);
  } finally {
    con.closeSync();
    db.closeSync();
  }
});

test.run();
