import { spawn, type ChildProcess } from "node:child_process";
import { openSync, readFileSync } from "node:fs";
import { Session } from "node:inspector";
import { join } from "node:path";
import { GCProfiler, getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { loadInputs } from "../engine/plant/load-inputs.js";
import { loadScenario } from "../engine/scenario/load-scenario.js";
import { SIMULATION_TABLES } from "../engine/simulation.js";
import { createDuckDbSink } from "../engine/sinks/duckdb-sink.js";
import type { Sink } from "../engine/sinks/sink.js";
import { fromEndpoint } from "../hil/bindings/endpoint.js";
import { createModbusLink, type ModbusLink } from "../hil/bindings/modbus-link.js";
import { HIL_TABLES } from "../hil/hil-tables.js";
import { createWallClock, type WallClock } from "../hil/pace.js";
import { loadProfile } from "../hil/profile/load-profile.js";
import { runHil } from "../hil/run-hil.js";
import { ROOT, tempDir } from "../test/helpers.js";
import { ImageLink } from "../test/hil/fake-link.js";
import { PYTHON } from "../test/hil/peer.js";
import { machineLine } from "./machine.js";

/**
 * Allocation per cycle of the HIL loop (issue #11): `runHil` itself (hil/run-hil.ts, the loop of
 * `dctwin hil`) on the shipped battery-smoothing scenario (40 ms) with the SunSpec battery
 * profile, over an in-process register image (ImageLink: it allocates nothing itself) and, with
 * --peer, over Modbus TCP to the pymodbus battery.
 *
 * Per cycle: the bytes allocated from the end of cycle W to the end of cycle W + N of a run
 * (runHil's onCycleEnd marks them; after a full collection at W, v8.GCProfiler adds what the GCs
 * in the window freed to the used heap's growth), divided by N. A
 * sampling heap profile of one more run says who allocated, grouped as dctwin's HIL layer
 * (hil/), the twin (engine/, models/, controllers/), modbus-serial, and Node's own code (timers,
 * sockets, the clock: performance.now() returns a new heap number every call).
 *
 *   node dist/bench/hil-alloc.js [--cycles N] [--warmup W] [--peer] [--pace] [--duckdb]
 *
 * Without --pace the cycles run back to back (each from setImmediate); --pace sleeps to the
 * 40 ms deadlines (wall time: 3 runs × cycles × 40 ms). Results go nowhere unless --duckdb (then
 * to a DuckDB file, as `dctwin hil` writes them). --max-kb K: exit 1 when the loop over the image
 * allocates more than K KB per cycle.
 */
const args = process.argv.slice(2);
const opt = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const cycles = opt("--cycles", 3000);
const warmup = opt("--warmup", 3000);
const maxKb = opt("--max-kb", Number.POSITIVE_INFINITY);
const pace = args.includes("--pace");
const withPeer = args.includes("--peer");
const withDuckDb = args.includes("--duckdb");

/**
 * A clock that does not wait for deadlines (cycles back to back) but keeps the real monotonic time;
 * each cycle starts from setImmediate, so the results writer runs between cycles as it does while
 * a paced loop sleeps (its chunks come back for reuse).
 */
function unpacedClock(): WallClock {
  const nowMs = () => performance.now();
  return { nowMs, sleepUntil: async () => undefined, at: (_deadlineMs, then) => void setImmediate(then) };
}

/** A sink that drops what it is given. */
function discardSink(): Sink {
  return {
    open: async () => undefined,
    beginRun: async () => undefined,
    write: async () => undefined,
    endRun: async () => undefined,
    abortRun: async () => undefined,
    completedRuns: async () => new Set<string>(),
    close: async () => undefined,
  };
}

/** The fake SunSpec battery: scale factors set, SoC 50 %, and its AC power follows WSet. */
function batteryImage(): ImageLink {
  const link = new ImageLink();
  const h = link.image.holding;
  h[40250] = 3; // W_SF: power in kW
  h[40124] = 3; // WChaDisChaMax_SF
  h[40344] = 0; // WSet_SF: W
  h[40364] = 0; // Pct_SF
  h[40360] = 50; // SoC %
  h[40074] = 10_000; // WChaRteMax, kW
  h[40075] = 10_000; // WDisChaRteMax, kW
  link.onWrite = (_table, address) => {
    if (address !== 40313) return;
    const pattern = h[40313]! * 0x10000 + h[40314]!;
    const wsetW = pattern >= 0x80000000 ? pattern - 0x100000000 : pattern;
    h[40144] = Math.round(wsetW / 1000) & 0xffff;
  };
  return link;
}

/** Starts the pymodbus battery with its stdout (a line per write) going to a file, not through this process. */
async function startQuietPeer(dir: string): Promise<{ port: number; stop: () => Promise<void> }> {
  const outPath = join(dir, "peer.out");
  const proc: ChildProcess = spawn(PYTHON, [join(ROOT, "hil/peers/battery_server.py"), "--tcp", "127.0.0.1:0"], { stdio: ["ignore", openSync(outPath, "w"), "ignore"] });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const line = readFileSync(outPath, "utf8").split("\n")[0] ?? "";
    if (line.startsWith("{") && line.endsWith("}")) {
      const ready = JSON.parse(line) as { tcp_port: number };
      return {
        port: ready.tcp_port,
        stop: () =>
          new Promise<void>((resolve) => {
            if (proc.exitCode !== null) return resolve();
            proc.once("exit", () => resolve());
            proc.kill("SIGTERM");
          }),
      };
    }
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error("the pymodbus peer did not start");
    await new Promise((r) => setTimeout(r, 50));
  }
}

