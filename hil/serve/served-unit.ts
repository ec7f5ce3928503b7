import type { RegisterTable } from "../profile/profile-types.js";

/**
 * What the twin serves on the wire: a set of Modbus units (one per served device, several on one
 * server), each with its four tables. The transports (hil/serve/tcp-server.ts over modbus-serial's
 * ServerTCP, hil/serve/rtu-server.ts with our own framer on serialport) answer requests from these
 * through one PDU handler (hil/serve/pdu.ts); the twin side (hil/serve/served-devices.ts) fills the
 * registers from the simulation each period and decides which writes a device accepts.
 *
 * Every table covers the whole 16-bit address space, so a request never needs a lookup to find its
 * registers and nothing is allocated per request; `mapped` says which addresses exist (a request
 * touching any other gets exception 02) and `writable` which of them a client may write (holding
 * registers and coils only; any other write gets exception 02, like an unmapped address).
 */
export const ADDRESS_SPACE = 0x10000;

export interface ServedTable {
  /** Register values (coils and discrete inputs: 0 or 1). */
  values: Uint16Array;
  /** 1 where the address exists. */
  mapped: Uint8Array;
  /** 1 where a client may write (holding and coil tables only). */
  writable: Uint8Array;
}

export interface ServedUnit {
  /** Modbus unit id, 1-247. */
  unitId: number;
  /** Device name, for the record (e.g. `bess1`). */
  name: string;
  holding: ServedTable;
  input: ServedTable;
  coil: ServedTable;
  discrete: ServedTable;
}

/** Outcome of a write check: 0 to accept, else the Modbus exception code (2: address, 3: value), with a reason for the record. */
export interface WriteVerdict {
  code: 0 | 2 | 3 | 4;
  reason: string;
}

/**
 * The twin side of writes. The PDU handler checks addresses, quantities and `writable` itself; then,
 * before any register changes, it asks `check` about the whole request (bounds, ramp, a device's own
 * rules); on 0 it copies the values into the table and calls `applied`, whose promise (if any) it
 * awaits before answering (lockstep: the reply to an advance write leaves after the twin advanced).
 * `client` names the requester for the record: `127.0.0.1:53422` (TCP) or `rtu:/dev/pts/3` (RTU).
 */
export interface WriteGate {
  check(unit: ServedUnit, table: "holding" | "coil", address: number, values: Uint16Array, count: number, client: string): WriteVerdict;
  applied(unit: ServedUnit, table: "holding" | "coil", address: number, count: number, client: string): void | Promise<void>;
  /** Every refused write (by the handler's own checks or by `check`), for the record. */
  refused(unitId: number, table: RegisterTable, address: number, count: number, code: number, reason: string, client: string): void;
}

/** An empty table (nothing mapped). */
export function emptyTable(): ServedTable {
  return { values: new Uint16Array(ADDRESS_SPACE), mapped: new Uint8Array(ADDRESS_SPACE), writable: new Uint8Array(ADDRESS_SPACE) };
}

/** A unit with all four tables empty. */
export function emptyUnit(unitId: number, name: string): ServedUnit {
  return { unitId, name, holding: emptyTable(), input: emptyTable(), coil: emptyTable(), discrete: emptyTable() };
}

/** What a PDU handler returns for a request to a unit id that is not served (TCP answers exception 0x0B; RTU stays silent: another device on the bus). */
export const UNKNOWN_UNIT = -1;

/**
 * Answers one request PDU (function code + data, `length` bytes of `pdu`) for `unitId` into `out`
 * (function code + data, at most 253 bytes): returns the response length, 0 for no response (a
 * broadcast, unit 0: writes applied, never answered), or UNKNOWN_UNIT. A promise only when a write's
 * `applied` returned one (lockstep). Implemented by hil/serve/pdu.ts; shared by the TCP and RTU servers.
 */
export type PduHandler = (unitId: number, pdu: Uint8Array, length: number, out: Uint8Array, client: string) => number | Promise<number>;
