#!/usr/bin/env node
/**
 * Runs `tsc -p tsconfig.json` only when a source changed since the last successful build, so that
 * `npm start` does not spend ~10 s in tsc on every call (timings in the commit that added this).
 *
 *   node scripts/build-if-changed.mjs [--always] [--project DIR]
 *
 * Sources: every .ts/.mts/.cts/.json file under the folders tsconfig.json includes, plus
 * tsconfig.json and package.json. `--always` builds whatever the sources say (`npm run build`, and
 * so `npm ci`'s prepare, which leaves the stamp the first `npm start` finds).
 *
 * The last successful build is `<outDir>/.build-stamp`: its time is when that build started (less
 * a second: file times come from the kernel's coarse clock, and an early stamp can only cause a
 * build, never skip one), and it lists the sources it saw. A build is needed when a source is
 * newer than the stamp, or when the list differs (a file added, removed, or moved by `mv`, which
 * keeps the file's time). A failed build leaves no stamp (and removes an old one): tsc emits
 * JavaScript even with type errors, so dist's own times cannot tell a good build from a bad one,
 * and the next call must show the errors again. Exit code: tsc's, or 0 when nothing changed.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative, resolve } from "node:path";

const SOURCE = /\.(ts|mts|cts|json)$/;

const args = process.argv.slice(2);
const always = args.includes("--always");
const projectAt = args.indexOf("--project");
const project = resolve(projectAt >= 0 ? args[projectAt + 1] : process.cwd());
const tsconfigPath = join(project, "tsconfig.json");

/** The folders tsc compiles and where it writes, or undefined when tsconfig.json is beyond this plain reading (comments, globs, extends). */
function readConfig() {
  try {
    const config = JSON.parse(readFileSync(tsconfigPath, "utf8"));
    const include = config.include;
    if (config.extends !== undefined || !Array.isArray(include) || include.some((entry) => typeof entry !== "string" || /[*?{}[\]]/.test(entry))) return undefined;
    return { include, outDir: join(project, config.compilerOptions?.outDir ?? ".") };
  } catch {
    return undefined;
  }
}

/** Source files under `dir` (relative to the project) with their modification times, into `out`. */
function collectSources(dir, outDir, out) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // an include entry that does not exist: tsc ignores it too
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules" && path !== outDir) collectSources(path, outDir, out);
    } else if (SOURCE.test(entry.name)) {
      out.set(relative(project, path), statSync(path).mtimeMs);
    }
  }
}

function sources(config) {
  const out = new Map();
  for (const entry of config.include) collectSources(join(project, entry), config.outDir, out);
  for (const file of [tsconfigPath, join(project, "package.json")]) out.set(relative(project, file), statSync(file).mtimeMs);
  return out;
}

function listOf(found) {
  return [...found.keys()].sort().join("\n");
}

function upToDate(found, stamp) {
  let builtMs;
  let listed;
  try {
    builtMs = statSync(stamp).mtimeMs;
    listed = readFileSync(stamp, "utf8");
  } catch {
    return false;
  }
  for (const mtimeMs of found.values()) if (mtimeMs > builtMs) return false;
  return listed === listOf(found);
}

const config = readConfig();
const stamp = config === undefined ? undefined : join(config.outDir, ".build-stamp");
const startedS = Date.now() / 1000 - 1;
const found = config === undefined ? undefined : sources(config);
if (!always && stamp !== undefined && upToDate(found, stamp)) process.exit(0);

if (stamp !== undefined) rmSync(stamp, { force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const result = spawnSync(process.execPath, [tsc, "-p", tsconfigPath], { stdio: "inherit" });
if (result.status === 0 && stamp !== undefined) {
  mkdirSync(config.outDir, { recursive: true });
  writeFileSync(stamp, listOf(found));
  utimesSync(stamp, startedS, startedS);
}
process.exit(result.status ?? 1);
