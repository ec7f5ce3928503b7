import type { KpiRow } from "./kpi-row.js";

/**
 * A streaming KPI calculator over one sampled signal: fed consecutive chunks, it keeps bounded
 * memory (independent of the number of samples, except where a KPI says otherwise) and reports
 * its KPIs on demand.
 *
 * Contract shared by every accumulator in engine/kpis:
 * - `add(values, length)` appends samples `values[0..length)` (length an integer in
 *   [0, values.length], else RangeError); `values` is not kept, so the caller may reuse the buffer.
 * - Splitting a signal into chunks differently gives bit-identical KPIs.
 * - `finish()` returns the KPIs of every sample added so far; it does not change the state, so it
 *   may be called more than once, and `add` may continue afterwards.
 */
export interface KpiAccumulator {
  add(values: Float64Array, length: number): void;
  finish(): KpiRow[];
}
