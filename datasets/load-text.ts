import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { invalidInput, unreadableFile } from "../models/lib/errors.js";

/**
 * Reads a UTF-8 text file of at most `maxBytes`, never reading more than maxBytes + 1 bytes: an
 * oversized file is refused from its size, an endless one (`/dev/zero`, a pipe) after the limit.
 * A missing, unreadable or oversized file, or a directory, is a UserError naming the path; `hint`
 * says what size is usual (e.g. "a scenario is a few KB").
 *
 * Example: loadText("scenarios/hall-day-24h.yaml", 4 << 20, "...") → the file's text.
 */
export function loadText(path: string, maxBytes: number, hint: string): string {
  const tooLarge = (size: string) =>
    invalidInput(path, [{ path: "", value: `a file of ${size}`, expected: `a file of at most ${maxBytes.toLocaleString("en")} bytes (${hint})` }]);
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    throw unreadableFile(path, reason(error));
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw unreadableFile(path, "a directory, not a file");
    if (stat.isFile() && stat.size > maxBytes) throw tooLarge(`${stat.size.toLocaleString("en")} bytes`);
    // Devices and pipes report no size: read until the end or one byte past the limit.
    const buffer = Buffer.allocUnsafe(stat.isFile() ? stat.size + 1 : Math.min(maxBytes + 1, 1 << 20));
    let chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      let read: number;
      try {
        read = readSync(fd, buffer, 0, buffer.length, null);
      } catch (error) {
        throw unreadableFile(path, reason(error));
      }
      if (read === 0) break;
      total += read;
      if (total > maxBytes) throw tooLarge(`more than ${maxBytes.toLocaleString("en")} bytes`);
      chunks.push(Buffer.from(buffer.subarray(0, read)));
    }
    const text = Buffer.concat(chunks, total).toString("utf8");
    chunks = [];
    return text;
  } finally {
    closeSync(fd);
  }
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "a directory, not a file";
  if (code === "EACCES") return "cannot read (permission denied)";
  return `cannot read (${code ?? String(error)})`;
}
