import ModbusSerial from "modbus-serial";
import type { ModbusRTU } from "modbus-serial/ModbusRTU.js";
import type { RegisterTable } from "../profile/profile-types.js";
import type { Endpoint } from "./endpoint.js";

/**
 * One Modbus bus (a TCP connection or a serial line) as the device port uses it: one request at a
 * time (RTU is half duplex, and modbus-serial's buffered RTU port keeps a single outstanding
 * request), a timeout on every request (the library's default waits forever), and reconnection
 * with backoff by building a new client, since a closed modbus-serial client never recovers
 * (hil-notes §2.3, "Port Not Open" forever). A dead link fails requests at once instead of making
 * the control loop wait for it.
 *
 * Outcomes are numbers, not exceptions: LINK_OK, a Modbus exception code (1-11), or one of the
 * negative LINK_* codes below.
 */
export const LINK_OK = 0;
/** No answer within the request timeout. */
export const LINK_TIMEOUT = -1;
/** Not connected (down, or reconnecting after backoff). */
export const LINK_DOWN = -2;
/** Anything else: a malformed reply, a socket error. */
export const LINK_FAILED = -3;

/** What a link reports to its owner: lost, restored, a failed connection attempt. */
export type LinkObserver = (kind: "link_lost" | "link_restored" | "link_connect_failed", detail: string) => void;

export interface ModbusLinkOptions {
  /** Per-request timeout, ms. */
  timeoutMs: number;
  /** First reconnect delay, ms; doubles up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Consecutive timeouts after which the connection is dropped and rebuilt (TCP through a dead peer). */
  timeoutsBeforeReconnect?: number;
  /** Monotonic clock in ms (injected so tests can drive it). */
  nowMs: () => number;
}

/** Called once with a request's outcome: LINK_OK, a Modbus exception code or a negative LINK_* code. */
export type LinkDone = (code: number) => void;

/**
 * Requests take a `done` callback, not a promise, so the real-time loop's requests allocate
 * nothing on this side of the library (issue #11); `done` may run before the call returns (a
 * link that is down answers at once). readAsync / writeRegistersAsync / writeCoilAsync wrap them
 * for code off the hot path.
 */
export interface ModbusLink {
  readonly endpoint: Endpoint;
  /** Told of link events (set by the owner; default: ignored). */
  observer: LinkObserver;
  /** True while connected. */
  readonly up: boolean;
  /** Starts connecting (returns once the first attempt has succeeded or failed). */
  open(): Promise<void>;
  /**
   * Reads `count` registers (holding, input) or bits (coil, discrete; as 0 / 1) of one unit into
   * `out` from `outOffset`, then calls `done`.
   */
  read(unitId: number, table: RegisterTable, address: number, count: number, out: Uint16Array, outOffset: number, done: LinkDone): void;
  /** Writes `count` holding registers from `values` (FC6 for one register, FC16 for more). */
  writeRegisters(unitId: number, address: number, values: Uint16Array, count: number, done: LinkDone): void;
  /** Writes one coil (FC5). */
  writeCoil(unitId: number, address: number, on: boolean, done: LinkDone): void;
  /** Reason of the last failed request, for the record. */
  lastError(): string;
  close(): Promise<void>;
}

/** link.read as a promise of its outcome. */
export function readAsync(link: ModbusLink, unitId: number, table: RegisterTable, address: number, count: number, out: Uint16Array, outOffset: number): Promise<number> {
  return new Promise((resolve) => link.read(unitId, table, address, count, out, outOffset, resolve));
}
/** link.writeRegisters as a promise of its outcome. */
export function writeRegistersAsync(link: ModbusLink, unitId: number, address: number, values: Uint16Array, count: number): Promise<number> {
  return new Promise((resolve) => link.writeRegisters(unitId, address, values, count, resolve));
}
/** link.writeCoil as a promise of its outcome. */
export function writeCoilAsync(link: ModbusLink, unitId: number, address: number, on: boolean): Promise<number> {
  return new Promise((resolve) => link.writeCoil(unitId, address, on, resolve));
}

type Client = ModbusRTU;
// modbus-serial is CommonJS: its default export is the client class (typed separately).
const ClientClass = ModbusSerial as unknown as typeof ModbusRTU;
type Callback = (err: (Error & { modbusCode?: number; errno?: string }) | null, data?: { data?: ArrayLike<number | boolean> }) => void;


const READ = 0;
const WRITE = 1;

