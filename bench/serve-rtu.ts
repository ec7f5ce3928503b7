import { spawn, type ChildProcess } from "node:child_process";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ModbusSerial from "modbus-serial";
import type { ModbusRTU } from "modbus-serial/ModbusRTU.js";
import { createPduHandler } from "../hil/serve/pdu.js";
import { startRtuServer } from "../hil/serve/rtu-server.js";
import { emptyUnit, type WriteGate } from "../hil/serve/served-unit.js";
import { tempDir } from "../test/helpers.js";
import { ptyPair } from "../test/hil/peer.js";
import { machineLine } from "./machine.js";

/**
 * Round trip of the twin served over Modbus RTU (issue #12): a modbus-serial client
 * (connectRTUBuffered, which frames replies by their expected length) sends `--requests` FC3 reads
 * of 10 registers, then as many FC16 writes of 10 registers, one at a time, to a server in another
 * process through a socat pty pair at 115200 8N1. Servers: ours (hil/serve/rtu-server.ts with the
 * shared PDU handler) and, as the baseline, modbus-serial's ServerSerial with its default 30 ms
 * framing interval and with 4 ms. A pty has no baud pacing, so this measures software latency only;
 * on a real line add the bytes' time on the wire (~87 µs per byte at 115,200 Bd).
 *
 *   npm run build --silent && node dist/bench/serve-rtu.js [--requests 200]
 */
type Kind = "ours" | "serverserial-30ms" | "serverserial-4ms";
const LINE = { baudRate: 115200, dataBits: 8 as const, parity: "none" as const, stopBits: 1 as const };
const args = process.argv.slice(2);

/** Child mode: serve unit 1 (holding 0-99, all writable) on `path` until SIGTERM. */
async function serve(kind: Kind, path: string): Promise<void> {
  if (kind === "ours") {
    const unit = emptyUnit(1, "bench");
    unit.holding.mapped.fill(1, 0, 100);
    unit.holding.writable.fill(1, 0, 100);
    const gate: WriteGate = { check: () => ({ code: 0, reason: "" }), applied: () => undefined, refused: () => undefined };
    const server = await startRtuServer({ endpoint: { kind: "rtu", path, ...LINE }, handler: createPduHandler([unit], gate).handle });
    process.on("SIGTERM", () => {
      console.log(JSON.stringify(server.stats()));
      void server.close().then(() => process.exit(0));
    });
  } else {
    const registers = new Uint16Array(100);
    const vector = {
      getHoldingRegister: (address: number) => registers[address] ?? 0,
      setRegister: (address: number, value: number) => void (registers[address] = value),
    };
    const Server = (ModbusSerial as unknown as { ServerSerial: new (v: object, o: object) => { close(cb: () => void): void } }).ServerSerial;
    await new Promise<void>((resolve, reject) => {
      new Server(vector, { path, ...LINE, unitID: 1, interval: kind === "serverserial-4ms" ? 4 : 30, openCallback: (err: Error | null) => (err ? reject(err) : resolve()) });
    });
    process.on("SIGTERM", () => process.exit(0));
  }
  console.log("ready");
}

function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function measure(kind: Kind, requests: number): Promise<void> {
  const dir = tempDir("dctwin-serve-rtu-");
  const serverPath = join(dir.path, "server");
  const peerPath = join(dir.path, "peer");
  const pty = await ptyPair(serverPath, peerPath);
  const child: ChildProcess = spawn(process.execPath, [fileURLToPath(import.meta.url), "--serve", kind, serverPath], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("ready")) resolve();
    });
    child.on("exit", (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  const client = new (ModbusSerial as unknown as typeof ModbusRTU)();
  await client.connectRTUBuffered(peerPath, LINE);
  client.setID(1);
  client.setTimeout(1000);
  const values = Array.from({ length: 10 }, (_, i) => i);
  const report: string[] = [];
  for (const op of ["FC3 read 10", "FC16 write 10"] as const) {
    const call = () => (op === "FC3 read 10" ? client.readHoldingRegisters(0, 10) : client.writeRegisters(0, values));
    for (let i = 0; i < 10; i++) await call(); // warm-up
    const ms = new Float64Array(requests);
    let errors = 0;
    for (let i = 0; i < requests; i++) {
      const t0 = process.hrtime.bigint();
      try {
        await call();
      } catch {
        errors++;
      }
      ms[i] = Number(process.hrtime.bigint() - t0) / 1e6;
    }
    ms.sort();
    report.push(`${op}: p50 ${quantile(ms, 0.5).toFixed(2)} ms, p99 ${quantile(ms, 0.99).toFixed(2)} ms, max ${ms[ms.length - 1]!.toFixed(2)} ms, ${errors} errors`);
  }
  await new Promise<void>((resolve) => client.close(() => resolve()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  await exited;
  await pty.stop();
  dir.remove();
  const stats = out.split("\n").find((l) => l.startsWith("{"));
  console.log(`${kind} (${requests} each): ${report.join("; ")}${stats ? `\n  server stats ${stats}` : ""}`);
}

if (args[0] === "--serve") {
  await serve(args[1] as Kind, args[2]!);
} else {
  const requests = args.includes("--requests") ? Number(args[args.indexOf("--requests") + 1]) : 200;
  console.log(machineLine());
  const load0 = loadavg()[0]!;
  for (const kind of ["ours", "serverserial-30ms", "serverserial-4ms"] as const) await measure(kind, requests);
  console.log(`load average ${load0.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}`);
}
