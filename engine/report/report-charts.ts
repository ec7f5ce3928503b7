import { formatQuantity } from "../cli/format.js";
import type { ReportData } from "./load-report-data.js";

/**
 * The charts of a report as Vega-Lite specs, chosen by what the runs hold. Specs name their data
 * (`{ name: "power" }`); the page (and the image export) fills it from ReportData.datasets, so
 * every chart's data is held once. Pure: the same data gives the same specs.
 */
export interface ReportChart {
  /** Element id fragment and image file name, e.g. "power". */
  id: string;
  title: string;
  /** One or two sentences under the title: what is drawn and how to read it. */
  note: string;
  spec: Record<string, unknown>;
}

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
const WIDTH = 760;
const runColor = { field: "run_id", type: "nominal", title: "run" } as const;
const time = (extra: Record<string, unknown> = {}) => ({ field: "t_s", type: "quantitative", title: "simulated time (s)", ...extra, scale: { nice: false, ...(extra.scale as object | undefined) } });

/** The PCC power envelope level shown for the brushed window: the finest level that covers it with ≤ 4,000 buckets. */
function levelExpression(data: ReportData): string {
  const horizonS = Math.max(...data.runs.map((r) => r.horizonS));
  const lo = "(brush.t_s ? brush.t_s[0] : 0)";
  const hi = `(brush.t_s ? brush.t_s[1] : ${horizonS})`;
  let expression = "0";
  for (const level of data.levels.slice(1)) {
    expression = `((${hi} - ${lo}) / ${level.bucketS} <= 4000 && ${lo} >= ${level.fromS} && ${hi} <= ${level.toS}) ? ${level.level} : ${expression}`;
  }
  return expression;
}

function powerChart(data: ReportData): ReportChart {
  const storage = data.datasets.power!.load_mean_mw !== undefined;
  const horizonS = Math.max(...data.runs.map((r) => r.horizonS));
  const capacity = data.limits.importCapacityW;
  const detailLayers: Record<string, unknown>[] = [
    { mark: { type: "area", opacity: 0.3, clip: true }, encoding: { x: time({ scale: { domain: { param: "brush" } } }), y: { field: "pcc_min_mw", type: "quantitative", title: "PCC power (MW)" }, y2: { field: "pcc_max_mw" }, color: runColor } },
    { mark: { type: "line", strokeWidth: 1, clip: true }, encoding: { x: time(), y: { field: "pcc_mean_mw", type: "quantitative" }, color: runColor, tooltip: [{ field: "run_id" }, { field: "t_s", title: "t (s)" }, { field: "bucket_s", title: "bucket (s)" }, { field: "pcc_min_mw", title: "min (MW)" }, { field: "pcc_mean_mw", title: "mean (MW)" }, { field: "pcc_max_mw", title: "max (MW)" }] } },
  ];
  if (storage) detailLayers.push({ mark: { type: "line", strokeWidth: 1, strokeDash: [4, 3], clip: true }, encoding: { x: time(), y: { field: "load_mean_mw", type: "quantitative" }, color: runColor } });
  if (capacity !== undefined) {
    detailLayers.push({
      data: { values: [{ limit_mw: capacity / 1e6, label: `import capacity ${formatQuantity(capacity, "W")}` }] },
      layer: [
        { mark: { type: "rule", color: "#c62828", strokeDash: [6, 3] }, encoding: { y: { field: "limit_mw", type: "quantitative" } } },
        { mark: { type: "text", color: "#c62828", align: "left", dx: 4, dy: -6, x: 0 }, encoding: { y: { field: "limit_mw", type: "quantitative" }, text: { field: "label" } } },
      ],
    });
  }
  const lo = "(brush.t_s ? brush.t_s[0] : 0)";
  const hi = `(brush.t_s ? brush.t_s[1] : ${horizonS})`;
  return {
    id: "power",
    title: storage ? "PCC power and site load" : "PCC power",
    note:
      `Min / max envelope (band) and mean (line) per pixel column, computed in DuckDB (reports/power-envelope.sql). Drag on the overview to zoom; the file holds ` +
      data.levels.map((l) => `${formatSeconds(l.bucketS)} buckets ${l.fromS === 0 && l.toS >= horizonS ? "over the whole run" : `from ${formatSeconds(l.fromS)} to ${formatSeconds(l.toS)}`}`).join(", ") +
      ` (single ticks where a bucket is one tick).${storage ? " Dashed: the site load (PCC minus the batteries)." : ""} Strip: limit violations and events.`,
    spec: {
      $schema: SCHEMA,
      data: { name: "power" },
      resolve: { scale: { color: "independent" } },
      vconcat: [
        {
          width: WIDTH,
          height: 260,
          transform: [{ calculate: levelExpression(data), as: "shown_level" }, { filter: "datum.level == datum.shown_level" }, { filter: `datum.t_s + datum.bucket_s >= ${lo} && datum.t_s <= ${hi}` }],
          layer: detailLayers,
        },
        {
          width: WIDTH,
          height: { step: 11 },
          layer: [
            {
              data: { name: "timeline" },
              mark: { type: "tick", thickness: 1, clip: true },
              encoding: {
                x: time({ scale: { domain: { param: "brush" } }, title: null }),
                y: { field: "lane", type: "nominal", title: null },
                color: { field: "category", type: "nominal", scale: { domain: ["event", "decision"], range: ["#c62828", "#1565c0"] }, title: "timeline" },
                tooltip: [{ field: "run_id" }, { field: "lane" }, { field: "first_s", title: "first at (s)" }, { field: "count" }, { field: "first_text", title: "detail" }],
              },
            },
            // Two invisible points keep the strip on the whole run's time axis before any zoom.
            { data: { values: [{ t_s: 0 }, { t_s: horizonS }] }, mark: { type: "point", opacity: 0 }, encoding: { x: time() } },
          ],
        },
        {
          width: WIDTH,
          height: 70,
          params: [{ name: "brush", select: { type: "interval", encodings: ["x"] } }],
          transform: [{ filter: "datum.level == 0" }],
          mark: { type: "area", opacity: 0.5 },
          encoding: { x: time({ title: "simulated time (s): drag to zoom the chart above" }), y: { field: "pcc_max_mw", type: "quantitative", title: "MW" }, y2: { field: "pcc_min_mw" }, color: runColor },
        },
      ],
    },
  };
}

