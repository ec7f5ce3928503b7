import { SerialPort } from "serialport";
import { LINE } from "./rtu-pty.js";

/** A second serialport on the peer end of the pty: writes raw bytes and collects whatever comes back. */
export interface RawPort {
  /** Writes `parts`, waiting `gapMs` between them; resolves once written. */
  write(parts: Uint8Array[], gapMs?: number): Promise<void>;
  /** Waits until `bytes` have arrived or `timeoutMs` passed; returns (and clears) what arrived. */
  collect(bytes: number, timeoutMs: number): Promise<Buffer>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function openRawPort(path: string): Promise<RawPort> {
  const port = new SerialPort({ path, ...LINE, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  port.on("error", () => undefined);
  let received = Buffer.alloc(0);
  port.on("data", (d: Buffer) => (received = Buffer.concat([received, d])));
  return {
    async write(parts, gapMs = 0) {
      for (let i = 0; i < parts.length; i++) {
        if (i > 0 && gapMs > 0) await sleep(gapMs);
        await new Promise<void>((resolve, reject) => port.write(Buffer.from(parts[i]!), (err) => (err ? reject(err) : resolve())));
        await new Promise<void>((resolve) => port.drain(() => resolve()));
      }
    },
    async collect(bytes, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < bytes && Date.now() < deadline) await sleep(2);
      const out = received;
      received = Buffer.alloc(0);
      return out;
    },
    close: () => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
  };
}
