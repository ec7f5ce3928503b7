import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { DuckDBConnection } from "@duckdb/node-api";

/** The folder of the SQL files behind the report (the repository's reports/). */
export const REPORTS_DIR = fileURLToPath(new URL("../../../reports/", import.meta.url));

/** A value for one of the files' variables (`getvariable('name')`). */
export type SqlVariable = number | string | readonly string[];

function literal(value: SqlVariable): string {
  const text = (s: string) => `'${s.replaceAll("'", "''")}'`;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError(`report variable: ${value} is not a finite number`);
    return `${value}::DOUBLE`;
  }
  if (typeof value === "string") return text(value);
  return value.length === 0 ? "[]::VARCHAR[]" : `[${value.map(text).join(", ")}]`;
}

/**
 * Runs reports/<file> on `con` with its variables set (SET VARIABLE, reset afterwards, so a file
 * run by hand takes its documented defaults) and returns the last statement's rows as objects
 * (BIGINT as number).
 *
 * Example: await runReportSql(con, "kpi-table.sql", { run_ids: ["a"] }) is the KPI rows of run a.
 */
export async function runReportSql(con: DuckDBConnection, file: string, variables: Record<string, SqlVariable> = {}): Promise<Record<string, unknown>[]> {
  const reader = await readReportSql(con, file, variables);
  return reader.getRowObjectsJS().map((row) => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(row)) out[key] = typeof value === "bigint" ? Number(value) : value;
    return out;
  });
}

/** The same, as columns (for long results: no object per row). */
export async function runReportSqlColumns(con: DuckDBConnection, file: string, variables: Record<string, SqlVariable> = {}): Promise<Record<string, unknown[]>> {
  return (await readReportSql(con, file, variables)).getColumnsObjectJS() as Record<string, unknown[]>;
}

async function readReportSql(con: DuckDBConnection, file: string, variables: Record<string, SqlVariable>) {
  const sql = readFileSync(`${REPORTS_DIR}${file}`, "utf8");
  const names = Object.keys(variables);
  for (const name of names) await con.run(`SET VARIABLE ${name} = ${literal(variables[name]!)}`);
  try {
    return await con.runAndReadAll(sql);
  } finally {
    for (const name of names) await con.run(`RESET VARIABLE ${name}`);
  }
}
