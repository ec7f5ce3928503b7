import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import * as vegaLite from "vega-lite";
import type { ReportChart } from "./report-charts.js";
import { rowsOf } from "./report-html.js";
import type { Dataset } from "./load-report-data.js";

/**
 * A chart as SVG text, rendered in Node by vega's headless view (no browser): the Vega-Lite spec
 * compiled, its named data filled, `view.toSVG()`. Inputs bound to params (sliders, selects) take
 * their initial values.
 */
export async function chartSvg(chart: ReportChart, rows: Record<string, Record<string, unknown>[]>): Promise<string> {
  const spec = { ...chart.spec, datasets: rows, background: "white" } as unknown as vegaLite.TopLevelSpec;
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Writes each chart as <dir>/<id>.svg and/or <dir>/<id>.png. PNG: the SVG rasterised by resvg at
 * 2× (system fonts; Liberation Sans first). Returns the files written.
 */
export async function writeChartImages(charts: readonly ReportChart[], datasets: Record<string, Dataset>, dirs: { svg?: string; png?: string }): Promise<string[]> {
  const rows = Object.fromEntries(Object.entries(datasets).map(([name, d]) => [name, rowsOf(d)]));
  const written: string[] = [];
  for (const dir of [dirs.svg, dirs.png]) if (dir !== undefined) mkdirSync(dir, { recursive: true });
  for (const chart of charts) {
    const svg = await chartSvg(chart, rows);
    if (dirs.svg !== undefined) {
      const path = join(dirs.svg, `${chart.id}.svg`);
      writeFileSync(path, svg);
      written.push(path);
    }
    if (dirs.png !== undefined) {
      const png = new Resvg(svg, { fitTo: { mode: "zoom", value: 2 }, font: { loadSystemFonts: true, defaultFontFamily: "Liberation Sans" } }).render().asPng();
      const path = join(dirs.png, `${chart.id}.png`);
      writeFileSync(path, png);
      written.push(path);
    }
  }
  return written;
}
