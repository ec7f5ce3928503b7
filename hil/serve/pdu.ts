import type { RegisterTable } from "../profile/profile-types.js";
import { encodeIdentity, writeDeviceIdentification, LAST_BASIC_OBJECT, type DeviceIdentity } from "./device-identity.js";
import {
  COIL_OFF,
  COIL_ON,
  EXCEPTION_DEVICE_FAILURE,
  EXCEPTION_ILLEGAL_DATA_ADDRESS,
  EXCEPTION_ILLEGAL_DATA_VALUE,
  EXCEPTION_ILLEGAL_FUNCTION,
  MAX_READ_BITS,
  MAX_READ_REGISTERS,
  MAX_READ_WRITE_REGISTERS,
  MAX_WRITE_BITS,
  MAX_WRITE_REGISTERS,
  MEI_READ_DEVICE_ID,
} from "./pdu-limits.js";
import { ADDRESS_SPACE, UNKNOWN_UNIT, type PduHandler, type ServedTable, type ServedUnit, type WriteGate } from "./served-unit.js";

export type { DeviceIdentity } from "./device-identity.js";

/** The basic identification objects a served unit reports when the caller gives none. */
export const DEFAULT_IDENTITY: DeviceIdentity = { vendor: "dctwin", product: "dctwin served device", version: "dev" };

/**
 * One PDU handler over a set of served units, shared by every transport.
 * - `handle` answers a request in full (PduHandler contract, served-unit.ts).
 * - `validate` says what `handle` would answer without changing anything: 0 if the request is
 *   well formed, touches only mapped (and, for writes, writable) addresses and the gate accepts it;
 *   else the exception code (1-4), or UNKNOWN_UNIT. For writes it asks `gate.check` and records a
 *   refusal with `gate.refused`, so a transport can answer exceptions itself and hand only good
 *   requests on to another layer (tcp-server.ts, in front of modbus-serial's ServerTCP). For unit 0
 *   (broadcast) it checks the request's form only and records nothing: a broadcast is checked per
 *   unit when `handle` applies it, and nobody hears the outcome.
 * - `write` applies an already decoded write (a vector method of another layer) with the same checks
 *   as `handle`: 0, an exception code or UNKNOWN_UNIT, or a promise of 0 / 04 when `applied` is one.
 *
 * `gate.check` may be called twice for one request (by `validate`, then by `handle` or `write` when it
 * is applied, since other requests may have changed the state in between), so it must not change
 * anything; `refused` and `applied` are called once per request. The gate's callbacks must not call
 * back into the handler synchronously (the parsed request and the decoded values are shared).
 */
export interface ServedPdu {
  handle: PduHandler;
  validate(unitId: number, pdu: Uint8Array, length: number, client: string): number;
  write(unitId: number, table: "holding" | "coil", address: number, values: ArrayLike<number>, count: number, client: string): number | Promise<number>;
}

type WriteTable = "holding" | "coil";
const PAST_END = "address range past 0xFFFF";
const READ_TABLE: readonly RegisterTable[] = ["holding", "coil", "discrete", "holding", "input"];

/** What the last request parsed to; one object per handler, so parsing allocates nothing. */
interface ParsedRequest {
  fc: number;
  /** Table of the read (FC1-4) or of the write (FC5, 6, 15, 16, 23). */
  table: RegisterTable;
  address: number;
  count: number;
  /** FC23's read part. */
  readAddress: number;
  readCount: number;
  /** FC43/14: read device id code and object id. */
  meiCode: number;
  objectId: number;
  /** Why a request was refused, for the record (constant strings: nothing is built per request). */
  reason: string;
}

/**
 * Creates the handler for `units` (ids 1..247, each at most once). Nothing is allocated per request
 * on the synchronous path: the parsed request, the decoded write values handed to `gate.check` and
 * the identification bytes live for the handler's lifetime, and `out` belongs to the caller. Only a
 * write whose `applied` returns a promise allocates (the continuation).
 * Example: `createPduHandler([bess], gate).handle(1, [3, 0x9c, 0x40, 0, 2], 5, out, "x")` → 6,
 * `out` = `03 04 hi lo hi lo` (holding registers 40000-40001 of unit 1).
 */
