import type { Endpoint } from "../bindings/endpoint.js";
import type { Fault } from "./fault.js";
import type { FaultProxyStats } from "./fault-stats.js";

/**
 * What the proxy reports as it runs: a fault change, a client connecting or leaving (TCP), the
 * server refusing or dropping a connection, the listener failing to re-bind after `drop`, bytes it
 * could not frame, a serial port closing under it.
 */
export type FaultProxyEvent = "fault" | "connection" | "disconnection" | "upstream-error" | "listen-error" | "unframed" | "port-closed";

export interface FaultProxyOptions {
  /** Where clients reach the proxy: a TCP address to listen on (port 0: any free port), or the serial port the client's line ends on. */
  listen: Endpoint;
  /** The real server: a TCP address, or the serial port its line ends on. Same transport as `listen`. */
  upstream: Endpoint;
  /** Told of each event (default: ignored). */
  onEvent?(kind: FaultProxyEvent, detail: string): void;
  /** Seed of the stream that picks which replies `drop-replies` loses (default 1). */
  seed?: number;
  /** Fault active from the start (default none). */
  fault?: Fault | null;
  /** RTU: silence that ends a frame of unknown length, ms (default: 3.5 characters at the baud rate, at least 5 ms). */
  rtuSilenceMs?: number;
}

export interface FaultProxy {
  /** The TCP port actually bound (the one chosen when `listen` asked for port 0); 0 for RTU. */
  readonly port: number;
  /** The active fault. */
  readonly fault: Fault;
  /**
   * Makes `f` the active fault (null: none), from the next frame on. Resolves once it is in effect:
   * after `drop` on TCP, once the listener is bound again (it retries every 500 ms, reporting
   * `listen-error`, until it is or the fault changes back). Never rejects.
   */
  setFault(f: Fault | null): Promise<void>;
  /** A snapshot of the counters. */
  stats(): FaultProxyStats;
  /** Stops listening, closes every connection or serial port, drops replies still held. */
  close(): Promise<void>;
}

/** Reports an event; the proxies call it for everything they want known. */
export type Emit = (kind: FaultProxyEvent, detail: string) => void;