function formatSeconds(s: number): string {
  if (s >= 3600 && s % 3600 === 0) return `${s / 3600} h`;
  if (s >= 60 && s % 60 === 0) return `${s / 60} min`;
  return s >= 1 ? `${Number(s.toPrecision(4))} s` : `${Number((s * 1000).toPrecision(4))} ms`;
}

function spectrumChart(): ReportChart {
  return {
    id: "spectrum",
    title: "Power spectrum of the PCC power",
    note: "Welch power spectral density (Hann window, 4,096-point segments, half overlap), the estimator behind the band-RMS and dominant-frequency KPIs (engine/kpis/welch-psd.ts), over each run's ticks (reports/pcc-series.sql).",
    spec: {
      $schema: SCHEMA,
      width: WIDTH,
      height: 260,
      data: { name: "spectrum" },
      transform: [{ filter: "datum.psd_mw2_per_hz > 0" }],
      mark: { type: "line", strokeWidth: 1 },
      encoding: {
        x: { field: "frequency_hz", type: "quantitative", scale: { type: "log", nice: false }, title: "frequency (Hz)" },
        y: { field: "psd_mw2_per_hz", type: "quantitative", scale: { type: "log" }, title: "PSD (MW²/Hz)" },
        color: runColor,
        tooltip: [{ field: "run_id" }, { field: "frequency_hz", title: "Hz" }, { field: "psd_mw2_per_hz", title: "MW²/Hz" }],
      },
    },
  };
}

function rampChart(data: ReportData): ReportChart {
  const limit = data.limits.rampLimitWPerS;
  const panel = (window: string, title: string) => ({
    width: WIDTH / 2 - 40,
    height: 220,
    title,
    layer: [
      {
        transform: [{ filter: `datum.window_name == '${window}' && datum.ticks > 0` }, { calculate: "datum.ramp_from_mw_per_s + datum.bin_width_mw_per_s", as: "ramp_to_mw_per_s" }],
        mark: { type: "rect", opacity: 0.6 },
        encoding: {
          x: { field: "ramp_from_mw_per_s", type: "quantitative", title: "|ramp| (MW/s)" },
          x2: { field: "ramp_to_mw_per_s" },
          // Log counts: the bars start at 0.5 (a count of 1 still shows).
          y: { field: "ticks", type: "quantitative", scale: { type: "log", domainMin: 0.5 }, title: "ticks" },
          y2: { datum: 0.5 },
          color: runColor,
          tooltip: [{ field: "run_id" }, { field: "ramp_from_mw_per_s", title: "from (MW/s)" }, { field: "ramp_to_mw_per_s", title: "to (MW/s)" }, { field: "ticks" }],
        },
      },
      ...(limit !== undefined
        ? [{ data: { values: [{ limit: limit / 1e6 }] }, mark: { type: "rule", color: "#c62828", strokeDash: [6, 3] }, encoding: { x: { field: "limit", type: "quantitative" } } }]
        : []),
    ],
  });
  return {
    id: "ramps",
    title: "Ramp-rate distribution at the PCC",
    note: `How many ticks ramp how fast: |P(t) − P(t − w)| / w for w = one tick and w = 1 s (reports/ramp-distribution.sql), log scale.${limit !== undefined ? ` Dashed: the ramp limit, ${formatQuantity(limit, "W/s")}.` : ""}`,
    spec: { $schema: SCHEMA, data: { name: "ramps" }, hconcat: [panel("tick", "over one tick"), panel("1 s", "over 1 s")] },
  };
}

