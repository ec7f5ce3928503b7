import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import { tempDir } from "../test/helpers.js";
import { freePort, query } from "../test/hil/peer.js";
import { machineLine } from "./machine.js";

/**
 * The served twin's timing from the outside (issue #12):
 * (a) latency: `dctwin serve scenarios/hil-battery-smoothing.yaml --pace realtime --period 40ms`
 *     (pinned to one core with taskset) under a client on loopback that polls every 40 ms (absolute
 *     schedule): FC3 125 registers of unit 1 (40000-40124, the SunSpec battery) then FC3 2 registers
 *     of unit 3 (40098-40099, the hall meter's float32 W), one request in flight at a time, for
 *     `--seconds` (default 60); the client's clock drifts through the serve period's phase once.
 *     Reports the response latency p50/p99/max and the serve run's own overruns (its stdout summary
 *     and hil_cycles.missed), with compute time and start lateness per period.
 * (b) scale: variants of the same scenario with the hall scaled (`hall.rows` x `hall.racksPerRow`:
 *     72, 144, 288, 576, 1152, 2304 and 2574 racks, the schema's largest, 26 x 99), each served on
 *     one core (`taskset -c 0`) at 40 ms in real time for `--scale-seconds` (default 65) under the
 *     same client; reports overruns, compute_ms and lateness per size, and the largest with fewer
 *     than 0.1 % overruns. The twin writes its results every 1500 ticks (60 s simulated): runs
 *     shorter than 60 s leave that write out (`--confirm-seconds N` runs the largest again for N s).
 *
 *   npm run build --silent && node dist/bench/serve-latency.js [--seconds 60] [--scale-seconds 65]
 *     [--confirm-seconds 0] [--racks 72,144,...] [--cpu 0|none] [--only latency|scale]
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CLI = join(ROOT, "dist/engine/cli/main.js");
const SCENARIO = join(ROOT, "scenarios/hil-battery-smoothing.yaml");
const PERIOD_MS = 40;

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : fallback);
const seconds = Number(flag("--seconds", "60"));
const scaleSeconds = Number(flag("--scale-seconds", "65"));
const confirmSeconds = Number(flag("--confirm-seconds", "0"));
const racks = flag("--racks", "72,144,288,576,1152,2304,2574").split(",").map(Number);
const cpu = flag("--cpu", "0");
const only = flag("--only", "");

function quantile(sorted: ArrayLike<number>, q: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : "-");

interface Serve {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

async function startServe(scenario: string, port: number, out: string, durationS: number): Promise<Serve> {
  const serveArgs = [CLI, "serve", scenario, "--modbus", `tcp://127.0.0.1:${port}`, "--pace", "realtime", "--period", `${PERIOD_MS}ms`, "--duration", `${durationS}s`, "--out", out];
  const child = cpu === "none" ? spawn(process.execPath, serveArgs, { stdio: ["ignore", "pipe", "pipe"] }) : spawn("taskset", ["-c", cpu, process.execPath, ...serveArgs], { stdio: ["ignore", "pipe", "pipe"] });
  let so = "";
  let se = "";
  child.stdout!.on("data", (d: Buffer) => (so += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (se += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 60_000;
  while (!/dctwin serve: .* on tcp:\/\//.test(se)) {
    if (gone || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`dctwin serve did not start: ${se}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, stdout: () => so, stderr: () => se, exited };
}

/** A raw Modbus TCP client with one request in flight; resolves each request with its latency, ms. */
function client(port: number): Promise<{ request(unit: number, address: number, count: number): Promise<number>; close(): void }> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ port, host: "127.0.0.1" });
    socket.setNoDelay(true);
    let buf: Buffer = Buffer.alloc(0);
    let waiting: { tid: number; t0: bigint; count: number; resolve: (ms: number) => void; reject: (e: Error) => void } | undefined;
    let tid = 0;
    socket.on("data", (chunk: Buffer) => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      if (buf.length < 6 || buf.length < 6 + buf.readUInt16BE(4)) return;
      const n = 6 + buf.readUInt16BE(4);
      const reply = buf.subarray(0, n);
      buf = buf.subarray(n);
      const w = waiting;
      waiting = undefined;
      if (w === undefined) return;
      const ms = Number(process.hrtime.bigint() - w.t0) / 1e6;
      if (reply.readUInt16BE(0) !== w.tid || reply[7] !== 3 || reply[8] !== 2 * w.count) w.reject(new Error(`bad reply ${reply.subarray(0, 9).toString("hex")}`));
      else w.resolve(ms);
    });
    socket.on("error", (e) => (waiting ? waiting.reject(e) : reject(e)));
    socket.once("connect", () =>
      resolve({
        request: (unit, address, count) =>
          new Promise<number>((res, rej) => {
            tid = (tid + 1) & 0xffff;
            const frame = Buffer.from([tid >> 8, tid & 0xff, 0, 0, 0, 6, unit, 3, address >> 8, address & 0xff, count >> 8, count & 0xff]);
            waiting = { tid, t0: process.hrtime.bigint(), count, resolve: res, reject: rej };
            socket.write(frame);
          }),
        close: () => socket.destroy(),
      }),
    );
  });
}