/** Creates the link; nothing is connected until open(). */
export function createModbusLink(endpoint: Endpoint, options: ModbusLinkOptions): ModbusLink {
  const backoffStartMs = options.backoffMs ?? 200;
  const maxBackoffMs = options.maxBackoffMs ?? 5000;
  const timeoutsBeforeReconnect = options.timeoutsBeforeReconnect ?? 3;
  let client: Client | undefined;
  // The callback handed to the library with every request on `client`: one per connection, so a
  // late callback from a dropped connection is told apart (the library calls back once per
  // request on a live one: a reply after its timeout is dropped there).
  let onReply: Callback | undefined;
  let up = false;
  let everUp = false;
  let connecting: Promise<void> | undefined;
  let nextAttemptMs = 0;
  let backoffMs = backoffStartMs;
  let consecutiveTimeouts = 0;
  let lastError = "";
  let closed = false;
  // One request at a time. The one on the wire is described by these (no object per request);
  // `done` is undefined when none is. Requests made meanwhile wait in `queue` (a closure each:
  // only when two users share the link; the real-time loop never makes two at once) and start in
  // order.
  let done: LinkDone | undefined;
  let kind = READ;
  let readOut: Uint16Array | undefined;
  let readOffset = 0;
  let readCount = 0;
  const queue: (() => void)[] = [];
  const idleWaiters: (() => void)[] = [];
  // FC16 takes a plain array: one per register count, reused (the library copies it at once).
  const fc16Arrays: number[][] = [];

  const drop = (why: string) => {
    if (client !== undefined) {
      const old = client;
      client = undefined;
      onReply = undefined;
      (old as unknown as NodeJS.EventEmitter).removeAllListeners("close");
      try {
        old.close(() => undefined);
      } catch {
        // already closed
      }
    }
    if (up) {
      up = false;
      link.observer("link_lost", why);
    }
    if (done !== undefined) {
      lastError = why;
      settle(LINK_DOWN);
    }
    nextAttemptMs = options.nowMs() + backoffMs;
    backoffMs = Math.min(maxBackoffMs, backoffMs * 2);
  };

  const connect = async (): Promise<void> => {
    const c = new ClientClass();
    c.setTimeout(options.timeoutMs);
    try {
      if (endpoint.kind === "tcp") {
        await c.connectTCP(endpoint.host, { port: endpoint.port, timeout: options.timeoutMs } as never);
      } else {
        await c.connectRTUBuffered(endpoint.path, {
          baudRate: endpoint.baudRate,
          dataBits: endpoint.dataBits,
          parity: endpoint.parity,
          stopBits: endpoint.stopBits,
        });
      }
    } catch (err) {
      lastError = `connect: ${(err as Error).message}`;
      try {
        c.close(() => undefined);
      } catch {
        // never opened
      }
      nextAttemptMs = options.nowMs() + backoffMs;
      if (!everUp || backoffMs === backoffStartMs) link.observer("link_connect_failed", lastError);
      backoffMs = Math.min(maxBackoffMs, backoffMs * 2);
      return;
    }
    if (closed) {
      c.close(() => undefined);
      return;
    }
    client = c;
    onReply = (err, data) => {
      if (client === c) reply(err, data);
    };
    (c as unknown as NodeJS.EventEmitter).on("close", () => {
      if (client === c) drop("connection closed by the peer");
    });
    up = true;
    consecutiveTimeouts = 0;
    backoffMs = backoffStartMs;
    link.observer("link_restored", everUp ? "reconnected" : "connected");
    everUp = true;
  };

  const ensure = () => {
    if (up || closed || connecting !== undefined || options.nowMs() < nextAttemptMs) return;
    connecting = connect().finally(() => {
      connecting = undefined;
    });
  };

  const outcome = (err: Parameters<Callback>[0]): number => {
    if (err === null) {
      consecutiveTimeouts = 0;
      return LINK_OK;
    }
    lastError = err.message;
    if (typeof err.modbusCode === "number") {
      consecutiveTimeouts = 0;
      return err.modbusCode;
    }
    if (err.errno === "ETIMEDOUT" || /timed out/i.test(err.message)) {
      consecutiveTimeouts++;
      if (consecutiveTimeouts >= timeoutsBeforeReconnect) drop(`${consecutiveTimeouts} requests timed out in a row`);
      return LINK_TIMEOUT;
    }
    if (/not open/i.test(err.message)) {
      drop(err.message);
      return LINK_DOWN;
    }
    return LINK_FAILED;
  };

  // The library's answer to the request on the wire.
  const reply: Callback = (err, data) => {
    if (done === undefined) return;
    const code = outcome(err);
    // outcome() may have dropped the connection, which settles the request.
    if (done === undefined) return;
    if (code === LINK_OK && kind === READ) {
      const values = data?.data;
      if (values === undefined || values.length < readCount) {
        lastError = `short reply: ${values?.length ?? 0} of ${readCount} values`;
        settle(LINK_FAILED);
        return;
      }
      const out = readOut!;
      for (let i = 0; i < readCount; i++) out[readOffset + i] = Number(values[i]);
    }
    settle(code);
  };

  // Ends the request on the wire with `code`: its `done` runs (a request it makes starts at once,
  // or queues behind those waiting), then the next queued request starts.
  const settle = (code: number) => {
    const finished = done!;
    done = undefined;
    readOut = undefined;
    finished(code);
    if (done !== undefined) return;
    const next = queue.shift();
    if (next !== undefined) next();
    else while (idleWaiters.length > 0) idleWaiters.shift()!();
  };

  /** The client to send a request on, with the request marked on the wire; undefined (and settled LINK_DOWN) when the link is down. */
  const begin = (requestKind: number, requestDone: LinkDone): Client | undefined => {
    done = requestDone;
    kind = requestKind;
    ensure();
    if (!up || client === undefined) {
      lastError = lastError || "not connected";
      settle(LINK_DOWN);
      return undefined;
    }
    return client;
  };
  // The library threw instead of calling back: the request fails (and the link stays usable).
  const failed = (err: unknown) => {
    lastError = err instanceof Error ? err.message : String(err);
    if (done !== undefined) settle(LINK_FAILED);
  };

  const startRead = (unitId: number, table: RegisterTable, address: number, count: number, out: Uint16Array, outOffset: number, requestDone: LinkDone) => {
    const c = begin(READ, requestDone);
    if (c === undefined) return;
    readOut = out;
    readOffset = outOffset;
    readCount = count;
    try {
      if (table === "holding") c.writeFC3(unitId, address, count, onReply as never);
      else if (table === "input") c.writeFC4(unitId, address, count, onReply as never);
      else if (table === "coil") c.writeFC1(unitId, address, count, onReply as never);
      else c.writeFC2(unitId, address, count, onReply as never);
    } catch (err) {
      failed(err);
    }
  };
  const startWriteRegisters = (unitId: number, address: number, values: Uint16Array, count: number, requestDone: LinkDone) => {
    const c = begin(WRITE, requestDone);
    if (c === undefined) return;
    try {
      if (count === 1) {
        c.writeFC6(unitId, address, values[0]!, onReply as never);
        return;
      }
      const array = (fc16Arrays[count] ??= new Array<number>(count).fill(0));
      for (let i = 0; i < count; i++) array[i] = values[i]!;
      c.writeFC16(unitId, address, array, onReply as never);
    } catch (err) {
      failed(err);
    }
  };
  const startWriteCoil = (unitId: number, address: number, on: boolean, requestDone: LinkDone) => {
    const c = begin(WRITE, requestDone);
    if (c === undefined) return;
    try {
      c.writeFC5(unitId, address, on, onReply as never);
    } catch (err) {
      failed(err);
    }
  };

  const link: ModbusLink = {
    endpoint,
    observer: () => undefined,
    get up() {
      return up;
    },
    async open() {
      ensure();
      if (connecting !== undefined) await connecting;
    },
    // Each starts now when the link is free, else queues a closure that starts it.
    read(unitId, table, address, count, out, outOffset, requestDone) {
      if (done !== undefined || queue.length > 0) queue.push(() => startRead(unitId, table, address, count, out, outOffset, requestDone));
      else startRead(unitId, table, address, count, out, outOffset, requestDone);
    },
    writeRegisters(unitId, address, values, count, requestDone) {
      if (done !== undefined || queue.length > 0) queue.push(() => startWriteRegisters(unitId, address, values, count, requestDone));
      else startWriteRegisters(unitId, address, values, count, requestDone);
    },
    writeCoil(unitId, address, on, requestDone) {
      if (done !== undefined || queue.length > 0) queue.push(() => startWriteCoil(unitId, address, on, requestDone));
      else startWriteCoil(unitId, address, on, requestDone);
    },
    lastError: () => lastError,
    async close() {
      closed = true;
      if (connecting !== undefined) await connecting;
      if (done !== undefined) await new Promise<void>((resolve) => idleWaiters.push(resolve));
      const c = client;
      client = undefined;
      onReply = undefined;
      up = false;
      if (c !== undefined) await new Promise<void>((resolve) => c.close(() => resolve()));
    },
  };
  return link;
}
