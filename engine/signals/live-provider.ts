import { fromFeedText, type FeedFormat } from "../../datasets/load-live-feed.js";
import type { SignalProvider } from "./signal-provider.js";

/** How a live provider reads its feed: at once (a file) or in the background (a URL). */
export type FeedReader = { readonly sync: () => string | undefined } | { readonly async: () => Promise<string> };

export interface LiveProviderOptions {
  readonly reader: FeedReader;
  readonly format: FeedFormat;
  readonly timeField: string;
  readonly valueField: string;
  /** Epoch ms of period 0 (the scenario's startTime). */
  readonly startMs: number;
  readonly periodS: number;
  /** Multiplies every value (e.g. 10 for a p/kWh feed on a GBP/MWh point). */
  readonly scale?: number;
}

/** A live provider, plus what tests and the HIL loop need to watch it. */
export interface LiveProvider extends SignalProvider {
  /** Resolves when the read in flight (if any) has landed. */
  settled(): Promise<void>;
  /** Reads so far, and the last read's failure ('' when it succeeded). */
  readonly reads: number;
  readonly lastError: string;
}

/**
 * A signal read from a feed as it grows. Each row belongs to the period its time falls in (rows
 * before startTime are ignored; several rows in one period are averaged). refresh(p), called by
 * the stage at each period it publishes, re-reads the whole feed: a file at once, a URL in the
 * background (one request at a time; its rows count from the next period on). A period the feed
 * has not reached is NaN: the stage then holds the last value and marks it stale.
 * Example: a CSV feed with rows at 00:00 and 00:30 and periodS 1800 → valueAt(1) is the 00:30 row,
 * valueAt(2) NaN until a 01:00 row appears.
 */
export function createLiveProvider(options: LiveProviderOptions): LiveProvider {
  const { reader, format, timeField, valueField, startMs, periodS } = options;
  const scale = options.scale ?? 1;
  const periodMs = periodS * 1000;
  let sum = new Float64Array(64);
  let count = new Float64Array(64);
  let inFlight: Promise<void> | undefined;
  let reads = 0;
  let lastError = "";

  const ingest = (text: string | undefined) => {
    reads++;
    if (text === undefined) return;
    const rows = fromFeedText(text, format, timeField, valueField);
    let last = -1;
    for (const t of rows.timeMs) last = Math.max(last, Math.floor((t - startMs) / periodMs));
    if (last >= sum.length) {
      const n = Math.max(last + 1, sum.length * 2);
      sum = new Float64Array(n);
      count = new Float64Array(n);
    } else {
      sum.fill(0);
      count.fill(0);
    }
    // The whole feed is re-read each time, so the sums are rebuilt: rows may be corrected upstream.
    for (let i = 0; i < rows.timeMs.length; i++) {
      const p = Math.floor((rows.timeMs[i]! - startMs) / periodMs);
      if (p < 0) continue;
      sum[p] += rows.values[i]! * scale;
      count[p]++;
    }
  };

  const provider: LiveProvider = {
    kind: "live",
    valueAt: (p) => (p >= 0 && p < count.length && count[p]! > 0 ? sum[p]! / count[p]! : Number.NaN),
    refresh() {
      if ("sync" in reader) {
        try {
          ingest(reader.sync());
          lastError = "";
        } catch (e) {
          lastError = (e as Error).message;
        }
        return;
      }
      if (inFlight !== undefined) return;
      inFlight = reader
        .async()
        .then(
          (text) => {
            ingest(text);
            lastError = "";
          },
          (e: Error) => {
            reads++;
            lastError = e.message;
          },
        )
        .finally(() => {
          inFlight = undefined;
        });
    },
    settled: () => inFlight ?? Promise.resolve(),
    get reads() {
      return reads;
    },
    get lastError() {
      return lastError;
    },
  };
  return provider;
}
