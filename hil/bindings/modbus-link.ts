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
   * `out` from `outOffset`. Resolves with LINK_OK, an exception code or a negative LINK_* code.
   */
  read(unitId: number, table: RegisterTable, address: number, count: number, out: Uint16Array, outOffset: number): Promise<number>;
  /** Writes `count` holding registers from `values` (FC6 for one register, FC16 for more). */
  writeRegisters(unitId: number, address: number, values: Uint16Array, count: number): Promise<number>;
  /** Writes one coil (FC5). */
  writeCoil(unitId: number, address: number, on: boolean): Promise<number>;
  /** Reason of the last failed request, for the record. */
  lastError(): string;
  close(): Promise<void>;
}

type Client = ModbusRTU;
// modbus-serial is CommonJS: its default export is the client class (typed separately).
const ClientClass = ModbusSerial as unknown as typeof ModbusRTU;
type Callback = (err: (Error & { modbusCode?: number; errno?: string }) | null, data?: { data?: ArrayLike<number | boolean> }) => void;

/** Creates the link; nothing is connected until open(). */
export function createModbusLink(endpoint: Endpoint, options: ModbusLinkOptions): ModbusLink {
  const backoffStartMs = options.backoffMs ?? 200;
  const maxBackoffMs = options.maxBackoffMs ?? 5000;
  const timeoutsBeforeReconnect = options.timeoutsBeforeReconnect ?? 3;
  let client: Client | undefined;
  let up = false;
  let everUp = false;
  let connecting: Promise<void> | undefined;
  let nextAttemptMs = 0;
  let backoffMs = backoffStartMs;
  let consecutiveTimeouts = 0;
  let lastError = "";
  let closed = false;
  // One request at a time. `busy` while one is on the wire (or about to be); requests made
  // meanwhile wait in `queue` and start in order, each from a microtask after the one before
  // settles (never inside the library's callback). The real-time loop awaits every request, so the
  // queue is empty there and a request costs its promise and one callback closure (issue #11: a
  // promise chain per request was ~0.5 KB of garbage).
  let busy = false;
  const queue: (() => void)[] = [];
  const idleWaiters: (() => void)[] = [];
  // The request on the wire: its number, and how it is settled. It is ended at once (LINK_DOWN)
  // when the connection drops, because modbus-serial leaves it to its own timeout (hil-notes
  // §2.3); a late or second callback of a settled request is ignored (its number is not `current`).
  let current = 0;
  let settleCurrent: ((code: number) => void) | undefined;
  // new Promise(capture) hands its resolve function over without a closure per request.
  let captured: ((code: number) => void) | undefined;
  const capture = (resolve: (code: number) => void) => {
    captured = resolve;
  };
  // FC16 takes a plain array: one per register count, reused (the library copies it at once).
  const fc16Arrays: number[][] = [];

  const drop = (why: string) => {
    if (client !== undefined) {
      const old = client;
      client = undefined;
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
    if (settleCurrent !== undefined) {
      lastError = why;
      settle(current, LINK_DOWN);
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

  const runQueued = () => {
    const start = queue.shift();
    if (start !== undefined) start();
    else becomeIdle();
  };
  const becomeIdle = () => {
    busy = false;
    while (idleWaiters.length > 0) idleWaiters.shift()!();
  };
  // After a request settles: the next queued one starts from a microtask, or the link is idle.
  const release = () => {
    if (queue.length > 0) queueMicrotask(runQueued);
    else becomeIdle();
  };
  // Settles request `seq` if it is the one on the wire and not settled yet.
  const settle = (seq: number, code: number) => {
    if (seq !== current || settleCurrent === undefined) return;
    const resolve = settleCurrent;
    settleCurrent = undefined;
    resolve(code);
    release();
  };
  /**
   * Starts a request whose promise resolves with `resolve`: the client to send it on and its
   * number, or undefined when the link is down (then it is already settled with LINK_DOWN).
   */
  const begin = (resolve: (code: number) => void): Client | undefined => {
    ensure();
    const c = client;
    if (!up || c === undefined) {
      lastError = lastError || "not connected";
      resolve(LINK_DOWN);
      release();
      return undefined;
    }
    current++;
    settleCurrent = resolve;
    return c;
  };
  // The library threw instead of calling back: the request fails (and the link stays usable).
  const failed = (seq: number, err: unknown) => {
    lastError = err instanceof Error ? err.message : String(err);
    settle(seq, LINK_FAILED);
  };
  /** A new request's promise; its resolve function is left in `captured`. */
  const newRequest = (): Promise<number> => new Promise<number>(capture);
  const takeResolve = (): ((code: number) => void) => {
    const resolve = captured!;
    captured = undefined;
    return resolve;
  };

  const startRead = (resolve: (code: number) => void, unitId: number, table: RegisterTable, address: number, count: number, out: Uint16Array, outOffset: number) => {
    const c = begin(resolve);
    if (c === undefined) return;
    const seq = current;
    const cb: Callback = (err, data) => {
      if (seq !== current || settleCurrent === undefined) return;
      const code = outcome(err);
      if (code === LINK_OK) {
        const values = data?.data;
        if (values === undefined || values.length < count) {
          lastError = `short reply: ${values?.length ?? 0} of ${count} values`;
          settle(seq, LINK_FAILED);
          return;
        }
        for (let i = 0; i < count; i++) out[outOffset + i] = Number(values[i]);
      }
      settle(seq, code);
    };
    try {
      if (table === "holding") c.writeFC3(unitId, address, count, cb as never);
      else if (table === "input") c.writeFC4(unitId, address, count, cb as never);
      else if (table === "coil") c.writeFC1(unitId, address, count, cb as never);
      else c.writeFC2(unitId, address, count, cb as never);
    } catch (err) {
      failed(seq, err);
    }
  };
  const startWriteRegisters = (resolve: (code: number) => void, unitId: number, address: number, values: Uint16Array, count: number) => {
    const c = begin(resolve);
    if (c === undefined) return;
    const seq = current;
    const cb: Callback = (err) => {
      if (seq === current && settleCurrent !== undefined) settle(seq, outcome(err));
    };
    try {
      if (count === 1) {
        c.writeFC6(unitId, address, values[0]!, cb as never);
        return;
      }
      const array = (fc16Arrays[count] ??= new Array<number>(count).fill(0));
      for (let i = 0; i < count; i++) array[i] = values[i]!;
      c.writeFC16(unitId, address, array, cb as never);
    } catch (err) {
      failed(seq, err);
    }
  };
  const startWriteCoil = (resolve: (code: number) => void, unitId: number, address: number, on: boolean) => {
    const c = begin(resolve);
    if (c === undefined) return;
    const seq = current;
    try {
      c.writeFC5(unitId, address, on, ((err: Parameters<Callback>[0]) => {
        if (seq === current && settleCurrent !== undefined) settle(seq, outcome(err));
      }) as never);
    } catch (err) {
      failed(seq, err);
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
    // Each starts now when the link is free (no closure), else queues a closure that starts it.
    read(unitId, table, address, count, out, outOffset) {
      const promise = newRequest();
      const resolve = takeResolve();
      if (busy) {
        queue.push(() => startRead(resolve, unitId, table, address, count, out, outOffset));
      } else {
        busy = true;
        startRead(resolve, unitId, table, address, count, out, outOffset);
      }
      return promise;
    },
    writeRegisters(unitId, address, values, count) {
      const promise = newRequest();
      const resolve = takeResolve();
      if (busy) {
        queue.push(() => startWriteRegisters(resolve, unitId, address, values, count));
      } else {
        busy = true;
        startWriteRegisters(resolve, unitId, address, values, count);
      }
      return promise;
    },
    writeCoil(unitId, address, on) {
      const promise = newRequest();
      const resolve = takeResolve();
      if (busy) {
        queue.push(() => startWriteCoil(resolve, unitId, address, on));
      } else {
        busy = true;
        startWriteCoil(resolve, unitId, address, on);
      }
      return promise;
    },
    lastError: () => lastError,
    async close() {
      closed = true;
      if (connecting !== undefined) await connecting;
      if (busy) await new Promise<void>((resolve) => idleWaiters.push(resolve));
      const c = client;
      client = undefined;
      up = false;
      if (c !== undefined) await new Promise<void>((resolve) => c.close(() => resolve()));
    },
  };
  return link;
}
