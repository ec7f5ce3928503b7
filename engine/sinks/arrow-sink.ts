/**
 * Arrow IPC result sink: one Arrow IPC *file* (random-access format, `ARROW1` magic and footer)
 * per table per run, laid out hive-style so pyarrow or polars (or DuckDB with its nanoarrow
 * extension) read a folder as one dataset partitioned by run.
 *
 * Contract: `createArrowSink(dir)` returns a `Sink`; one run at a time per sink. Several sinks
 * (processes, shards) may share `dir` as long as they write different run ids.
 *
 * File layout (`<id>` is `encodeURIComponent(runId)`):
 * - `<dir>/<table>/run_id=<id>/part-0.arrow`: the run's rows of `<table>`, one record batch per
 *   `write`. `run_id` is the hive partition key only, not a column inside the file (why: see
 *   `arrow-batch.ts`). Only tables the run wrote to get a file.
 * - `<dir>/runs/run_id=<id>/part-0.arrow`: the run's `runs` row (see `runs-table.ts`).
 * - `<dir>/_partial/run_id=<id>/<table>.arrow.partial`: files of the run in progress. Dataset
 *   readers skip `_`-prefixed folders, and the names do not end in `.arrow`.
 * Column types and metadata: see `arrow-batch.ts`.
 *
 * Streaming: each `write` appends a record batch to the open partial file with `fs.writeSync`
 * (the typed-array columns go to the file without a copy); nothing is kept in memory between
 * writes apart from the footer's block list, so memory stays flat however long the run.
 *
 * Several runs may be open at once (a batch streams runs from several workers); each has its own
 * partial folder.
 *
 * Atomicity: `endRun` closes each partial file (footer), fsyncs it, renames it into place, and
 * renames the `runs` file into place LAST: a run is complete exactly when its runs file exists
 * (`completedRuns`). A run killed mid-way leaves only `_partial` files; a crash between the
 * renames leaves table files without a runs file, which the next `beginRun` of that id removes,
 * like it removes stale partials and an earlier completed copy. `abortRun` deletes the partials.
 *
 * Example: const sink = createArrowSink("results/arrow"); await sink.open([siteSeries]);
 * await sink.beginRun("r1"); await sink.write(chunk); await sink.endRun(runRow);
 * // -> results/arrow/site_series/run_id=r1/part-0.arrow, results/arrow/runs/run_id=r1/part-0.arrow
 */

