import type { BatchRunOutcome } from "../pool/run-batch.js";
import { formatQuantity } from "./format.js";
import { formatRows } from "./query-command.js";

/** KPIs in the batch summary, one column each (mean over a combination's replicates). */
export const BATCH_SUMMARY_KPIS = ["pcc_swing_p99", "pcc_max_ramp_1s", "pcc_band_rms_0p1_1hz", "pcc_energy", "gpu_energy_overhead"];

/**
 * The end-of-batch table: one row per parameter combination, with its swept values, how many
 * runs succeeded, and the mean of the key KPIs over its replicates.
 */
export function formatBatchSummary(outcomes: readonly BatchRunOutcome[]): string {
  const groups = new Map<string, BatchRunOutcome[]>();
  for (const outcome of [...outcomes].sort((a, b) => a.plan.index - b.plan.index)) {
    const list = groups.get(outcome.plan.combination) ?? [];
    list.push(outcome);
    groups.set(outcome.plan.combination, list);
  }
  const axisNames = Object.keys(JSON.parse([...groups.keys()][0] ?? "{}"));
  const rows = [...groups.entries()].map(([combination, list]) => {
    const params = JSON.parse(combination) as Record<string, unknown>;
    const ok = list.filter((o) => o.status === "ok");
    const kpis = BATCH_SUMMARY_KPIS.map((name) => {
      const values = ok.flatMap((o) => o.kpis.filter((k) => k.name === name));
      if (values.length === 0) return "-";
      return formatQuantity(values.reduce((s, k) => s + k.value, 0) / values.length, values[0]!.unit);
    });
    return [...axisNames.map((a) => String(params[a])), `${ok.length}/${list.length}`, ...kpis];
  });
  return formatRows([...axisNames, "runs ok", ...BATCH_SUMMARY_KPIS], rows);
}
