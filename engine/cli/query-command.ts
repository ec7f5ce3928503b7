import { existsSync, readFileSync } from "node:fs";
import { DuckDBInstance } from "@duckdb/node-api";
import type { Argv } from "yargs";
import { UserError } from "../../models/lib/errors.js";

/** Renders rows as an aligned text table; numbers right-aligned, up to 6 significant digits. */
export function formatRows(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cell = (v: unknown) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : Number(v.toPrecision(6)).toString()) : typeof v === "bigint" ? v.toString() : v === null ? "NULL" : String(v));
  const text = rows.map((r) => r.map(cell));
  const widths = columns.map((c, i) => Math.max(c.length, ...text.map((r) => r[i]!.length)));
  const numeric = columns.map((_, i) => rows.every((r) => typeof r[i] === "number" || typeof r[i] === "bigint" || r[i] === null));
  const line = (cells: string[]) => cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line([...columns]), line(widths.map((w) => "-".repeat(w))), ...text.map(line)].join("\n");
}

export const queryCommand = {
  command: "query <database> <sql>",
  describe: "run SQL (text or a .sql file) on a results DuckDB file and print the result",
  builder: (y: Argv) =>
    y
      .positional("database", { type: "string", describe: "DuckDB results file", demandOption: true })
      .positional("sql", { type: "string", describe: "SQL text, or a path to a .sql file", demandOption: true }),
  handler: async (argv: { database: string; sql: string }) => {
    if (!existsSync(argv.database)) throw new UserError(`${argv.database}: no such file`);
    const sql = argv.sql.endsWith(".sql") ? readFileSync(argv.sql, "utf8") : argv.sql;
    const db = await DuckDBInstance.create(argv.database, { access_mode: "READ_ONLY" });
    const con = await db.connect();
    try {
      const result = await con.runAndReadAll(sql).catch((error: Error) => {
        throw new UserError(`query failed: ${error.message}`);
      });
      console.log(formatRows(result.columnNames(), result.getRows()));
    } finally {
      con.closeSync();
      db.closeSync();
    }
  },
};
