import { spawn } from "node:child_process";
import { get } from "node:http";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
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
 * result writing, not process start or dataset loading), the medians and the slowdown.
 *
 *   npm run build --silent && node dist/bench/live.js [--pairs 4] [--only pinned|default]
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
function runOnce(pinned: boolean, live: boolean, index: number): Promise<{ wallS: number; bytes: number }> {
  const runArgs = [CLI, "run", SCENARIO, "--out", join(dir.path, `run-${index}.duckdb`), ...(pinned ? ["--threads", "1"] : []), ...(live ? ["--live", "--live-wait", "--live-port", "0"] : [])];
  const [command, argv] = pinned ? ["taskset", ["-c", "0", process.execPath, ...runArgs]] : [process.execPath, runArgs];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv as string[], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let bytes = 0;
    let connected = false;
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
      if (live && /^results: /m.test(stdout)) child.kill("SIGINT");
    });
    child.on("exit", (code) => {
      const wall = /in ([0-9.]+) s wall/.exec(stdout)?.[1];
      if (code !== 0 || wall === undefined) reject(new Error(`run exited ${code}: ${stderr}`));
      else resolve({ wallS: Number(wall), bytes });
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
  if (only === "pinned" && !pinned) continue;
  if (only === "default" && pinned) continue;
  const without: number[] = [];
  const withLive: number[] = [];
  let bytes = 0;
  for (let p = 0; p < pairs; p++) {
    // Alternate which goes first, so a drift in machine load falls on both.
    const order = p % 2 === 0 ? [false, true] : [true, false];
    for (const live of order) {
      const r = await runOnce(pinned, live, index++);
      (live ? withLive : without).push(r.wallS);
      if (live) bytes = r.bytes;
    }
  }
  const a = median(without);
  const b = median(withLive);
  console.log(`${pinned ? "pinned, --threads 1" : "default (--threads 2)"}: without --live ${without.map((x) => x.toFixed(2)).join(" ")} s (median ${a.toFixed(2)}); with --live ${withLive.map((x) => x.toFixed(2)).join(" ")} s (median ${b.toFixed(2)}); slowdown ${(((b - a) / a) * 100).toFixed(1)} %; the client read ${(bytes / 1024).toFixed(0)} KiB`);
}
console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
dir.remove();
