import { UserError } from "../../models/lib/errors.js";
import type { Sink } from "./sink.js";

/**
 * Failures of the machine rather than of the model: a full disk, a read-only mount, a path that
 * cannot be a folder, a file another process holds. They are the user's to fix, so they are
 * UserErrors (a clear message, exit 2, no stack), and a batch treats them apart: a run that hit
 * one is not a result, so it is not recorded as done and `--resume` runs it again.
 */
export class StorageError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = "StorageError";
  }
}

/** What a user should read for an error code or a DuckDB message; undefined when it is not storage. */
function explain(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const path = (error as NodeJS.ErrnoException | undefined)?.path;
  const at = path !== undefined ? ` (${path})` : "";
  switch (code) {
    case "ENOSPC":
    case "EDQUOT":
      return `the disk is full${at}`;
    case "EROFS":
      return `the file system is read-only${at}`;
    case "EACCES":
    case "EPERM":
      return `permission denied${at}`;
    case "ENOTDIR":
    case "EEXIST":
      return `a part of the path is a file, not a folder${at}`;
    case "EISDIR":
      return `the path is a folder, not a file${at}`;
    case "EBUSY":
      return `the file is busy${at}`;
    case "EIO":
      return `an input/output error of the device${at}`;
    case "EMFILE":
    case "ENFILE":
      return "too many open files";
    case "ENOENT":
      return `no such file or folder${at}`;
  }
  if (/No space left on device|disk is full|Disk full/i.test(message)) return "the disk is full";
  if (/Read-only file system/i.test(message)) return "the file system is read-only";
  if (/Permission denied/i.test(message)) return "permission denied";
  if (/Not a directory|File exists/i.test(message)) return "a part of the path is a file, not a folder";
  if (/Is a directory/i.test(message)) return "the path is a folder, not a file";
  const lock = /Conflicting lock is held in (.*?) \(PID (\d+)\)/.exec(message);
  if (lock !== null) return `it is open in another process (PID ${lock[2]}: ${lock[1]})`;
  if (/Could not set lock|database is locked/i.test(message)) return "it is open in another process";
  if (/^IO Error|Input\/output error|Could not (write|read|open|truncate|sync|fsync)/i.test(message)) return "an input/output error";
  return undefined;
}

/**
 * The StorageError for `error` met while `action` (e.g. "writing run r3") on `path`, or undefined
 * when the error is not about storage (a bug stays a bug). The library's own words follow, for the
 * details.
 *
 * Example: storageError("out/r.duckdb", "writing run r3", enospc)
 *   → "out/r.duckdb: the disk is full while writing run r3 (IO Error: Could not write …)"
 */
export function storageError(path: string, action: string, error: unknown): StorageError | undefined {
  if (error instanceof StorageError) return error;
  const why = explain(error);
  if (why === undefined) return undefined;
  const detail = error instanceof Error ? error.message : String(error);
  return new StorageError(`${path}: ${why} while ${action} (${detail.split("\n")[0]})`);
}

/** Runs `f`; a storage failure becomes a StorageError, anything else is rethrown as it is. */
export async function guardStorage<T>(path: string, action: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (error) {
    throw storageError(path, action, error) ?? error;
  }
}

/** `sink` whose storage failures are StorageErrors naming the file and what it was doing. */
export function withStorageErrors(path: string, sink: Sink): Sink {
  return {
    open: (tables) => guardStorage(path, "opening it", () => sink.open(tables)),
    beginRun: (runId) => guardStorage(path, `starting run ${runId}`, () => sink.beginRun(runId)),
    write: (chunk) => guardStorage(path, `writing run ${chunk.runId}`, () => sink.write(chunk)),
    endRun: (run) => guardStorage(path, `committing run ${run.runId}`, () => sink.endRun(run)),
    abortRun: (runId) => guardStorage(path, `abandoning run ${runId}`, () => sink.abortRun(runId)),
    completedRuns: () => guardStorage(path, "reading its runs", () => sink.completedRuns()),
    close: () => guardStorage(path, "closing it", () => sink.close()),
  };
}

/**
 * A file-system error that escaped to the top (from any command), as a line for the user, or
 * undefined when `error` is not one. Example: "out/x.duckdb: a part of the path is a file, not a
 * folder (EEXIST from mkdir)".
 */
export function describeFsError(error: unknown): string | undefined {
  const e = error as NodeJS.ErrnoException | undefined;
  if (!(error instanceof Error) || typeof e?.code !== "string" || typeof e.syscall !== "string") return undefined;
  const why = explain({ code: e.code, message: e.message });
  if (why === undefined) return undefined;
  return `${e.path ?? "dctwin"}: ${why} (${e.code} from ${e.syscall})`;
}
