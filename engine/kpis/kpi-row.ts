/**
 * One key performance indicator of one run: a named scalar with its unit, the row shape of the
 * `kpis` result table (the sink adds `run_id`).
 *
 * Example: { name: "pcc_peak_power", value: 9.4e6, unit: "W" }.
 */
export interface KpiRow {
  /** snake_case, `<prefix>_<metric>`, e.g. `pcc_max_ramp_1s`. */
  name: string;
  /** In `unit`; NaN when the metric is undefined for the data seen (e.g. the peak of no samples). */
  value: number;
  /** Unit symbol as in models/lib/units.ts (`W`, `Wh`, `W/s`, `Hz`), `""` when dimensionless. */
  unit: string;
}
