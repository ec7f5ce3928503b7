import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";
import { type Endpoint, toEndpointText } from "../bindings/endpoint.js";
import { type Fault, toFaultText } from "./fault.js";
import type { FaultPolicy } from "./fault-policy.js";
import type { Emit, FaultProxy } from "./fault-proxy-types.js";
import { copyFaultProxyStats } from "./fault-stats.js";
import { fromMbapLength, MBAP_INVALID, MBAP_NEED_MORE, toMbapException, toTruncatedMbap } from "./mbap-frame.js";
import { createReplyQueue, type ReplyQueue } from "./reply-queue.js";

type TcpEndpoint = Extract<Endpoint, { kind: "tcp" }>;

/** Time between attempts to bind the listener again after `drop`, ms. */
const RELISTEN_RETRY_MS = 500;

interface Pair {
  client: Socket;
  upstream: Socket;
  queue: ReplyQueue;
  end(): void;
}

/**
 * The Modbus TCP proxy: each client connection gets its own connection to the server, and both
 * directions are cut into whole ADUs (MBAP length) so each fault acts on one request or reply.
 * `drop` closes every client connection and stops listening, so a new connection is refused the
 * way a device that went away refuses it; leaving `drop` binds the same port again. Nagle is off on
 * both sides: a proxy that batched frames would add delay nobody asked for.
 */
export async function createTcpFaultProxy(listen: TcpEndpoint, upstream: TcpEndpoint, policy: FaultPolicy, emit: Emit): Promise<FaultProxy> {
  const pairs = new Set<Pair>();
  const upstreamText = toEndpointText(upstream);
  let server: Server | undefined;
  let port = listen.port;
  let closed = false;
  let relistening: Promise<void> | undefined;

  const bind = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const s = createServer({ noDelay: true }, accept);
      s.once("error", reject);
      s.listen(port, listen.host, () => {
        s.off("error", reject);
        s.on("error", (err) => emit("listen-error", err.message));
        port = (s.address() as AddressInfo).port;
        // The fault may have gone back to drop (or the proxy closed) while binding.
        if (closed || policy.fault.kind === "drop") s.close();
        else server = s;
        resolve();
      });
    });

  const unbind = () => {
    server?.close();
    server = undefined;
  };

  const relisten = (): Promise<void> => {
    relistening ??= (async () => {
      while (!closed && policy.fault.kind !== "drop" && server === undefined) {
        try {
          await bind();
        } catch (err) {
          emit("listen-error", `cannot listen on ${listen.host}:${port} again: ${(err as Error).message}; retrying in ${RELISTEN_RETRY_MS} ms`);
          await new Promise((r) => setTimeout(r, RELISTEN_RETRY_MS));
        }
      }
    })().finally(() => (relistening = undefined));
    return relistening;
  };

  function accept(client: Socket): void {
    if (closed || policy.fault.kind === "drop") {
      policy.stats.drop.connectionsClosed++;
      client.destroy();
      return;
    }
    policy.stats.connections++;
    const who = `${client.remoteAddress}:${client.remotePort}`;
    const up = connect({ host: upstream.host, port: upstream.port, noDelay: true });
    let done = false;
    let fromClient: Buffer = Buffer.alloc(0);
    let fromServer: Buffer = Buffer.alloc(0);
    const queue = createReplyQueue((frame) => {
      if (client.destroyed) return;
      client.write(frame);
      policy.stats.clientReplies++;
    });
    const pair: Pair = {
      client,
      upstream: up,
      queue,
      end() {
        if (done) return;
        done = true;
        queue.clear();
        client.destroy();
        up.destroy();
        pairs.delete(pair);
        emit("disconnection", who);
      },
    };
    pairs.add(pair);
    emit("connection", `${who} -> ${upstreamText}`);

    client.on("data", (chunk: Buffer) => {
      fromClient = fromClient.length === 0 ? chunk : Buffer.concat([fromClient, chunk]);
      for (;;) {
        const n = fromMbapLength(fromClient);
        if (n === MBAP_NEED_MORE || (n > 0 && fromClient.length < n)) return;
        if (n === MBAP_INVALID) {
          // Not Modbus TCP: pass it on untouched, the server will say what it thinks.
          policy.stats.unframedBytes += fromClient.length;
          emit("unframed", `${fromClient.length} bytes from ${who} are not a Modbus TCP request; passed on`);
          up.write(fromClient);
          fromClient = Buffer.alloc(0);
          return;
        }
        const frame = fromClient.subarray(0, n);
        fromClient = fromClient.subarray(n);
        const action = policy.request();
        if (action === "forward") up.write(frame);
        else if (action === "exception") {
          queue.send(toMbapException(frame, (policy.fault as Extract<Fault, { kind: "exception" }>).code), 0);
          policy.stats.exception.replies++;
        }
      }
    });
    up.on("data", (chunk: Buffer) => {
      fromServer = fromServer.length === 0 ? chunk : Buffer.concat([fromServer, chunk]);
      for (;;) {
        const n = fromMbapLength(fromServer);
        if (n === MBAP_NEED_MORE || (n > 0 && fromServer.length < n)) return;
        if (n === MBAP_INVALID) {
          policy.stats.unframedBytes += fromServer.length;
          emit("unframed", `${fromServer.length} bytes from ${upstreamText} are not a Modbus TCP reply; passed on`);
          queue.send(Buffer.from(fromServer), 0);
          fromServer = Buffer.alloc(0);
          return;
        }
        // A copy: a held reply must not share memory with a buffer that is still being filled.
        const frame = Buffer.from(fromServer.subarray(0, n));
        fromServer = fromServer.subarray(n);
        const action = policy.reply();
        if (action === "pass") queue.send(frame, policy.replyDelayMs());
        else if (action === "corrupt") queue.send(toTruncatedMbap(frame), 0);
      }
    });
    client.on("error", () => undefined); // "close" follows and ends the pair
    client.on("close", () => pair.end());
    up.on("error", (err) => emit("upstream-error", `${upstreamText} (for ${who}): ${err.message}`));
    up.on("close", () => pair.end());
  }

  await bind();

  return {
    get port() {
      return port;
    },
    get fault() {
      return policy.fault;
    },
    async setFault(f) {
      policy.set(f);
      emit("fault", toFaultText(policy.fault));
      if (policy.fault.kind === "drop") {
        unbind();
        for (const p of [...pairs]) {
          policy.stats.drop.connectionsClosed++;
          p.end();
        }
        return;
      }
      if (server === undefined && !closed) await relisten();
    },
    stats: () => copyFaultProxyStats(policy.stats),
    async close() {
      closed = true;
      const s = server;
      server = undefined;
      for (const p of [...pairs]) p.end();
      if (s !== undefined) await new Promise<void>((resolve) => s.close(() => resolve()));
      await relistening;
    },
  };
}
