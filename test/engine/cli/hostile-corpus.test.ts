import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { validateFile } from "../../../engine/cli/validate-command.js";
import { UserError } from "../../../models/lib/errors.js";
import { ROOT, tempDir } from "../../helpers.js";

/**
 * The hostile inputs named in issue #16, kept as files: each must be refused as a user error
 * (exit code 2) whose message names the field path in cases.json, never an internal error.
 */
const DIR = `${ROOT}test/fixtures/hostile/`;
const CASES = JSON.parse(readFileSync(`${DIR}cases.json`, "utf8")) as Record<string, string>;
const CLI = `${ROOT}dist/engine/cli/main.js`;

const check = (file: string) => validateFile(file);

/** Checks that `file` is refused with a UserError naming `path`, within 2 s. */
function refused(file: string, path: string): void {
  const start = performance.now();
  try {
    check(file);
  } catch (error) {
    if (!(error instanceof UserError)) throw new Error(`${file}: not a UserError: ${(error as Error).stack}`);
    assert.ok(error.message.includes(`${path}:`) || error.message.includes(`: ${path} (`), `${file}: message does not name ${path}:\n${error.message}`);
    const ms = performance.now() - start;
    assert.ok(ms < 2000, `${file}: refused after ${ms.toFixed(0)} ms`);
    return;
  }
  assert.unreachable(`${file} was accepted`);
}

test("every hostile fixture is refused in-process with a UserError naming its field path, within 2 s", () => {
  for (const [file, path] of Object.entries(CASES)) refused(`${DIR}${file}`, path);
  assert.is(({} as Record<string, unknown>)["horizon"], undefined, "Object.prototype untouched");
});

test("generated hostile files (too large to commit) are refused too: 10^5 top-level keys, 8·10^6 nested [, /dev/zero", () => {
  const dir = tempDir();
  try {
    let keys = "";
    for (let i = 0; i < 100_000; i++) keys += `k${i}: ${i}\n`;
    writeFileSync(`${dir.path}/keys.yaml`, keys);
    refused(`${dir.path}/keys.yaml`, "(root)");
    writeFileSync(`${dir.path}/keys.json`, `{${Array.from({ length: 100_000 }, (_, i) => `"k${i}": ${i}`).join(",")}}`);
    refused(`${dir.path}/keys.json`, "(root)");
    writeFileSync(`${dir.path}/deep.yaml`, "[".repeat(8_000_000));
    refused(`${dir.path}/deep.yaml`, "(root)");
    refused("/dev/zero", "(root)");
  } finally {
    dir.remove();
  }
});

test("dctwin validate / batch --dry-run exit 2 (never 1) on a sample of the hostile fixtures, naming the path", () => {
  for (const [file, args] of [
    ["enum-valueof.yaml", ["validate"]],
    ["sweep-proto-set.yaml", ["batch", "--dry-run"]],
    ["racks-1e21.yaml", ["validate"]],
    ["sweep-1e8-runs.yaml", ["validate"]],
  ] as const) {
    const r = spawnSync(process.execPath, [CLI, ...args, `${DIR}${file}`], { cwd: ROOT, encoding: "utf8" });
    assert.is(r.status, 2, `${file}: exit ${r.status}\n${r.stderr}`);
    assert.not.match(r.stderr, /internal error/);
    assert.ok(r.stderr.includes(`${CASES[file]}:`), `${file}: ${r.stderr}`);
  }
});

test.run();
