import { EventEmitter } from "node:events";
import type { Socket } from "node:net";
import type { ServedPdu } from "./pdu.js";
import { EXCEPTION_GATEWAY_TARGET_FAILED, FC_ENCAPSULATED_INTERFACE, FC_READ_WRITE_MULTIPLE_REGISTERS, FC_WRITE_MULTIPLE_COILS, MAX_PDU_BYTES } from "./pdu-limits.js";
import { UNKNOWN_UNIT } from "./served-unit.js";
import type { PendingWrite } from "./tcp-vector.js";

/**
 * One client connection of the served twin, guarded in front of modbus-serial's ServerTCP.
 *
 * The library never sees the client's socket: it gets a LibrarySocket stand-in (below) and only
 * complete MBAP frames that the PDU handler has validated. That is how its defects are kept out
 * (hil-notes §2.2): it reads the MBAP length without checking the protocol id or bounding the
 * buffer, it answers 04 or nothing for out-of-range quantities and FC5 values, and it splits FC16 and
 * FC15 writes. Requests it should not see are answered here: exceptions (with the request's
 * transaction and unit id; 0x0B for a unit not served), and FC15/23/43 straight from the PDU handler.
 *
 * Requests on one connection are processed one at a time, in order: the next frame is not even
 * parsed before the previous one is answered (the socket is paused meanwhile, so the kernel holds
 * what a pipelining client sends). This keeps a pipelined batch's writes and reads in the client's
 * order whichever path each takes (the library answers after a setTimeout(0), the handler at once)
 * and bounds memory per connection to one 260-byte frame plus the chunk being read. Replies of
 * different connections may interleave in any order; transaction ids make that legal.
 */

/** MBAP header: transaction id, protocol id, length (unit id onwards). The unit id is byte 6. */
const MBAP_HEADER_BYTES = 6;
/** Largest ADU: 7-byte MBAP header (with the unit id) + 253-byte PDU. */
export const MAX_ADU_BYTES = 7 + MAX_PDU_BYTES;
/** MBAP length bounds: unit id + function code at least, unit id + 253-byte PDU at most. */
const MIN_MBAP_LENGTH = 2;
const MAX_MBAP_LENGTH = 1 + MAX_PDU_BYTES;

export type TcpEventKind =
  | "listening"
  | "connection"
  | "refused"
  | "closed"
  | "bad_frame"
  | "frame_timeout"
  | "idle_timeout"
  | "stalled"
  | "socket_error"
  | "server_error"
  | "library_error";

export interface TcpServerStats {
  /** Connections open now. */
  connections: number;
  accepted: number;
  /** Closed at once: not in the allow-list, or over the connection limit. */
  refused: number;
  /** Complete frames received. */
  requests: number;
  /** Handed to modbus-serial's ServerTCP. */
  toLibrary: number;
  /** Answered by the PDU handler directly (FC15, 23, 43; broadcasts). */
  direct: number;
  /** Exceptions answered by the guard (validation failed, unit not served). */
  exceptions: number;
  /** Connections closed for a malformed MBAP header. */
  badFrames: number;
  /** Connections closed for a stalled frame, idleness, or a reply that never came. */
  timeouts: number;
  /** Writes handed to the library whose vector call has not come yet (0 when idle; more would be a leak). */
  queuedWrites: number;
}

/** What a connection shares with its server. */
export interface GuardContext {
  handler: ServedPdu;
  pendingWrites: PendingWrite[];
  stats: TcpServerStats;
  event(kind: TcpEventKind, detail: string): void;
  nowMs(): number;
  /** The library's own 'connection' listener, called with the stand-in socket. */
  libraryConnection(socket: LibrarySocket): void;
  closed(connection: GuardedConnection): void;
}

/**
 * What the library's connection handler uses of a socket (servertcp.js): event listeners for
 * 'data', 'close' and 'error', `write` for replies, `destroy` on server close, and the addresses it
 * logs. Its writes come back to the guard, which forwards them and moves on to the next request.
 */
export class LibrarySocket extends EventEmitter {
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  readonly localPort: number | undefined;

  constructor(private readonly connection: GuardedConnection) {
    super();
    this.remoteAddress = connection.socket.remoteAddress;
    this.remotePort = connection.socket.remotePort;
    this.localPort = connection.socket.localPort;
  }