interface PollResult {
  polls: number;
  latePolls: number;
  errors: number;
  battery: Float64Array;
  meter: Float64Array;
}

/**
 * Polls every 40 ms on an absolute schedule for `durationS`, drifting by one period over the run (the
 * poll period is 40 ms × (1 + 1/n)), as a PLC on its own clock does: the polls meet the served twin
 * at every phase of its period, not at one phase picked by the start time.
 */
async function poll(port: number, durationS: number): Promise<PollResult> {
  const c = await client(port);
  const n = Math.floor((durationS * 1000) / PERIOD_MS);
  const periodMs = PERIOD_MS * (1 + 1 / n);
  const battery = new Float64Array(n);
  const meter = new Float64Array(n);
  let late = 0;
  let errors = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const due = t0 + i * periodMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    else if (i > 0 && wait < -periodMs) late++;
    try {
      battery[i] = await c.request(1, 40000, 125);
      meter[i] = await c.request(3, 40098, 2);
    } catch {
      errors++;
      battery[i] = meter[i] = Number.NaN;
    }
  }
  c.close();
  return { polls: n, latePolls: late, errors, battery: battery.filter(Number.isFinite).sort(), meter: meter.filter(Number.isFinite).sort() };
}

interface ServeFigures {
  periods: number;
  overruns: number;
  missed: number;
  /** Periods whose own compute took longer than the period (the twin too slow, not the host late). */
  computeOver: number;
  computeP50: number;
  computeP99: number;
  computeMax: number;
  latenessP99: number;
  latenessMax: number;
  summary: string;
}

