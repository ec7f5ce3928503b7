import { execFile } from "node:child_process";
import ModbusSerial from "modbus-serial";
import type { ModbusRTU } from "modbus-serial/ModbusRTU.js";

/** Clients for the fault-proxy tests: modbus-serial in-process (timing, error kinds) and Debian's mbpoll (an independent master). */

const ClientClass = ModbusSerial as unknown as typeof ModbusRTU;

/** The SunSpec marker "SunS" at PDU 40000 of the pymodbus battery: what every good read returns. */
export const SUNS = [0x5375, 0x6e53];

export type ReadOutcome =
  | { ok: true; values: number[]; ms: number }
  | { ok: false; kind: "exception" | "timeout" | "error"; code?: number; message: string; ms: number };

/** A modbus-serial TCP client on 127.0.0.1:`port`, unit 1, with a per-request timeout. */
export async function tcpClient(port: number, timeoutMs: number): Promise<ModbusRTU> {
  const c = new ClientClass();
  c.setTimeout(timeoutMs);
  await c.connectTCP("127.0.0.1", { port });
  c.setID(1);
  return c;
}

/** A modbus-serial RTU client on a serial port, 115,200 Bd 8N1, unit 1. */
export async function rtuClient(path: string, timeoutMs: number): Promise<ModbusRTU> {
  const c = new ClientClass();
  c.setTimeout(timeoutMs);
  await c.connectRTUBuffered(path, { baudRate: 115200, dataBits: 8, parity: "none", stopBits: 1 });
  c.setID(1);
  return c;
}

/** Reads the 2 registers at 40000 and says how it went and how long it took. */
export async function readSunS(c: ModbusRTU): Promise<ReadOutcome> {
  const t0 = performance.now();
  try {
    const r = await c.readHoldingRegisters(40000, 2);
    return { ok: true, values: Array.from(r.data), ms: performance.now() - t0 };
  } catch (error) {
    const e = error as Error & { modbusCode?: number; errno?: string };
    const ms = performance.now() - t0;
    if (e.modbusCode !== undefined) return { ok: false, kind: "exception", code: e.modbusCode, message: e.message, ms };
    return { ok: false, kind: e.errno === "ETIMEDOUT" || /timed out/i.test(e.message) ? "timeout" : "error", message: e.message, ms };
  }
}

export function closeClient(c: ModbusRTU): Promise<void> {
  return new Promise((resolve) => (c.isOpen ? c.close(() => resolve()) : resolve()));
}

/** mbpoll reading the 2 registers at 40000 once (async: the proxy under test runs in this process). */
export function mbpoll(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("mbpoll", [...args, "-0", "-1", "-a", "1", "-r", "40000", "-c", "2", "-t", "4:hex"], { encoding: "utf8", timeout: 10_000 }, (err, stdout, stderr) =>
      resolve({ code: err === null ? 0 : typeof err.code === "number" ? err.code : -1, stdout, stderr }),
    );
  });
}

/** mbpoll's arguments for Modbus TCP on 127.0.0.1:`port`, with its timeout in seconds. */
export const mbpollTcp = (port: number, timeoutS = 1) => ["-m", "tcp", "-p", String(port), "-o", String(timeoutS), "127.0.0.1"];

/** Waits until `cond` holds, checking every 10 ms; false after `withinMs`. */
export async function waitFor(cond: () => boolean, withinMs: number): Promise<boolean> {
  const end = performance.now() + withinMs;
  while (!cond()) {
    if (performance.now() > end) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}
