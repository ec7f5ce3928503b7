import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "puppeteer-core";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { artifactPath, launchBrowser, openPage } from "../../browser.js";
import { ROOT, tempDir } from "../../helpers.js";
import { runCli } from "../../hil/peer.js";

/**
 * `dctwin report` as a user sees it: the report of the default scenario (10 simulated minutes), of
 * two runs that hold every optional table (batteries and grid frequency; cooling, rack temperatures
 * and heat reuse), and of a small sweep, each opened in headless Chromium from a file:// URL (no
 * network), every chart checked for drawn data marks and the console for errors. Screenshots are
 * kept under test-artifacts/ (gitignored).
 */
const dir = tempDir("dctwin-report-");
let browser: Browser;

async function dctwin(args: string[]): Promise<string> {
  const r = await runCli(args);
  if (r.code !== 0) throw new Error(`dctwin ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

function shortened(name: string, horizon: string): string {
  const path = join(dir.path, `${name}.yaml`);
  const text = readFileSync(join(ROOT, "scenarios", `${name}.yaml`), "utf8");
  writeFileSync(path, text.replace(/^horizon: .*$/m, `horizon: ${horizon}`));
  return path;
}

const DEFAULT = join(dir.path, "default.duckdb");
const MIXED = join(dir.path, "mixed.duckdb");
const SWEEP = join(dir.path, "sweep.duckdb");

test.before(async () => {
  const sweep = join(dir.path, "floor.yaml");
  writeFileSync(sweep, `name: floor\nbase: ${join(ROOT, "scenarios/hall-training-1h-smoothed.yaml")}\nset:\n  horizon: 20s\ngrid:\n  controllers[0].floor: [30%, 60%, 90%]\n`);
  [browser] = await Promise.all([
    launchBrowser(),
    dctwin(["run", shortened("hall-training-1h", "10min"), "--out", DEFAULT, "--run-id", "hall-training-1h"]),
    (async () => {
      await dctwin(["run", shortened("grid-weak-island-bess", "6min"), "--out", MIXED, "--run-id", "island-bess"]);
      await dctwin(["run", shortened("cooling-hall-winter-24h-heat-reuse", "3min"), "--out", MIXED, "--run-id", "winter-reuse"]);
    })(),
    dctwin(["batch", sweep, "--out", SWEEP, "--threads", "1"]),
  ]).catch((error: unknown) => {
    // uvu reports a failing hook only as "0 passed": say why.
    console.error(error);
    throw error;
  });
});
test.after(async () => {
  await browser?.close();
  dir.remove();
});

/** Opens a report, waits for its charts; returns data marks per chart and console errors. */
async function openReport(html: string, screenshot: string, fullPage = false) {
  const { page, errors } = await openPage(browser);
  await page.goto(pathToFileURL(html).href);
  await page.evaluate(() => (globalThis as any).dctwinReport.ready);
  const marks = (await page.evaluate(() => (globalThis as any).dctwinReport.markCounts())) as Record<string, number>;
  await page.screenshot({ path: artifactPath(screenshot), fullPage });
  return { page, errors, marks };
}

test("report of the default scenario: power, spectrum, ramps and timeline drawn with data, no console error, no network", async () => {
  const html = join(dir.path, "default.html");
  const stdout = await dctwin(["report", DEFAULT, "--out", html]);
  assert.match(stdout, /report: .*default\.html \(1 run, 4 charts/);
  const text = readFileSync(html, "utf8");
  assert.not.match(text, /<script[^>]+src=|<link[^>]+href=/, "nothing loaded from elsewhere");
  const { page, errors, marks } = await openReport(html, "report-default.png", true);
  assert.equal(Object.keys(marks).sort(), ["power", "ramps", "spectrum", "timeline"]);
  for (const [chart, count] of Object.entries(marks)) assert.ok(count > 10, `${chart}: ${count} data marks`);
  assert.equal(errors, []);
  // Zoom as a user does: drag over 2 s of the overview; the detail then shows a finer level.
  const levelsShown = () =>
    page.evaluate(() => {
      const view = (globalThis as any).dctwinReport.views.power;
      const seen = new Set<number>();
      const walk = (item: any) => {
        if (item.mark?.role === "mark" && item.mark.marktype === "line" && item.datum?.level !== undefined) seen.add(item.datum.level);
        for (const child of item.items ?? []) walk(child);
      };
      walk(view.scenegraph().root);
      return [...seen].sort();
    });
  const before = await levelsShown();
  const drag = await page.evaluate(() => {
    const view = (globalThis as any).dctwinReport.views.power;
    let group: any;
    const find = (item: any) => {
      if (item.mark?.name === "concat_2_group") group = item;
      for (const child of item.items ?? []) find(child);
    };
    find(view.scenegraph().root);
    const x = view.scale("concat_2_x");
    const svg = (globalThis as any).document.querySelector("#chart-power svg").getBoundingClientRect();
    const [ox, oy] = view.origin();
    const left = svg.left + ox + group.x;
    return { x0: left + x(300), x1: left + x(302), y: svg.top + oy + group.y + group.height / 2 };
  });
  await page.mouse.move(drag.x0, drag.y);
  await page.mouse.down();
  await page.mouse.move(drag.x1, drag.y, { steps: 4 });
  await page.mouse.up();
  await page.evaluate(() => (globalThis as any).dctwinReport.views.power.runAsync());
  const shown = { before, after: await levelsShown(), brush: await page.evaluate(() => (globalThis as any).dctwinReport.views.power.signal("brush")) };
  assert.equal(shown.before, [0], "the whole run: level 0");
  assert.ok(shown.after.length === 1 && shown.after[0]! > 0, `zoomed to 1 s: level ${shown.after} (brush ${JSON.stringify(shown.brush)})`);
  await page.close();
});

test("report of two runs with batteries, frequency, cooling, rack temperatures and heat reuse: every chart has data", async () => {
  const html = join(dir.path, "mixed.html");
  await dctwin(["report", MIXED, "--out", html]);
  const { page, errors, marks } = await openReport(html, "report-mixed.png");
  assert.equal(Object.keys(marks).sort(), ["frequency", "heat", "power", "racks", "ramps", "spectrum", "storage", "thermal", "timeline"]);
  for (const [chart, count] of Object.entries(marks)) assert.ok(count > 10, `${chart}: ${count} data marks`);
  // The heat map: 72 racks in one frame per run shown.
  const rects = await page.evaluate(() => (globalThis as any).document.querySelectorAll("#chart-racks path[role='graphics-symbol'], #chart-racks .mark-rect path").length);
  assert.ok(rects >= 72, `${rects} rack cells`);
  assert.equal(errors, []);
  await page.close();
});

test("report of a sweep (--batch): the trade-off plot has one point per run; --svg and --png write every chart", async () => {
  const html = join(dir.path, "sweep.html");
  const images = join(dir.path, "images");
  await dctwin(["report", SWEEP, "--batch", "floor", "--out", html, "--svg", images, "--png", images]);
  const { page, errors, marks } = await openReport(html, "report-sweep.png");
  assert.ok(marks.tradeoff === 3, `trade-off: ${marks.tradeoff} points`);
  assert.equal(errors, []);
  await page.close();
  for (const chart of Object.keys(marks)) {
    const svg = readFileSync(join(images, `${chart}.svg`), "utf8");
    assert.match(svg, /^<svg/);
    assert.ok((svg.match(/<path/g) ?? []).length > 5, `${chart}.svg has paths`);
    const png = readFileSync(join(images, `${chart}.png`));
    assert.equal(png.subarray(1, 4).toString(), "PNG");
    assert.ok(png.length > 5000, `${chart}.png: ${png.length} bytes`);
  }
});

test("dctwin report: a missing file, an unknown run id or batch exit 2 with a message naming what is there", async () => {
  const missing = await runCli(["report", join(dir.path, "nope.duckdb")]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.duckdb: no such file/);
  const run = await runCli(["report", DEFAULT, "--run", "nope", "--out", join(dir.path, "x.html")]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--run: got 'nope', expected run ids of .*default\.duckdb: hall-training-1h/);
  const batch = await runCli(["report", SWEEP, "--batch", "nope", "--out", join(dir.path, "x.html")]);
  assert.equal(batch.code, 2);
  assert.match(batch.stderr, /--batch: got 'nope', expected a batch of .*: floor/);
  assert.not.ok(existsSync(join(dir.path, "x.html")));
  const notResults = join(dir.path, "empty.duckdb");
  const { DuckDBInstance } = await import("@duckdb/node-api");
  (await DuckDBInstance.create(notResults)).closeSync();
  const empty = await runCli(["report", notResults, "--out", join(dir.path, "x.html")]);
  assert.equal(empty.code, 2, empty.stderr);
  assert.match(empty.stderr, /not a dctwin results file/);
});

test.run();
