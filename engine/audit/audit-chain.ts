import { createHash } from "node:crypto";

/**
 * The decision audit's hash chain. Each row of `decisions` carries `hash` = SHA-256 (hex) of its
 * canonical serialisation, which includes the previous row's hash (`prev_hash`; the first row of a
 * run chains to GENESIS_HASH). Editing, deleting, inserting or reordering a row breaks the chain
 * from that row on; `dctwin audit verify` recomputes it from the stored columns.
 *
 * The canonical serialisation is the JSON array of the chained fields in CHAIN_FIELDS order:
 * strings as JSON strings, numbers as JavaScript prints them (the shortest text that reads back to
 * the same double, so a DOUBLE read back from DuckDB or Arrow serialises identically), and NaN,
 * Infinity, -Infinity as the strings "NaN", "Infinity", "-Infinity" (JSON has no such numbers).
 *
 * Example: canonicalDecision({ runId: "r", seq: 0, tS: 0, controller: "c", action: "a", value: 1,
 * reason: "", type: "a", subject: "", inputs: "{}", constraints: "[]", alternatives: "[]",
 * savingCost: NaN, savingCarbonKg: NaN, prevHash: GENESIS_HASH })
 * → '["r",0,0,"c","a",1,"","a","","{}","[]","[]","NaN","NaN","000…0"]'
 */
export interface ChainedDecision {
  runId: string;
  seq: number;
  tS: number;
  controller: string;
  action: string;
  value: number;
  reason: string;
  type: string;
  subject: string;
  /** JSON text, as stored. */
  inputs: string;
  /** JSON text, as stored. */
  constraints: string;
  /** JSON text, as stored. */
  alternatives: string;
  savingCost: number;
  savingCarbonKg: number;
  prevHash: string;
}

/** The fields the hash covers, in serialisation order (the row's own hash is not among them). */
export const CHAIN_FIELDS = [
  "runId",
  "seq",
  "tS",
  "controller",
  "action",
  "value",
  "reason",
  "type",
  "subject",
  "inputs",
  "constraints",
  "alternatives",
  "savingCost",
  "savingCarbonKg",
  "prevHash",
] as const satisfies readonly (keyof ChainedDecision)[];

/** prev_hash of a run's first decision. */
export const GENESIS_HASH = "0".repeat(64);

/** A number as canonical JSON: non-finite values as strings. */
const num = (x: number): string => (Number.isFinite(x) ? JSON.stringify(x) : JSON.stringify(String(x)));

export function canonicalDecision(d: ChainedDecision): string {
  return (
    `[${JSON.stringify(d.runId)},${num(d.seq)},${num(d.tS)},${JSON.stringify(d.controller)},${JSON.stringify(d.action)},${num(d.value)},` +
    `${JSON.stringify(d.reason)},${JSON.stringify(d.type)},${JSON.stringify(d.subject)},${JSON.stringify(d.inputs)},${JSON.stringify(d.constraints)},` +
    `${JSON.stringify(d.alternatives)},${num(d.savingCost)},${num(d.savingCarbonKg)},${JSON.stringify(d.prevHash)}]`
  );
}

/** SHA-256, hex, of the canonical serialisation (which includes prevHash). */
export function decisionHash(d: ChainedDecision): string {
  return createHash("sha256").update(canonicalDecision(d), "utf8").digest("hex");
}

/**
 * JSON text of a decision's detail (inputs, constraints, alternatives): JSON.stringify with
 * non-finite numbers as strings, so nothing is lost to `null`. Key order is the object's own.
 */
export function detailJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v));
}
