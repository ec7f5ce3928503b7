import { DuckDBInstance } from "@duckdb/node-api";

/** What `runs` holds that equal batches share (not wall-clock timing, start time or versions). */
const RUNS_COLUMNS = ["run_id", "scenario", "params_json", "seed", "dt_s", "horizon_s", "ticks", "status", "error"];

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Compares two results files table by table, row for row: for every table of either file, the
 * rows of one that the other lacks, both ways (EXCEPT ALL, so a duplicated row is a difference).
 * Returns the differences (empty when every table is equal) and each table's row count in `a`.
 */
export async function resultsDiff(a: string, b: string): Promise<{ differences: string[]; rows: Record<string, number> }> {
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  const differences: string[] = [];
  const rows: Record<string, number> = {};
  try {
    await con.run(`ATTACH '${a.replaceAll("'", "''")}' AS a (READ_ONLY)`);
    await con.run(`ATTACH '${b.replaceAll("'", "''")}' AS b (READ_ONLY)`);
    const columns = async (database: string) => {
      const out = new Map<string, string[]>();
      const found = (await con.runAndReadAll(`SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = '${database}' ORDER BY table_name, column_index`)).getRows();
      for (const [table, column] of found) out.set(String(table), [...(out.get(String(table)) ?? []), String(column)]);
      return out;
    };
    const inA = await columns("a");
    const inB = await columns("b");
    for (const table of [...new Set([...inA.keys(), ...inB.keys()])].sort()) {
      const ca = inA.get(table);
      const cb = inB.get(table);
      if (ca === undefined || cb === undefined) {
        differences.push(`${table}: only in ${ca ? a : b}`);
        continue;
      }
      if (ca.join() !== cb.join()) {
        differences.push(`${table}: columns differ: ${ca.join(", ")} vs ${cb.join(", ")}`);
        continue;
      }
      const list = (table === "runs" ? RUNS_COLUMNS : ca).map(quote).join(", ");
      const count = async (sql: string) => Number((await con.runAndReadAll(sql)).getRows()[0]![0]);
      const onlyA = await count(`SELECT count(*) FROM (SELECT ${list} FROM a.${quote(table)} EXCEPT ALL SELECT ${list} FROM b.${quote(table)})`);
      const onlyB = await count(`SELECT count(*) FROM (SELECT ${list} FROM b.${quote(table)} EXCEPT ALL SELECT ${list} FROM a.${quote(table)})`);
      rows[table] = await count(`SELECT count(*) FROM a.${quote(table)}`);
      if (onlyA > 0 || onlyB > 0) differences.push(`${table}: ${onlyA} row(s) only in ${a}, ${onlyB} only in ${b}`);
    }
  } finally {
    con.closeSync();
    db.closeSync();
  }
  return { differences, rows };
}

/** The rows of a query on a results file, as plain values. */
export async function queryRows(path: string, sql: string): Promise<unknown[][]> {
  const db = await DuckDBInstance.create(path, { access_mode: "READ_ONLY" });
  const con = await db.connect();
  try {
    return (await con.runAndReadAll(sql)).getRows();
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

/**
 * Checks that would catch a run written twice or in part: every run once in `runs`, and for
 * every run one `site_series` row per tick, with no (run, time) twice. Returns the problems.
 */
export async function duplicateProblems(path: string): Promise<string[]> {
  const problems: string[] = [];
  for (const [runId, n] of await queryRows(path, "SELECT run_id, count(*) FROM runs GROUP BY 1 HAVING count(*) <> 1")) problems.push(`runs: ${runId} ${n} times`);
  const perRun = await queryRows(
    path,
    "SELECT r.run_id, r.ticks, count(s.t_s), count(DISTINCT s.t_s) FROM runs r LEFT JOIN site_series s USING (run_id) GROUP BY ALL HAVING count(s.t_s) <> r.ticks OR count(DISTINCT s.t_s) <> count(s.t_s)",
  );
  for (const [runId, ticks, n, distinct] of perRun) problems.push(`site_series: ${runId} has ${n} rows (${distinct} distinct times) for ${ticks} ticks`);
  return problems;
}
