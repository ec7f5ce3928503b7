import { existsSync } from "node:fs";
import type { DuckDBConnection } from "@duckdb/node-api";
import { UserError } from "../../models/lib/errors.js";
import { createWelchPsd } from "../kpis/welch-psd.js";
import { loadScenario } from "../scenario/load-scenario.js";
import { envelopeLevels, type EnvelopeLevel } from "./envelope-levels.js";
import { runReportSql, runReportSqlColumns } from "./report-sql.js";

/** A table as columns (what the page turns into rows for Vega). */
export type Dataset = Record<string, (number | string | null)[]>;

export interface ReportRun {
  runId: string;
  scenario: string;
  params: Record<string, unknown>;
  dtS: number;
  horizonS: number;
  ticks: number;
  status: string;
  hasStorage: boolean;
  hasFrequency: boolean;
  hasThermal: boolean;
  hasRackThermal: boolean;
  hasHeat: boolean;
}

/** PCC limits the runs were held to (from the scenario file, else from violation events). */
export interface ReportLimits {
  importCapacityW?: number;
  exportCapacityW?: number;
  rampLimitWPerS?: number;
  swingLimitW?: number;
}

export interface ReportData {
  /** The results file, as given. */
  source: string;
  runs: ReportRun[];
  /** Zoom levels of the `power` dataset. */
  levels: EnvelopeLevel[];
  limits: ReportLimits;
  /** Swept parameters (names of params that differ between runs), in params order. */
  sweptParams: string[];
  /** Datasets by name; each only when some run has the table (power, ramps, spectrum and kpis always). */
  datasets: Record<string, Dataset>;
}

export interface ReportSelection {
  runIds?: readonly string[];
  batch?: string;
  /** Rows of the power envelope per run, all levels (default 60,000). */
  rowBudget?: number;
}

const MW = (w: unknown) => (typeof w === "number" && Number.isFinite(w) ? Math.round(w / 100) / 1e4 : null);
const C2 = (c: unknown) => (typeof c === "number" && Number.isFinite(c) ? Math.round(c * 100) / 100 : null);
const num = (x: unknown) => (typeof x === "number" && Number.isFinite(x) ? x : null);
/** Seconds to 1 µs (keeps tick times exact in JSON without 17-digit tails). */
const S = (x: unknown) => (typeof x === "number" ? Math.round(x * 1e6) / 1e6 : null);

/** Columns out of rows: each output column names its input column and a conversion. */
function toDataset(rows: readonly Record<string, unknown>[], columns: Record<string, [string, (v: unknown) => number | string | null]>): Dataset {
  const out: Dataset = {};
  for (const [name, [from, convert]] of Object.entries(columns)) out[name] = rows.map((row) => convert(row[from]));
  return out;
}

const str = (x: unknown) => (x === null || x === undefined ? null : String(x));

function parseParams(json: unknown): Record<string, unknown> {
  try {
    const value = JSON.parse(String(json ?? "{}"));
    return value !== null && typeof value === "object" && !Array.isArray(value) ? Object.assign(Object.create(null), value) : Object.create(null);
  } catch {
    return Object.create(null);
  }
}

