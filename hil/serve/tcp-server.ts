import type { Server, Socket } from "node:net";
import { ServerTCP } from "modbus-serial";
import { fromAllowList } from "./allow-list.js";
import type { ServedPdu } from "./pdu.js";
import type { ServedUnit } from "./served-unit.js";
import { GuardedConnection, type GuardContext, type LibrarySocket, type TcpEventKind, type TcpServerStats } from "./tcp-connection.js";
import { createTcpVector, type PendingWrite } from "./tcp-vector.js";

export type { TcpEventKind, TcpServerStats } from "./tcp-connection.js";

/**
 * Modbus TCP for the served twin, on modbus-serial's ServerTCP (issue #12 asks for the library's
 * server), made correct by a guard in front of it and a full vector behind it:
 * - the library's net server keeps its socket, but its 'connection' listener is taken off and
 *   called by the guard with a stand-in socket (tcp-connection.ts), after the allow-list and the
 *   connection limit; so the library only ever receives complete, validated MBAP frames and every
 *   reply passes back through the guard;
 * - the vector (tcp-vector.ts) reads the served tables and writes through the PDU handler, so the
 *   gate sees every write whole and a lockstep reply waits for the twin.
 * Bind to loopback unless the hall's PLC is on another host: Modbus TCP has no authentication, the
 * allow-list is the only access control.
 */
export interface TcpServerOptions {
  /** Address to bind, e.g. 127.0.0.1 (the CLI's default) or 0.0.0.0. */
  host: string;
  /** TCP port, 1-65535 (0 is not possible: the library turns it into 502). */
  port: number;
  handler: ServedPdu;
  units: readonly ServedUnit[];
  /** Connections open at once; more are closed at once (default 8). */
  maxConnections?: number;
  /** Client addresses or CIDR blocks allowed to connect (default: anyone who can reach `host`). */
  allow?: readonly string[];
  /** A connection with no request for this long is closed, ms (default 60 000); so is one whose
   * request has had no reply for this long (the twin stopped in lockstep, or a library defect). */
  idleTimeoutMs?: number;
  /** A connection whose incomplete frame is older than this is closed (slow-loris), ms (default 2000). */
  frameTimeoutMs?: number;
  /** Told of connections, refusals, closed connections and their reasons, errors. */
  onEvent?: (kind: TcpEventKind, detail: string) => void;
}

export interface TcpServer {
  port: number;
  /** Closes the listener and every connection. */
  close(): Promise<void>;
  stats(): TcpServerStats;
}

/** The part of ServerTCP the guard reaches into (servertcp.js; not in its .d.ts). */
interface ServerTcpInternals {
  _server: Server & { allowHalfOpen: boolean };
}