  address(): ReturnType<Socket["address"]> {
    return this.connection.socket.address();
  }

  write(reply: Buffer): boolean {
    this.connection.libraryReplied(reply);
    return true;
  }

  destroy(): void {
    this.connection.socket.destroy();
  }
}

export class GuardedConnection {
  /** The frame being assembled: MBAP header, unit id, PDU. */
  private readonly frame = Buffer.alloc(MAX_ADU_BYTES);
  private readonly pdu = this.frame.subarray(MBAP_HEADER_BYTES + 1);
  private readonly out = new Uint8Array(MAX_PDU_BYTES);
  private filled = 0;
  private needed = MBAP_HEADER_BYTES;
  /** The chunk being read and how far; null when it is used up (the socket then flows again). */
  private chunk: Buffer | null = null;
  private chunkAt = 0;
  private paused = false;
  private pumping = false;
  private ended = false;
  private inFlight = false;
  private waitingDrain = false;
  /** Transaction and unit id of the request in flight, for its reply. */
  private transactionId = 0;
  private unitId = 0;
  /** When the first byte of the incomplete frame arrived, or -1. */
  partialSinceMs = -1;
  /** When the request in flight was dispatched. */
  inFlightSinceMs = 0;
  lastActivityMs: number;
  readonly shim: LibrarySocket;

