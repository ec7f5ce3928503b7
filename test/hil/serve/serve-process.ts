import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { CLI } from "../peer.js";

/**
 * A real `dctwin serve` process for wire tests from the outside: started with the given arguments
 * (after `serve`), ready once it prints its listening line, stopped with SIGINT (it then writes its
 * results and exits 0). Also the non-blocking runner for the peers (mbpoll, /usr/bin/python3).
 */
export interface ServeProcess {
  child: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Exit code once it has exited (null: killed by a signal). */
  exited: Promise<number | null>;
  /** SIGINT (results written), then the exit code; SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<number | null>;
}

/** Starts `dctwin serve ARGS`; resolves once it listens, rejects with its stderr if it exits first or takes over 30 s. */
export async function startServe(args: string[]): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, "serve", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 30_000;
  while (!/dctwin serve: .* on tcp:\/\//.test(err)) {
    if (gone) throw new Error(`dctwin serve ${args.join(" ")} exited before listening: ${err}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`dctwin serve ${args.join(" ")} not listening after 30 s: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    child,
    pid: child.pid!,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop(timeoutMs = 20_000) {
      if (!gone) child.kill("SIGINT");
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a peer to its end without blocking the event loop; SIGKILL after `timeoutMs`. */
export function run(command: string, args: string[], timeoutMs = 20_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Resident set size of a process, kB (VmRSS in /proc/PID/status). */
export function rssKb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (m === null) throw new Error(`no VmRSS for process ${pid}`);
  return Number(m[1]);
}

export const MBPOLL = "/usr/bin/mbpoll";

/** mbpoll against 127.0.0.1:port in PDU addressing, one poll: `mbpoll -m tcp -p PORT -0 -1 ARGS`. */
export function mbpoll(port: number, ...args: string[]): Promise<Run> {
  return run(MBPOLL, ["-m", "tcp", "-p", String(port), "-0", "-1", ...args]);
}