function storageChart(): ReportChart {
  const series = { field: "battery", type: "nominal", title: "battery" };
  return {
    id: "storage",
    title: "Site batteries: power and state of charge",
    note: "AC power at the PCC (+ charging, − discharging): min / max band and mean; state of charge, mean per bucket (reports/storage-envelope.sql).",
    spec: {
      $schema: SCHEMA,
      data: { name: "storage" },
      resolve: { scale: { color: "independent" } },
      vconcat: [
        {
          width: WIDTH,
          height: 180,
          layer: [
            { mark: { type: "area", opacity: 0.3 }, encoding: { x: time(), y: { field: "power_min_mw", type: "quantitative", title: "battery power (MW)" }, y2: { field: "power_max_mw" }, color: runColor, detail: series } },
            { mark: { type: "line", strokeWidth: 1 }, encoding: { x: time(), y: { field: "power_mean_mw", type: "quantitative" }, color: runColor, detail: series } },
          ],
        },
        { width: WIDTH, height: 140, mark: { type: "line" }, encoding: { x: time(), y: { field: "soc_pct", type: "quantitative", title: "state of charge (%)" }, color: runColor, detail: series, tooltip: [{ field: "run_id" }, { field: "battery" }, { field: "t_s" }, { field: "soc_pct", title: "SoC (%)" }] } },
      ],
    },
  };
}

function frequencyChart(): ReportChart {
  return {
    id: "frequency",
    title: "Grid frequency at the PCC",
    note: "Min / max band and mean per bucket (reports/frequency-envelope.sql).",
    spec: {
      $schema: SCHEMA,
      width: WIDTH,
      height: 200,
      data: { name: "frequency" },
      layer: [
        { mark: { type: "area", opacity: 0.3 }, encoding: { x: time(), y: { field: "frequency_min_hz", type: "quantitative", scale: { zero: false }, title: "frequency (Hz)" }, y2: { field: "frequency_max_hz" }, color: runColor } },
        { mark: { type: "line", strokeWidth: 1 }, encoding: { x: time(), y: { field: "frequency_mean_hz", type: "quantitative" }, color: runColor } },
      ],
    },
  };
}

function heatmapChart(data: ReportData): ReportChart {
  const racks = data.datasets.racks!;
  // The live view starts with no rows: 48 frames, GPU map shown, colour domains from the data.
  const live = (racks.frame ?? []).length === 0;
  const frames = live ? 48 : Math.max(...(racks.frame as number[])) + 1;
  const hasGpu = live || (racks.gpu_c as (number | null)[]).some((v) => v !== null);
  const domainOf = (column: string) => {
    const values = (racks[column] as (number | null)[]).filter((v): v is number => v !== null);
    return values.length === 0 ? {} : { domain: [Math.floor(Math.min(...values)), Math.ceil(Math.max(...values))] };
  };
  const map = (field: string, title: string, scheme: string) => ({
    width: hasGpu ? WIDTH / 2 - 60 : WIDTH - 80,
    height: 170,
    title,
    transform: [{ filter: "datum.frame == frame" }],
    mark: { type: "rect", stroke: "white", strokeWidth: 1 },
    encoding: {
      x: { field: "position", type: "ordinal", title: "rack in row" },
      y: { field: "row_id", type: "ordinal", title: "row" },
      color: { field, type: "quantitative", scale: { scheme, ...domainOf(field) }, title: "°C" },
      ...(data.runs.length > 1 ? { row: { field: "run_id", type: "nominal", title: null } } : {}),
      tooltip: [{ field: "run_id" }, { field: "rack_id", title: "rack" }, { field: "t_s", title: "frame from (s)" }, { field, title: `${title} (°C)` }],
    },
  });
  return {
    id: "racks",
    title: "Rack temperatures on the floor plan",
    note: `Mean over each of ${frames} frames of the run (reports/rack-heatmap.sql); move the slider to step through the run. Colour scales are fixed over the whole run.`,
    spec: {
      $schema: SCHEMA,
      data: { name: "racks" },
      resolve: { scale: { color: "independent" } },
      params: [{ name: "frame", value: frames - 1, bind: { input: "range", min: 0, max: frames - 1, step: 1, name: `time frame (1/${frames} of the run) ` } }],
      hconcat: hasGpu ? [map("inlet_c", "inlet air", "blues"), map("gpu_c", "GPU (cold-plate node)", "inferno")] : [map("inlet_c", "inlet air", "blues")],
    },
  };
}