  constructor(
    readonly socket: Socket,
    readonly client: string,
    private readonly ctx: GuardContext,
  ) {
    this.lastActivityMs = ctx.nowMs();
    this.shim = new LibrarySocket(this);
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.received(chunk));
    // The server is half-open: a client may send its requests and shut down its side, and still get the replies.
    socket.on("end", () => {
      this.ended = true;
      this.pump();
    });
    socket.on("drain", () => {
      this.waitingDrain = false;
      this.pump();
    });
    socket.on("error", (error) => ctx.event("socket_error", `${client}: ${error.message}`));
    socket.on("close", () => {
      this.chunk = null;
      ctx.closed(this);
      this.shim.emit("close");
    });
  }

  /** True while a request is being answered (its time is the twin's, not the client's). */
  get busy(): boolean {
    return this.inFlight;
  }

  /** True while part of a frame has been read. */
  get partial(): boolean {
    return this.filled > 0;
  }

  close(kind: TcpEventKind, detail: string): void {
    this.ctx.event(kind, `${this.client}: ${detail}`);
    this.socket.destroy();
  }

  private received(chunk: Buffer): void {
    this.lastActivityMs = this.ctx.nowMs();
    // The socket is paused while a chunk is held, so this is not expected; if it happens, keep both.
    this.chunk = this.chunk === null ? chunk : Buffer.concat([this.chunk.subarray(this.chunkAt), chunk]);
    this.chunkAt = 0;
    this.pump();
  }

  /** Reads frames out of the current chunk until it is used up or a request is in flight. */
  private pump(): void {
    if (this.pumping) return; // a reply arrived while dispatching: the loop below carries on
    this.pumping = true;
    while (!this.inFlight && !this.waitingDrain && this.chunk !== null && !this.socket.destroyed) {
      const chunk = this.chunk;
      const available = chunk.length - this.chunkAt;
      if (available === 0) {
        this.chunk = null;
        break;
      }
      const take = Math.min(this.needed - this.filled, available);
      chunk.copy(this.frame, this.filled, this.chunkAt, this.chunkAt + take);
      this.filled += take;
      this.chunkAt += take;
      if (this.filled < this.needed) continue;
      if (this.needed === MBAP_HEADER_BYTES) {
        const protocolId = this.frame.readUInt16BE(2);
        const length = this.frame.readUInt16BE(4);
        if (protocolId !== 0 || length < MIN_MBAP_LENGTH || length > MAX_MBAP_LENGTH) {
          this.ctx.stats.badFrames++;
          this.close("bad_frame", `MBAP protocol id ${protocolId}, length ${length} (expected 0 and ${MIN_MBAP_LENGTH}-${MAX_MBAP_LENGTH})`);
          break;
        }
        this.needed = MBAP_HEADER_BYTES + length;
        continue;
      }
      const frameBytes = this.needed;
      this.filled = 0;
      this.needed = MBAP_HEADER_BYTES;
      this.partialSinceMs = -1;
      this.dispatch(frameBytes);
    }
    if (this.filled > 0 && this.partialSinceMs < 0) this.partialSinceMs = this.ctx.nowMs();
    this.pumping = false;
    if (this.socket.destroyed) return;
    if (this.chunk !== null && !this.paused) {
      this.socket.pause();
      this.paused = true;
    } else if (this.chunk === null && this.paused) {
      this.socket.resume();
      this.paused = false;
    }
    if (this.chunk === null && this.ended && !this.inFlight && !this.socket.writableEnded) this.socket.end();
  }

  /** Answers one complete frame, or hands it to the library. */
  private dispatch(frameBytes: number): void {
    const ctx = this.ctx;
    ctx.stats.requests++;
    this.transactionId = this.frame.readUInt16BE(0);
    this.unitId = this.frame[MBAP_HEADER_BYTES];
    const pduLength = frameBytes - MBAP_HEADER_BYTES - 1;
    const fc = this.pdu[0];
    if (this.unitId === 0 || fc === FC_WRITE_MULTIPLE_COILS || fc === FC_READ_WRITE_MULTIPLE_REGISTERS || fc === FC_ENCAPSULATED_INTERFACE) {
      ctx.stats.direct++;
      const answer = ctx.handler.handle(this.unitId, this.pdu, pduLength, this.out, this.client);
      if (typeof answer === "number") this.answer(answer, fc);
      else {
        this.inFlight = true;
        this.inFlightSinceMs = ctx.nowMs();
        answer.then(
          (length) => this.settled(length, fc),
          () => this.settled(0, fc),
        );
      }
      return;
    }
    const code = ctx.handler.validate(this.unitId, this.pdu, pduLength, this.client);
    if (code !== 0) {
      this.exception(fc, code === UNKNOWN_UNIT ? EXCEPTION_GATEWAY_TARGET_FAILED : code);
      return;
    }
    ctx.stats.toLibrary++;
    if (fc === 5 || fc === 6 || fc === 16) {
      ctx.pendingWrites.push({ unitId: this.unitId, address: (this.pdu[1] << 8) | this.pdu[2], client: this.client });
    }
    this.inFlight = true;
    this.inFlightSinceMs = ctx.nowMs();
    // The library copies the frame (Buffer.concat) before this returns, so the frame buffer is free again.
    this.shim.emit("data", this.frame.subarray(0, frameBytes));
  }

  /** The library's reply to the request in flight. */
  libraryReplied(reply: Buffer): void {
    this.send(reply);
    this.inFlight = false;
    this.pump();
  }

  private settled(length: number, fc: number): void {
    this.inFlight = false;
    this.answer(length, fc);
    this.pump();
  }

  private answer(length: number, fc: number): void {
    if (length === UNKNOWN_UNIT) this.exception(fc, EXCEPTION_GATEWAY_TARGET_FAILED);
    else if (length > 0) this.reply(this.out, length);
    // 0: a broadcast, never answered.
  }

  private exception(fc: number, code: number): void {
    this.ctx.stats.exceptions++;
    this.out[0] = (fc | 0x80) & 0xff;
    this.out[1] = code;
    this.reply(this.out, 2);
  }

  /** Sends `pdu` as an ADU with the request's transaction and unit id. */
  private reply(pdu: Uint8Array, length: number): void {
    // A fresh buffer per reply: the socket may keep it queued after write() returns.
    const adu = Buffer.allocUnsafe(MBAP_HEADER_BYTES + 1 + length);
    adu.writeUInt16BE(this.transactionId, 0);
    adu.writeUInt16BE(0, 2);
    adu.writeUInt16BE(length + 1, 4);
    adu[MBAP_HEADER_BYTES] = this.unitId;
    adu.set(pdu.subarray(0, length), MBAP_HEADER_BYTES + 1);
    this.send(adu);
  }

  private send(adu: Buffer): void {
    if (this.socket.destroyed || this.socket.writableEnded) return;
    this.lastActivityMs = this.ctx.nowMs();
    // A client that does not read its replies stops being read (no unbounded queue here).
    if (!this.socket.write(adu)) this.waitingDrain = true;
  }
}
