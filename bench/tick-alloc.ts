import { Session } from "node:inspector";
import { GCProfiler, getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { loadInputs } from "../engine/plant/load-inputs.js";
import { loadScenario } from "../engine/scenario/load-scenario.js";
import { createSimulation } from "../engine/simulation.js";
import { machineLine } from "./machine.js";

/**
 * Bytes the twin allocates per tick (issue #17: "no per-tick HeapNumber garbage"), with who
 * allocated them. A scenario runs in windows of `--window` ticks (results chunks handed back at
 * once, as a sink that has written them would); after `--warmup` ticks, a full collection, then
 * v8.GCProfiler counts `--ticks` ticks (used-heap growth plus what each GC freed), and a sampling
 * heap profile of the same stretch in a second run says which functions allocated.
 *
 *   node dist/bench/tick-alloc.js [scenario.yaml] [--ticks 50000] [--warmup 70000] [--window 25]
 *
 * --window: ticks per advance (25, 1 s at 40 ms; `dctwin hil` advances one controller period, e.g.
 * --window 1). The scenario file is read relative to the working directory (default the hall day).
 */
const args = process.argv.slice(2);
const opt = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const file = args[0] !== undefined && !args[0].startsWith("--") ? args[0] : "scenarios/hall-day-24h.yaml";
// The default window, ticks 70,000 to 120,000, lies between two results chunks (every 65,536
// ticks): what is measured is the per-tick cost, not a chunk's.
const ticks = opt("--ticks", 50_000);
const warmup = opt("--warmup", 70_000);
const window = opt("--window", 25);
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

interface HeapNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children: HeapNode[];
}

/** Runs the scenario for warmup + ticks; `mark(start)` is called at the window's start and end. */
async function run(mark: (start: boolean) => void): Promise<void> {
  const scenario = loadScenario(file);
  scenario.ticks = Math.min(scenario.ticks, warmup + ticks + window);
  const sim = createSimulation(scenario, "alloc", { inputs: await loadInputs(scenario) });
  let k = 0;
  while (!sim.done) {
    if (k === warmup) mark(true);
    if (k === warmup + ticks) mark(false);
    const chunks = sim.advanceBy(window);
    if (chunks.length > 0) sim.release(chunks);
    k += window;
  }
}

console.log(machineLine());
let before = 0;
const profiler = new GCProfiler();
let bytes = Number.NaN;
let gcs = 0;
await run((start) => {
  if (start) {
    gc();
    profiler.start();
    before = getHeapStatistics().used_heap_size;
    return;
  }
  const after = getHeapStatistics().used_heap_size;
  const { statistics } = profiler.stop();
  gcs = statistics.length;
  bytes = after - before;
  for (const s of statistics) bytes += s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize;
});
const session = new Session();
const byFunction: Record<string, number> = {};
await run((start) => {
  if (start) {
    gc();
    session.connect();
    session.post("HeapProfiler.startSampling", { samplingInterval: 128, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
    return;
  }
  session.post("HeapProfiler.stopSampling", (err, answer) => {
    if (err !== null) return;
    const { profile } = answer as unknown as { profile: { head: HeapNode; samples: { nodeId: number; size: number }[] } };
    const nodeOf = new Map<number, HeapNode>();
    const walk = (n: HeapNode) => {
      nodeOf.set(n.id, n);
      for (const c of n.children) walk(c);
    };
    walk(profile.head);
    for (const s of profile.samples) {
      const { functionName, url, lineNumber } = nodeOf.get(s.nodeId)!.callFrame;
      const f = `${functionName || "(anonymous)"} ${url.split("/").slice(-2).join("/")}:${lineNumber + 1}`;
      byFunction[f] = (byFunction[f] ?? 0) + s.size;
    }
    session.disconnect();
  });
});
const perTick = bytes / ticks;
console.log(`${file}: ${perTick.toFixed(1)} B per tick over ${ticks} ticks after ${warmup} (advances of ${window} ticks; ${gcs} GCs)`);
const total = Object.values(byFunction).reduce((a, b) => a + b, 0);
for (const [f, b] of Object.entries(byFunction).sort((x, y) => y[1] - x[1]).slice(0, 15)) {
  console.log(`  ${((100 * b) / total).toFixed(1).padStart(5)} %  ~${((perTick * b) / total).toFixed(1).padStart(6)} B per tick  ${f}`);
}