export function createPduHandler(units: readonly ServedUnit[], gate: WriteGate, identity: DeviceIdentity = DEFAULT_IDENTITY): ServedPdu {
  const byId = indexUnits(units);
  const objects = encodeIdentity(identity);
  const values = new Uint16Array(MAX_WRITE_BITS);
  const req: ParsedRequest = { fc: 0, table: "holding", address: 0, count: 0, readAddress: 0, readCount: 0, meiCode: 0, objectId: 0, reason: "" };

  function unitAt(unitId: number): ServedUnit | undefined {
    return unitId >= 1 && unitId <= 255 ? byId[unitId] : undefined;
  }

  function formError(code: number, reason: string): number {
    req.reason = reason;
    return code;
  }

  /** Function code, PDU length, quantities and byte counts (exceptions 01 and 03); decodes write values. */
  function checkForm(pdu: Uint8Array, length: number): number {
    const fc = pdu[0];
    req.fc = fc;
    req.address = length >= 3 ? (pdu[1] << 8) | pdu[2] : 0;
    req.count = length >= 5 ? (pdu[3] << 8) | pdu[4] : 0;
    req.reason = "";
    if (length > pdu.length) return formError(EXCEPTION_ILLEGAL_DATA_VALUE, "PDU length beyond the buffer");
    switch (fc) {
      case 1:
      case 2:
      case 3:
      case 4: {
        req.table = READ_TABLE[fc];
        if (length !== 5) return formError(EXCEPTION_ILLEGAL_DATA_VALUE, "PDU length does not fit the function");
        const max = fc <= 2 ? MAX_READ_BITS : MAX_READ_REGISTERS;
        if (req.count < 1 || req.count > max) return formError(EXCEPTION_ILLEGAL_DATA_VALUE, "quantity out of range");
        return 0;
      }
      case 5:
      case 6: {
        req.table = fc === 5 ? "coil" : "holding";
        const value = req.count;
        req.count = 1;
        if (length !== 5) return formError(EXCEPTION_ILLEGAL_DATA_VALUE, "PDU length does not fit the function");
        if (fc === 5 && value !== COIL_ON && value !== COIL_OFF) return formError(EXCEPTION_ILLEGAL_DATA_VALUE, "coil value is neither 0xFF00 nor 0x0000");
        values[0] = fc === 5 ? (value === COIL_ON ? 1 : 0) : value;
        return 0;
      }
      case 15:
      case 16: {
        req.table = fc === 15 ? "coil" : "holding";
        if (length < 6) return formError(EXCEPTION_ILLEGAL_DATA_VALUE, "PDU length does not fit the function");
        const count = req.count;
        const byteCount = pdu[5];
        const max = fc === 15 ? MAX_WRITE_BITS : MAX_WRITE_REGISTERS;
        if (count < 1 || count > max) return formError(EXCEPTION_ILLEGAL_DATA_VALUE, "quantity out of range");
        if (byteCount !== (fc === 15 ? (count + 7) >> 3 : 2 * count)) return formError(EXCEPTION_ILLEGAL_DATA_VALUE, "byte count does not match the quantity");
        if (length !== 6 + byteCount) return formError(EXCEPTION_ILLEGAL_DATA_VALUE, "PDU length does not match the byte count");
        if (fc === 15) for (let i = 0; i < count; i++) values[i] = (pdu[6 + (i >> 3)] >> (i & 7)) & 1;
        else for (let i = 0; i < count; i++) values[i] = (pdu[6 + 2 * i] << 8) | pdu[7 + 2 * i];
        return 0;
      }
      case 23: {
        req.table = "holding";
        req.readAddress = req.address;
        req.readCount = req.count;
        req.address = length >= 7 ? (pdu[5] << 8) | pdu[6] : 0;
        req.count = length >= 9 ? (pdu[7] << 8) | pdu[8] : 0;
        if (length < 10) return formError(EXCEPTION_ILLEGAL_DATA_VALUE, "PDU length does not fit the function");
        const byteCount = pdu[9];
        if (req.readCount < 1 || req.readCount > MAX_READ_REGISTERS) return formError(EXCEPTION_ILLEGAL_DATA_VALUE, "read quantity out of range");
        if (req.count < 1 || req.count > MAX_READ_WRITE_REGISTERS) return formError(EXCEPTION_ILLEGAL_DATA_VALUE, "write quantity out of range");
        if (byteCount !== 2 * req.count) return formError(EXCEPTION_ILLEGAL_DATA_VALUE, "byte count does not match the quantity");
        if (length !== 10 + byteCount) return formError(EXCEPTION_ILLEGAL_DATA_VALUE, "PDU length does not match the byte count");
        for (let i = 0; i < req.count; i++) values[i] = (pdu[10 + 2 * i] << 8) | pdu[11 + 2 * i];
        return 0;
      }
      case 43: {
        if (length < 2) return formError(EXCEPTION_ILLEGAL_DATA_VALUE, "PDU length does not fit the function");
        if (pdu[1] !== MEI_READ_DEVICE_ID) return formError(EXCEPTION_ILLEGAL_FUNCTION, "MEI type not served");
        if (length !== 4) return formError(EXCEPTION_ILLEGAL_DATA_VALUE, "PDU length does not fit the function");
        req.meiCode = pdu[2];
        req.objectId = pdu[3];
        if (req.meiCode < 1 || req.meiCode > 4) return formError(EXCEPTION_ILLEGAL_DATA_VALUE, "read device id code out of range");
        return 0;
      }
      default:
        return formError(EXCEPTION_ILLEGAL_FUNCTION, "function code not served");
    }
  }

  function isWrite(fc: number): boolean {
    return fc === 5 || fc === 6 || fc === 15 || fc === 16 || fc === 23;
  }

  /** 0 if every address in [address, address + count) exists, else 02. */
  function checkMapped(table: ServedTable, address: number, count: number): number {
    const end = address + count;
    if (end > ADDRESS_SPACE) return formError(EXCEPTION_ILLEGAL_DATA_ADDRESS, PAST_END);
    const mapped = table.mapped;
    for (let a = address; a < end; a++) if (mapped[a] === 0) return formError(EXCEPTION_ILLEGAL_DATA_ADDRESS, "address not mapped");
    return 0;
  }

  /** Addresses, writability, then the gate, on the whole request before anything changes; records a refusal. */
  function checkWrite(unit: ServedUnit, name: WriteTable, address: number, count: number, client: string): number {
    const table = unit[name];
    let code = checkMapped(table, address, count);
    if (code === 0) {
      const writable = table.writable;
      const end = address + count;
      for (let a = address; a < end; a++) {
        if (writable[a] === 0) {
          code = formError(EXCEPTION_ILLEGAL_DATA_ADDRESS, "address not writable");
          break;
        }
      }
    }
    if (code === 0) {
      const verdict = gate.check(unit, name, address, values, count, client);
      if (verdict.code === 0) return 0;
      code = verdict.code;
      req.reason = verdict.reason;
    }
    gate.refused(unit.unitId, name, address, count, code, req.reason, client);
    return code;
  }

  /** Unit-specific checks of a well-formed request (exception 02, or the gate's code). */
  function checkUnit(unit: ServedUnit, client: string): number {
    switch (req.fc) {
      case 1:
      case 2:
      case 3:
      case 4:
        return checkMapped(unit[req.table], req.address, req.count);
      case 23: {
        const code = checkMapped(unit.holding, req.readAddress, req.readCount);
        if (code !== 0) {
          const reason = req.reason === PAST_END ? "read range past 0xFFFF" : "read range not mapped";
          gate.refused(unit.unitId, "holding", req.address, req.count, code, reason, client);
          return code;
        }
        return checkWrite(unit, "holding", req.address, req.count, client);
      }
      case 43:
        return req.meiCode === 4 && req.objectId > LAST_BASIC_OBJECT ? formError(EXCEPTION_ILLEGAL_DATA_ADDRESS, "object id not served") : 0;
      default:
        return checkWrite(unit, req.table as WriteTable, req.address, req.count, client);
    }
  }

  /** Copies the decoded values into the table and tells the gate; the gate's promise, if it returned one. */
  function apply(unit: ServedUnit, name: WriteTable, address: number, count: number, client: string): Promise<void> | undefined {
    const target = unit[name].values;
    for (let i = 0; i < count; i++) target[address + i] = values[i];
    const applied = gate.applied(unit, name, address, count, client);
    return applied !== undefined && applied !== null && typeof (applied as Promise<void>).then === "function" ? (applied as Promise<void>) : undefined;
  }

  /** Answers a request that passed every check. */
  function execute(unit: ServedUnit, out: Uint8Array, client: string): number | Promise<number> {
    const fc = req.fc;
    switch (fc) {
      case 1:
      case 2:
        return writeBits(out, fc, unit[req.table].values, req.address, req.count);
      case 3:
      case 4:
        return writeRegisters(out, fc, unit[req.table].values, req.address, req.count);
      case 23: {
        const readAddress = req.readAddress;
        const readCount = req.readCount;
        const pending = apply(unit, "holding", req.address, req.count, client);
        if (pending === undefined) return writeRegisters(out, fc, unit.holding.values, readAddress, readCount);
        // The spec does the write before the read; in lockstep the read then sees the advanced twin.
        return pending.then(
          () => writeRegisters(out, fc, unit.holding.values, readAddress, readCount),
          () => writeException(out, fc, EXCEPTION_DEVICE_FAILURE),
        );
      }
      case 43:
        return writeDeviceIdentification(out, req.meiCode, req.objectId, objects);
      default: {
        out[0] = fc;
        out[1] = req.address >> 8;
        out[2] = req.address & 0xff;
        const echo = fc === 5 ? (values[0] === 1 ? COIL_ON : COIL_OFF) : fc === 6 ? values[0] : req.count;
        out[3] = echo >> 8;
        out[4] = echo & 0xff;
        const pending = apply(unit, req.table as WriteTable, req.address, req.count, client);
        if (pending === undefined) return 5;
        return pending.then(
          () => 5,
          () => writeException(out, fc, EXCEPTION_DEVICE_FAILURE),
        );
      }
    }
  }

  /** Unit 0: a write goes to every unit that maps the addresses (each with its own checks); nothing is answered. */
  function broadcast(pdu: Uint8Array, length: number, client: string): number | Promise<number> {
    const code = checkForm(pdu, length);
    const fc = req.fc;
    if (code !== 0) {
      if (isWrite(fc)) gate.refused(0, req.table, req.address, req.count, code, req.reason, client);
      return 0;
    }
    // A broadcast read has nobody to answer; FC23 reads too, so it is not a broadcast write either.
    if (!isWrite(fc) || fc === 23) return 0;
    const name = req.table as WriteTable;
    const address = req.address;
    const count = req.count;
    let pending: Promise<void>[] | undefined;
    for (let i = 0; i < units.length; i++) {
      const unit = units[i];
      if (checkMapped(unit[name], address, count) !== 0) continue; // not this device's register
      if (checkWrite(unit, name, address, count, client) !== 0) continue;
      const applied = apply(unit, name, address, count, client);
      if (applied !== undefined) (pending ??= []).push(applied);
    }
    return pending === undefined ? 0 : Promise.allSettled(pending).then(() => 0);
  }

  const handle: PduHandler = (unitId, pdu, length, out, client) => {
    if (length < 1) return 0;
    if (unitId === 0) return broadcast(pdu, length, client);
    const unit = unitAt(unitId);
    if (unit === undefined) return UNKNOWN_UNIT;
    let code = checkForm(pdu, length);
    if (code !== 0) {
      if (isWrite(req.fc)) gate.refused(unitId, req.table, req.address, req.count, code, req.reason, client);
      return writeException(out, req.fc, code);
    }
    code = checkUnit(unit, client);
    if (code !== 0) return writeException(out, req.fc, code);
    return execute(unit, out, client);
  };

  function validate(unitId: number, pdu: Uint8Array, length: number, client: string): number {
    if (length < 1) return EXCEPTION_ILLEGAL_DATA_VALUE;
    if (unitId === 0) return checkForm(pdu, length);
    const unit = unitAt(unitId);
    if (unit === undefined) return UNKNOWN_UNIT;
    const code = checkForm(pdu, length);
    if (code !== 0) {
      if (isWrite(req.fc)) gate.refused(unitId, req.table, req.address, req.count, code, req.reason, client);
      return code;
    }
    return checkUnit(unit, client);
  }

  function write(unitId: number, name: WriteTable, address: number, source: ArrayLike<number>, count: number, client: string): number | Promise<number> {
    const unit = unitAt(unitId);
    if (unit === undefined) return UNKNOWN_UNIT;
    req.fc = name === "holding" ? 16 : 15;
    req.table = name;
    if (count < 1 || count > values.length || source.length < count) {
      gate.refused(unitId, name, address, count, EXCEPTION_ILLEGAL_DATA_VALUE, "quantity out of range", client);
      return EXCEPTION_ILLEGAL_DATA_VALUE;
    }
    for (let i = 0; i < count; i++) values[i] = name === "coil" ? (source[i] ? 1 : 0) : source[i] & 0xffff;
    const code = checkWrite(unit, name, address, count, client);
    if (code !== 0) return code;
    const pending = apply(unit, name, address, count, client);
    if (pending === undefined) return 0;
    return pending.then(
      () => 0,
      () => EXCEPTION_DEVICE_FAILURE,
    );
  }

  return { handle, validate, write };
}