const SCENARIO = join(ROOT, "scenarios/hil-battery-smoothing.yaml");
const inputs = await loadInputs(loadScenario(SCENARIO));
let runs = 0;

/** One `dctwin hil` run of `count` cycles over `link`; `onCycleEnd` as runHil's. */
async function run(link: ModbusLink, count: number, dir: string, onCycleEnd?: (cycle: number) => void): Promise<void> {
  const scenario = loadScenario(SCENARIO);
  const periodTicks = Math.round(scenario.controllers[0]!.period / scenario.dtS);
  scenario.ticks = count * periodTicks;
  scenario.horizonS = scenario.ticks * scenario.dtS;
  const sink = withDuckDb ? createDuckDbSink(join(dir, `run${runs}.duckdb`)) : discardSink();
  await sink.open([...SIMULATION_TABLES, ...HIL_TABLES]);
  try {
    await runHil({
      scenario,
      runId: `alloc-${runs++}`,
      scenarioName: "hil-battery-smoothing.yaml",
      devices: [{ name: "bess1", profile: loadProfile(join(ROOT, "hil/profiles/sunspec-battery.yaml")), link }],
      armed: true,
      overrun: "skip",
      sink,
      inputs,
      clock: pace ? createWallClock() : unpacedClock(),
      stop: new AbortController().signal,
      engineVersion: "bench",
      nodeVersion: process.version,
      isoNow: () => new Date().toISOString(),
      onCycleEnd,
    });
  } finally {
    await sink.close();
  }
}

/** Who allocated, from a sampling heap profile: bytes per group, and per function ("group: function file:line"). */
function groups(profile: { head: HeapNode; samples: { nodeId: number; size: number }[] }): { byGroup: Record<string, number>; byFunction: Record<string, number> } {
  const nodeOf = new Map<number, HeapNode>();
  const walk = (n: HeapNode) => {
    nodeOf.set(n.id, n);
    for (const c of n.children) walk(c);
  };
  walk(profile.head);
  const groupOf = (url: string) =>
    /\/hil\//.test(url) ? "dctwin HIL layer (hil/)"
    : /\/(engine|models|controllers)\//.test(url) ? "the twin (engine/, models/, controllers/)"
    : /modbus-serial/.test(url) ? "modbus-serial"
    : /^node:|^$/.test(url) ? "Node (timers, sockets, clock) and V8"
    : "other";
  const byGroup: Record<string, number> = {};
  const byFunction: Record<string, number> = {};
  for (const s of profile.samples) {
    const { functionName, url, lineNumber } = nodeOf.get(s.nodeId)!.callFrame;
    const g = groupOf(url);
    const f = `${functionName || "(anonymous)"} ${url.split("/").slice(-2).join("/")}:${lineNumber + 1}`;
    byGroup[g] = (byGroup[g] ?? 0) + s.size;
    byFunction[f] = (byFunction[f] ?? 0) + s.size;
  }
  return { byGroup, byFunction };
}
interface HeapNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children: HeapNode[];
}

