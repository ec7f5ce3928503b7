import type { DuckDBConnection } from "@duckdb/node-api";
import { UserError } from "../../models/lib/errors.js";
import { decisionHash, GENESIS_HASH, type ChainedDecision } from "./audit-chain.js";

/**
 * Checks the decision audit's hash chain in a results DuckDB file (engine/audit/audit-chain.ts):
 * per run, rows in `seq` order must number 0, 1, 2 …, each `prev_hash` must be the previous row's
 * `hash` (64 zeros for the first), each `hash` must be the SHA-256 of the row as stored, and the
 * chain must end where the run's `audit_head` event says (its count and hash), so rows cut from the
 * end are noticed too. Reports the first broken row of each run.
 *
 * What it proves: that the rows are those the run wrote, unless someone rewrote the chain from the
 * edited row on and the head event with it. Against that, keep the head hashes elsewhere (print them
 * with `dctwin audit verify`, or copy them off the machine): the chain then pins every row before them.
 */
export interface RunAudit {
  runId: string;
  rows: number;
  /** Hash of the last row (GENESIS_HASH when the run decided nothing). */
  head: string;
  /** The first problem, or undefined when the chain is intact. */
  broken?: { seq: number; tS: number; controller: string; problem: string };
}

const COLUMNS = "run_id, seq, t_s, controller, action, value, reason, type, subject, inputs, constraints, alternatives, saving_cost, saving_carbon_kg, prev_hash, hash";

export async function verifyAudit(con: DuckDBConnection, path: string, runId?: string): Promise<RunAudit[]> {
  const tables = await con.runAndReadAll(`SELECT table_name FROM duckdb_tables() WHERE table_name IN ('decisions', 'events', 'runs')`);
  const present = new Set(tables.getRows().map((r) => String(r[0])));
  if (!present.has("decisions")) throw new UserError(`${path}: has no decisions table; expected a dctwin results file`);
  const cols = await con.runAndReadAll(`SELECT column_name FROM duckdb_columns() WHERE table_name = 'decisions'`);
  const names = new Set(cols.getRows().map((r) => String(r[0])));
  if (!names.has("hash") || !names.has("prev_hash") || !names.has("seq")) {
    throw new UserError(`${path}: its decisions table has no hash chain (written by a dctwin before the audit); rerun to a new file`);
  }
  let runIds: string[];
  if (runId !== undefined) {
    const known = present.has("runs") ? (await con.runAndReadAll(`SELECT count(*) FROM runs WHERE run_id = $1`, [runId])).getRows()[0]![0] : 0n;
    const inDecisions = (await con.runAndReadAll(`SELECT count(*) FROM decisions WHERE run_id = $1`, [runId])).getRows()[0]![0];
    if (Number(known) === 0 && Number(inDecisions) === 0) throw new UserError(`--run: got ${JSON.stringify(runId)}, expected a run id of ${path} (dctwin query ${path} "SELECT run_id FROM runs")`);
    runIds = [runId];
  } else {
    const source = present.has("runs") ? `SELECT run_id FROM runs UNION SELECT run_id FROM decisions` : `SELECT DISTINCT run_id FROM decisions`;
    runIds = (await con.runAndReadAll(`SELECT run_id FROM (${source}) WHERE run_id IS NOT NULL ORDER BY run_id`)).getRows().map((r) => String(r[0]));
  }
  const results: RunAudit[] = [];
  for (const id of runIds) results.push(await verifyRun(con, id, present.has("events")));
  return results;
}

async function verifyRun(con: DuckDBConnection, runId: string, hasEvents: boolean): Promise<RunAudit> {
  const reader = await con.runAndReadAll(`SELECT ${COLUMNS} FROM decisions WHERE run_id = $1 ORDER BY seq NULLS FIRST, t_s`, [runId]);
  const rows = reader.getRows();
  let prev = GENESIS_HASH;
  const result: RunAudit = { runId, rows: rows.length, head: GENESIS_HASH };
  const str = (v: unknown) => (v === null ? "" : String(v));
  const num = (v: unknown) => (v === null ? Number.NaN : Number(v));
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const seq = r[1] === null ? -1 : Number(r[1]);
    const at = { seq, tS: num(r[2]), controller: str(r[3]) };
    if (seq !== i) {
      result.broken = { ...at, problem: seq < 0 ? "seq is NULL" : `seq ${seq} where ${i} was expected (a row is missing, repeated or inserted)` };
      return result;
    }
    const row: ChainedDecision = {
      runId,
      seq,
      tS: num(r[2]),
      controller: str(r[3]),
      action: str(r[4]),
      value: num(r[5]),
      reason: str(r[6]),
      type: str(r[7]),
      subject: str(r[8]),
      inputs: str(r[9]),
      constraints: str(r[10]),
      alternatives: str(r[11]),
      savingCost: num(r[12]),
      savingCarbonKg: num(r[13]),
      prevHash: str(r[14]),
    };
    if (row.prevHash !== prev) {
      result.broken = { ...at, problem: `prev_hash ${row.prevHash.slice(0, 12)}… is not the previous row's hash ${prev.slice(0, 12)}…` };
      return result;
    }
    const hash = decisionHash(row);
    if (hash !== str(r[15])) {
      result.broken = { ...at, problem: `hash ${str(r[15]).slice(0, 12)}… does not match the row's contents (${hash.slice(0, 12)}…): the row was edited` };
      return result;
    }
    prev = hash;
  }
  result.head = prev;
  if (hasEvents) {
    const head = (await con.runAndReadAll(`SELECT value, detail FROM events WHERE run_id = $1 AND source = 'audit' AND kind = 'audit_head'`, [runId])).getRows();
    if (head.length > 1) {
      result.broken = { seq: rows.length, tS: Number.NaN, controller: "", problem: `${head.length} audit_head events where one was expected` };
    } else if (head.length === 1 && (Number(head[0]![0]) !== rows.length || String(head[0]![1]) !== prev)) {
      result.broken = {
        seq: rows.length,
        tS: Number.NaN,
        controller: "",
        problem: `the run's audit_head event records ${Number(head[0]![0])} rows ending in ${String(head[0]![1]).slice(0, 12)}…, the table holds ${rows.length} ending in ${prev.slice(0, 12)}… (rows cut from the end, or the head edited)`,
      };
    } else if (head.length === 0 && rows.length > 0) {
      result.broken = { seq: rows.length, tS: Number.NaN, controller: "", problem: "the run has decisions but no audit_head event (deleted?)" };
    }
  }
  return result;
}
