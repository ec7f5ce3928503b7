import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { artifactPath, launchBrowser, openPage } from "../../browser.js";
import { ROOT, tempDir } from "../../helpers.js";
import { get } from "node:http";
import { CLI, freePort, startPeer } from "../../hil/peer.js";

/**
 * `dctwin run --live` as a user sees it: the page opened in headless Chromium, then (--live-wait) a
 * 2 h winter day with cooling, rack temperatures and heat reuse runs; it must receive progress during the run,
 * draw every chart with data, show the KPIs at the end and log no console error. The server listens
 * on 127.0.0.1 only; Ctrl-C (SIGINT) after the run stops it. `dctwin hil --live` against the
 * pymodbus SunSpec battery (test/hil/peer.ts) is checked on its event stream.
 */
const dir = tempDir("dctwin-live-");
test.after(() => dir.remove());

test("dctwin run --live: the page fills while the run goes, every chart has data, KPIs at the end, no console error", async () => {
  const scenario = join(dir.path, "winter.yaml");
  writeFileSync(scenario, readFileSync(join(ROOT, "scenarios/cooling-hall-winter-24h-heat-reuse.yaml"), "utf8").replace(/^horizon: .*$/m, "horizon: 2h"));
  const browser = await launchBrowser();
  const child = spawn(process.execPath, [CLI, "run", scenario, "--live", "--live-wait", "--live-port", "0", "--out", join(dir.path, "live.duckdb")], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  let stdout = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        const match = /live view: (http:\/\/\S+)/.exec(stderr);
        if (match) resolve(match[1]!);
      });
      child.on("exit", () => reject(new Error(`exited before serving: ${stderr}`)));
    });
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/, "loopback only");
    const { page, errors } = await openPage(browser);
    await page.goto(url);
    await page.evaluate(() => (globalThis as any).dctwinReport.ready);
    await page.waitForFunction(() => (globalThis as any).dctwinReport.done === true, { timeout: 60_000 });
    await page.evaluate(() => Promise.all(Object.values((globalThis as any).dctwinReport.views).map((v: any) => v.runAsync())));
    const marks = (await page.evaluate(() => (globalThis as any).dctwinReport.markCounts())) as Record<string, number>;
    const received = (await page.evaluate(() => (globalThis as any).dctwinReport.received)) as { rows: number; progressS: number[] };
    assert.equal(Object.keys(marks).sort(), ["heat", "power", "racks", "thermal", "timeline"]);
    for (const [chart, count] of Object.entries(marks)) assert.ok(count > 10, `${chart}: ${count} data marks`);
    assert.ok(received.progressS.some((s) => s > 0 && s < 7200), `progress during the run: ${received.progressS}`);
    const kpiRows = await page.evaluate(() => (globalThis as any).document.querySelectorAll("#kpis tr").length);
    assert.ok(kpiRows > 20, `${kpiRows} KPI rows`);
    assert.match(await page.evaluate(() => (globalThis as any).document.getElementById("status").textContent), /run finished: 180000 ticks/);
    await page.screenshot({ path: artifactPath("live-winter.png"), fullPage: true });
    assert.equal(errors, []);
    assert.match(stdout, /results: .*live\.duckdb/);
  } finally {
    child.kill("SIGINT");
    await browser.close();
  }
  assert.equal(await exited, 0, stderr);
});

test("dctwin hil --live: the event stream carries the run's rows, its progress and, at the end, its KPIs", async () => {
  const peer = await startPeer(["--tcp", "127.0.0.1:0"]);
  const child = spawn(process.execPath, [
    CLI, "hil", join(ROOT, "scenarios/hil-battery-smoothing.yaml"),
    "--device", `bess1=tcp://127.0.0.1:${peer.port}`, "--profile", `bess1=${join(ROOT, "hil/profiles/sunspec-battery.yaml")}`,
    "--duration", "3s", "--live", "--live-port", "0", "--out", join(dir.path, "hil.duckdb"),
  ], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        const match = /live view: (http:\/\/\S+)/.exec(stderr);
        if (match) resolve(match[1]!);
      });
      child.on("exit", () => reject(new Error(`exited before serving: ${stderr}`)));
    });
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const events = await new Promise<string>((resolve, reject) => {
      let text = "";
      get(`${url}events`, (res) => {
        res.on("data", (d: Buffer) => {
          text += d.toString();
          if (/^event: done$/m.test(text)) {
            res.destroy();
            resolve(text);
          }
        });
      }).on("error", reject);
    });
    const messages = [...events.matchAll(/^event: (\w+)\ndata: (.*)$/gm)].map((m) => ({ event: m[1]!, data: JSON.parse(m[2]!) }));
    const datasets = new Set(messages.filter((m) => m.event === "rows").map((m) => m.data.dataset));
    assert.ok(datasets.has("power") && datasets.has("storage"), `datasets ${[...datasets]}`);
    assert.ok(messages.some((m) => m.event === "progress" && m.data.simulatedS > 0), "progress from the written chunks");
    const done = messages.find((m) => m.event === "done")!.data;
    assert.ok(done.kpis.some((k: { name: string }) => k.name === "pcc_energy"), "KPIs at the end");
  } finally {
    child.kill("SIGINT");
    await peer.stop();
  }
  assert.equal(await exited, 0, stderr);
});

test("dctwin serve --live: the served twin's stream carries its rows, its progress and, at the end, its KPIs", async () => {
  const port = await freePort();
  const child = spawn(process.execPath, [
    CLI, "serve", join(ROOT, "scenarios/hil-battery-smoothing.yaml"), "--modbus", `tcp://127.0.0.1:${port}`,
    "--pace", "x10", "--duration", "20s", "--live", "--live-port", "0", "--out", join(dir.path, "serve.duckdb"),
  ], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        const match = /live view: (http:\/\/\S+)/.exec(stderr);
        if (match) resolve(match[1]!);
      });
      child.on("exit", () => reject(new Error(`exited before serving: ${stderr}`)));
    });
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const events = await new Promise<string>((resolve, reject) => {
      let text = "";
      get(`${url}events`, (res) => {
        res.on("data", (d: Buffer) => {
          text += d.toString();
          if (/^event: done$/m.test(text)) {
            res.destroy();
            resolve(text);
          }
        });
      }).on("error", reject);
    });
    const messages = [...events.matchAll(/^event: (\w+)\ndata: (.*)$/gm)].map((m) => ({ event: m[1]!, data: JSON.parse(m[2]!) }));
    assert.ok(messages.some((m) => m.event === "rows" && m.data.dataset === "power"), "the PCC power rows");
    const done = messages.find((m) => m.event === "done")!.data;
    assert.ok(done.kpis.some((k: { name: string }) => k.name === "pcc_energy"), "KPIs at the end");
  } finally {
    child.kill("SIGINT");
  }
  assert.equal(await exited, 0, stderr);
});

test("dctwin run --live-port: a port out of range exits 2", async () => {
  const { runCli } = await import("../../hil/peer.js");
  const r = await runCli(["run", join(ROOT, "scenarios/hall-training-1h.yaml"), "--live", "--live-port", "70000", "--out", join(dir.path, "x.duckdb")]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--live-port: got 70000, expected a port from 0 to 65535/);
});

test.run();
