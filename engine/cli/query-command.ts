import { existsSync, readFileSync } from "node:fs";
import { DuckDBInstance } from "@duckdb/node-api";
import type { Argv } from "yargs";
import { UserError } from "../../models/lib/errors.js";
import { StorageError, storageError } from "../sinks/storage-error.js";

/** Renders rows as an aligned text table; numbers right-aligned, up to 6 significant digits. */
export function formatRows(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cell = (v: unknown) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : Number(v.toPrecision(6)).toString()) : typeof v === "bigint" ? v.toString() : v === null ? "NULL" : String(v));
  const text = rows.map((r) => r.map(cell));
  const widths = columns.map((c, i) => Math.max(c.length, ...text.map((r) => r[i]!.length)));
  const numeric = columns.map((_, i) => rows.every((r) => typeof r[i] === "number" || typeof r[i] === "bigint" || r[i] === null));
  const line = (cells: string[]) => cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line([...columns]), line(widths.map((w) => "-".repeat(w))), ...text.map(line)].join("\n");
}

/**
 * Opens a results file for reading. DuckDB lets one process write a file and nobody else open it
 * meanwhile; while a run holds it, this retries for `waitS` seconds, then says who holds it.
 */
export async function openReadOnly(path: string, waitS: number): Promise<DuckDBInstance> {
  const deadline = performance.now() + waitS * 1000;
  for (;;) {
    try {
      return await DuckDBInstance.create(path, { access_mode: "READ_ONLY" });
    } catch (error) {
      const message = (error as Error).message;
      const locked = /Could not set lock|Conflicting lock/i.test(message);
      if (locked && performance.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        continue;
      }
      if (locked) {
        const pid = /\(PID (\d+)\)/.exec(message)?.[1];
        throw new StorageError(
          `${path}: being written by another process${pid ? ` (PID ${pid})` : ""}; try again when it has finished, or pass --wait SECONDS to wait for it`,
        );
      }
      throw storageError(path, "opening it", error) ?? new UserError(`${path}: cannot open as a DuckDB file: ${message.split("\n")[0]}`);
    }
  }
}

export const queryCommand = {
  command: "query <database> <sql>",
  describe: "run SQL (text or a .sql file) on a results DuckDB file and print the result",
  builder: (y: Argv) =>
    y
      .positional("database", { type: "string", describe: "DuckDB results file", demandOption: true })
      .positional("sql", { type: "string", describe: "SQL text, or a path to a .sql file", demandOption: true })
      .option("wait", { type: "number", default: 0, describe: "seconds to keep trying while another process (a run) is writing the file" }),
  handler: async (argv: { database: string; sql: string; wait: number }) => {
    if (!existsSync(argv.database)) throw new UserError(`${argv.database}: no such file`);
    if (!(argv.wait >= 0 && argv.wait <= 86_400)) throw new UserError(`--wait: got ${argv.wait}, expected seconds from 0 to 86400`);
    const sql = argv.sql.endsWith(".sql") ? readFileSync(argv.sql, "utf8") : argv.sql;
    const db = await openReadOnly(argv.database, argv.wait);
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
