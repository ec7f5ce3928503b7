import { performance } from "node:perf_hooks";
import { SerialPort } from "serialport";
import type { Endpoint } from "../bindings/endpoint.js";
import { signFrame } from "./rtu-crc.js";
import { createRtuFramer, MAX_RTU_FRAME_BYTES, silenceMsFor, type RtuFramerStats } from "./rtu-framer.js";
import { UNKNOWN_UNIT, type PduHandler } from "./served-unit.js";

/**
 * The twin served as Modbus RTU devices on one serial line: our own framer (hil/serve/rtu-framer.ts)
 * in front of the shared PDU handler, because modbus-serial's ServerSerial accepts bad CRCs, frames
 * by a fixed 30 ms silence, loses back-to-back frames, and answers broadcasts and every unit id
 * (hil-notes §2.2). A slave on a multi-drop line must stay silent for everything not addressed to
 * it, so unknown units and unit 0 (broadcast: writes applied) never get a reply (Modbus over Serial
 * Line v1.02 §2.1). Requests are served one at a time, reply written included, as a half-duplex
 * device does; frames that arrive meanwhile wait in a small queue. A lost port (adapter unplugged,
 * socat killed) is reported and reopened until close().
 */
export type RtuEndpoint = Extract<Endpoint, { kind: "rtu" }>;

/** What the server reports: opened (or reopened), lost the port, failed to reopen, a port error, a handler that threw, a full queue. */
export type RtuServerEvent = "open" | "disconnected" | "reopen_failed" | "error" | "handler_error" | "queue_full";

/** The part of a serialport stream the server uses (SerialPort, or SerialPortMock in tests). */
export interface RtuPort {
  readonly isOpen: boolean;
  open(callback: (err: Error | null) => void): void;
  close(callback?: (err: Error | null) => void): void;
  write(data: Buffer, callback: (err: Error | null | undefined) => void): boolean;
  on(event: "data", listener: (chunk: Buffer) => void): this;
  on(event: "close", listener: (err: (Error & { disconnected?: boolean }) | null) => void): this;
  on(event: "error", listener: (err: Error) => void): this;
  removeAllListeners(event?: string): this;
}

export interface RtuServerOptions {
  endpoint: RtuEndpoint;
  handler: PduHandler;
  onEvent?: (kind: RtuServerEvent, detail: string) => void;
  /** Frames waiting while a request is served (default 4; more are dropped with queue_full). */
  queueDepth?: number;
  /** Delay between attempts to reopen a lost port, ms (default 1000). */
  reopenMs?: number;
  /** Silence that ends a frame, ms (default: t3.5 of the line). */
  silenceMs?: number;
  /** See RtuFramerOptions.joinWindowMs. */
  joinWindowMs?: number;
  /** Builds the port, not yet open (default: serialport's SerialPort with the endpoint's line settings). */
  createPort?: (endpoint: RtuEndpoint) => RtuPort;
}

export interface RtuServerStats extends RtuFramerStats {
  /** Requests passed to the handler (broadcasts and other units included). */
  requests: number;
  /** Replies written. */
  replies: number;
  /** Requests to unit 0. */
  broadcasts: number;
  /** Requests for units the handler does not serve (left unanswered). */
  otherUnits: number;
  /** Frames dropped because the queue was full. */
  queueDrops: number;
  /** Handler calls that threw or rejected (answered with exception 04). */
  handlerErrors: number;
}

export interface RtuServer {
  stats(): RtuServerStats;
  /** Closes the port and stops reopening; a request being served is not answered. */
  close(): Promise<void>;
}

/** Exception 04, server device failure (MODBUS Application Protocol V1.1b3 §7): a handler that failed. */
const EXCEPTION_DEVICE_FAILURE = 4;
const MAX_PDU_BYTES = 253;

const defaultPort = (e: RtuEndpoint): RtuPort =>
  new SerialPort({ path: e.path, baudRate: e.baudRate, dataBits: e.dataBits, parity: e.parity, stopBits: e.stopBits, autoOpen: false }) as unknown as RtuPort;

const openPort = (port: RtuPort) => new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));

/**
 * Opens the serial port and serves requests until close(). Rejects when the port cannot be opened
 * the first time.
 *
 * Example: await startRtuServer({ endpoint: fromEndpoint("rtu:/dev/ttyUSB0:115200:8N1", "--serve") as RtuEndpoint,
 * handler }) → a server that answers `01 03 00 0A 00 01 A4 08` with unit 1's register 10.
 */
