import { spawn, type ChildProcess } from "node:child_process";
import { openSync, readFileSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { join } from "node:path";
import { getHeapStatistics } from "node:v8";
import { loadInputs } from "../engine/plant/load-inputs.js";
import { loadScenario } from "../engine/scenario/load-scenario.js";
import { createSimulation } from "../engine/simulation.js";
import type { Chunk } from "../engine/sinks/sink.js";
import { createDuckDbSink } from "../engine/sinks/duckdb-sink.js";
import { SIMULATION_TABLES } from "../engine/simulation.js";
import { fromEndpoint } from "../hil/bindings/endpoint.js";
import { createModbusLink, type ModbusLink } from "../hil/bindings/modbus-link.js";
import { createDevicePort, devicePortPointNames, type DeviceBinding } from "../hil/device-port.js";
import { createHilRecorder } from "../hil/hil-recorder.js";
import { HIL_TABLES } from "../hil/hil-tables.js";
import { createWallClock, type WallClock } from "../hil/pace.js";
import { loadProfile } from "../hil/profile/load-profile.js";
import type { RegisterTable } from "../hil/profile/profile-types.js";
import { allocatedBytes } from "../test/alloc-meter.js";
import { ROOT, tempDir } from "../test/helpers.js";
import { ImageLink } from "../test/hil/fake-link.js";
import { PYTHON } from "../test/hil/peer.js";
import { machineLine } from "./machine.js";

/**
 * Allocation per cycle of the HIL loop (issue #11): the cycle of hil/run-hil.ts (pace, poll, twin,
 * flush, record; the same calls in the same order) on the shipped battery-smoothing scenario and
 * the SunSpec battery profile, over an in-process register image (ImageLink: allocates nothing, so
 * poll and flush show the device port's own allocation) and, with --peer, over Modbus TCP to the
 * pymodbus battery, then over the image again (the difference in poll and flush between these two
 * is the Modbus link and modbus-serial; the first loop in a process has the twin's JIT warm-up in
 * it, as the first minutes of `dctwin hil` have).
 *
 * Per cycle and segment it reads the used V8 heap before and after; a segment during which a GC ran
 * is left out of that segment's mean, and the cost of the reading itself (its result object) is
 * measured on an empty segment every cycle and taken off. The total per
 * cycle comes from v8.GCProfiler (used heap growth + what each GC freed), so it holds with GCs.
 * Off-heap memory (Buffer pools, typed arrays' data) is not counted.
 *
 *   node dist/bench/hil-alloc.js [--cycles 1500] [--warmup 500] [--peer] [--pace] [--duckdb]
 *
 * --pace sleeps to 40 ms deadlines as the real loop does (wall time: cycles × 40 ms); without it
 * the cycles run back to back and the pace segment is empty. --duckdb writes the results chunks to
 * a DuckDB file as the real loop does every 1,500 cycles (otherwise they are released unwritten).
 * --max-kb N: exit 1 when the loop over the image allocates more than N KB per cycle.
 * --heap-profile PREFIX: also write a sampling heap profile of each measured batch, garbage
 * included, to PREFIX.<label>.heapprofile (Chrome DevTools opens it; it skews the byte counts).
 */
const args = process.argv.slice(2);
const opt = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const cycles = opt("--cycles", 1500);
const warmup = opt("--warmup", 500);
const maxKb = opt("--max-kb", Number.POSITIVE_INFINITY);
const pace = args.includes("--pace");
const withPeer = args.includes("--peer");
const withDuckDb = args.includes("--duckdb");
const heapProfile = args.includes("--heap-profile") ? args[args.indexOf("--heap-profile") + 1] : undefined;

const SEGMENTS = ["pace", "poll", "twin", "flush", "record"] as const;
type Segment = (typeof SEGMENTS)[number];

interface Result {
  label: string;
  cycles: number;
  totalBytes: number;
  gcs: number;
  /** Mean bytes per cycle per segment, over the cycles without a GC in that segment. */
  segment: Record<Segment, number>;
  requests: number;
}

const used = () => getHeapStatistics().used_heap_size;

/** A clock that never waits (cycles back to back) but keeps the real monotonic time. */
function unpacedClock(): WallClock {
  const nowMs = () => performance.now();
  return { nowMs, sleepUntil: async () => undefined };
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

async function measure(label: string, link: ModbusLink, requests: () => number, dir: string): Promise<Result> {
  const scenario = loadScenario(join(ROOT, "scenarios/hil-battery-smoothing.yaml"));
  const dtS = scenario.dtS;
  const periodTicks = Math.round(scenario.controllers[0]!.period / dtS);
  const periodMs = periodTicks * dtS * 1000;
  scenario.ticks = (warmup + cycles + 10) * periodTicks;
  scenario.horizonS = scenario.ticks * dtS;
  const profile = loadProfile(join(ROOT, "hil/profiles/sunspec-battery.yaml"));
  const devices: DeviceBinding[] = [{ name: "bess1", profile, link }];
  const clock = pace ? createWallClock() : unpacedClock();
  const runId = `alloc-${label}`;
  const recorder = createHilRecorder(runId, ["bess1"], devicePortPointNames(devices));
  const port = createDevicePort(devices, { armed: true, nowMs: clock.nowMs, recorder, event: () => undefined });
  await link.open();
  const sim = createSimulation(scenario, runId, { inputs: await loadInputs(scenario), devicePort: port, chunkTicks: 1500 });
  const sink = withDuckDb ? createDuckDbSink(join(dir, `${label}.duckdb`)) : undefined;
  if (sink !== undefined) {
    await sink.open([...SIMULATION_TABLES, ...HIL_TABLES]);
    await sink.beginRun(runId);
  }
  const pendingChunks: Chunk[] = [];
  // The segments, then an empty one: the cost of the reading itself.
  const segSum = new Float64Array(SEGMENTS.length + 1);
  const segN = new Float64Array(SEGMENTS.length + 1);
  let measuring = false;
  let mark = 0;
  // Adds the heap growth since the last mark to segment s (left out when a GC shrank the heap).
  const close = (s: number) => {
    const now = used();
    if (measuring && now >= mark) {
      segSum[s] += now - mark;
      segN[s]++;
    }
    mark = used();
  };

  port.beginCycle(0, 0);
  await port.arm();
  const t0 = clock.nowMs() + periodMs;
  let n = 0;
  const cycle = async () => {
    const planned = t0 + n * periodMs;
    mark = used();
    close(SEGMENTS.length);
    await clock.sleepUntil(planned);
    const start = clock.nowMs();
    close(0);
    port.beginCycle(n, n * periodTicks * dtS);
    await port.poll();
    const read = clock.nowMs();
    close(1);
    const targetK = Math.min(sim.totalTicks, (n + 1) * periodTicks);
    while (!sim.done && sim.k < targetK) pendingChunks.push(...sim.advanceBy(targetK - sim.k));
    const computed = clock.nowMs();
    close(2);
    await port.flush();
    const end = clock.nowMs();
    close(3);
    recorder.cycle(n * periodTicks * dtS, n, planned - t0, start - t0, read - start, computed - read, end - computed, end > planned + periodMs, 0, port.inFallback);
    if (pendingChunks.length > 0) {
      if (sink !== undefined) for (const c of pendingChunks) await sink.write(c);
      sim.release(pendingChunks);
      pendingChunks.length = 0;
    }
    const drained = recorder.drain(false);
    if (sink !== undefined) for (const c of drained) await sink.write(c);
    close(4);
    n++;
  };
  for (let i = 0; i < warmup; i++) await cycle();
  const requests0 = requests();
  measuring = true;
  const session = heapProfile === undefined ? undefined : new Session();
  if (session !== undefined) {
    session.connect();
    await session.post("HeapProfiler.startSampling", { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  }
  const { bytes, gcs } = await allocatedBytes(async () => {
    for (let i = 0; i < cycles; i++) await cycle();
  });
  if (session !== undefined) {
    const { profile } = await session.post("HeapProfiler.stopSampling");
    writeFileSync(`${heapProfile}.${label.replace(/\W+/g, "-")}.heapprofile`, JSON.stringify(profile));
    session.disconnect();
  }
  measuring = false;
  const requestsPerCycle = (requests() - requests0) / cycles;
  if (sink !== undefined) {
    await sink.abortRun(runId);
    await sink.close();
  }
  await link.close();
  const segment = {} as Record<Segment, number>;
  const cost = segSum[SEGMENTS.length]! / segN[SEGMENTS.length]!;
  SEGMENTS.forEach((s, i) => (segment[s] = segN[i]! > 0 ? segSum[i]! / segN[i]! - cost : Number.NaN));
  return { label, cycles, totalBytes: bytes, gcs, segment, requests: requestsPerCycle };
}

const kb = (b: number) => (b / 1024).toFixed(2);
function report(r: Result): void {
  const per = r.totalBytes / r.cycles;
  console.log(
    `${r.label}: ${kb(per)} KB per cycle over ${r.cycles} cycles (${r.gcs} GCs; ${r.requests.toFixed(2)} Modbus requests per cycle); ` +
      SEGMENTS.map((s) => `${s} ${kb(r.segment[s])}`).join(", ") +
      ` KB; at 40 ms that is ${((per * 1500) / 2 ** 20).toFixed(1)} MB per minute`,
  );
}

console.log(machineLine());
console.log(`node ${process.execArgv.join(" ")}; ${pace ? "paced at the scenario's period" : "cycles back to back (no pacing)"}; ${withDuckDb ? "results written to DuckDB" : "results chunks released unwritten"}; warm-up ${warmup} cycles`);
const dir = tempDir("dctwin-hil-alloc-");
try {
  const image = batteryImage();
  const fake = await measure("image", image, () => image.requests, dir.path);
  report(fake);
  if (withPeer) {
    const peer = await startQuietPeer(dir.path);
    try {
      let count = 0;
      const link = createModbusLink(fromEndpoint(`tcp://127.0.0.1:${peer.port}`, "peer"), { timeoutMs: 100, nowMs: () => performance.now() });
      const counted: ModbusLink = Object.assign(Object.create(link) as ModbusLink, {
        read: (u: number, t: RegisterTable, a: number, c: number, out: Uint16Array, o: number) => (count++, link.read(u, t, a, c, out, o)),
        writeRegisters: (u: number, a: number, v: Uint16Array, c: number) => (count++, link.writeRegisters(u, a, v, c)),
      });
      const tcp = await measure("modbus-tcp", counted, () => count, dir.path);
      report(tcp);
      // The same loop over the image again, its JIT as warm as the TCP loop's: the link is the difference in poll and flush.
      const image2 = batteryImage();
      const warm = await measure("image (second loop in this process)", image2, () => image2.requests, dir.path);
      report(warm);
      const dPoll = tcp.segment.poll - warm.segment.poll;
      const dFlush = tcp.segment.flush - warm.segment.flush;
      console.log(`link (modbus-tcp − image, poll and flush): ${kb(dPoll + dFlush)} KB per cycle; poll ${kb(dPoll)}, flush ${kb(dFlush)} KB; ${kb((dPoll + dFlush) / Math.max(tcp.requests, 1e-9))} KB per request`);
    } finally {
      await peer.stop();
    }
  }
  if (fake.totalBytes / fake.cycles > maxKb * 1024) {
    console.error(`FAIL: the loop over the image allocates ${kb(fake.totalBytes / fake.cycles)} KB per cycle, above --max-kb ${maxKb}`);
    process.exitCode = 1;
  }
} finally {
  dir.remove();
}
