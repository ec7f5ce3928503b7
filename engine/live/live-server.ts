import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The live view's HTTP server (node:http, nothing else): GET / is the page, GET /events a
 * server-sent-event stream. A client that connects gets `initial()` first (the rows so far, the
 * last progress), then every message `send` publishes. Binds to 127.0.0.1 unless told otherwise.
 */
export interface LiveServer {
  /** The page's address, e.g. http://127.0.0.1:40123/ */
  url: string;
  send(event: string, data: unknown): void;
  /** Resolves when the first page has connected to the event stream. */
  connected: Promise<void>;
  close(): Promise<void>;
}

export async function startLiveServer(page: string, initial: () => { event: string; data: unknown }[], port: number, host = "127.0.0.1"): Promise<LiveServer> {
  const clients = new Set<ServerResponse>();
  let firstClient: () => void = () => undefined;
  const connected = new Promise<void>((resolve) => (firstClient = resolve));
  const frame = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET") {
      res.writeHead(405, { allow: "GET" }).end();
    } else if (path === "/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(page);
    } else if (path === "/events") {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
      res.write(initial().map((m) => frame(m.event, m.data)).join(""));
      clients.add(res);
      firstClient();
      req.on("close", () => clients.delete(res));
    } else if (path === "/favicon.ico") {
      res.writeHead(204).end();
    } else {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}/`,
    connected,
    send(event: string, data: unknown): void {
      if (clients.size === 0) return;
      const text = frame(event, data);
      for (const client of clients) client.write(text);
    },
    close(): Promise<void> {
      for (const client of clients) client.end();
      clients.clear();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