function thermalChart(data: ReportData): ReportChart {
  const temps = ["warm_supply_c", "warm_return_c", "chilled_supply_c", "chilled_return_c", "inlet_max_c", "gpu_max_c", "dry_bulb_c"];
  const storage = data.datasets.power!.load_mean_mw !== undefined;
  return {
    id: "thermal",
    title: "Cooling plant: temperatures, cooling power, PUE",
    note: `Loop supply and return, hottest rack inlet and GPU, outdoor dry bulb (reports/thermal-overview.sql); IT heat and cooling power; PUE = ${storage ? "site load (PCC minus batteries)" : "PCC power"} ÷ IT power per bucket (reports/power-envelope.sql).`,
    spec: {
      $schema: SCHEMA,
      resolve: { scale: { color: "independent", strokeDash: "independent" } },
      vconcat: [
        {
          width: WIDTH,
          height: 200,
          data: { name: "thermal" },
          transform: [{ fold: temps, as: ["channel", "temp_c"] }, { filter: "isValid(datum.temp_c)" }],
          mark: { type: "line", strokeWidth: 1 },
          encoding: { x: time(), y: { field: "temp_c", type: "quantitative", scale: { zero: false }, title: "°C" }, color: { field: "channel", type: "nominal", title: "temperature" }, strokeDash: { field: "run_id", type: "nominal", title: "run" } },
        },
        {
          width: WIDTH,
          height: 150,
          data: { name: "thermal" },
          transform: [{ fold: ["it_heat_mw", "cooling_power_mw"], as: ["channel", "mw"] }],
          mark: { type: "line", strokeWidth: 1 },
          encoding: { x: time(), y: { field: "mw", type: "quantitative", title: "MW" }, color: { field: "channel", type: "nominal", title: "power" }, strokeDash: { field: "run_id", type: "nominal", title: "run" } },
        },
        {
          width: WIDTH,
          height: 120,
          data: { name: "power" },
          transform: [{ filter: "datum.level == 0 && datum.it_mean_mw > 0" }, { calculate: `datum.${storage ? "load_mean_mw" : "pcc_mean_mw"} / datum.it_mean_mw`, as: "pue" }],
          mark: { type: "line", strokeWidth: 1 },
          encoding: { x: time(), y: { field: "pue", type: "quantitative", scale: { zero: false }, title: "PUE" }, color: runColor },
        },
      ],
    },
  };
}

function heatChart(): ReportChart {
  return {
    id: "heat",
    title: "Heat reuse: delivered vs demand",
    note: "District-network heat demand and the heat delivered, heat recovered from the facility water and heat-pump power, means per bucket (reports/heat-reuse-overview.sql).",
    spec: {
      $schema: SCHEMA,
      width: WIDTH,
      height: 220,
      data: { name: "heat" },
      transform: [{ fold: ["demand_mw", "delivered_mw", "heat_recovered_mw", "hp_power_mw"], as: ["channel", "mw"] }],
      mark: { type: "line", strokeWidth: 1 },
      encoding: { x: time(), y: { field: "mw", type: "quantitative", title: "MW" }, color: { field: "channel", type: "nominal", title: "heat" }, strokeDash: { field: "run_id", type: "nominal", title: "run" } },
    },
  };
}