export async function startRtuServer(options: RtuServerOptions): Promise<RtuServer> {
  const { endpoint, handler } = options;
  const onEvent = options.onEvent ?? (() => undefined);
  const depth = options.queueDepth ?? 4;
  const reopenMs = options.reopenMs ?? 1000;
  const createPort = options.createPort ?? defaultPort;
  const client = `rtu:${endpoint.path}`;

  // The queue: `depth` request PDUs with their unit ids, preallocated.
  const qPdu = Array.from({ length: depth }, () => new Uint8Array(MAX_PDU_BYTES));
  const qUnit = new Uint8Array(depth);
  const qLength = new Uint16Array(depth);
  let qHead = 0;
  let qCount = 0;
  // The reply: unit id, PDU, CRC; the handler writes the PDU through a view made once, and each
  // reply length gets its own view once, so a reply allocates no buffer.
  const reply = Buffer.alloc(MAX_RTU_FRAME_BYTES);
  const replyPdu = reply.subarray(1, 1 + MAX_PDU_BYTES);
  const replyViews: Buffer[] = [];

  const counts = { requests: 0, replies: 0, broadcasts: 0, otherUnits: 0, queueDrops: 0, handlerErrors: 0 };
  let port: RtuPort | undefined;
  let closed = false;
  let busy = false;
  let pumping = false;
  let unit = 0;
  let fc = 0;
  let timer: NodeJS.Timeout | undefined;
  let reopenTimer: NodeJS.Timeout | undefined;
  let reopenFailures = 0;

  const framer = createRtuFramer({
    silenceMs: options.silenceMs ?? silenceMsFor(endpoint),
    ...(options.joinWindowMs === undefined ? {} : { joinWindowMs: options.joinWindowMs }),
    onFrame(frame, length) {
      if (qCount === depth) {
        counts.queueDrops++;
        onEvent("queue_full", `unit ${frame[0]} function ${frame[1]}: ${depth} requests already waiting`);
        return;
      }
      const slot = (qHead + qCount) % depth;
      const pdu = qPdu[slot]!;
      const n = length - 3;
      for (let i = 0; i < n; i++) pdu[i] = frame[1 + i]!;
      qUnit[slot] = frame[0]!;
      qLength[slot] = n;
      qCount++;
    },
  });

  const onTimer = () => {
    timer = undefined;
    const againMs = framer.idle(performance.now());
    if (againMs >= 0) timer = setTimeout(onTimer, Math.max(1, Math.ceil(againMs)));
    pump();
  };

  const onData = (chunk: Buffer) => {
    framer.feed(chunk, performance.now());
    if (timer !== undefined) clearTimeout(timer);
    timer = framer.pending > 0 ? setTimeout(onTimer, Math.max(1, Math.ceil(framer.idle(performance.now())))) : undefined;
    pump();
  };

  const written = (err: Error | null | undefined) => {
    if (err) onEvent("error", `writing a reply: ${err.message}`);
    else counts.replies++;
    busy = false;
    if (!pumping) pump();
  };

  // Ends the request at the queue head with the handler's answer length.
  const finish = (n: number) => {
    qHead = (qHead + 1) % depth;
    qCount--;
    if (unit === 0) counts.broadcasts++;
    else if (n === UNKNOWN_UNIT) counts.otherUnits++;
    const p = port;
    if (unit === 0 || n <= 0 || closed || p === undefined || !p.isOpen) {
      busy = false;
      if (!pumping) pump();
      return;
    }
    reply[0] = unit;
    const length = signFrame(reply, 1 + n);
    const view = (replyViews[length] ??= reply.subarray(0, length));
    p.write(view, written);
  };

  const fail = (err: unknown) => {
    counts.handlerErrors++;
    onEvent("handler_error", `unit ${unit} function ${fc}: ${(err as Error)?.message ?? String(err)}`);
    replyPdu[0] = fc | 0x80;
    replyPdu[1] = EXCEPTION_DEVICE_FAILURE;
    finish(2);
  };

  const settle = (n: number) => {
    if (!Number.isInteger(n) || n > MAX_PDU_BYTES || n < UNKNOWN_UNIT) fail(new Error(`the handler returned ${n}, not a PDU length`));
    else finish(n);
  };

  const pump = () => {
    pumping = true;
    while (!busy && qCount > 0) {
      busy = true;
      unit = qUnit[qHead]!;
      fc = qPdu[qHead]![0]!;
      counts.requests++;
      let result: number | Promise<number>;
      try {
        result = handler(unit, qPdu[qHead]!, qLength[qHead]!, replyPdu, client);
      } catch (err) {
        fail(err);
        continue;
      }
      if (typeof result === "number") settle(result);
      else result.then(settle, fail);
    }
    pumping = false;
  };

  const attach = (p: RtuPort) => {
    p.on("data", onData);
    p.on("error", (err) => onEvent("error", err.message));
    p.on("close", (err) => {
      if (port !== p) return;
      port = undefined;
      framer.reset();
      // Waiting requests go with the port; the one being served (if any) finishes unanswered.
      qCount = busy ? 1 : 0;
      if (closed) return;
      onEvent("disconnected", `${endpoint.path}: ${err?.message ?? "closed"}`);
      reopenFailures = 0;
      reopenTimer = setTimeout(reopen, reopenMs);
    });
  };

  const reopen = async () => {
    reopenTimer = undefined;
    if (closed) return;
    const p = createPort(endpoint);
    p.on("error", () => undefined);
    try {
      await openPort(p);
    } catch (err) {
      if (reopenFailures++ === 0) onEvent("reopen_failed", `${endpoint.path}: ${(err as Error).message}; retrying every ${reopenMs} ms`);
      if (!closed) reopenTimer = setTimeout(reopen, reopenMs);
      return;
    }
    if (closed) {
      p.close();
      return;
    }
    port = p;
    attach(p);
    onEvent("open", `${endpoint.path} reopened`);
  };

  const first = createPort(endpoint);
  first.on("error", () => undefined);
  await openPort(first);
  port = first;
  attach(first);
  onEvent("open", `${endpoint.path} ${endpoint.baudRate} Bd ${endpoint.dataBits}${endpoint.parity[0]!.toUpperCase()}${endpoint.stopBits}`);

  return {
    stats: () => ({ ...framer.stats, ...counts }),
    async close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      if (reopenTimer !== undefined) clearTimeout(reopenTimer);
      const p = port;
      port = undefined;
      if (p !== undefined && p.isOpen) await new Promise<void>((resolve) => p.close(() => resolve()));
    },
  };
}