/** Units by id (index 0 unused: broadcast); throws on a bad or repeated id or a table of the wrong size. */
function indexUnits(units: readonly ServedUnit[]): (ServedUnit | undefined)[] {
  const byId = new Array<ServedUnit | undefined>(256).fill(undefined);
  for (const unit of units) {
    if (!Number.isInteger(unit.unitId) || unit.unitId < 1 || unit.unitId > 247) throw new Error(`served unit ${unit.name}: unitId must be 1-247, got ${unit.unitId}`);
    if (byId[unit.unitId] !== undefined) throw new Error(`served unit ${unit.name}: unitId ${unit.unitId} is already served by ${byId[unit.unitId]!.name}`);
    for (const name of ["holding", "input", "coil", "discrete"] as const) {
      const t = unit[name];
      if (t.values.length !== ADDRESS_SPACE || t.mapped.length !== ADDRESS_SPACE || t.writable.length !== ADDRESS_SPACE) {
        throw new Error(`served unit ${unit.name}: the ${name} table must cover ${ADDRESS_SPACE} addresses`);
      }
    }
    byId[unit.unitId] = unit;
  }
  return byId;
}

/** Exception response `fc|0x80, code`; returns its length (2). */
export function writeException(out: Uint8Array, fc: number, code: number): number {
  out[0] = (fc | 0x80) & 0xff;
  out[1] = code;
  return 2;
}

/** FC1/FC2 response: byte count, then bits LSB first, unused high bits of the last byte 0 (§6.1). */
function writeBits(out: Uint8Array, fc: number, source: Uint16Array, address: number, count: number): number {
  const byteCount = (count + 7) >> 3;
  out[0] = fc;
  out[1] = byteCount;
  for (let b = 0; b < byteCount; b++) {
    let byte = 0;
    const base = b << 3;
    const bits = count - base < 8 ? count - base : 8;
    for (let bit = 0; bit < bits; bit++) if (source[address + base + bit] !== 0) byte |= 1 << bit;
    out[2 + b] = byte;
  }
  return 2 + byteCount;
}

/** FC3/FC4/FC23 response: byte count, then registers big-endian. */
function writeRegisters(out: Uint8Array, fc: number, source: Uint16Array, address: number, count: number): number {
  out[0] = fc;
  out[1] = 2 * count;
  for (let i = 0; i < count; i++) {
    const v = source[address + i];
    out[2 + 2 * i] = v >> 8;
    out[3 + 2 * i] = v & 0xff;
  }
  return 2 + 2 * count;
}
