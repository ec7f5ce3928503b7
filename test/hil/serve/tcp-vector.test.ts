import { test } from "uvu";
import * as assert from "uvu/assert";
import { createPduHandler } from "../../../hil/serve/pdu.js";
import { createTcpVector, type PendingWrite } from "../../../hil/serve/tcp-vector.js";
import { recordingGate, servedUnits } from "./served-fixture.js";

/**
 * hil/serve/tcp-vector.ts on its own: the arities modbus-serial reads to choose sync/promise style,
 * reads from the tables, writes through the PDU handler with the queued client, exception codes
 * thrown as `modbusErrorCode`, lockstep promises passed through, and the queue's resynchronisation.
 */

function fixture() {
  const units = servedUnits();
  const gate = recordingGate();
  const pending: PendingWrite[] = [];
  const mismatches: string[] = [];
  const vector = createTcpVector(createPduHandler(units, gate), units, pending, (d) => mismatches.push(d));
  return { units, gate, pending, mismatches, vector };
}

/** The modbusErrorCode a call throws, or "none". */
function thrownCode(call: () => unknown): number | string {
  try {
    call();
  } catch (error) {
    return (error as { modbusErrorCode?: number }).modbusErrorCode ?? "no code";
  }
  return "none";
}

test("every method has the arity that makes modbus-serial call it without a callback", () => {
  const { vector } = fixture();
  // servertcp_handler.js: callback style when length === 3 (single reads) or === 4 (the rest).
  assert.equal(
    Object.fromEntries(Object.entries(vector).map(([name, fn]) => [name, (fn as (...a: unknown[]) => unknown).length])),
    {
      getCoil: 2,
      getDiscreteInput: 2,
      getInputRegister: 2,
      getHoldingRegister: 2,
      getMultipleInputRegisters: 3,
      getMultipleHoldingRegisters: 3,
      setCoil: 3,
      setRegister: 3,
      setRegisterArray: 3,
    },
  );
});

test("reads come from the unit's tables", () => {
  const { vector } = fixture();
  assert.is(vector.getHoldingRegister!(40003, 1, undefined as never), 30);
  assert.equal(Array.from(vector.getMultipleHoldingRegisters!(40001, 3, 1, undefined as never) as number[]), [10, 20, 30]);
  assert.equal(Array.from(vector.getMultipleInputRegisters!(8, 2, 2, undefined as never) as number[]), [1008, 1009]);
  assert.is(vector.getInputRegister!(0, 2, undefined as never), 1000);
  assert.is(vector.getCoil!(3, 2, undefined as never), true);
  assert.is(vector.getDiscreteInput!(2, 2, undefined as never), false);
});

test("writes use the queued client, go through the gate, and throw its code as modbusErrorCode", async () => {
  const { vector, pending, gate, units, mismatches } = fixture();
  pending.push({ unitId: 1, address: 40010, client: "a:1" }, { unitId: 1, address: 40010, client: "b:2" }, { unitId: 2, address: 4, client: "c:3" });
  assert.is(vector.setRegisterArray!(40010, [7, 8], 1, undefined as never), undefined);
  assert.equal(Array.from(units[0].holding.values.subarray(40010, 40012)), [7, 8]);
  assert.is(thrownCode(() => vector.setRegister!(40010, 5000, 1, undefined as never)), 3);
  assert.is(units[0].holding.values[40010], 7);
  gate.appliedResult = () => Promise.resolve();
  const p = vector.setCoil!(4, true, 2, undefined as never);
  assert.instance(p, Promise, "a lockstep write hands the library a promise to wait for");
  await p;
  assert.is(units[1].coil.values[4], 1);
  assert.equal(gate.record.applied.map((a) => a.client), ["a:1", "c:3"]);
  assert.equal(gate.record.refused.map((r) => r.client), ["b:2"]);
  assert.equal(pending, []);
  assert.equal(mismatches, []);
});

test("a queue entry the library never consumed is skipped with an event; a write that was never queued is 04", () => {
  const { vector, pending, gate, mismatches } = fixture();
  pending.push({ unitId: 1, address: 40011, client: "lost:1" }, { unitId: 1, address: 40010, client: "a:1" });
  vector.setRegister!(40010, 9, 1, undefined as never);
  assert.equal(gate.record.applied.map((a) => a.client), ["a:1"]);
  assert.equal(pending, []);
  assert.match(mismatches[0], /1 queued write\(s\) never reached the vector/);
  assert.is(thrownCode(() => vector.setRegister!(40010, 9, 1, undefined as never)), 4);
  assert.match(mismatches[1], /not queued by the guard/);
  assert.is(gate.record.applied.length, 1);
});

test.run();
