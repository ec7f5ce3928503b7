import { toEndpointText } from "./bindings/endpoint.js";
import { createFaultPolicy } from "./fault-proxy/fault-policy.js";
import type { FaultProxy, FaultProxyOptions } from "./fault-proxy/fault-proxy-types.js";
import { createRtuFaultProxy } from "./fault-proxy/rtu-fault-proxy.js";
import { createTcpFaultProxy } from "./fault-proxy/tcp-fault-proxy.js";
import { UserError } from "../models/lib/errors.js";

export type { Fault, FaultKind } from "./fault-proxy/fault.js";
export { fromFault, NO_FAULT, toFaultText } from "./fault-proxy/fault.js";
export type { ScheduledFault } from "./fault-proxy/fault-schedule.js";
export { fromFaultSchedule } from "./fault-proxy/fault-schedule.js";
export type { FaultProxy, FaultProxyEvent, FaultProxyOptions } from "./fault-proxy/fault-proxy-types.js";
export type { FaultProxyStats } from "./fault-proxy/fault-stats.js";
export { toStatsLine } from "./fault-proxy/fault-stats.js";
export { runFaultSchedule } from "./fault-proxy/run-fault-schedule.js";

/**
 * A Modbus fault proxy (issue #12): sits between a client (a controller, `dctwin hil`, mbpoll) and
 * a server (a device, `dctwin serve`, the pymodbus peer) and injects one fault at a time, switchable
 * while it runs: link drop, added reply delay, dropped replies, damaged replies, forced exception
 * replies (hil/fault-proxy/fault.ts). TCP to TCP, or RTU to RTU between two serial lines; it is not
 * a gateway, so both ends use the same transport. A TCP listener binds where `listen` says (the
 * CLI defaults to the loopback). Resolves once listening (TCP) or both ports are open (RTU); rejects
 * if it cannot.
 *
 * Example:
 *   const proxy = await createFaultProxy({ listen: { kind: "tcp", host: "127.0.0.1", port: 0 }, upstream: { kind: "tcp", host: "127.0.0.1", port: 5020 } });
 *   await proxy.setFault({ kind: "exception", code: 4 }); // every read through proxy.port now gets exception 04
 *   proxy.stats().exception.replies; // → requests answered with exception 04 so far
 */
export async function createFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const { listen, upstream } = options;
  const emit = options.onEvent ?? (() => undefined);
  const policy = createFaultPolicy(options.seed ?? 1);
  policy.set(options.fault ?? null);
  if (listen.kind === "tcp" && upstream.kind === "tcp") return createTcpFaultProxy(listen, upstream, policy, emit);
  if (listen.kind === "rtu" && upstream.kind === "rtu") return createRtuFaultProxy(listen, upstream, policy, emit, options.rtuSilenceMs);
  throw new UserError(`fault proxy: listen ${toEndpointText(listen)} and upstream ${toEndpointText(upstream)} use different transports; expected TCP to TCP or RTU to RTU (the proxy is not a gateway)`);
}
