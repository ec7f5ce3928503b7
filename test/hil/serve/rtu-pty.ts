import { spawn } from "node:child_process";
import { join } from "node:path";
import { startRtuServer, type RtuEndpoint, type RtuServer, type RtuServerOptions } from "../../../hil/serve/rtu-server.js";
import { tempDir } from "../../helpers.js";
import { ptyPair } from "../peer.js";

/** The RTU server on one end of a socat pty pair at 115200 8N1; peers open `peerPath`. */
export interface PtyBench {
  server: RtuServer;
  serverPath: string;
  peerPath: string;
  events: string[];
  /** Kills socat (the server sees its port disconnect). */
  stopPty(): Promise<void>;
  /** Starts socat again with the same links. */
  restartPty(): Promise<void>;
  stop(): Promise<void>;
}

export const LINE = { baudRate: 115200, dataBits: 8, parity: "none", stopBits: 1 } as const;

export async function startPtyBench(handler: RtuServerOptions["handler"], extra: Partial<RtuServerOptions> = {}): Promise<PtyBench> {
  const dir = tempDir("dctwin-rtu-");
  const serverPath = join(dir.path, "server");
  const peerPath = join(dir.path, "peer");
  let pty = await ptyPair(serverPath, peerPath);
  const events: string[] = [];
  const endpoint: RtuEndpoint = { kind: "rtu", path: serverPath, ...LINE };
  const server = await startRtuServer({ endpoint, handler, onEvent: (kind, detail) => events.push(`${kind}: ${detail}`), ...extra });
  return {
    server,
    serverPath,
    peerPath,
    events,
    stopPty: () => pty.stop(),
    restartPty: async () => {
      pty = await ptyPair(serverPath, peerPath);
    },
    async stop() {
      await server.close();
      await pty.stop();
      dir.remove();
    },
  };
}

/** Runs a command without blocking the event loop (the server under test lives in this process). */
export function run(cmd: string, args: string[], timeoutMs = 20_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** mbpoll over RTU at 115200 8N1 with PDU addresses, one poll, 0.5 s timeout; `rest` are the type, unit, reference and count flags. */
export function mbpoll(path: string, rest: string[], values: string[] = []) {
  const args = ["-m", "rtu", "-b", "115200", "-P", "none", "-d", "8", "-s", "1", "-0", "-1", "-o", "0.5", ...rest, path];
  return run("mbpoll", values.length > 0 ? [...args, "--", ...values] : args);
}

/** The values mbpoll printed, `[ref]: value` lines, as numbers by reference. */
export function mbpollValues(stdout: string): Record<number, number> {
  const out: Record<number, number> = {};
  for (const m of stdout.matchAll(/^\[(\d+)\]:\s+(-?\d+)/gm)) out[Number(m[1])] = Number(m[2]);
  return out;
}
