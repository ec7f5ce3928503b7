import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatQuantity } from "../cli/format.js";
import type { Dataset, ReportData } from "./load-report-data.js";
import { reportCharts, sweepDataset, type ReportChart } from "./report-charts.js";

/** The folder of an installed package (its exports hide build/, so resolve the entry and walk up). */
function packageDir(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.resolve(name)));
  while (!existsSync(join(dir, "package.json")) || JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).name !== name) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`package ${name}: no package.json above its entry`);
    dir = up;
  }
  return dir;
}

/** The browser builds (UMD) of vega, vega-lite and vega-embed, from node_modules. */
export function chartLibraries(): string[] {
  return [["vega", "build/vega.min.js"], ["vega-lite", "build/vega-lite.min.js"], ["vega-embed", "build/vega-embed.min.js"]].map(([name, path]) => readFileSync(join(packageDir(name!), path!), "utf8"));
}

/** Text safe inside <script>: no "</script" (or "<!--") can end it early. */
export function scriptText(code: string): string {
  return code.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Every dataset a chart may name, as columns (the page turns them into rows). */
export function chartDatasets(data: ReportData): Record<string, Dataset> {
  const datasets: Record<string, Dataset> = { ...data.datasets };
  if (data.runs.length > 1 && data.sweptParams.length > 0) {
    const { rows } = sweepDataset(data);
    const columns: Dataset = Object.create(null);
    for (const row of rows) for (const key of Object.keys(row)) columns[key] ??= [];
    for (const key of Object.keys(columns)) columns[key] = rows.map((row) => (row[key] ?? null) as number | string | null);
    datasets.sweep = columns;
  }
  return datasets;
}

/** Columns to row objects (what Vega reads). */
export function rowsOf(dataset: Dataset): Record<string, unknown>[] {
  const names = Object.keys(dataset);
  const length = names.length === 0 ? 0 : dataset[names[0]!]!.length;
  const rows: Record<string, unknown>[] = new Array(length);
  for (let i = 0; i < length; i++) {
    const row: Record<string, unknown> = {};
    for (const name of names) row[name] = dataset[name]![i];
    rows[i] = row;
  }
  return rows;
}

/** The KPI table: one row per KPI, one column per run, values with their units. */
function kpiTable(data: ReportData): string {
  const kpis = data.datasets.kpis!;
  const names: string[] = [];
  const cells = new Map<string, string>();
  (kpis.name as string[]).forEach((name, i) => {
    if (!names.includes(name)) names.push(name);
    cells.set(`${kpis.run_id![i]}\u0000${name}`, formatQuantity(kpis.value![i] as number, kpis.unit![i] as string));
  });
  const head = `<tr><th>KPI</th>${data.runs.map((r) => `<th>${escapeHtml(r.runId)}</th>`).join("")}</tr>`;
  const body = names.map((name) => `<tr><td>${escapeHtml(name)}</td>${data.runs.map((r) => `<td class="num">${escapeHtml(cells.get(`${r.runId}\u0000${name}`) ?? "")}</td>`).join("")}</tr>`).join("\n");
  return `<table class="kpis">${head}\n${body}</table>`;
}

function runTable(data: ReportData): string {
  const head = `<tr><th>run</th><th>scenario</th><th>tick</th><th>horizon</th>${data.sweptParams.map((p) => `<th>${escapeHtml(p)}</th>`).join("")}</tr>`;
  const body = data.runs
    .map((r) => `<tr><td>${escapeHtml(r.runId)}</td><td>${escapeHtml(r.scenario)}</td><td class="num">${r.dtS * 1000} ms</td><td class="num">${r.horizonS} s</td>${data.sweptParams.map((p) => `<td>${escapeHtml(JSON.stringify(r.params[p] ?? null))}</td>`).join("")}</tr>`)
    .join("\n");
  return `<table class="runs">${head}\n${body}</table>`;
}

export const PAGE_STYLE = `body{font:14px/1.4 "Liberation Sans",Arial,sans-serif;margin:24px auto;max-width:1040px;padding:0 12px;color:#222}
h1{font-size:22px;margin-bottom:4px}h2{font-size:17px;margin:28px 0 2px}p.note{margin:2px 0 8px;color:#555;font-size:13px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}td,th{border-bottom:1px solid #ddd;padding:3px 10px;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
.vega-bindings{font-size:13px;margin:4px 0}`;

/** The page script: rows from the columns, one vega-embed per chart, views kept for tests. */
export const PAGE_SCRIPT = `
const rowsOf = (dataset) => {
  const names = Object.keys(dataset);
  const length = names.length === 0 ? 0 : dataset[names[0]].length;
  const rows = new Array(length);
  for (let i = 0; i < length; i++) { const row = {}; for (const n of names) row[n] = dataset[n][i]; rows[i] = row; }
  return rows;
};
/** Data marks drawn in a view (axes, legends and titles left out). */
const markCount = (view) => {
  let count = 0;
  const walk = (item) => {
    if (item.mark && item.mark.marktype !== "group" && item.mark.role === "mark" && item.datum && Object.keys(item.datum).length > 0) count++;
    for (const child of item.items || []) walk(child);
  };
  walk(view.scenegraph().root);
  return count;
};
window.dctwinReport = { views: {}, markCounts: () => Object.fromEntries(Object.entries(window.dctwinReport.views).map(([id, v]) => [id, markCount(v)])) };
function embedCharts(charts, datasets) {
  const rows = Object.fromEntries(Object.entries(datasets).map(([name, d]) => [name, rowsOf(d)]));
  return Promise.all(charts.map((chart) => {
    const spec = Object.assign({}, chart.spec, { datasets: rows });
    return vegaEmbed("#chart-" + chart.id, spec, { renderer: "svg", actions: { export: true, source: false, compiled: false, editor: false } })
      .then((result) => { window.dctwinReport.views[chart.id] = result.view; });
  }));
}`;

export function chartSections(charts: readonly ReportChart[]): string {
  return charts.map((c) => `<section><h2>${escapeHtml(c.title)}</h2><p class="note">${escapeHtml(c.note)}</p><div id="chart-${c.id}"></div></section>`).join("\n");
}

/** JSON for a <script> block: "<" escaped, so no text in the data can close the script. */
export const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

/**
 * The whole report as one HTML file: the chart libraries, the data and the specs inlined, so it
 * opens with no network. `generatedBy` goes in the header (e.g. "dctwin 0.1.0").
 */
export function reportHtml(data: ReportData, generatedBy: string): string {
  const charts = reportCharts(data);
  const title = data.runs.length === 1 ? data.runs[0]!.runId : `${data.runs.length} runs of ${data.source}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}: dctwin report</title>
<style>${PAGE_STYLE}</style>
${chartLibraries().map((code) => `<script>${scriptText(code)}</script>`).join("\n")}
</head><body>
<h1>${escapeHtml(title)}</h1>
<p class="note">${escapeHtml(data.source)}, written by ${escapeHtml(generatedBy)}. Charts: drag on an overview to zoom, hover for values; each chart's menu saves it as SVG or PNG.</p>
${runTable(data)}
${chartSections(charts)}
<section><h2>KPIs</h2><p class="note">The kpis table (reports/kpi-table.sql), with units; docs/results-schema.md defines each.</p>${kpiTable(data)}</section>
<script>${PAGE_SCRIPT}
window.dctwinReport.ready = embedCharts(${scriptJson(charts.map((c) => ({ id: c.id, spec: c.spec })))}, ${scriptJson(chartDatasets(data))});
</script>
</body></html>
`;
}