/** Starts listening; resolves once bound, rejects if the port cannot be bound. */
export async function startTcpServer(options: TcpServerOptions): Promise<TcpServer> {
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) {
    throw new Error(`tcp server port must be 1-65535, got ${options.port} (modbus-serial's ServerTCP turns 0 into 502)`);
  }
  const maxConnections = options.maxConnections ?? 8;
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  const frameTimeoutMs = options.frameTimeoutMs ?? 2000;
  const allowed = options.allow === undefined ? undefined : fromAllowList(options.allow);
  const onEvent = options.onEvent ?? (() => {});
  const stats: TcpServerStats = { connections: 0, accepted: 0, refused: 0, requests: 0, toLibrary: 0, direct: 0, exceptions: 0, badFrames: 0, timeouts: 0, queuedWrites: 0 };
  const connections = new Set<GuardedConnection>();
  const pendingWrites: PendingWrite[] = [];
  const vector = createTcpVector(options.handler, options.units, pendingWrites, (detail) => onEvent("library_error", detail));

  // unitID 255: the library hands every unit id to the vector; the guard has already filtered them.
  const library = new ServerTCP(vector, { host: options.host, port: options.port, unitID: 255 });
  const net = (library as unknown as ServerTcpInternals)._server;
  await new Promise<void>((resolve, reject) => {
    library.once("initialized", () => resolve());
    library.once("serverError", (error) => reject(new Error(`modbus tcp server on ${options.host}:${options.port}: ${error?.message ?? error}`)));
  });
  library.on("serverError", (error) => onEvent("server_error", String(error?.message ?? error)));
  library.on("socketError", (error) => onEvent("socket_error", String(error?.message ?? error)));
  library.on("error", (error) => onEvent("library_error", String(error?.message ?? error)));

  const libraryListeners = net.listeners("connection");
  if (libraryListeners.length !== 1) throw new Error(`modbus-serial's ServerTCP has ${libraryListeners.length} connection listeners, the guard expects 1`);
  const libraryConnection = libraryListeners[0] as (socket: LibrarySocket) => void;
  net.removeListener("connection", libraryConnection);
  // Sockets accepted from now on are half-open (net.Server reads this field at each accept; it is not
  // in @types/node): see GuardedConnection's 'end' handler.
  net.allowHalfOpen = true;

  const ctx: GuardContext = {
    handler: options.handler,
    pendingWrites,
    stats,
    event: onEvent,
    nowMs: () => performance.now(),
    libraryConnection: (socket) => libraryConnection.call(net, socket),
    closed(connection) {
      if (!connections.delete(connection)) return;
      stats.connections = connections.size;
      onEvent("closed", connection.client);
    },
  };

  net.on("connection", (socket: Socket) => {
    const client = clientName(socket);
    const refusal =
      allowed !== undefined && !allowed(socket.remoteAddress ?? "") ? "not in the allow-list" : connections.size >= maxConnections ? `connection limit ${maxConnections} reached` : "";
    if (refusal !== "") {
      stats.refused++;
      onEvent("refused", `${client}: ${refusal}`);
      socket.destroy();
      return;
    }
    const connection = new GuardedConnection(socket, client, ctx);
    connections.add(connection);
    stats.accepted++;
    stats.connections = connections.size;
    onEvent("connection", client);
    ctx.libraryConnection(connection.shim);
  });

  // One sweep for every connection instead of a timer per frame: cheap, and a stalled frame is closed
  // within a quarter of its timeout.
  const sweepMs = Math.max(10, Math.min(1000, Math.min(idleTimeoutMs, frameTimeoutMs) / 4));
  const sweep = setInterval(() => {
    const now = performance.now();
    for (const connection of connections) {
      if (connection.busy) {
        // The twin is answering (lockstep may take a while); only a reply that never comes ends it.
        if (now - connection.inFlightSinceMs > idleTimeoutMs) {
          stats.timeouts++;
          connection.close("stalled", `no reply to the request in flight for ${idleTimeoutMs} ms`);
        }
      } else if (connection.partial && now - connection.partialSinceMs > frameTimeoutMs) {
        stats.timeouts++;
        connection.close("frame_timeout", `incomplete frame for more than ${frameTimeoutMs} ms`);
      } else if (!connection.partial && now - connection.lastActivityMs > idleTimeoutMs) {
        stats.timeouts++;
        connection.close("idle_timeout", `no request for ${idleTimeoutMs} ms`);
      }
    }
  }, sweepMs);
  sweep.unref();

  const address = net.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  onEvent("listening", `${options.host}:${port}`);
  return {
    port,
    stats: () => ({ ...stats, queuedWrites: pendingWrites.length }),
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(sweep);
        for (const connection of connections) connection.socket.destroy();
        library.close(() => resolve());
      }),
  };
}

/** `address:port`, IPv6 in brackets, for the record. */
function clientName(socket: Socket): string {
  const address = socket.remoteAddress ?? "?";
  return address.includes(":") ? `[${address}]:${socket.remotePort}` : `${address}:${socket.remotePort}`;
}
