import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The shipped comparison of issue #12: the battery-smoothing controller of
 * scenarios/hil-battery-smoothing.yaml run (1) in-process, (2) closed over Modbus TCP through a
 * served twin in lockstep, (3) the same over Modbus RTU at 115,200 Bd through a socat pair, and
 * (4) over TCP in real time; then its KPIs side by side (reports/closed-loop.sql) and the wire's
 * timing from each dctwin hil record. In lockstep the wire adds no time (each cycle's setpoint
 * reaches the twin before the period it acts in, as in-process), only the registers' resolution
 * (the hall meter's int16 W at 1 kW, SoC at 0.01 %); in real time the two processes run on their
 * own clocks, so a setpoint lands up to one period later.
 *
 *   npm run build --silent && node dist/hil/closed-loop.js [--duration 60s] [--out results/closed-loop]
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CLI = join(ROOT, "dist/engine/cli/main.js");
const SCENARIO = join(ROOT, "scenarios/hil-battery-smoothing.yaml");
const PROFILES = join(ROOT, "hil/profiles");

export interface ClosedLoopResult {
  /** reports/closed-loop.sql's rows. */
  kpis: Record<string, unknown>[];
  /** Per wire run: cycles, deadline misses and the hil side's read / write times. */
  wire: Record<string, unknown>[];
  files: Record<"inproc" | "tcp" | "rtu" | "realtime", string>;
}

/** Runs the four legs into `outDir`; `durationS` of simulated time each (the real-time leg takes as long on the wall). */
export async function compareClosedLoop(outDir: string, durationS: number, basePort: number): Promise<ClosedLoopResult> {
  mkdirSync(outDir, { recursive: true });
  const files = { inproc: join(outDir, "inproc.duckdb"), tcp: join(outDir, "tcp-serve.duckdb"), rtu: join(outDir, "rtu-serve.duckdb"), realtime: join(outDir, "realtime-serve.duckdb") };
  for (const f of readdirDuckDb(outDir)) rmSync(f, { force: true });
  // In-process: the scenario with its battery simulated, cut to the same horizon.
  const scenario = join(outDir, "inproc.yaml");
  writeFileSync(scenario, readFileSync(SCENARIO, "utf8").replace(/^horizon: .*$/m, `horizon: ${durationS}s`));
  await dctwin(["run", scenario, "--simulate-external", "--out", files.inproc]);
  const duration = `${durationS}s`;
  const hilArgs = (endpoint: string, pace: string, out: string) => [
    "hil", SCENARIO, "--pace", pace, "--arm", "--duration", duration, "--out", out,
    "--device", `bess1=${endpoint}`, "--profile", `bess1=${PROFILES}/sunspec-battery.yaml`,
    "--device", `hall=${endpoint}`, "--profile", `hall=${PROFILES}/sunspec-hall-meter.yaml`,
    ...(pace === "lockstep" ? ["--device", `twin=${endpoint}`, "--profile", `twin=${PROFILES}/twin-clock.yaml`] : []),
  ];
  const serveArgs = (port: number, pace: string, out: string, rtu?: string) => [
    "serve", SCENARIO, "--modbus", `tcp://127.0.0.1:${port}`, "--pace", pace, "--duration", duration, "--out", out, ...(rtu === undefined ? [] : ["--rtu", `${rtu}:115200:8N1`]),
  ];
  // TCP, lockstep.
  await pair(serveArgs(basePort, "lockstep", files.tcp), hilArgs(`tcp://127.0.0.1:${basePort}`, "lockstep", join(outDir, "tcp-hil.duckdb")), basePort);
  // RTU, lockstep, through a socat pty pair.
  const a = join(outDir, "ttyServe");
  const b = join(outDir, "ttyHil");
  const socat = spawn("socat", ["-d", "-d", `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: "ignore" });
  try {
    await waitFor(() => existsSync(a) && existsSync(b), 5000, "socat pty pair");
    await pair(serveArgs(basePort + 1, "lockstep", files.rtu, a), hilArgs(`rtu:${b}:115200:8N1`, "lockstep", join(outDir, "rtu-hil.duckdb")), basePort + 1);
  } finally {
    socat.kill();
  }
  // TCP, real time: both sides on the wall clock.
  await pair(serveArgs(basePort + 2, "realtime", files.realtime), hilArgs(`tcp://127.0.0.1:${basePort + 2}`, "realtime", join(outDir, "realtime-hil.duckdb")), basePort + 2);

  const { DuckDBInstance } = await import("@duckdb/node-api");
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  try {
    for (const [name, file] of Object.entries(files)) await con.run(`ATTACH '${file}' AS ${name} (READ_ONLY)`);
    for (const leg of ["tcp", "rtu", "realtime"]) await con.run(`ATTACH '${join(outDir, `${leg}-hil.duckdb`)}' AS ${leg}_hil (READ_ONLY)`);
    const kpis = (await con.runAndReadAll(readFileSync(join(ROOT, "reports/closed-loop.sql"), "utf8"))).getRowObjectsJS() as Record<string, unknown>[];
    const wire: Record<string, unknown>[] = [];
    for (const leg of ["tcp", "rtu", "realtime"]) {
      const rows = (
        await con.runAndReadAll(
          `SELECT '${leg}' AS leg, count(*) AS cycles, sum(missed) AS missed, sum(skipped) AS skipped,
                  round(quantile_cont(read_ms, 0.5), 3) AS read_p50_ms, round(quantile_cont(read_ms, 0.99), 3) AS read_p99_ms,
                  round(quantile_cont(write_ms, 0.5), 3) AS write_p50_ms, round(quantile_cont(write_ms, 0.99), 3) AS write_p99_ms,
                  round(quantile_cont(lateness_ms, 0.99), 3) AS lateness_p99_ms
             FROM ${leg}_hil.hil_cycles`,
        )
      ).getRowObjectsJS() as Record<string, unknown>[];
      wire.push(...rows);
    }
    return { kpis, wire, files };
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

function readdirDuckDb(dir: string): string[] {
  return ["inproc", "tcp-serve", "tcp-hil", "rtu-serve", "rtu-hil", "realtime-serve", "realtime-hil"].flatMap((n) => [join(dir, `${n}.duckdb`), join(dir, `${n}.duckdb.wal`)]);
}

/** Starts `dctwin serve`, waits until it listens, runs `dctwin hil` to its end, then waits for serve to finish. */
async function pair(serveArgs: string[], hilArgs: string[], port: number): Promise<void> {
  const serve = start(serveArgs);
  try {
    await waitFor(() => /dctwin serve: .* on tcp:/.test(serve.stderr()), 20_000, "dctwin serve to listen");
    await dctwin(hilArgs);
    const code = await serve.exited;
    if (code !== 0) throw new Error(`dctwin serve (port ${port}) exited ${code}: ${serve.stderr()}`);
  } finally {
    serve.child.kill("SIGINT");
  }
}

function start(args: string[]): { child: ChildProcess; stderr: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stdout!.resume();
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, stderr: () => err, exited };
}

async function dctwin(args: string[]): Promise<void> {
  const p = start(args);
  const code = await p.exited;
  if (code !== 0) throw new Error(`dctwin ${args[0]} exited ${code}: ${p.stderr()}`);
}

async function waitFor(ok: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const opt = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : fallback);
  const durationS = Number(opt("--duration", "60s").replace(/s$/, ""));
  const out = opt("--out", "results/closed-loop");
  const result = await compareClosedLoop(out, durationS, 5400 + (process.pid % 500));
  console.table(result.kpis.map((r) => ({ ...r, inproc: fmt(r["inproc"]), tcp_lockstep: fmt(r["tcp_lockstep"]), rtu_lockstep: fmt(r["rtu_lockstep"]), tcp_realtime: fmt(r["tcp_realtime"]) })));
  console.table(result.wire);
  console.log(`results in ${out}/ (serve runs: *-serve.duckdb, hil runs: *-hil.duckdb)`);
}

function fmt(v: unknown): string {
  const n = Number(v);
  return Number.isFinite(n) ? Number(n.toPrecision(5)).toString() : String(v);
}
