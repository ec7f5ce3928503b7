import { connect, type Socket } from "node:net";
import { createPduHandler, type ServedPdu } from "../../../hil/serve/pdu.js";
import type { ServedUnit } from "../../../hil/serve/served-unit.js";
import { startTcpServer, type TcpServer, type TcpServerOptions } from "../../../hil/serve/tcp-server.js";
import { freePort } from "../peer.js";
import { recordingGate, servedUnits, type RecordingGate } from "./served-fixture.js";

/**
 * A Modbus TCP client made of raw bytes, for what real clients cannot send (bad protocol ids, short
 * headers, wrong byte counts) and to see exactly what comes back. Replies are split into ADUs by
 * their MBAP length.
 */
export interface RawClient {
  socket: Socket;
  send(bytes: number[] | Uint8Array): void;
  /** The next ADU (MBAP header included), or undefined if none comes within `timeoutMs` or the socket closed. */
  next(timeoutMs?: number): Promise<number[] | undefined>;
  /** Resolves when the server has closed the connection. */
  closed: Promise<void>;
  isClosed(): boolean;
  end(): void;
  destroy(): void;
}

export function rawClient(port: number, localAddress?: string): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: "127.0.0.1", ...(localAddress ? { localAddress } : {}) });
    let buffered = Buffer.alloc(0);
    const frames: number[][] = [];
    let wake: (() => void) | undefined;
    let isClosed = false;
    const closed = new Promise<void>((done) =>
      socket.on("close", () => {
        isClosed = true;
        wake?.();
        done();
      }),
    );
    socket.on("error", () => {});
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 6 && buffered.length >= 6 + buffered.readUInt16BE(4)) {
        const n = 6 + buffered.readUInt16BE(4);
        frames.push(Array.from(buffered.subarray(0, n)));
        buffered = buffered.subarray(n);
      }
      wake?.();
    });
    socket.once("connect", () =>
      resolve({
        socket,
        send: (bytes) => socket.write(Uint8Array.from(bytes)),
        async next(timeoutMs = 2000) {
          const deadline = Date.now() + timeoutMs;
          while (frames.length === 0 && !isClosed && Date.now() < deadline) {
            let timer: NodeJS.Timeout | undefined;
            await new Promise<void>((r) => {
              wake = r;
              timer = setTimeout(r, Math.max(1, deadline - Date.now()));
            });
            clearTimeout(timer);
          }
          return frames.shift();
        },
        closed,
        isClosed: () => isClosed,
        end: () => socket.end(),
        destroy: () => socket.destroy(),
      }),
    );
    socket.once("error", reject);
  });
}

/** An ADU: MBAP header (transaction id, protocol 0, length) + unit id + PDU. */
export function adu(transactionId: number, unitId: number, pdu: number[]): number[] {
  return [transactionId >> 8, transactionId & 0xff, 0, 0, (pdu.length + 1) >> 8, (pdu.length + 1) & 0xff, unitId, ...pdu];
}

export const u16 = (v: number) => [v >> 8, v & 0xff];

export interface Served {
  server: TcpServer;
  units: ServedUnit[];
  gate: RecordingGate;
  pdu: ServedPdu;
  events: [string, string][];
}

/** The fixture's units behind a TCP server on a free loopback port. */
export async function serveFixture(options: Partial<TcpServerOptions> = {}): Promise<Served> {
  const units = servedUnits();
  const gate = recordingGate();
  const pdu = createPduHandler(units, gate, { vendor: "dctwin", product: "test-hall", version: "1.2.3" });
  const events: [string, string][] = [];
  const server = await startTcpServer({
    host: "127.0.0.1",
    port: await freePort(),
    handler: pdu,
    units,
    onEvent: (kind, detail) => events.push([kind, detail]),
    ...options,
  });
  return { server, units, gate, pdu, events };
}
