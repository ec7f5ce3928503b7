import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Argv } from "yargs";
import { UserError } from "../../models/lib/errors.js";
import { writeChartImages } from "../report/chart-images.js";
import { loadReportData } from "../report/load-report-data.js";
import { reportCharts } from "../report/report-charts.js";
import { chartDatasets, reportHtml } from "../report/report-html.js";
import { openReadOnly } from "./query-command.js";
import { ENGINE_VERSION } from "./version.js";

export const reportCommand = {
  command: "report <database>",
  describe: "write one self-contained HTML report (charts, KPIs) of runs in a results DuckDB file; optionally each chart as SVG / PNG",
  builder: (y: Argv) =>
    y
      .positional("database", { type: "string", describe: "DuckDB results file", demandOption: true })
      .option("run", { type: "string", array: true, describe: "run id to show (repeat for several; default: every run, or the batch's)" })
      .option("batch", { type: "string", describe: "show the runs of this batch (run ids NAME-NN)" })
      .option("out", { type: "string", describe: "HTML file to write (default: <database without .duckdb>.html)" })
      .option("png", { type: "string", describe: "also write each chart as <DIR>/<chart>.png" })
      .option("svg", { type: "string", describe: "also write each chart as <DIR>/<chart>.svg" })
      .option("wait", { type: "number", default: 0, describe: "seconds to keep trying while another process (a run) is writing the file" }),
  handler: async (argv: { database: string; run?: string[]; batch?: string; out?: string; png?: string; svg?: string; wait: number }) => {
    if (!existsSync(argv.database)) throw new UserError(`${argv.database}: no such file`);
    if (!(argv.wait >= 0 && argv.wait <= 86_400)) throw new UserError(`--wait: got ${argv.wait}, expected seconds from 0 to 86400`);
    const out = argv.out ?? `${argv.database.replace(/\.duckdb$/i, "")}.html`;
    const db = await openReadOnly(argv.database, argv.wait);
    const con = await db.connect();
    let data;
    try {
      data = await loadReportData(con, argv.database, { ...(argv.run ? { runIds: argv.run.map(String) } : {}), ...(argv.batch !== undefined ? { batch: String(argv.batch) } : {}) }).catch((error: unknown) => {
        if (error instanceof UserError) throw error;
        const message = (error as Error).message ?? String(error);
        if (/Catalog Error: Table with name (\w+) does not exist/.test(message)) throw new UserError(`${argv.database}: not a dctwin results file (${message.split("\n")[0]})`);
        throw error;
      });
    } finally {
      con.closeSync();
      db.closeSync();
    }
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, reportHtml(data, `dctwin ${ENGINE_VERSION}`));
    const charts = reportCharts(data);
    console.log(`report: ${out} (${data.runs.length} run${data.runs.length === 1 ? "" : "s"}, ${charts.length} charts and the KPI table)`);
    if (argv.png !== undefined || argv.svg !== undefined) {
      const files = await writeChartImages(charts, chartDatasets(data), { ...(argv.svg !== undefined ? { svg: argv.svg } : {}), ...(argv.png !== undefined ? { png: argv.png } : {}) });
      console.log(`images: ${files.join(", ")}`);
    }
  },
};
