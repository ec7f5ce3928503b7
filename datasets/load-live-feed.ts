import { existsSync, readFileSync } from "node:fs";

/**
 * Reading a live signal feed (a price, carbon or stress feed that grows while a run reads it): a
 * CSV or JSON document at a URL or in a file. `fromFeedText` is pure; `readFeedFile` and
 * `fetchFeed` do the I/O, and the live provider (engine/signals/live-provider.ts) gets one of them
 * injected, so it can be tested against a local server or a file that is appended to.
 */

export type FeedFormat = "csv" | "json";

/** Rows of a feed: times (epoch ms UTC) and values, in file order; rows that do not parse are counted. */
export interface FeedRows {
  readonly timeMs: number[];
  readonly values: number[];
  /** Rows skipped: a time or value that does not parse (a half-written last line is not counted). */
  readonly badRows: number;
}

/** A dotted path into a JSON object, e.g. "intensity.actual". */
function field(record: unknown, path: string): unknown {
  let v: unknown = record;
  for (const key of path.split(".")) {
    if (typeof v !== "object" || v === null || !Object.hasOwn(v, key)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function toNumber(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "") return Number(v);
  return Number.NaN;
}

/**
 * Parses a feed. CSV: a header row naming `timeField` and `valueField`, then one row per sample; a
 * last line without its newline is still being written and is left for the next read. JSON: an
 * array of records, or an object whose `data` is one (the GB Carbon Intensity API's shape), with
 * dotted field paths (`intensity.actual`); a document that does not parse yet (half written)
 * gives no rows. Times are ISO 8601 (UTC when they say Z) or epoch milliseconds.
 * Example: fromFeedText("time,value\n2020-07-15T00:00:00Z,42\n", "csv", "time", "value")
 * → { timeMs: [1594771200000], values: [42], badRows: 0 }.
 */
export function fromFeedText(text: string, format: FeedFormat, timeField: string, valueField: string): FeedRows {
  const timeMs: number[] = [];
  const values: number[] = [];
  let badRows = 0;
  const push = (t: unknown, v: unknown) => {
    const ms = typeof t === "number" ? t : typeof t === "string" ? Date.parse(t.trim()) : Number.NaN;
    const value = toNumber(v);
    if (!Number.isFinite(ms) || !Number.isFinite(value)) {
      badRows++;
      return;
    }
    timeMs.push(ms);
    values.push(value);
  };
  if (format === "json") {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      return { timeMs, values, badRows };
    }
    const rows = Array.isArray(doc) ? doc : field(doc, "data");
    if (Array.isArray(rows)) for (const r of rows) push(field(r, timeField), field(r, valueField));
    return { timeMs, values, badRows };
  }
  const complete = text.slice(0, text.lastIndexOf("\n") + 1);
  const lines = complete.split(/\r?\n/);
  const header = (lines[0] ?? "").split(",").map((h) => h.trim());
  const ti = header.indexOf(timeField);
  const vi = header.indexOf(valueField);
  if (ti < 0 || vi < 0) return { timeMs, values, badRows: lines.length > 1 ? lines.length - 1 : 0 };
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "") continue;
    const cells = line.split(",");
    const t = cells[ti]?.trim() ?? "";
    push(/^\d+$/.test(t) ? Number(t) : t, cells[vi]);
  }
  return { timeMs, values, badRows };
}

/** The text of a feed file, or undefined when it does not exist (yet). */
export function readFeedFile(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, "utf8") : undefined;
}

/** The text of a feed at a URL (http or https); rejects on a status other than 2xx or after timeoutMs. */
export async function fetchFeed(url: string, timeoutMs = 10_000): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.text();
}
