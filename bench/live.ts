import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { get } from "node:http";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createLiveFeed } from "../engine/live/live-feed.js";
import { loadInputs } from "../engine/plant/load-inputs.js";
import { envelopeLevels } from "../engine/report/envelope-levels.js";
import { loadScenario } from "../engine/scenario/load-scenario.js";
import { createSimulation } from "../engine/simulation.js";
import { tempDir } from "../test/helpers.js";
import { machineLine } from "./machine.js";

/**
 * What the live view costs a run (issue #15: under 5 % of its speed). Runs the 24 h hall day
 * (scenarios/hall-day-24h.yaml, 2,160,000 ticks) through the CLI without and with
 * `--live --live-wait` (a client connected to the event stream for the whole run, reading every
 * message, as a page would), interleaved, `--pairs` times (default 4), in two set-ups: one thread
 * pinned to one core (`taskset -c 0 ... --threads 1`: the live feed shares the simulation's thread,
 * the worst case) and the default (`--threads 2` for this run: the simulation on a worker, the feed
 * on the writer's thread). Reports each run's own wall time (its "in X s wall" line: simulation and
 * result writing, not process start or dataset loading) and the process's CPU time (user + system,
 * all threads, from /proc/PID/stat, read every 10 ms until the results line), the medians and the
 * slowdown. On a shared machine the wall times swing with the other load; CPU time much less.
 *
 * Then, in this process, the same day simulated chunk by chunk with the live feed timed apart:
 * the time the feed spends reading each chunk and turning buckets into the JSON the server sends,
 * against the time the simulation spends producing the chunks (same thread, so the machine's other
 * load slows both alike).
 *
 *   npm run build --silent && node dist/bench/live.js [--pairs 4] [--only pinned|default|feed]
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CLI = join(ROOT, "dist/engine/cli/main.js");
const SCENARIO = join(ROOT, "scenarios/hall-day-24h.yaml");
const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : fallback);
const pairs = Number(flag("--pairs", "4"));
const only = flag("--only", "");
const dir = tempDir("dctwin-bench-live-");

/** One run; returns its wall time (s) and, with live, the bytes the client read. */
/** User + system CPU time of a process, s (all its threads), or undefined once it has gone. */
function cpuS(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ");
    // After the ")" of the command name: state is field 3, utime 14 and stime 15 (proc(5)), in clock ticks (100 Hz).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

function runOnce(pinned: boolean, live: boolean, index: number): Promise<{ wallS: number; cpuS: number; bytes: number }> {
  const runArgs = [CLI, "run", SCENARIO, "--out", join(dir.path, `run-${index}.duckdb`), ...(pinned ? ["--threads", "1"] : []), ...(live ? ["--live", "--live-wait", "--live-port", "0"] : [])];
  const [command, argv] = pinned ? ["taskset", ["-c", "0", process.execPath, ...runArgs]] : [process.execPath, runArgs];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv as string[], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let bytes = 0;
    let connected = false;
    let lastCpuS = 0;
    let resultsSeen = false;
    const poll = setInterval(() => {
      const s = resultsSeen ? undefined : cpuS(child.pid!);
      if (s !== undefined) lastCpuS = s;
    }, 10);
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      const url = /live view: (http:\/\/\S+)/.exec(stderr)?.[1];
      if (url !== undefined && !connected) {
        connected = true;
        get(`${url}events`, (res) => res.on("data", (chunk: Buffer) => (bytes += chunk.length))).on("error", () => undefined);
      }
    });
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      // The live view stays up after the run until Ctrl-C.
      if (!resultsSeen && /^results: /m.test(stdout)) {
        const s = cpuS(child.pid!);
        if (s !== undefined) lastCpuS = s;
        resultsSeen = true;
        if (live) child.kill("SIGINT");
      }
    });
    child.on("exit", (code) => {
      clearInterval(poll);
      const wall = /in ([0-9.]+) s wall/.exec(stdout)?.[1];
      if (code !== 0 || wall === undefined) reject(new Error(`run exited ${code}: ${stderr}`));
      else resolve({ wallS: Number(wall), cpuS: lastCpuS, bytes });
    });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

console.log(machineLine());
console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
let index = 0;
for (const pinned of [true, false]) {
  if (only !== "" && only !== (pinned ? "pinned" : "default")) continue;
  const without: number[] = [];
  const withLive: number[] = [];
  const cpuWithout: number[] = [];
  const cpuWith: number[] = [];
  let bytes = 0;
  for (let p = 0; p < pairs; p++) {
    // Alternate which goes first, so a drift in machine load falls on both.
    const order = p % 2 === 0 ? [false, true] : [true, false];
    for (const live of order) {
      const r = await runOnce(pinned, live, index++);
      (live ? withLive : without).push(r.wallS);
      (live ? cpuWith : cpuWithout).push(r.cpuS);
      if (live) bytes = r.bytes;
    }
  }
  const a = median(without);
  const b = median(withLive);
  const c = median(cpuWithout);
  const d = median(cpuWith);
  const list = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(" ");
  console.log(`${pinned ? "pinned, --threads 1" : "default (--threads 2)"}:`);
  console.log(`  wall: without --live ${list(without)} s (median ${a.toFixed(2)}); with --live ${list(withLive)} s (median ${b.toFixed(2)}); slowdown ${(((b - a) / a) * 100).toFixed(1)} %`);
  console.log(`  CPU:  without --live ${list(cpuWithout)} s (median ${c.toFixed(2)}); with --live ${list(cpuWith)} s (median ${d.toFixed(2)}); more ${(((d - c) / c) * 100).toFixed(1)} % (${(d - c).toFixed(2)} s; both include ~1.5 s of start-up and dataset loading); the client read ${(bytes / 1024).toFixed(0)} KiB`);
}
if (only === "" || only === "feed") {
  const scenario = loadScenario(SCENARIO);
  const inputs = await loadInputs(scenario);
  const sim = createSimulation(scenario, "bench", { inputs });
  let sent = 0;
  const feed = createLiveFeed({
    runId: "bench",
    horizonS: scenario.horizonS,
    bucketS: envelopeLevels(scenario.horizonS, scenario.dtS, 0, 0)[0]!.bucketS,
    racksPerRow: scenario.hall.racksPerRow,
    onRows: (dataset, rows) => (sent += JSON.stringify({ dataset, rows }).length),
  });
  let simMs = 0;
  let feedMs = 0;
  while (!sim.done) {
    const t0 = performance.now();
    const chunks = sim.advance();
    const t1 = performance.now();
    for (const chunk of chunks) feed.consume(chunk);
    const t2 = performance.now();
    simMs += t1 - t0;
    feedMs += t2 - t1;
    sim.release(chunks);
  }
  const t3 = performance.now();
  feed.flush();
  feedMs += performance.now() - t3;
  console.log(`feed in process: simulation ${(simMs / 1000).toFixed(2)} s, live feed ${(feedMs / 1000).toFixed(3)} s (${((feedMs / simMs) * 100).toFixed(2)} % of the simulation), ${(sent / 1024).toFixed(0)} KiB of JSON`);
}
console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
dir.remove();