function timelineChart(data: ReportData): ReportChart {
  return {
    id: "timeline",
    title: "Events and decisions",
    note: "Every event and controller decision, one lane per source and kind, counted per bucket (reports/timeline.sql); hover for the first one's text.",
    spec: {
      $schema: SCHEMA,
      width: WIDTH,
      height: { step: 14 },
      data: { name: "timeline" },
      mark: { type: "tick", thickness: 2 },
      encoding: {
        x: time(),
        y: { field: "lane", type: "nominal", title: null },
        color: { field: "category", type: "nominal", scale: { domain: ["event", "decision"], range: ["#c62828", "#1565c0"] }, title: null },
        opacity: { field: "count", type: "quantitative", scale: { type: "log", range: [0.35, 1] }, legend: null },
        ...(data.runs.length > 1 ? { row: { field: "run_id", type: "nominal", title: null } } : {}),
        tooltip: [{ field: "run_id" }, { field: "lane" }, { field: "first_s", title: "first at (s)" }, { field: "count" }, { field: "first_text", title: "detail" }],
      },
    },
  };
}

function tradeOffChart(data: ReportData, kpiNames: string[]): ReportChart {
  const [colorParam, shapeParam] = data.sweptParams;
  const pick = (preferred: string[], fallback: string) => preferred.find((n) => kpiNames.includes(n)) ?? fallback;
  const x = pick(["pcc_energy", "gpu_energy_overhead", "battery_throughput"], kpiNames[0]!);
  const y = pick(["pcc_max_ramp_1s", "pcc_swing_p99", "pcc_band_rms_0p1_1hz"], kpiNames[1] ?? kpiNames[0]!);
  return {
    id: "tradeoff",
    title: "Trade-off across the sweep",
    note: `Any two KPIs of every run (choose them below), coloured by ${colorParam}${shapeParam ? `, shaped by ${shapeParam}` : ""}.`,
    spec: {
      $schema: SCHEMA,
      width: WIDTH - 200,
      height: 320,
      data: { name: "sweep" },
      params: [
        { name: "x_kpi", value: x, bind: { input: "select", options: kpiNames, name: "x: " } },
        { name: "y_kpi", value: y, bind: { input: "select", options: kpiNames, name: "y: " } },
      ],
      transform: [{ calculate: "datum[x_kpi]", as: "x" }, { calculate: "datum[y_kpi]", as: "y" }],
      mark: { type: "point", filled: true, size: 80 },
      encoding: {
        x: { field: "x", type: "quantitative", scale: { zero: false }, title: "x KPI (chosen below, in its unit)" },
        y: { field: "y", type: "quantitative", scale: { zero: false }, title: "y KPI (chosen below, in its unit)" },
        color: { field: `param_${colorParam}`, type: "nominal", title: colorParam },
        ...(shapeParam ? { shape: { field: `param_${shapeParam}`, type: "nominal", title: shapeParam } } : {}),
        tooltip: [{ field: "run_id" }, ...data.sweptParams.map((p) => ({ field: `param_${p}`, title: p })), { field: "x" }, { field: "y" }],
      },
    },
  };
}

/** One row per run: its swept params (`param_<name>`) and every KPI by name (for the trade-off plot). */
export function sweepDataset(data: ReportData): { rows: Record<string, unknown>[]; kpiNames: string[] } {
  const kpis = data.datasets.kpis!;
  const kpiNames: string[] = [];
  const byRun = new Map<string, Record<string, unknown>>();
  for (const run of data.runs) {
    const row: Record<string, unknown> = Object.create(null);
    row.run_id = run.runId;
    for (const p of data.sweptParams) row[`param_${p}`] = JSON.stringify(run.params[p] ?? null);
    byRun.set(run.runId, row);
  }
  (kpis.run_id as string[]).forEach((runId, i) => {
    const name = kpis.name![i] as string;
    if (!kpiNames.includes(name)) kpiNames.push(name);
    const row = byRun.get(runId);
    if (row !== undefined && !(`param_${name}` in row)) row[name] = kpis.value![i];
  });
  return { rows: [...byRun.values()], kpiNames };
}

/** The charts for `data`, in page order. */
export function reportCharts(data: ReportData): ReportChart[] {
  const charts = [powerChart(data), spectrumChart(), rampChart(data)];
  if (data.datasets.storage) charts.push(storageChart());
  if (data.datasets.frequency) charts.push(frequencyChart());
  if (data.datasets.racks) charts.push(heatmapChart(data));
  if (data.datasets.thermal) charts.push(thermalChart(data));
  if (data.datasets.heat) charts.push(heatChart());
  // A live run's events and decisions arrive at its end.
  if ((data.datasets.timeline!.run_id ?? []).length > 0 || data.runs.some((r) => r.status === "running")) charts.push(timelineChart(data));
  if (data.runs.length > 1 && data.sweptParams.length > 0) {
    const { kpiNames } = sweepDataset(data);
    if (kpiNames.length > 0) charts.push(tradeOffChart(data, kpiNames));
  }
  return charts;
}