import { closeSync, existsSync, fdatasyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { AsyncByteQueue, RecordBatchFileWriter, type Schema } from "apache-arrow";
import { toArrowSchema, toRecordBatch } from "./arrow-batch.js";
import { checkChunk } from "./check-chunk.js";
import { checkTableSpecs } from "./check-table-specs.js";
import { runRowChunk, runsTable } from "./runs-table.js";
import type { Chunk, RunRow, Sink, TableSpec } from "./sink.js";
import { withStorageErrors } from "./storage-error.js";

const PARTIAL_DIR = "_partial";
const PART_FILE = "part-0.arrow";
/** Table names become folder names: no separators, no leading `_` or `.` (readers skip those). */
const TABLE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/**
 * The byte sink of apache-arrow's writer, redirected to a file descriptor: the writer hands each
 * piece (message header, padding, body buffer) to `write`, which writes it at once instead of
 * queueing it, so the IPC file streams to disk batch by batch. `RecordBatchWriter.reset` accepts
 * any `AsyncByteQueue` as its sink.
 */
class FdByteSink extends AsyncByteQueue {
  constructor(private readonly fd: number) {
    super();
  }
  override write(value: ArrayBufferView | ArrayBufferLike | ArrayLike<number> | Iterable<number> | string | null | undefined): void {
    if (!ArrayBuffer.isView(value)) throw new Error("Arrow sink: the IPC writer produced a non-binary piece");
    if (value.byteLength > 0) writeSync(this.fd, new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  }
}

interface OpenFile {
  fd: number;
  writer: RecordBatchFileWriter;
  partialPath: string;
  finalPath: string;
}

interface CurrentRun {
  runId: string;
  partialDir: string;
  files: Map<string, OpenFile>;
}

function runDirName(runId: string): string {
  return `run_id=${encodeURIComponent(runId)}`;
}

/**
 * Creates an Arrow IPC sink writing under the folder `dir` (created by `open`).
 *
 * Example: createArrowSink("results/arrow").
 */
export function createArrowSink(dir: string): Sink {
  const specs = new Map<string, TableSpec>();
  const schemas = new Map<string, Schema>();
  // Runs open at once (a batch streams several); each writes its own partial folder.
  const open = new Map<string, CurrentRun>();
  let closed = false;

  function requireRun(runId: string, call: string): CurrentRun {
    const run = open.get(runId);
    if (!run) throw new Error(`Arrow sink ${dir}: ${call} for run ${runId} outside beginRun .. endRun`);
    return run;
  }

  function openFile(run: CurrentRun, table: string): OpenFile {
    let file = run.files.get(table);
    if (file) return file;
    const partialPath = join(run.partialDir, `${table}.arrow.partial`);
    const finalPath = join(dir, table, runDirName(run.runId), PART_FILE);
    const fd = openSync(partialPath, "w");
    try {
      const writer = new RecordBatchFileWriter();
      writer.reset(new FdByteSink(fd), schemas.get(table)!);
      file = { fd, writer, partialPath, finalPath };
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    run.files.set(table, file);
    return file;
  }

  function appendBatch(run: CurrentRun, chunk: Chunk): void {
    const file = openFile(run, chunk.table);
    file.writer.write(toRecordBatch(schemas.get(chunk.table)!, chunk));
  }

  /** Writes the footer, makes the bytes durable and releases the descriptor. */
  function finishFile(file: OpenFile): void {
    file.writer.close();
    fdatasyncSync(file.fd);
    closeSync(file.fd);
    file.fd = -1;
  }

  function discard(run: CurrentRun): void {
    open.delete(run.runId);
    for (const file of run.files.values()) {
      if (file.fd >= 0) {
        try {
          closeSync(file.fd);
        } catch {
          // Already closed; the folder is removed below either way.
        }
      }
    }
    rmSync(run.partialDir, { recursive: true, force: true });
  }

  return withStorageErrors(dir, {
    async open(tables: readonly TableSpec[]): Promise<void> {
      if (closed) throw new Error(`Arrow sink ${dir} is closed`);
      if (open.size > 0) throw new Error(`Arrow sink ${dir}: open during run ${[...open.keys()][0]}`);
      checkTableSpecs(tables);
      for (const table of tables) {
        if (!TABLE_NAME.test(table.name)) {
          throw new Error(`Arrow sink: table name ${JSON.stringify(table.name)} must match ${TABLE_NAME} (it names a folder)`);
        }
      }
      mkdirSync(dir, { recursive: true });
      specs.clear();
      schemas.clear();
      for (const spec of [runsTable, ...tables]) {
        specs.set(spec.name, spec);
        schemas.set(spec.name, toArrowSchema(spec));
      }
    },

    async beginRun(runId: string): Promise<void> {
      if (specs.size === 0) throw new Error(`Arrow sink ${dir}: beginRun(${runId}) before open`);
      if (open.has(runId)) throw new Error(`Arrow sink ${dir}: beginRun(${runId}) while that run is open`);
      const name = runDirName(runId);
      const partialDir = join(dir, PARTIAL_DIR, name);
      rmSync(partialDir, { recursive: true, force: true });
      // The runs file goes first, so the run stops counting as completed before its rows go.
      rmSync(join(dir, runsTable.name, name), { recursive: true, force: true });
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory() && !entry.name.startsWith("_")) {
          rmSync(join(dir, entry.name, name), { recursive: true, force: true });
        }
      }
      mkdirSync(partialDir, { recursive: true });
      open.set(runId, { runId, partialDir, files: new Map() });
    },

    async write(chunk: Chunk): Promise<void> {
      const run = requireRun(chunk.runId, `write(${chunk.table})`);
      const spec = specs.get(chunk.table);
      if (!spec || spec === runsTable) throw new Error(`Arrow sink ${dir}: write to table ${chunk.table}, which was not opened`);
      checkChunk(spec, chunk);
      if (chunk.length === 0) return;
      appendBatch(run, chunk);
    },

    async endRun(row: RunRow): Promise<void> {
      const run = requireRun(row.runId, "endRun");
      try {
        const tables = [...run.files.values()];
        for (const file of tables) finishFile(file);
        appendBatch(run, runRowChunk(row));
        const runsFile = run.files.get(runsTable.name)!;
        finishFile(runsFile);
        for (const file of [...tables, runsFile]) {
          mkdirSync(join(file.finalPath, ".."), { recursive: true });
          renameSync(file.partialPath, file.finalPath);
        }
      } catch (error) {
        discard(run);
        throw error;
      }
      discard(run);
    },

    async abortRun(runId: string): Promise<void> {
      const run = open.get(runId);
      if (run) discard(run);
    },

    async completedRuns(): Promise<Set<string>> {
      const runsDir = join(dir, runsTable.name);
      const done = new Set<string>();
      if (!existsSync(runsDir)) return done;
      for (const entry of readdirSync(runsDir)) {
        if (entry.startsWith("run_id=") && existsSync(join(runsDir, entry, PART_FILE))) {
          done.add(decodeURIComponent(entry.slice("run_id=".length)));
        }
      }
      return done;
    },

    async close(): Promise<void> {
      for (const run of [...open.values()]) discard(run);
      closed = true;
    },
  });
}