async function serveFigures(out: string, stdout: string): Promise<ServeFigures> {
  const summary = stdout.split("\n").find((l) => / periods \(/.test(l)) ?? "";
  const overruns = Number(/; (\d+) overruns/.exec(summary)?.[1] ?? Number.NaN);
  const [row] = await query(
    out,
    `SELECT count(*)::INTEGER AS periods, sum(missed)::INTEGER AS missed, count(*) FILTER (WHERE compute_ms > ${PERIOD_MS})::INTEGER AS over,
            quantile_disc(compute_ms, 0.5) AS c50, quantile_disc(compute_ms, 0.99) AS c99, max(compute_ms) AS cmax,
            quantile_disc(start_ms - planned_ms, 0.99) AS l99, max(start_ms - planned_ms) AS lmax
     FROM hil_cycles`,
  );
  const r = row as Record<string, number>;
  return {
    periods: Number(r["periods"]),
    overruns,
    missed: Number(r["missed"]),
    computeOver: Number(r["over"]),
    computeP50: Number(r["c50"]),
    computeP99: Number(r["c99"]),
    computeMax: Number(r["cmax"]),
    latenessP99: Number(r["l99"]),
    latenessMax: Number(r["lmax"]),
    summary,
  };
}

/** One served run under the polling client; SIGINT once the client is done. */
async function servedRun(scenario: string, durationS: number, dir: string, name: string): Promise<{ poll: PollResult; serve: ServeFigures }> {
  const port = await freePort();
  const out = join(dir, `${name}.duckdb`);
  const serve = await startServe(scenario, port, out, durationS + 30);
  const p = await poll(port, durationS);
  serve.child.kill("SIGINT");
  const code = await serve.exited;
  if (code !== 0) throw new Error(`dctwin serve exited ${code}: ${serve.stderr()}`);
  return { poll: p, serve: await serveFigures(out, serve.stdout()) };
}

/**
 * Rows x racks per row for `total` racks (the schema allows 26 rows of 99): the scenario's 6 x 12
 * doubled, rows first while they fit (144 = 12 x 12, 288 = 12 x 24, 576 = 24 x 24, 1152 = 24 x 48,
 * 2304 = 24 x 96), else any divisor pair that fits (2574 = 26 x 99).
 */
function hallShape(total: number): [number, number] {
  let [rows, perRow] = [6, 12];
  while (rows * perRow < total) [rows, perRow] = rows < perRow && rows * 2 <= 26 ? [rows * 2, perRow] : [rows, perRow * 2];
  if (rows * perRow === total && perRow <= 99) return [rows, perRow];
  for (let r = 26; r >= 1; r--) if (total % r === 0 && total / r <= 99) return [r, total / r];
  throw new Error(`--racks ${total}: not rows (at most 26) x racks per row (at most 99)`);
}

function latencyLine(label: string, s: Float64Array): string {
  return `${label}: p50 ${f2(quantile(s, 0.5))} ms, p99 ${f2(quantile(s, 0.99))} ms, max ${f2(s[s.length - 1] ?? Number.NaN)} ms`;
}

console.log(machineLine());
console.log(`load average at start ${loadavg().map((v) => v.toFixed(2)).join(" ")}; serve pinned to ${cpu === "none" ? "no core" : `core ${cpu} (taskset -c ${cpu})`}, client unpinned`);
const dir = tempDir("dctwin-serve-latency-");
try {
  if (only !== "scale") {
    console.log(`\n(a) latency: serve hil-battery-smoothing (72 racks) --pace realtime --period 40ms, polled every 40 ms for ${seconds} s (FC3 unit 1 40000x125, then FC3 unit 3 40098x2)`);
    const { poll: p, serve: s } = await servedRun(SCENARIO, seconds, dir.path, "latency");
    console.log(`  ${latencyLine("unit 1, 125 registers", p.battery)}`);
    console.log(`  ${latencyLine("unit 3, 2 registers", p.meter)}`);
    console.log(`  polls ${p.polls}, errors ${p.errors}, polls started over a period late ${p.latePolls}`);
    console.log(`  serve: ${s.summary}`);
    console.log(
      `  serve hil_cycles: ${s.periods} periods, missed ${s.missed} (${f2((100 * s.missed) / s.periods)} %), ${s.computeOver} computed over 40 ms, compute p50 ${f2(s.computeP50)} / p99 ${f2(s.computeP99)} / max ${f2(s.computeMax)} ms, ` +
        `start lateness p99 ${f2(s.latenessP99)} / max ${f2(s.latenessMax)} ms`,
    );
  }
  if (only !== "latency") {
    console.log(`\n(b) scale: the hall scaled, served at 40 ms in real time on one core for ${scaleSeconds} s each, under the same client`);
    console.log("  racks | GPUs | periods | overruns | missed % | compute > 40 ms | compute p50 / p99 / max ms | lateness p99 / max ms | client p99 / max ms (unit 1)");
    const base = parse(readFileSync(SCENARIO, "utf8")) as { hall: { rows: number; racksPerRow: number }; name: string };
    let best: { racks: number; file: string } | undefined;
    let computeBest: number | undefined;
    for (const total of racks) {
      const [rows, perRow] = hallShape(total);
      const variant = { ...base, name: `${base.name}-${rows * perRow}`, hall: { ...base.hall, rows, racksPerRow: perRow } };
      const file = join(dir.path, `hall-${rows * perRow}.yaml`);
      writeFileSync(file, stringify(variant));
      const { poll: p, serve: s } = await servedRun(file, scaleSeconds, dir.path, `scale-${rows * perRow}`);
      const pct = (100 * s.missed) / s.periods;
      console.log(
        `  ${String(rows * perRow).padStart(5)} | ${String(rows * perRow * 72).padStart(6)} | ${String(s.periods).padStart(7)} | ${String(s.overruns).padStart(8)} | ${f2(pct).padStart(8)} | ${String(s.computeOver).padStart(14)} | ` +
          `${f2(s.computeP50)} / ${f2(s.computeP99)} / ${f2(s.computeMax)} | ${f2(s.latenessP99)} / ${f2(s.latenessMax)} | ${f2(quantile(p.battery, 0.99))} / ${f2(p.battery[p.battery.length - 1] ?? Number.NaN)}`,
      );
      if (pct < 0.1) best = { racks: rows * perRow, file };
      if (s.computeOver === 0) computeBest = rows * perRow;
      if (pct > 5 && s.computeOver > 0) break; // larger halls only do worse
    }
    console.log(
      `  largest whose every period computed within 40 ms: ${computeBest === undefined ? "none" : `${computeBest} racks`} ` +
        "(overruns beyond these are the host's: a period that starts late because the process was not scheduled)",
    );
    if (best === undefined) console.log("  no size kept real time (< 0.1 % overruns)");
    else {
      console.log(`  largest in real time (< 0.1 % overruns over ${scaleSeconds} s): ${best.racks} racks (${best.racks * 72} GPUs)`);
      if (confirmSeconds > 0) {
        const { poll: p, serve: s } = await servedRun(best.file, confirmSeconds, dir.path, "confirm");
        console.log(
          `  confirm ${best.racks} racks for ${confirmSeconds} s (includes a results write at 60 s simulated): ${s.periods} periods, ${s.overruns} overruns, missed ${f2((100 * s.missed) / s.periods)} %, ` +
            `compute p99 ${f2(s.computeP99)} / max ${f2(s.computeMax)} ms; client p99 ${f2(quantile(p.battery, 0.99))} ms, max ${f2(p.battery[p.battery.length - 1] ?? Number.NaN)} ms`,
        );
      }
    }
  }
} finally {
  dir.remove();
}
console.log(`\nload average at end ${loadavg().map((v) => v.toFixed(2)).join(" ")}`);