// A full collection where the window starts, so the count holds only the window's garbage.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

interface Window {
  bytes: number;
  gcs: number;
  /** Who allocated in the window (sampling heap profile of a second run's same window). */
  who: { byGroup: Record<string, number>; byFunction: Record<string, number> };
}

/** What is allocated between the ends of cycles `from` and `to` of a run over `link`; `sampled`: profile the window instead of counting. */
async function inWindow(link: ModbusLink, from: number, to: number, dir: string, sampled: boolean): Promise<Window> {
  const profiler = new GCProfiler();
  const session = new Session();
  let before = 0;
  const result: Window = { bytes: Number.NaN, gcs: 0, who: { byGroup: {}, byFunction: {} } };
  await run(link, to + 10, dir, (cycle) => {
    if (cycle === from) {
      gc();
      if (sampled) {
        session.connect();
        // The inspector answers a same-thread session at once: sampling starts here.
        session.post("HeapProfiler.startSampling", { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
        return;
      }
      profiler.start();
      before = getHeapStatistics().used_heap_size;
    } else if (cycle === to) {
      if (sampled) {
        session.post("HeapProfiler.stopSampling", (err, answer) => {
          if (err === null) result.who = groups((answer as { profile: never }).profile);
          session.disconnect();
        });
        return;
      }
      const after = getHeapStatistics().used_heap_size;
      const { statistics } = profiler.stop();
      let freed = 0;
      for (const s of statistics) freed += s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize;
      result.bytes = after - before + freed;
      result.gcs = statistics.length;
    }
  });
  return result;
}

async function measure(label: string, makeLink: () => ModbusLink, dir: string): Promise<number> {
  await run(makeLink(), warmup, dir); // JIT warm-up of everything a run does once
  const counted = await inWindow(makeLink(), warmup, warmup + cycles, dir, false);
  const sampled = await inWindow(makeLink(), warmup, warmup + cycles, dir, true);
  const perCycle = counted.bytes / cycles;
  const { byGroup, byFunction } = sampled.who;
  const total = Object.values(byGroup).reduce((x, y) => x + y, 0);
  console.log(`${label}: ${(perCycle / 1024).toFixed(3)} KB per cycle (${perCycle.toFixed(0)} B over cycles ${warmup} to ${warmup + cycles} of a run, ${counted.gcs} GCs); at 40 ms ${((perCycle * 1500) / 2 ** 20).toFixed(2)} MB per minute`);
  console.log(`  who allocated (sampling heap profile of the same window):`);
  const line = ([what, bytes]: [string, number]) => console.log(`    ${((100 * bytes) / total).toFixed(1).padStart(5)} %  ~${((perCycle * bytes) / total).toFixed(0).padStart(5)} B per cycle  ${what}`);
  Object.entries(byGroup).sort((x, y) => y[1] - x[1]).forEach(line);
  console.log(`  the top functions:`);
  Object.entries(byFunction).sort((x, y) => y[1] - x[1]).slice(0, 10).forEach(line);
  return perCycle;
}

console.log(machineLine());
console.log(`node ${process.execArgv.join(" ")}; ${pace ? "paced at 40 ms" : "cycles back to back (no pacing)"}; ${withDuckDb ? "results written to DuckDB" : "results discarded"}; ${warmup} warm-up cycles, ${cycles} measured`);
const dir = tempDir("dctwin-hil-alloc-");
try {
  const image = await measure("image", batteryImage, dir.path);
  if (withPeer) {
    const peer = await startQuietPeer(dir.path);
    try {
      const tcp = await measure("modbus-tcp", () => createModbusLink(fromEndpoint(`tcp://127.0.0.1:${peer.port}`, "peer"), { timeoutMs: 100, nowMs: () => performance.now() }), dir.path);
      console.log(`the link (modbus-serial, Node's sockets; 4 requests per cycle): ${((tcp - image) / 1024).toFixed(2)} KB per cycle`);
    } finally {
      await peer.stop();
    }
  }
  if (image > maxKb * 1024) {
    console.error(`FAIL: the loop over the image allocates ${(image / 1024).toFixed(2)} KB per cycle, above --max-kb ${maxKb}`);
    process.exitCode = 1;
  }
} finally {
  dir.remove();
}
