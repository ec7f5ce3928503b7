import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Chunk } from "../engine/sinks/sink.js";

/** Repository root (tests compile to dist/test/..., this file to dist/test/helpers.js). */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** A fresh temporary directory and its remover. */
export function tempDir(prefix = "dctwin-"): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** SHA-256 over chunks' bytes (typed arrays as bytes, strings as UTF-8), in order. */
export function hashChunks(chunks: readonly Chunk[]): string {
  const hash = createHash("sha256");
  for (const chunk of chunks) {
    hash.update(`${chunk.table}/${chunk.runId}/${chunk.length}`);
    for (const column of chunk.columns) {
      if (Array.isArray(column)) hash.update(column.slice(0, chunk.length).join("\u0000"));
      else hash.update(new Uint8Array(column.buffer, column.byteOffset, chunk.length * column.BYTES_PER_ELEMENT));
    }
  }
  return hash.digest("hex");
}
