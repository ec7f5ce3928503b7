import type { Dataset, ReportData, ReportRun } from "../report/load-report-data.js";
import { reportCharts } from "../report/report-charts.js";
import { chartLibraries, chartSections, PAGE_SCRIPT, PAGE_STYLE, scriptJson, scriptText } from "../report/report-html.js";
import { envelopeLevels } from "../report/envelope-levels.js";
import type { Scenario } from "../scenario/scenario-types.js";

/** Columns of each live dataset (the report's, without what needs the whole run or a join). */
const LIVE_COLUMNS: Record<string, string[]> = {
  power: ["run_id", "level", "t_s", "bucket_s", "pcc_min_mw", "pcc_max_mw", "pcc_mean_mw", "it_mean_mw"],
  storage: ["run_id", "battery", "t_s", "power_min_mw", "power_max_mw", "power_mean_mw", "soc_pct"],
  frequency: ["run_id", "t_s", "frequency_min_hz", "frequency_max_hz", "frequency_mean_hz"],
  thermal: ["run_id", "t_s", "warm_supply_c", "warm_return_c", "chilled_supply_c", "chilled_return_c", "inlet_max_c", "gpu_max_c", "dry_bulb_c", "it_heat_mw", "cooling_power_mw"],
  racks: ["run_id", "frame", "t_s", "rack_id", "row_id", "position", "inlet_c", "gpu_c"],
  heat: ["run_id", "t_s", "demand_mw", "delivered_mw", "heat_recovered_mw", "hp_power_mw"],
  timeline: ["run_id", "category", "lane", "t_s", "count", "first_s", "first_text"],
};

/** What the live page draws for `scenario`: the report's charts, on empty datasets the run fills. */
export function liveReportData(scenario: Scenario, runId: string): ReportData {
  const run: ReportRun = {
    runId,
    scenario: scenario.name,
    params: {},
    dtS: scenario.dtS,
    horizonS: scenario.horizonS,
    ticks: scenario.ticks,
    status: "running",
    hasStorage: (scenario.storage?.batteries.length ?? 0) > 0,
    hasFrequency: scenario.frequency !== undefined,
    hasThermal: scenario.cooling !== undefined,
    hasRackThermal: scenario.cooling?.rackSeries === true,
    hasHeat: scenario.heatReuse !== undefined,
  };
  const empty = (name: string): Dataset => Object.fromEntries(LIVE_COLUMNS[name]!.map((c) => [c, []]));
  const datasets: Record<string, Dataset> = { power: empty("power"), timeline: empty("timeline"), kpis: { run_id: [], name: [], value: [], unit: [] } };
  if (run.hasStorage) datasets.storage = empty("storage");
  if (run.hasFrequency) datasets.frequency = empty("frequency");
  if (run.hasThermal) datasets.thermal = empty("thermal");
  if (run.hasRackThermal) datasets.racks = empty("racks");
  if (run.hasHeat) datasets.heat = empty("heat");
  const grid = scenario.grid;
  return {
    source: scenario.name,
    runs: [run],
    levels: [envelopeLevels(scenario.horizonS, scenario.dtS, 0, 0)[0]!],
    limits: {
      ...(grid?.importCapacity !== undefined && Number.isFinite(grid.importCapacity) ? { importCapacityW: grid.importCapacity } : {}),
      ...(grid?.rampLimit !== undefined && Number.isFinite(grid.rampLimit) ? { rampLimitWPerS: grid.rampLimit } : {}),
    },
    sweptParams: [],
    datasets,
  };
}

const LIVE_SCRIPT = String.raw`
const progress = document.getElementById("progress");
const status = document.getElementById("status");
const formatValue = (v, unit) => {
  if (!Number.isFinite(v)) return String(v);
  if (unit === "fraction") return (v * 100).toFixed(2) + " %";
  if (unit === "count") return String(Math.round(v));
  const scalable = ["W", "Wh", "W/s", "J"].includes(unit), a = Math.abs(v);
  const [f, p] = !scalable ? [1, ""] : a >= 1e9 ? [1e9, "G"] : a >= 1e6 ? [1e6, "M"] : a >= 1e3 ? [1e3, "k"] : [1, ""];
  return Number((v / f).toPrecision(4)) + " " + p + unit;
};
function insert(dataset, rows) {
  for (const view of Object.values(window.dctwinReport.views)) {
    let has = true;
    try { view.data(dataset); } catch { has = false; }
    if (has) view.change(dataset, vega.changeset().insert(rows)).runAsync();
  }
}
window.dctwinReport.ready.then(() => {
  const source = new EventSource("events");
  // What arrived, for tests: row messages and the simulated time of each progress message.
  const received = window.dctwinReport.received = { rows: 0, progressS: [] };
  source.addEventListener("rows", (e) => { const m = JSON.parse(e.data); received.rows++; insert(m.dataset, m.rows); });
  source.addEventListener("progress", (e) => {
    const p = JSON.parse(e.data);
    received.progressS.push(p.simulatedS);
    progress.max = p.totalS; progress.value = p.simulatedS;
    status.textContent = "simulated " + p.simulatedS.toFixed(0) + " s of " + p.totalS + " s (" + (100 * p.simulatedS / p.totalS).toFixed(0) + " %), " + (p.wallS > 0 ? (p.simulatedS / p.wallS).toFixed(0) : "-") + "× real time";
  });
  source.addEventListener("done", (e) => {
    const d = JSON.parse(e.data);
    progress.value = progress.max;
    status.textContent = d.error ? "run failed: " + d.error : "run finished: " + d.ticks + " ticks in " + d.wallS.toFixed(2) + " s wall; the full report (spectrum, ramps, zoom to ticks): dctwin report " + d.out;
    document.getElementById("kpis").innerHTML = "<tr><th>KPI</th><th>value</th></tr>" + d.kpis.map((k) => "<tr><td>" + k.name + "</td><td class=num>" + formatValue(k.value, k.unit) + "</td></tr>").join("");
    window.dctwinReport.done = true;
  });
  // A reconnect (the server restarts the stream with every row so far): start the charts afresh.
  let opened = false;
  source.addEventListener("open", () => {
    if (opened) for (const view of Object.values(window.dctwinReport.views))
      for (const name of ${JSON.stringify(Object.keys(LIVE_COLUMNS))}) { try { view.change(name, vega.changeset().remove(() => true)); } catch {} }
    opened = true;
  });
});`;

/** The live page of a run: the report's charts (those that grow with the run), a progress bar, the KPIs at the end. */
export function livePageHtml(data: ReportData): string {
  const charts = reportCharts(data).filter((c) => c.id !== "spectrum" && c.id !== "ramps");
  const run = data.runs[0]!;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${run.runId}: dctwin live</title>
<style>${PAGE_STYLE} progress{width:100%;height:14px}</style>
${chartLibraries().map((code) => `<script>${scriptText(code)}</script>`).join("\n")}
</head><body>
<h1>${run.runId.replace(/[&<>"']/g, "")}: live</h1>
<progress id="progress" max="${run.horizonS}" value="0"></progress>
<p class="note" id="status">waiting for the run…</p>
${chartSections(charts)}
<section><h2>KPIs</h2><p class="note">At the end of the run.</p><table class="kpis" id="kpis"></table></section>
<script>${PAGE_SCRIPT}
window.dctwinReport.ready = embedCharts(${scriptJson(charts.map((c) => ({ id: c.id, spec: c.spec })))}, ${scriptJson(data.datasets)});
${LIVE_SCRIPT}
</script>
</body></html>
`;
}
