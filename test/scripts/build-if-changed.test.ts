import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ROOT, tempDir } from "../helpers.js";

/**
 * scripts/build-if-changed.mjs (what `npm start` and `npm run build` call) on a tiny project of
 * its own, so the test neither waits for nor disturbs the real build: it builds when there is no
 * stamp, does not run tsc when nothing changed, builds again after an edit or a `mv` (which keeps
 * the file's time), and keeps failing while a type error stands.
 */
const SCRIPT = join(ROOT, "scripts/build-if-changed.mjs");
const dir = tempDir("dctwin-build-");
test.after(() => dir.remove());
const at = (path: string) => join(dir.path, path);

/** A minute ago, as a clone's files would be when its build starts. */
function age(...paths: string[]): void {
  const past = Date.now() / 1000 - 60;
  for (const path of paths) utimesSync(at(path), past, past);
}

function build(...flags: string[]): { status: number | null; output: string; ms: number } {
  const start = performance.now();
  const r = spawnSync(process.execPath, [SCRIPT, "--project", dir.path, ...flags], { encoding: "utf8" });
  return { status: r.status, output: r.stdout + r.stderr, ms: performance.now() - start };
}

const mtime = (path: string) => statSync(at(path)).mtimeMs;

test.before(() => {
  mkdirSync(at("src"));
  writeFileSync(at("package.json"), '{ "type": "module" }\n');
  // lib ES5, the smallest: each tsc run of this project then takes ~0.5 s instead of ~2 s.
  writeFileSync(
    at("tsconfig.json"),
    JSON.stringify({ compilerOptions: { target: "ES2022", lib: ["ES5"], module: "NodeNext", moduleResolution: "NodeNext", strict: true, types: [], outDir: "dist", rootDir: "." }, include: ["src"] }),
  );
  writeFileSync(at("src/a.ts"), "export const a: number = 1;\n");
  age("package.json", "tsconfig.json", "src/a.ts", "src");
});

test("the first call builds and leaves a stamp; a second, with nothing changed, does not run tsc", () => {
  const first = build();
  assert.is(first.status, 0, first.output);
  assert.match(readFileSync(at("dist/src/a.js"), "utf8"), "a = 1");
  assert.ok(existsSync(at("dist/.build-stamp")));
  const js = mtime("dist/src/a.js");
  const stamp = mtime("dist/.build-stamp");
  const second = build();
  assert.is(second.status, 0, second.output);
  assert.is(mtime("dist/src/a.js"), js, "a.js was not written again");
  assert.is(mtime("dist/.build-stamp"), stamp, "the stamp was not renewed: tsc did not run");
  assert.ok(second.ms < first.ms, `up to date in ${second.ms.toFixed(0)} ms, the build took ${first.ms.toFixed(0)} ms`);
});

test("an edited source, a moved one (mv keeps its time) and --always each build again", () => {
  writeFileSync(at("src/a.ts"), "export const a: number = 2;\n");
  assert.is(build().status, 0);
  assert.match(readFileSync(at("dist/src/a.js"), "utf8"), "a = 2");

  renameSync(at("src/a.ts"), at("src/b.ts"));
  age("src/b.ts", "src");
  assert.is(build().status, 0);
  assert.ok(existsSync(at("dist/src/b.js")), "the moved file was compiled");

  const stamp = mtime("dist/.build-stamp");
  assert.is(build("--always").status, 0);
  assert.ok(mtime("dist/.build-stamp") > stamp, "--always built");
});

test("a type error fails the build, leaves no stamp, and fails again on the next call instead of being skipped", () => {
  writeFileSync(at("src/c.ts"), 'export const c: number = "text";\n');
  const failed = build();
  assert.is.not(failed.status, 0);
  assert.match(failed.output, "TS2322");
  assert.not.ok(existsSync(at("dist/.build-stamp")));
  const again = build();
  assert.is.not(again.status, 0, "not skipped while the error stands");
  writeFileSync(at("src/c.ts"), "export const c: number = 3;\n");
  assert.is(build().status, 0);
  assert.ok(existsSync(at("dist/.build-stamp")));
});

test("package.json: npm start builds only if changed, npm run build (and so npm ci's prepare) always, through the script", () => {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
  assert.ok(scripts.start!.startsWith("node scripts/build-if-changed.mjs && "), scripts.start);
  assert.is(scripts.build, "node scripts/build-if-changed.mjs --always");
  assert.is(scripts.prepare, "npm run build");
});

test.run();
