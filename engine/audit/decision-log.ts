import type { DecisionDetail } from "../controller.js";
import { f64ColumnOf, i32ColumnOf } from "../columns.js";
import type { Chunk } from "../sinks/sink.js";
import { DECISIONS } from "../tables.js";
import { decisionHash, detailJson, GENESIS_HASH, type ChainedDecision } from "./audit-chain.js";

/**
 * The run's decision audit, as the engine records it: rows appended in the order controllers
 * decide (a fixed order within a tick, so the same scenario and seed give the same rows on any
 * thread count), details serialised at once, the hash chain computed when the table is emitted
 * (hashing belongs to the engine, not to controllers; decisions are rare, so this costs nothing
 * per tick).
 */
export interface DecisionLog {
  readonly length: number;
  /**
   * Appends a decision. `signals` is the JSON-ready record of the grid signals in force (or
   * undefined); the controller's own `detail.inputs` follow them in `inputs`.
   */
  append(tS: number, controller: string, action: string, value: number, reason: string, detail: DecisionDetail | undefined, signals: Record<string, number> | undefined): void;
  /** The `decisions` chunk of the run, chained, and the chain's head (hash of the last row; GENESIS_HASH when empty). */
  emit(runId: string): { chunk: Chunk; head: string };
}

export function createDecisionLog(): DecisionLog {
  const t: number[] = [];
  const controller: string[] = [];
  const action: string[] = [];
  const value: number[] = [];
  const reason: string[] = [];
  const type: string[] = [];
  const subject: string[] = [];
  const inputs: string[] = [];
  const constraints: string[] = [];
  const alternatives: string[] = [];
  const savingCost: number[] = [];
  const savingCarbonKg: number[] = [];
  return {
    get length() {
      return t.length;
    },
    append(tS, c, a, v, r, detail, signals) {
      t.push(tS);
      controller.push(c);
      action.push(a);
      value.push(v);
      reason.push(r);
      type.push(detail?.type ?? a);
      subject.push(detail?.subject ?? "");
      const own = detail?.inputs;
      inputs.push(signals === undefined && own === undefined ? "{}" : detailJson(own === undefined ? signals : signals === undefined ? own : { ...signals, ...own }));
      constraints.push(detail?.constraints === undefined ? "[]" : detailJson(detail.constraints));
      alternatives.push(detail?.alternatives === undefined ? "[]" : detailJson(detail.alternatives));
      savingCost.push(detail?.savingCost ?? Number.NaN);
      savingCarbonKg.push(detail?.savingCarbonKg ?? Number.NaN);
    },
    emit(runId) {
      const n = t.length;
      const prevHash: string[] = new Array<string>(n);
      const hash: string[] = new Array<string>(n);
      let prev = GENESIS_HASH;
      for (let i = 0; i < n; i++) {
        const row: ChainedDecision = {
          runId,
          seq: i,
          tS: t[i]!,
          controller: controller[i]!,
          action: action[i]!,
          value: value[i]!,
          reason: reason[i]!,
          type: type[i]!,
          subject: subject[i]!,
          inputs: inputs[i]!,
          constraints: constraints[i]!,
          alternatives: alternatives[i]!,
          savingCost: savingCost[i]!,
          savingCarbonKg: savingCarbonKg[i]!,
          prevHash: prev,
        };
        prevHash[i] = prev;
        prev = hash[i] = decisionHash(row);
      }
      const seq = i32ColumnOf(Array.from({ length: n }, (_, i) => i));
      return {
        chunk: {
          table: DECISIONS.name,
          runId,
          length: n,
          columns: [f64ColumnOf(t), controller, action, f64ColumnOf(value), reason, seq, type, subject, inputs, constraints, alternatives, f64ColumnOf(savingCost), f64ColumnOf(savingCarbonKg), prevHash, hash],
        },
        head: prev,
      };
    },
  };
}
