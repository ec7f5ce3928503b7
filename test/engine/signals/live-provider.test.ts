import { appendFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { fetchFeed, fromFeedText } from "../../../datasets/load-live-feed.js";
import { QUALITY_ERROR, QUALITY_OK, QUALITY_STALE } from "../../../engine/port.js";
import { fromScenario } from "../../../engine/scenario/from-scenario.js";
import { createGridSignals } from "../../../engine/signals/grid-signals.js";
import { createLiveProvider } from "../../../engine/signals/live-provider.js";
import { createSimPort } from "../../../engine/sim-port.js";
import type { Chunk } from "../../../engine/sinks/sink.js";
import { tempDir } from "../../helpers.js";

const START = "2020-07-15T00:00:00Z";
const START_MS = Date.parse(START);
const iso = (p: number, periodS = 1800) => new Date(START_MS + p * periodS * 1000).toISOString();

/** A local HTTP feed whose rows the test appends while the provider reads it. */
async function feedServer(): Promise<{ url: string; rows: string[]; requests: () => number; close: () => Promise<void> }> {
  const rows: string[] = [];
  let requests = 0;
  const server: Server = createServer((_req, res) => {
    requests++;
    res.writeHead(200, { "content-type": "text/csv" });
    res.end(`time,value\n${rows.join("")}`);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/carbon.csv`, rows, requests: () => requests, close: () => new Promise((done) => server.close(() => done())) };
}

test("fromFeedText: CSV rows, a half-written last line left for later, JSON with dotted paths", () => {
  const csv = fromFeedText(`time,value\n${iso(0)},100\n${iso(1)},x\n${iso(2)},1`, "csv", "time", "value");
  assert.equal(csv.values, [100], "the bad row is counted, the unfinished one waits");
  assert.is(csv.badRows, 1);
  const json = fromFeedText(JSON.stringify({ data: [{ from: iso(0), intensity: { actual: 80 } }, { from: iso(1), intensity: { actual: null } }] }), "json", "from", "intensity.actual");
  assert.equal(json.values, [80]);
  assert.equal(fromFeedText('[{"from":', "json", "from", "v").values, [], "half-written JSON: nothing yet");
});

test("live provider over HTTP: rows appended while it reads arrive at later periods", async () => {
  const feed = await feedServer();
  try {
    feed.rows.push(`${iso(0)},100\n`, `${iso(1)},110\n`);
    const p = createLiveProvider({ reader: { async: () => fetchFeed(feed.url) }, format: "csv", timeField: "time", valueField: "value", startMs: START_MS, periodS: 1800 });
    assert.ok(Number.isNaN(p.valueAt(0)), "nothing before the first read lands");
    p.refresh!(0);
    p.refresh!(0); // one request at a time
    await p.settled();
    assert.is(feed.requests(), 1);
    assert.equal([p.valueAt(0), p.valueAt(1)], [100, 110]);
    assert.ok(Number.isNaN(p.valueAt(2)), "the feed has not reached period 2");
    feed.rows.push(`${iso(2)},120\n`);
    p.refresh!(1);
    await p.settled();
    assert.is(p.valueAt(2), 120);
    assert.is(p.lastError, "");
  } finally {
    await feed.close();
  }
});

test("the stage over a lagging HTTP feed: the last value holds, quality stale; fresh again when the feed catches up", async () => {
  const feed = await feedServer();
  try {
    feed.rows.push(`${iso(0)},100\n`, `${iso(1)},110\n`);
    const scenario = fromScenario({ name: "t", dt: "1s", horizon: "6h", startTime: START, signals: { port: { carbon: { kind: "live", url: feed.url } } } }, "t");
    const sim = createSimPort(scenario.dtS);
    const signals = createGridSignals(scenario, sim, []);
    const h = sim.measurement("grid.carbonGPerKWh");
    const step = async (p: number) => {
      sim.beginTick(p * 1800);
      signals.beginTick(p * 1800);
      const seen = [sim.read(h), sim.quality(h)];
      // Let the read issued at this period land before the next (a real-time loop waits a period).
      await new Promise((done) => setTimeout(done, 50));
      return seen;
    };
    const first = await step(0);
    assert.ok(Number.isNaN(first[0]!) && first[1] === QUALITY_ERROR, "no value before the first read lands");
    assert.equal(await step(1), [110, QUALITY_OK]);
    assert.equal(await step(2), [110, QUALITY_STALE], "the feed lags: 110 holds, stale");
    feed.rows.push(`${iso(2)},120\n`, `${iso(3)},130\n`);
    assert.equal(await step(3), [110, QUALITY_STALE], "the rows arrived after the read this period uses");
    feed.rows.push(`${iso(4)},140\n`, `${iso(5)},150\n`);
    assert.equal(await step(4), [130, QUALITY_STALE], "period 3's row landed late: the latest value the feed has holds");
    assert.equal(await step(5), [150, QUALITY_OK]);
    const out: Chunk[] = [];
    signals.finish(out, "r");
    const series = out.find((c) => c.table === "signal_series")!;
    assert.equal(Array.from((series.columns[3] as Int32Array).subarray(0, series.length)), [2, 0, 1, 1, 1, 0]);
  } finally {
    await feed.close();
  }
});

test("the stage over a growing file: read at each period, rows written between periods count at once", () => {
  const dir = tempDir();
  try {
    const file = join(dir.path, "stress.csv");
    const scenario = fromScenario({ name: "t", dt: "1s", horizon: "1h", startTime: START, signals: { port: { stress: { kind: "live", file, period: "5min" } } } }, "t");
    const sim = createSimPort(scenario.dtS);
    const signals = createGridSignals(scenario, sim, []);
    const h = sim.measurement("grid.stressFrac");
    const at = (p: number) => {
      sim.beginTick(p * 300);
      signals.beginTick(p * 300);
      return [sim.read(h), sim.quality(h)];
    };
    assert.is(at(0)[1], QUALITY_ERROR, "the file does not exist yet");
    writeFileSync(file, `time,value\n${iso(0, 300)},0.1\n${iso(1, 300)},0.2\n`);
    assert.equal(at(1), [0.2, QUALITY_OK]);
    assert.equal(at(2), [0.2, QUALITY_STALE]);
    appendFileSync(file, `${iso(2, 300)},0.3\n${iso(3, 300)},0.`);
    assert.equal(at(3), [0.3, QUALITY_STALE], "period 3's row is half written: not yet");
    appendFileSync(file, `4\n`);
    assert.equal(at(4), [0.4, QUALITY_STALE], "still the last value held: the feed has no row for period 4");
    appendFileSync(file, `${iso(5, 300)},0.5\n`);
    assert.equal(at(5), [0.5, QUALITY_OK]);
  } finally {
    dir.remove();
  }
});

test.run();