/** The runs the user asked for, or a UserError naming what is there. */
function selectRuns(all: ReportRun[], source: string, selection: ReportSelection): ReportRun[] {
  if (all.length === 0) throw new UserError(`${source}: holds no runs`);
  let runs = all;
  if (selection.batch !== undefined) {
    const pattern = new RegExp(`^${selection.batch.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-[0-9]+$`);
    runs = all.filter((r) => pattern.test(r.runId));
    if (runs.length === 0) {
      const batches = [...new Set(all.map((r) => /^(.*)-[0-9]+$/.exec(r.runId)?.[1]).filter((b) => b !== undefined))];
      throw new UserError(`--batch: got '${selection.batch}', expected a batch of ${source}: ${batches.length > 0 ? batches.join(", ") : "it holds no batch runs (ids NAME-NN)"}`);
    }
  }
  if (selection.runIds !== undefined && selection.runIds.length > 0) {
    const byId = new Map(runs.map((r) => [r.runId, r]));
    const unknown = selection.runIds.filter((id) => !byId.has(id));
    if (unknown.length > 0) {
      const shown = runs.slice(0, 20).map((r) => r.runId);
      throw new UserError(`--run: got ${unknown.map((id) => `'${id}'`).join(", ")}, expected run ids of ${source}${selection.batch ? ` in batch ${selection.batch}` : ""}: ${shown.join(", ")}${runs.length > 20 ? `, … (${runs.length} runs)` : ""}`);
    }
    runs = [...new Set(selection.runIds)].map((id) => byId.get(id)!);
  }
  const ok = runs.filter((r) => r.status === "ok");
  if (ok.length === 0) throw new UserError(`${source}: the runs asked for all failed (${runs.map((r) => r.runId).join(", ")}); nothing to draw`);
  return ok;
}

function limitsOf(runs: readonly ReportRun[], limitRows: readonly Record<string, unknown>[]): ReportLimits {
  const limits: ReportLimits = {};
  // The scenario file the runs table names, when it is still there and still loads.
  const first = runs[0]!;
  if (/\.(ya?ml|json)$/i.test(first.scenario) && existsSync(first.scenario)) {
    try {
      const grid = loadScenario(first.scenario).grid;
      if (grid?.importCapacity !== undefined && Number.isFinite(grid.importCapacity)) limits.importCapacityW = grid.importCapacity;
      if (grid?.rampLimit !== undefined && Number.isFinite(grid.rampLimit)) limits.rampLimitWPerS = grid.rampLimit;
      if (grid?.swingLimit !== undefined && Number.isFinite(grid.swingLimit)) limits.swingLimitW = grid.swingLimit;
    } catch {
      // A file that changed since the run, or a sweep file: fall back to the events.
    }
  }
  for (const row of limitRows) {
    const value = num(row.limit_value);
    if (value === null) continue;
    if (row.kind === "import-capacity") limits.importCapacityW ??= value;
    if (row.kind === "export-capacity") limits.exportCapacityW ??= value;
    if (row.kind === "ramp") limits.rampLimitWPerS ??= value;
    if (row.kind === "swing") limits.swingLimitW ??= value;
  }
  return limits;
}

/** Welch PSD of each run's PCC power (the estimator of the band KPIs), on at most ~1,500 log-spaced points per run. */
async function spectra(con: DuckDBConnection, runs: readonly ReportRun[]): Promise<Dataset> {
  const out: Dataset = { run_id: [], frequency_hz: [], psd_mw2_per_hz: [] };
  for (const run of runs) {
    const columns = await runReportSqlColumns(con, "pcc-series.sql", { run_ids: [run.runId] });
    const values = Float64Array.from(columns.pcc_power_w as number[]);
    const welch = createWelchPsd(run.dtS);
    welch.add(values, values.length);
    const psd = welch.result();
    let lastLog = -Infinity;
    for (let k = 1; k < psd.frequencyHz.length; k++) {
      const f = psd.frequencyHz[k]!;
      // Log-spaced thinning: keep a bin when it is 0.2 % above the last kept one.
      if (Math.log10(f) - lastLog < 0.001) continue;
      lastLog = Math.log10(f);
      out.run_id!.push(run.runId);
      out.frequency_hz!.push(Number(f.toPrecision(6)));
      out.psd_mw2_per_hz!.push(Number((psd.density[k]! / 1e12).toPrecision(5)));
    }
  }
  return out;
}

/**
 * Everything `dctwin report` draws, read from an open results file with the SQL files in reports/.
 * Throws UserError for unknown run ids or batches and for a file without runs.
 */
