import { SerialPort } from "serialport";
import { type Endpoint, toEndpointText } from "../bindings/endpoint.js";
import { silenceMsFor } from "../serve/rtu-framer.js";
import { type Fault, toFaultText } from "./fault.js";
import type { FaultPolicy } from "./fault-policy.js";
import type { Emit, FaultProxy } from "./fault-proxy-types.js";
import { copyFaultProxyStats } from "./fault-stats.js";
import { fromRtuReplyLength, fromRtuRequestLength, toCrcFlipped, toRtuException } from "./rtu-frame.js";
import { createRtuFramer, type FrameCut } from "./rtu-framer.js";
import { createReplyQueue } from "./reply-queue.js";

type RtuEndpoint = Extract<Endpoint, { kind: "rtu" }>;

/** Shortest silence that ends a frame of unknown length, ms: timers and pty reads are not finer than this. */
const MIN_SILENCE_MS = 5;
/** Silence after which an incomplete frame of known length is passed on, ms (see RtuFramerTiming.partialMs). */
const PARTIAL_FRAME_MS = 50;

function openSerial(e: RtuEndpoint): Promise<SerialPort> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path: e.path, baudRate: e.baudRate, dataBits: e.dataBits, parity: e.parity, stopBits: e.stopBits, autoOpen: false });
    port.open((err) => {
      if (!err) return resolve(port);
      // serialport's message usually names the path already ("Error: No such file or directory, cannot open /dev/x").
      const message = err.message.replace(/^Error: /, "");
      reject(new Error(message.includes(e.path) ? message : `cannot open ${e.path}: ${message}`));
    });
  });
}

function closeSerial(port: SerialPort): Promise<void> {
  return new Promise((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()));
}

/**
 * The Modbus RTU proxy: two serial ports, the client's line on `listen` and the server's on
 * `upstream` (for example the far ends of two socat pty pairs). Requests are cut by their length
 * from the function code, replies likewise, with silence as the fallback (rtu-framer.ts). RTU is
 * half duplex with one request in flight, so each reply belongs to the last request forwarded.
 * `drop` swallows every frame both ways (a cut line); an exception is never sent for a broadcast
 * (unit 0), which no device answers.
 */
export async function createRtuFaultProxy(listen: RtuEndpoint, upstream: RtuEndpoint, policy: FaultPolicy, emit: Emit, silenceMs?: number): Promise<FaultProxy> {
  const clientPort = await openSerial(listen);
  let serverPort: SerialPort;
  try {
    serverPort = await openSerial(upstream);
  } catch (err) {
    await closeSerial(clientPort);
    throw err;
  }
  let closed = false;
  const timing = { silenceMs: silenceMs ?? Math.max(MIN_SILENCE_MS, silenceMsFor(listen)), partialMs: PARTIAL_FRAME_MS };
  const queue = createReplyQueue((frame) => {
    if (closed) return;
    clientPort.write(frame);
    policy.stats.clientReplies++;
  });

  const onRequest = (frame: Buffer, cut: FrameCut) => {
    if (cut === "silence" && fromRtuRequestLength(frame) > 0) policy.stats.unframedBytes += frame.length;
    const action = policy.request();
    if (action === "forward") serverPort.write(frame);
    else if (action === "exception" && frame.length >= 2 && frame[0] !== 0) {
      queue.send(toRtuException(frame[0]!, frame[1]!, (policy.fault as Extract<Fault, { kind: "exception" }>).code), 0);
      policy.stats.exception.replies++;
    }
  };
  const onReply = (frame: Buffer, cut: FrameCut) => {
    if (cut === "silence" && fromRtuReplyLength(frame) > 0) policy.stats.unframedBytes += frame.length;
    const action = policy.reply();
    // Copies: a held reply must not share memory with the framer's buffer.
    if (action === "pass") queue.send(Buffer.from(frame), policy.replyDelayMs());
    else if (action === "corrupt") queue.send(toCrcFlipped(frame), 0);
  };
  const requests = createRtuFramer(fromRtuRequestLength, onRequest, timing);
  const replies = createRtuFramer(fromRtuReplyLength, onReply, timing);
  clientPort.on("data", (chunk: Buffer) => requests.push(chunk));
  serverPort.on("data", (chunk: Buffer) => replies.push(chunk));
  for (const [port, e] of [[clientPort, listen], [serverPort, upstream]] as const) {
    port.on("error", (err) => emit("port-closed", `${toEndpointText(e)}: ${err.message}`));
    port.on("close", () => {
      if (!closed) emit("port-closed", `${toEndpointText(e)} closed`);
    });
  }

  return {
    port: 0,
    get fault() {
      return policy.fault;
    },
    async setFault(f) {
      policy.set(f);
      emit("fault", toFaultText(policy.fault));
      if (policy.fault.kind === "drop") queue.clear();
    },
    stats: () => copyFaultProxyStats(policy.stats),
    async close() {
      closed = true;
      queue.clear();
      requests.reset();
      replies.reset();
      await Promise.all([closeSerial(clientPort), closeSerial(serverPort)]);
    },
  };
}
