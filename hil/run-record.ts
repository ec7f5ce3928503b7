import { f64ColumnOf } from "../engine/columns.js";
import type { Chunk, RunRow } from "../engine/sinks/sink.js";
import { EVENTS } from "../engine/tables.js";

/**
 * What `dctwin hil` and `dctwin serve` both keep besides the simulation's own tables: their link,
 * safety and device events (rare: plain arrays, one chunk at the end), and the `runs` row of a
 * real-time run that finished (or was stopped by Ctrl-C) normally.
 */
export interface EventLog {
  add(tS: number, source: string, kind: string, value: number, detail: string): void;
  /** Every event so far as one chunk of the events table. */
  chunk(runId: string): Chunk;
}

export function createEventLog(): EventLog {
  const t: number[] = [];
  const source: string[] = [];
  const kind: string[] = [];
  const value: number[] = [];
  const detail: string[] = [];
  return {
    add(tS, s, k, v, d) {
      t.push(tS);
      source.push(s);
      kind.push(k);
      value.push(v);
      detail.push(d);
    },
    chunk: (runId) => ({ table: EVENTS.name, runId, length: t.length, columns: [f64ColumnOf(t), source, kind, f64ColumnOf(value), detail] }),
  };
}

/** The `runs` row of a real-time run that ended normally after `ticks` ticks. */
export function realTimeRunRow(r: Omit<RunRow, "horizonS" | "status" | "error">): RunRow {
  return { ...r, horizonS: r.ticks * r.dtS, status: "ok", error: "" };
}
