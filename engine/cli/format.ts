import type { KpiRow } from "../kpis/kpi-row.js";

/** Formats a value with an SI prefix suited to its size: formatQuantity(9_512_000, "W") === "9.512 MW". */
export function formatQuantity(value: number, unit: string): string {
  if (!Number.isFinite(value)) return String(value);
  const scalable = ["W", "Wh", "W/s", "J", "VA"];
  if (unit === "fraction") return `${(value * 100).toFixed(2)} %`;
  if (unit === "count") return String(Math.round(value));
  if (!scalable.includes(unit)) return `${round(value)}${unit ? ` ${unit}` : ""}`;
  const abs = Math.abs(value);
  const [factor, prefix] = abs >= 1e9 ? [1e9, "G"] : abs >= 1e6 ? [1e6, "M"] : abs >= 1e3 ? [1e3, "k"] : [1, ""];
  return `${round(value / factor)} ${prefix}${unit}`;
}

function round(x: number): string {
  const abs = Math.abs(x);
  if (abs === 0) return "0";
  if (abs >= 100) return x.toFixed(1);
  if (abs >= 1) return x.toFixed(3);
  return x.toPrecision(4);
}

/** Formats seconds as h:mm:ss. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}:${String(m).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

/** The KPIs printed after a run, in this order; the full list is in the kpis table. */
export const SUMMARY_KPIS = [
  "pcc_energy",
  "pcc_peak_power",
  "pcc_mean_power",
  "pcc_min_power",
  "pcc_max_ramp_40ms",
  "pcc_max_ramp_1s",
  "pcc_max_ramp_60s",
  "pcc_swing_p99",
  "pcc_band_rms_0p1_1hz",
  "pcc_band_rms_1_5hz",
  "pcc_band_rms_5_12p5hz",
  "pcc_dominant_frequency",
  "it_energy",
  "gpu_energy",
  "gpu_burn_energy",
  "gpu_energy_overhead",
  "electrical_efficiency",
  "pcc_ramp_violations",
  "pcc_swing_violation_time",
  "energy_cost",
  "carbon",
];

/** A two-column text table of the summary KPIs (and any workload KPIs). */
export function formatKpiTable(kpis: readonly KpiRow[]): string {
  const byName = new Map(kpis.map((k) => [k.name, k]));
  const shown = SUMMARY_KPIS.flatMap((name) => (byName.has(name) ? [byName.get(name)!] : []));
  const rows = shown.map((k) => [k.name, formatQuantity(k.value, k.unit)] as const);
  const width = Math.max(...rows.map(([name]) => name.length), 4);
  return rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`).join("\n");
}
