/**
 * In-memory result sink, for tests: keeps every committed row, with the same run semantics as
 * the file sinks (a run's rows become visible at `endRun`, a rerun replaces the earlier rows,
 * `abortRun` keeps nothing).
 *
 * Contract: chunks are copied on `write` (the engine may reuse its buffers afterwards); nothing
 * is written anywhere. One run at a time.
 *
 * Example: const sink = createMemorySink(); ...; sink.table("site_series", "r1").columns.pcc_power_w
 * is the run's pcc_power_w values as number[].
 */

import { checkChunk } from "./check-chunk.js";
import { checkTableSpecs } from "./check-table-specs.js";
import type { Chunk, ColumnData, RunRow, Sink, TableSpec } from "./sink.js";

/** A table's rows of one run, column by column (run_id left out: it is the run asked for). */
export interface MemoryTable {
  columns: Record<string, number[] | string[]>;
  length: number;
}

/** A `Sink` that also returns what it holds. */
export interface MemorySink extends Sink {
  /**
   * The committed rows of `table` for `runId`, chunks concatenated in write order; empty columns
   * (length 0) when the run wrote none. Throws for a table that was not opened.
   */
  table(name: string, runId: string): MemoryTable;
  /** The committed runs rows, in commit order (a rerun moves to the end). */
  runs(): RunRow[];
}

function copyColumn(data: ColumnData, length: number): ColumnData {
  return Array.isArray(data) ? data.slice(0, length) : data.slice(0, length);
}

/**
 * Creates an empty memory sink.
 *
 * Example: createMemorySink().runs() is [].
 */
export function createMemorySink(): MemorySink {
  const specs = new Map<string, TableSpec>();
  /** Committed chunks: run id -> table -> chunks. */
  const committed = new Map<string, Map<string, Chunk[]>>();
  const runRows = new Map<string, RunRow>();
  /** Runs open at once (a batch streams several). */
  const pending = new Map<string, { runId: string; tables: Map<string, Chunk[]> }>();

  function requireRun(runId: string, call: string): { runId: string; tables: Map<string, Chunk[]> } {
    const run = pending.get(runId);
    if (!run) throw new Error(`memory sink: ${call} for run ${runId} outside beginRun .. endRun`);
    return run;
  }

  return {
    async open(tables: readonly TableSpec[]): Promise<void> {
      checkTableSpecs(tables);
      for (const spec of tables) specs.set(spec.name, spec);
    },

    async beginRun(runId: string): Promise<void> {
      if (pending.has(runId)) throw new Error(`memory sink: beginRun(${runId}) while that run is open`);
      pending.set(runId, { runId, tables: new Map() });
    },

    async write(chunk: Chunk): Promise<void> {
      const run = requireRun(chunk.runId, `write(${chunk.table})`);
      const spec = specs.get(chunk.table);
      if (!spec) throw new Error(`memory sink: write to table ${chunk.table}, which was not opened`);
      checkChunk(spec, chunk);
      const copy: Chunk = { ...chunk, columns: chunk.columns.map((c) => copyColumn(c, chunk.length)) };
      const list = run.tables.get(chunk.table) ?? [];
      list.push(copy);
      run.tables.set(chunk.table, list);
    },

    async endRun(row: RunRow): Promise<void> {
      const run = requireRun(row.runId, "endRun");
      committed.set(run.runId, run.tables);
      runRows.delete(run.runId);
      runRows.set(run.runId, { ...row });
      pending.delete(run.runId);
    },

    async abortRun(runId: string): Promise<void> {
      pending.delete(runId);
    },

    async completedRuns(): Promise<Set<string>> {
      return new Set([...runRows.values()].filter((r) => r.status === "ok" || r.status === "failed").map((r) => r.runId));
    },

    async close(): Promise<void> {
      pending.clear();
    },

    table(name: string, runId: string): MemoryTable {
      const spec = specs.get(name);
      if (!spec) throw new Error(`memory sink: table ${name} was not opened`);
      const chunks = committed.get(runId)?.get(name) ?? [];
      const columns: Record<string, number[] | string[]> = {};
      spec.columns.forEach((column, i) => {
        const values: (number | string)[] = [];
        for (const chunk of chunks) for (const v of chunk.columns[i]) values.push(v);
        columns[column.name] = values as number[] | string[];
      });
      return { columns, length: chunks.reduce((n, c) => n + c.length, 0) };
    },

    runs(): RunRow[] {
      return [...runRows.values()].map((r) => ({ ...r }));
    },
  };
}
