import type { IServiceVector } from "modbus-serial";
import type { ServedPdu } from "./pdu.js";
import { EXCEPTION_DEVICE_FAILURE } from "./pdu-limits.js";
import type { ServedUnit } from "./served-unit.js";

/**
 * The vector modbus-serial's ServerTCP calls to serve FC1-6 and FC16 from the served tables.
 *
 * Every method is synchronous or returns a promise, never takes a callback: the library picks the
 * callback style by `Function.length` (hil-notes §2.1), so each method declares exactly the
 * library's leading parameters, no defaults or rest arguments; createTcpVector checks the arities.
 *
 * Reads come straight from the tables: the guard in front of the library (tcp-connection.ts) has
 * already checked that every address exists. Writes go through `ServedPdu.write`, which checks
 * again and calls the gate: between the guard's check and the library's setTimeout(0) another
 * connection's write may have changed what the gate allows. A write's promise (lockstep `applied`)
 * is returned, so the library replies only after it resolves; an exception code is thrown as
 * `{ modbusErrorCode }`, which the library turns into that exception (any other error is 04).
 *
 * The library does not say which connection a request came from, so the guard queues one
 * PendingWrite per write it hands over (FC5, FC6, FC16 each make exactly one vector call) and the
 * vector takes them in order: the library processes requests in the order it received them
 * (one setTimeout(0) each, and equal timeouts fire in insertion order).
 *
 * FC15 and FC23/43 never reach the vector: the guard answers them with the PDU handler. The library
 * has no FC23; its FC15 with `setCoilArray` replies before calling it and drops what it returns
 * (verified with modbus-serial 8.0.25: the reply left 200 ms before the promise resolved, and a
 * rejected promise went unhandled, which ends the process); without `setCoilArray`, each coil would
 * be a separate write to the gate.
 */
export interface PendingWrite {
  unitId: number;
  address: number;
  client: string;
}

/** Called when the queue and the library's calls disagree (a library change): the detail says how. */
export type VectorMismatch = (detail: string) => void;

export function createTcpVector(pdu: ServedPdu, units: readonly ServedUnit[], pending: PendingWrite[], onMismatch: VectorMismatch): IServiceVector {
  const byId = new Map(units.map((u) => [u.unitId, u]));
  const one = new Uint16Array(1);

  function unitOf(unitID: number): ServedUnit {
    const unit = byId.get(unitID);
    if (unit === undefined) throw modbusError(EXCEPTION_DEVICE_FAILURE);
    return unit;
  }

  function clientOf(unitID: number, address: number): string {
    // Normally the head of the queue. Should the library ever drop a request, its entry would sit in
    // front: skip it (and say so) rather than shift every later write onto the wrong client.
    let at = 0;
    while (at < pending.length && (pending[at].unitId !== unitID || pending[at].address !== address)) at++;
    if (at === pending.length) {
      onMismatch(`write to unit ${unitID} address ${address} was not queued by the guard; answered 04`);
      throw modbusError(EXCEPTION_DEVICE_FAILURE);
    }
    if (at > 0) onMismatch(`${at} queued write(s) never reached the vector; dropped`);
    const entry = pending[at];
    pending.splice(0, at + 1);
    return entry.client;
  }

  const vector = {
    getCoil(addr: number, unitID: number): boolean {
      return unitOf(unitID).coil.values[addr] !== 0;
    },
    getDiscreteInput(addr: number, unitID: number): boolean {
      return unitOf(unitID).discrete.values[addr] !== 0;
    },
    getInputRegister(addr: number, unitID: number): number {
      return unitOf(unitID).input.values[addr];
    },
    getHoldingRegister(addr: number, unitID: number): number {
      return unitOf(unitID).holding.values[addr];
    },
    // The library only reads `.length` and `[i]`: a view of the table is enough, nothing is copied.
    getMultipleInputRegisters(addr: number, length: number, unitID: number): number[] {
      return unitOf(unitID).input.values.subarray(addr, addr + length) as unknown as number[];
    },
    getMultipleHoldingRegisters(addr: number, length: number, unitID: number): number[] {
      return unitOf(unitID).holding.values.subarray(addr, addr + length) as unknown as number[];
    },
    setCoil(addr: number, value: boolean, unitID: number): void | Promise<void> {
      const client = clientOf(unitID, addr);
      one[0] = value ? 1 : 0;
      return outcome(pdu.write(unitID, "coil", addr, one, 1, client));
    },
    setRegister(addr: number, value: number, unitID: number): void | Promise<void> {
      const client = clientOf(unitID, addr);
      one[0] = value;
      return outcome(pdu.write(unitID, "holding", addr, one, 1, client));
    },
    setRegisterArray(addr: number, value: number[], unitID: number): void | Promise<void> {
      const client = clientOf(unitID, addr);
      return outcome(pdu.write(unitID, "holding", addr, value, value.length, client));
    },
  };
  // The library's callback test is `length === 3` for single reads and `=== 4` for the rest.
  const arity: Record<keyof typeof vector, number> = {
    getCoil: 2,
    getDiscreteInput: 2,
    getInputRegister: 2,
    getHoldingRegister: 2,
    getMultipleInputRegisters: 3,
    getMultipleHoldingRegisters: 3,
    setCoil: 3,
    setRegister: 3,
    setRegisterArray: 3,
  };
  for (const [name, length] of Object.entries(arity)) {
    if (vector[name as keyof typeof vector].length !== length) throw new Error(`tcp vector ${name} takes ${vector[name as keyof typeof vector].length} parameters, the library needs ${length}`);
  }
  return vector;
}

function modbusError(code: number): Error & { modbusErrorCode: number } {
  return Object.assign(new Error(`Modbus exception ${code}`), { modbusErrorCode: code });
}

/** A write's outcome as the library expects it: return or resolve on 0, throw or reject with the code. */
function outcome(result: number | Promise<number>): void | Promise<void> {
  if (typeof result === "number") {
    if (result !== 0) throw modbusError(result < 0 ? EXCEPTION_DEVICE_FAILURE : result);
    return;
  }
  return result.then((code) => {
    if (code !== 0) throw modbusError(code);
  });
}
