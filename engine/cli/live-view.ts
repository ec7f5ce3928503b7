import { UserError } from "../../models/lib/errors.js";
import type { KpiRow } from "../kpis/kpi-row.js";
import { createLiveFeed } from "../live/live-feed.js";
import { liveReportData, livePageHtml } from "../live/live-page.js";
import { startLiveServer } from "../live/live-server.js";
import { liveTap } from "../live/live-tap.js";
import type { Scenario } from "../scenario/scenario-types.js";
import type { Sink } from "../sinks/sink.js";
import { SITE_SERIES } from "../tables.js";

/** `dctwin run --live`: the feed, the server and the sink that feeds them, wired for one run. */
export interface LiveView {
  url: string;
  /** The run's sink with the live tap in front. */
  sink: Sink;
  /** Resolves when the first page has connected. */
  connected: Promise<void>;
  progress(simulatedS: number, totalS: number, wallS: number): void;
  done(result: { ticks: number; wallS: number; out: string; kpis: readonly KpiRow[]; error?: string }): void;
  close(): Promise<void>;
}

/**
 * Starts the live view of one run (`dctwin run --live`, `dctwin hil --live`). Progress comes from
 * the site_series chunks the run writes (the last tick's time), so any loop that writes through the
 * returned sink shows it; `progress()` may add finer updates.
 */
export async function startLiveView(scenario: Scenario, runId: string, inner: Sink, port: number, nowMs: () => number = () => performance.now()): Promise<LiveView> {
  const startMs = nowMs();
  const data = liveReportData(scenario, runId);
  let lastProgress: unknown;
  let doneMessage: unknown;
  let send: (event: string, data: unknown) => void = () => undefined;
  const feed = createLiveFeed({
    runId,
    horizonS: scenario.horizonS,
    bucketS: data.levels[0]!.bucketS,
    racksPerRow: scenario.hall.racksPerRow,
    onRows: (dataset, rows) => send("rows", { dataset, rows }),
  });
  const initial = () => [
    ...Object.entries(feed.snapshot()).map(([dataset, rows]) => ({ event: "rows", data: { dataset, rows } })),
    ...(lastProgress !== undefined ? [{ event: "progress", data: lastProgress }] : []),
    ...(doneMessage !== undefined ? [{ event: "done", data: doneMessage }] : []),
  ];
  const server = await startLiveServer(livePageHtml(data), initial, port).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "EADDRINUSE") throw new UserError(`--live-port: got ${port}, which another program is using; pass another port, or 0 for any free one`);
    throw error;
  });
  send = server.send;
  const progress = (simulatedS: number, totalS: number, wallS: number) => {
    lastProgress = { simulatedS, totalS, wallS };
    server.send("progress", lastProgress);
  };
  const tap = liveTap(inner, feed);
  return {
    url: server.url,
    connected: server.connected,
    sink: {
      ...tap,
      async write(chunk) {
        await tap.write(chunk);
        if (chunk.table === SITE_SERIES.name && chunk.length > 0) {
          const t = chunk.columns[0] as Float64Array;
          progress(Math.min(scenario.horizonS, t[chunk.length - 1]! + scenario.dtS), scenario.horizonS, (nowMs() - startMs) / 1000);
        }
      },
    },
    progress,
    done(result) {
      doneMessage = { ...result, kpis: result.kpis.map((k) => ({ name: k.name, value: k.value, unit: k.unit })) };
      server.send("done", doneMessage);
    },
    close: () => server.close(),
  };
}
