import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { ROOT } from "../helpers.js";

/**
 * The independent Modbus peer of the HIL tests: Debian's python3-pymodbus (3.0.0) running
 * hil/peers/battery_server.py, a SunSpec battery with simple dynamics. Run with /usr/bin/python3,
 * the interpreter Debian's package installs into (.ci/run installs it with apt-get).
 */
export const PYTHON = "/usr/bin/python3";
export const CLI = join(ROOT, "dist/engine/cli/main.js");

/** Why the peer cannot run here, or undefined when it can. */
export function peerMissing(): string | undefined {
  if (!existsSync(PYTHON)) return `${PYTHON} is missing`;
  const r = spawnSync(PYTHON, ["-c", "import pymodbus, serial"], { encoding: "utf8" });
  if (r.status !== 0) return `python3-pymodbus / python3-serial are not installed for ${PYTHON} (apt-get install python3-pymodbus python3-serial)`;
  return undefined;
}

export interface Peer {
  port: number;
  proc: ChildProcess;
  stderr: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts the battery peer with the given flags and waits for its ready line. */
export async function startPeer(args: string[]): Promise<Peer> {
  const proc = spawn(PYTHON, [join(ROOT, "hil/peers/battery_server.py"), ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  proc.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const ready = await new Promise<{ tcp_port: number | null }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`peer not ready after 10 s: ${err}`)), 10_000);
    proc.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line !== undefined && out.includes("\n")) {
        clearTimeout(timer);
        resolve(JSON.parse(line));
      }
    });
    proc.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`peer exited with ${code}: ${err}`));
    });
  });
  return {
    port: ready.tcp_port ?? 0,
    proc,
    stderr: () => err,
    stop: (signal = "SIGTERM") =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        proc.once("exit", () => resolve());
        proc.kill(signal);
      }),
  };
}

/** A TCP port that was free a moment ago on the loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      s.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** A socat pseudo-terminal pair: two linked serial ports. */
export async function ptyPair(a: string, b: string): Promise<{ stop(): Promise<void> }> {
  const proc = spawn("socat", ["-d", "-d", `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: ["ignore", "ignore", "pipe"] });
  const deadline = Date.now() + 5000;
  while (!(existsSync(a) && existsSync(b))) {
    if (Date.now() > deadline) throw new Error("socat did not create the pty pair");
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once("exit", () => resolve());
        proc.kill("SIGTERM");
      }),
  };
}

/** Runs `dctwin hil ...` to its end; resolves with the exit code and output. */
export function runCli(args: string[], during?: (child: ChildProcess) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
    during?.(child);
  });
}

/** Rows of a SQL query on a results file, as objects. */
export async function query(path: string, sql: string): Promise<Record<string, unknown>[]> {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const db = await DuckDBInstance.create(path, { access_mode: "READ_ONLY" });
  const con = await db.connect();
  try {
    const reader = await con.runAndReadAll(sql);
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    con.closeSync();
    db.closeSync();
  }
}