export async function loadReportData(con: DuckDBConnection, source: string, selection: ReportSelection = {}): Promise<ReportData> {
  const all: ReportRun[] = (await runReportSql(con, "report-runs.sql")).map((r) => ({
    runId: String(r.run_id),
    scenario: String(r.scenario),
    params: parseParams(r.params_json),
    dtS: r.dt_s as number,
    horizonS: r.horizon_s as number,
    ticks: r.ticks as number,
    status: String(r.status),
    hasStorage: r.has_storage === true,
    hasFrequency: r.has_frequency === true,
    hasThermal: r.has_thermal === true,
    hasRackThermal: r.has_rack_thermal === true,
    hasHeat: r.has_heat === true,
  }));
  const runs = selectRuns(all, source, selection);
  const runIds = runs.map((r) => r.runId);
  const any = (flag: keyof ReportRun) => runs.some((r) => r[flag] === true);
  const horizonS = Math.max(...runs.map((r) => r.horizonS));
  const dtS = Math.min(...runs.map((r) => r.dtS));
  const coarse = horizonS / 2000;
  const datasets: Record<string, Dataset> = {};

  // Power: level 0 first; its widest swing centres the windows of the finer levels.
  const budget = Math.max(8000, Math.floor((selection.rowBudget ?? 60_000) / runs.length));
  const level0 = envelopeLevels(horizonS, dtS, 0, 0)[0]!;
  const rows0 = await runReportSql(con, "power-envelope.sql", { run_ids: runIds, bucket_s: level0.bucketS });
  let centreS = horizonS / 2;
  let widest = -1;
  for (const row of rows0) {
    if (row.run_id !== runIds[0]) continue;
    const swing = (row.pcc_max_w as number) - (row.pcc_min_w as number);
    if (swing > widest) [widest, centreS] = [swing, (row.t_s as number) + level0.bucketS / 2];
  }
  const levels = envelopeLevels(horizonS, dtS, centreS, budget);
  const powerRows: Record<string, unknown>[] = rows0.map((r) => ({ ...r, level: 0 }));
  for (const level of levels.slice(1)) {
    const rows = await runReportSql(con, "power-envelope.sql", { run_ids: runIds, bucket_s: level.bucketS, from_s: level.fromS, to_s: level.toS });
    for (const r of rows) powerRows.push({ ...r, level: level.level });
  }
  const storage = any("hasStorage");
  datasets.power = toDataset(powerRows, {
    run_id: ["run_id", str],
    level: ["level", num],
    t_s: ["t_s", S],
    bucket_s: ["bucket_s", S],
    pcc_min_mw: ["pcc_min_w", MW],
    pcc_max_mw: ["pcc_max_w", MW],
    pcc_mean_mw: ["pcc_mean_w", MW],
    it_mean_mw: ["it_mean_w", MW],
    ...(storage ? { load_min_mw: ["load_min_w", MW], load_max_mw: ["load_max_w", MW], load_mean_mw: ["load_mean_w", MW] } : {}),
  });
  const P5 = (x: unknown) => (typeof x === "number" && Number.isFinite(x) ? Number((x / 1e6).toPrecision(5)) : null);
  datasets.ramps = toDataset(await runReportSql(con, "ramp-distribution.sql", { run_ids: runIds }), {
    run_id: ["run_id", str],
    window_name: ["window_name", str],
    bin: ["bin", num],
    ramp_from_mw_per_s: ["ramp_from_w_per_s", P5],
    bin_width_mw_per_s: ["bin_width_w_per_s", P5],
    ticks: ["ticks", num],
  });
  datasets.spectrum = await spectra(con, runs);
  const bucketed = { run_ids: runIds, bucket_s: coarse };
  if (storage) {
    datasets.storage = toDataset(await runReportSql(con, "storage-envelope.sql", bucketed), {
      run_id: ["run_id", str],
      battery: ["battery", num],
      t_s: ["t_s", S],
      power_min_mw: ["power_min_w", MW],
      power_max_mw: ["power_max_w", MW],
      power_mean_mw: ["power_mean_w", MW],
      soc_pct: ["soc_mean", (x) => (typeof x === "number" ? Math.round(x * 10000) / 100 : null)],
    });
  }
  if (any("hasFrequency")) {
    datasets.frequency = toDataset(await runReportSql(con, "frequency-envelope.sql", bucketed), {
      run_id: ["run_id", str],
      t_s: ["t_s", S],
      frequency_min_hz: ["frequency_min_hz", (x) => (typeof x === "number" ? Math.round(x * 1e4) / 1e4 : null)],
      frequency_max_hz: ["frequency_max_hz", (x) => (typeof x === "number" ? Math.round(x * 1e4) / 1e4 : null)],
      frequency_mean_hz: ["frequency_mean_hz", (x) => (typeof x === "number" ? Math.round(x * 1e4) / 1e4 : null)],
    });
  }
  if (any("hasThermal")) {
    datasets.thermal = toDataset(await runReportSql(con, "thermal-overview.sql", bucketed), {
      run_id: ["run_id", str],
      t_s: ["t_s", S],
      warm_supply_c: ["warm_supply_c", C2],
      warm_return_c: ["warm_return_c", C2],
      chilled_supply_c: ["chilled_supply_c", C2],
      chilled_return_c: ["chilled_return_c", C2],
      inlet_max_c: ["inlet_max_c", C2],
      gpu_max_c: ["gpu_max_c", C2],
      dry_bulb_c: ["dry_bulb_c", C2],
      it_heat_mw: ["it_heat_w", MW],
      cooling_power_mw: ["cooling_power_w", MW],
    });
  }
  if (any("hasRackThermal")) {
    datasets.racks = toDataset(await runReportSql(con, "rack-heatmap.sql", { run_ids: runIds, frames: 48 }), {
      run_id: ["run_id", str],
      frame: ["frame", num],
      t_s: ["t_s", S],
      rack_id: ["rack_id", str],
      row_id: ["row_id", str],
      position: ["position", num],
      inlet_c: ["inlet_c", C2],
      gpu_c: ["gpu_c", C2],
    });
  }
  if (any("hasHeat")) {
    datasets.heat = toDataset(await runReportSql(con, "heat-reuse-overview.sql", bucketed), {
      run_id: ["run_id", str],
      t_s: ["t_s", S],
      demand_mw: ["demand_w", MW],
      delivered_mw: ["delivered_w", MW],
      heat_recovered_mw: ["heat_recovered_w", MW],
      hp_power_mw: ["hp_power_w", MW],
    });
  }
  datasets.timeline = toDataset(await runReportSql(con, "timeline.sql", bucketed), {
    run_id: ["run_id", str],
    category: ["category", str],
    lane: ["lane", str],
    t_s: ["t_s", S],
    count: ["count", num],
    first_s: ["first_s", S],
    first_text: ["first_text", str],
  });
  const kpiRows = await runReportSql(con, "kpi-table.sql", { run_ids: runIds });
  datasets.kpis = toDataset(kpiRows, { run_id: ["run_id", str], name: ["name", str], value: ["value", num], unit: ["unit", str] });
  const limits = limitsOf(runs, await runReportSql(con, "grid-limits.sql", { run_ids: runIds }));
  return { source, runs, levels, limits, sweptParams: sweptParams(runs), datasets };
}

/** Names of params whose values differ between runs (all params of a single swept run). */
function sweptParams(runs: readonly ReportRun[]): string[] {
  const names: string[] = [];
  for (const run of runs) for (const name of Object.keys(run.params)) if (!names.includes(name)) names.push(name);
  if (runs.length === 1) return [];
  return names.filter((name) => new Set(runs.map((r) => JSON.stringify(r.params[name] ?? null))).size > 1);
}
