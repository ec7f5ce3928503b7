import { runInNewContext } from "node:vm";
import { PerformanceObserver } from "node:perf_hooks";
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createPduHandler, type ServedPdu } from "../../../hil/serve/pdu.js";
import { UNKNOWN_UNIT, type ServedUnit } from "../../../hil/serve/served-unit.js";
import { changedOutsideWritable, recordingGate, servedUnits, snapshot, type RecordingGate } from "./served-fixture.js";

/**
 * hil/serve/pdu.ts against the synthetic units of served-fixture.ts: every function code, every
 * exception path (01 function, 02 address, 03 value/length/quantity, the gate's code, 04 when the
 * twin fails to apply), whole-request refusal, broadcast, validate without side effects, lockstep
 * replies, and no allocation per request.
 */
interface Ctx {
  units: ServedUnit[];
  gate: RecordingGate;
  pdu: ServedPdu;
  out: Uint8Array;
}

function fresh(): Ctx {
  const units = servedUnits();
  const gate = recordingGate();
  return { units, gate, pdu: createPduHandler(units, gate, { vendor: "dctwin", product: "test-hall", version: "1.2.3" }), out: new Uint8Array(253) };
}

const u16 = (v: number) => [v >> 8, v & 0xff];

/** Handles one request synchronously; returns the response bytes, [] for none, or "unknown". */
function call(c: Ctx, unitId: number, bytes: number[], client = "test"): number[] | "unknown" {
  const n = c.pdu.handle(unitId, Uint8Array.from(bytes), bytes.length, c.out, client);
  if (typeof n !== "number") throw new Error("unexpected promise");
  if (n === UNKNOWN_UNIT) return "unknown";
  return Array.from(c.out.subarray(0, n));
}

const exc = (fc: number, code: number) => [fc | 0x80, code];

test("FC3/FC4 read registers big-endian; FC1/FC2 pack bits LSB first with zero padding", () => {
  const c = fresh();
  assert.equal(call(c, 1, [3, ...u16(40000), ...u16(3)]), [3, 6, 0, 0, 0, 10, 0, 20]);
  assert.equal(call(c, 1, [3, ...u16(40099), ...u16(1)]), [3, 2, ...u16(990)]);
  assert.equal(call(c, 2, [4, ...u16(8), ...u16(2)]), [4, 4, ...u16(1008), ...u16(1009)]);
  // meter1 coils: 1 where address % 3 === 0 → 0,3,6,9,12,15 → 0b01001001 0b10010010
  assert.equal(call(c, 2, [1, ...u16(0), ...u16(16)]), [1, 2, 0b01001001, 0b10010010]);
  // 10 discretes from 3: addresses 3..12, odd = 1 → bits 1,0,1,0,1,0,1,0,1,0 → 0x55, then 0b01 (padding 0)
  assert.equal(call(c, 2, [2, ...u16(3), ...u16(10)]), [2, 2, 0x55, 0x01]);
});

test("quantity limits: FC1/FC2 1..2000, FC3/FC4 1..125 answer; 0 and one more are exception 03", () => {
  const c = fresh();
  const coils = call(c, 4, [1, ...u16(0), ...u16(2000)]) as number[];
  assert.is(coils.length, 2 + 250);
  assert.is(coils[2], 0b10101010);
  assert.is((call(c, 4, [2, ...u16(0), ...u16(2000)]) as number[])[1], 250);
  assert.is((call(c, 4, [3, ...u16(0), ...u16(125)]) as number[])[1], 250);
  assert.is((call(c, 4, [4, ...u16(0), ...u16(125)]) as number[])[1], 250);
  assert.equal(call(c, 4, [1, ...u16(0), ...u16(2001)]), exc(1, 3));
  assert.equal(call(c, 4, [2, ...u16(0), ...u16(0)]), exc(2, 3));
  assert.equal(call(c, 4, [3, ...u16(0), ...u16(126)]), exc(3, 3));
  assert.equal(call(c, 4, [4, ...u16(0), ...u16(0)]), exc(4, 3));
});

test("reads: an unmapped address anywhere in the range, or a range past 0xFFFF, is exception 02", () => {
  const c = fresh();
  assert.equal(call(c, 1, [3, ...u16(39999), ...u16(2)]), exc(3, 2));
  assert.equal(call(c, 1, [3, ...u16(40099), ...u16(2)]), exc(3, 2));
  assert.equal(call(c, 1, [3, ...u16(0xffff), ...u16(2)]), exc(3, 2));
  assert.equal(call(c, 1, [4, ...u16(0), ...u16(1)]), exc(4, 2), "unit 1 has no input registers");
  assert.equal(call(c, 2, [2, ...u16(15), ...u16(2)]), exc(2, 2));
  assert.equal(call(c, 2, [1, ...u16(0xfff0), ...u16(2000)]), exc(1, 2));
});

test("a PDU whose length does not fit its function is exception 03; unknown function codes are 01", () => {
  const c = fresh();
  assert.equal(call(c, 1, [3, ...u16(40000), 0]), exc(3, 3));
  assert.equal(call(c, 1, [3, ...u16(40000), ...u16(1), 0]), exc(3, 3));
  assert.equal(call(c, 1, [6, ...u16(40010), 0]), exc(6, 3));
  assert.equal(call(c, 1, [3]), exc(3, 3));
  for (const fc of [0, 7, 8, 17, 20, 22, 24, 0x41, 0x7f]) assert.equal(call(c, 1, [fc, 0, 0, 0, 1]), exc(fc, 1), `fc ${fc}`);
  assert.equal(call(c, 1, [0x83, 0, 0, 0, 1]), [0x83, 1], "an exception code as request");
  assert.equal(c.pdu.handle(1, new Uint8Array(1), 0, c.out, "t"), 0, "empty PDU: nothing to answer");
  assert.equal(call(c, 1, [43, 13, 1, 0]), exc(43, 1), "MEI 13 (CANopen) is not served");
  assert.equal(call(c, 1, [43, 14, 1]), exc(43, 3));
  assert.equal(c.gate.record.applied.length, 0);
});

test("FC5 writes 0xFF00 / 0x0000 and echoes; 0x1234 is 03, a read-only coil 02, an unmapped one 02", () => {
  const c = fresh();
  assert.equal(call(c, 1, [5, ...u16(100), 0xff, 0x00]), [5, ...u16(100), 0xff, 0x00]);
  assert.is(c.units[0].coil.values[100], 1);
  assert.equal(c.gate.record.applied, [{ unitId: 1, table: "coil", address: 100, count: 1, client: "test" }]);
  assert.equal(call(c, 1, [5, ...u16(100), 0, 0]), [5, ...u16(100), 0, 0]);
  assert.is(c.units[0].coil.values[100], 0);
  assert.equal(call(c, 1, [5, ...u16(100), 0x12, 0x34]), exc(5, 3));
  assert.equal(call(c, 1, [5, ...u16(101), 0xff, 0]), exc(5, 2));
  assert.equal(call(c, 1, [5, ...u16(99), 0xff, 0]), exc(5, 2));
  assert.is(c.units[0].coil.values[100], 0);
  assert.is(c.units[0].coil.values[101], 0);
  assert.equal(
    c.gate.record.refused.map((r) => [r.unitId, r.table, r.address, r.code]),
    [
      [1, "coil", 100, 3],
      [1, "coil", 101, 2],
      [1, "coil", 99, 2],
    ],
  );
});

test("FC6 writes and echoes; the gate's refusal (value > 1000) is its code 03 and nothing changes", () => {
  const c = fresh();
  assert.equal(call(c, 1, [6, ...u16(40010), ...u16(777)], "127.0.0.1:1"), [6, ...u16(40010), ...u16(777)]);
  assert.is(c.units[0].holding.values[40010], 777);
  assert.equal(c.gate.record.checks[0], { unitId: 1, table: "holding", address: 40010, values: [777], client: "127.0.0.1:1" });
  assert.equal(call(c, 1, [6, ...u16(40010), ...u16(1001)]), exc(6, 3));
  assert.is(c.units[0].holding.values[40010], 777);
  assert.equal(c.gate.record.refused.at(-1), { unitId: 1, table: "holding", address: 40010, count: 1, code: 3, reason: "above 1000", client: "test" });
  assert.equal(call(c, 1, [6, ...u16(40012), ...u16(1)]), exc(6, 2), "mapped but read-only");
  assert.is(c.units[0].holding.values[40012], 120);
  assert.equal(call(c, 2, [6, ...u16(0), ...u16(1)]), exc(6, 2), "unit 2 has input registers there, no holding");
  assert.is(c.gate.record.applied.length, 1);
});

test("FC15 writes bits LSB first; byte count, quantity 0 / 1969 are 03; one read-only coil refuses the whole request", () => {
  const c = fresh();
  const coils = c.units[1].coil.values;
  assert.equal(call(c, 2, [15, ...u16(0), ...u16(8), 1, 0b10100101]), [15, ...u16(0), ...u16(8)]);
  assert.equal(Array.from(coils.subarray(0, 8)), [1, 0, 1, 0, 0, 1, 0, 1]);
  const before = Array.from(coils.subarray(0, 16));
  assert.equal(call(c, 2, [15, ...u16(0), ...u16(9), 1, 0xff]), exc(15, 3), "9 coils need 2 bytes");
  assert.equal(call(c, 2, [15, ...u16(0), ...u16(9), 2, 0xff]), exc(15, 3), "byte count says 2, one given");
  assert.equal(call(c, 2, [15, ...u16(0), ...u16(0), 0]), exc(15, 3));
  assert.equal(call(c, 2, [15, ...u16(4), ...u16(8), 1, 0xff]), exc(15, 2), "coils 8-11 are read-only");
  assert.equal(Array.from(coils.subarray(0, 16)), before);
  assert.equal(call(c, 4, [15, ...u16(0), ...u16(1968), 246, ...new Array(246).fill(0xff)]), [15, ...u16(0), ...u16(1968)]);
  assert.is(c.units[3].coil.values[1967], 1);
  assert.is(c.units[3].coil.values[1968], 0);
  assert.equal(call(c, 4, [15, ...u16(0), ...u16(1969), 247, ...new Array(247).fill(0xff)]), exc(15, 3));
});

test("FC16: a refused request leaves every register unchanged (gate on one value, read-only, unmapped, byte count)", () => {
  const c = fresh();
  const h = c.units[0].holding.values;
  assert.equal(call(c, 1, [16, ...u16(40010), ...u16(2), 4, ...u16(5), ...u16(6)]), [16, ...u16(40010), ...u16(2)]);
  assert.equal([h[40010], h[40011]], [5, 6]);
  const before = snapshot(c.units);
  assert.equal(call(c, 1, [16, ...u16(40010), ...u16(2), 4, ...u16(7), ...u16(5000)]), exc(16, 3), "second value above the gate's bound");
  assert.equal(call(c, 1, [16, ...u16(40011), ...u16(2), 4, ...u16(7), ...u16(8)]), exc(16, 2), "40012 is read-only");
  assert.equal(call(c, 1, [16, ...u16(40098), ...u16(3), 6, ...u16(1), ...u16(2), ...u16(3)]), exc(16, 2), "40100 is unmapped");
  assert.equal(call(c, 1, [16, ...u16(40010), ...u16(2), 3, ...u16(7), 8]), exc(16, 3), "byte count 3 for 2 registers");
  assert.equal(call(c, 1, [16, ...u16(40010), ...u16(2), 4, ...u16(7)]), exc(16, 3), "2 registers announced, 1 sent");
  assert.equal(call(c, 1, [16, ...u16(40010), ...u16(0), 0]), exc(16, 3));
  assert.equal(snapshot(c.units), before);
  assert.is(c.gate.record.applied.length, 1);
  assert.is(c.gate.record.refused.length, 6);
  const many = Array.from({ length: 123 }, (_, i) => i);
  assert.equal(call(c, 4, [16, ...u16(0), ...u16(123), 246, ...many.flatMap(u16)]), [16, ...u16(0), ...u16(123)]);
  assert.equal(Array.from(c.units[3].holding.values.subarray(0, 123)), many);
  assert.equal(call(c, 4, [16, ...u16(0), ...u16(124), 248, ...many.flatMap(u16), 0, 0]), exc(16, 3));
});

test("FC23 writes first, then reads (the read sees the write); limits, byte count, read range and gate are checked before anything changes", () => {
  const c = fresh();
  const h = c.units[0].holding.values;
  assert.equal(call(c, 1, [23, ...u16(40009), ...u16(3), ...u16(40010), ...u16(2), 4, ...u16(11), ...u16(12)]), [23, 6, ...u16(90), ...u16(11), ...u16(12)]);
  const before = snapshot(c.units);
  const w = [...u16(40010), ...u16(1), 2, ...u16(1)];
  assert.equal(call(c, 1, [23, ...u16(40000), ...u16(126), ...w]), exc(23, 3), "read 126");
  assert.equal(call(c, 1, [23, ...u16(40000), ...u16(0), ...w]), exc(23, 3), "read 0");
  assert.equal(call(c, 4, [23, ...u16(0), ...u16(1), ...u16(0), ...u16(122), 244, ...new Array(244).fill(0)]), exc(23, 3), "write 122");
  assert.equal(call(c, 1, [23, ...u16(40000), ...u16(1), ...u16(40010), ...u16(1), 4, ...u16(1), ...u16(2)]), exc(23, 3), "byte count");
  assert.equal(call(c, 1, [23, ...u16(40000), ...u16(1), ...u16(40010), ...u16(1), 2, 0]), exc(23, 3), "short");
  assert.equal(call(c, 1, [23, ...u16(39000), ...u16(1), ...w]), exc(23, 2), "read range unmapped");
  assert.equal(call(c, 1, [23, ...u16(40000), ...u16(1), ...u16(40012), ...u16(1), 2, ...u16(1)]), exc(23, 2), "write read-only");
  assert.equal(call(c, 1, [23, ...u16(40000), ...u16(1), ...u16(40010), ...u16(1), 2, ...u16(2000)]), exc(23, 3), "gate");
  assert.equal(snapshot(c.units), before);
  assert.equal([h[40010], h[40011]], [11, 12]);
  const r = call(c, 4, [23, ...u16(0), ...u16(125), ...u16(0), ...u16(121), 242, ...new Array(242).fill(0)]) as number[];
  assert.is(r.length, 252);
  assert.is(r[2 + 2 * 121 + 1], 121, "register 121 was not written and reads its own value");
});

test("FC43/14 reads the basic identification: stream from an object, restart at 0, individual access; unknown object 02, bad code 03", () => {
  const c = fresh();
  const ascii = (s: string) => [...s].map((ch) => ch.charCodeAt(0));
  const all = [0, 6, ...ascii("dctwin"), 1, 9, ...ascii("test-hall"), 2, 5, ...ascii("1.2.3")];
  assert.equal(call(c, 1, [43, 14, 1, 0]), [43, 14, 1, 0x81, 0, 0, 3, ...all]);
  assert.equal(call(c, 1, [43, 14, 1, 1]), [43, 14, 1, 0x81, 0, 0, 2, ...all.slice(8)]);
  assert.equal(call(c, 1, [43, 14, 1, 0x80]), [43, 14, 1, 0x81, 0, 0, 3, ...all], "unknown object: restart at 0");
  assert.equal(call(c, 1, [43, 14, 2, 0]), [43, 14, 2, 0x81, 0, 0, 3, ...all]);
  assert.equal(call(c, 1, [43, 14, 4, 1]), [43, 14, 4, 0x81, 0, 0, 1, 1, 9, ...ascii("test-hall")]);
  assert.equal(call(c, 1, [43, 14, 4, 3]), exc(43, 2));
  assert.equal(call(c, 1, [43, 14, 0, 0]), exc(43, 3));
  assert.equal(call(c, 1, [43, 14, 5, 0]), exc(43, 3));
  assert.throws(() => createPduHandler([], recordingGate(), { vendor: "x".repeat(200), product: "y".repeat(50), version: "1" }), /253/);
});

test("an unknown unit id is UNKNOWN_UNIT from handle and validate, and nothing is recorded", () => {
  const c = fresh();
  for (const unitId of [5, 42, 247, 248, 255]) {
    assert.is(call(c, unitId, [3, ...u16(40000), ...u16(1)]), "unknown");
    assert.is(call(c, unitId, [6, ...u16(40010), ...u16(1)]), "unknown");
    assert.is(c.pdu.validate(unitId, Uint8Array.from([3, 0, 0, 0, 1]), 5, "t"), UNKNOWN_UNIT);
  }
  assert.equal(c.gate.record, { checks: [], applied: [], refused: [] });
});

test("broadcast (unit 0): a write reaches every unit that maps it, each through its own checks, and nothing is answered", () => {
  const c = fresh();
  const [bess1, meter1, bess2] = c.units;
  assert.equal(call(c, 0, [6, ...u16(40010), ...u16(321)]), []);
  assert.is(bess1.holding.values[40010], 321);
  assert.is(bess2.holding.values[40010], 321);
  assert.equal(c.gate.record.applied.map((a) => a.unitId), [1, 3]);
  assert.equal(call(c, 0, [16, ...u16(40010), ...u16(2), 4, ...u16(1), ...u16(1001)]), []);
  assert.equal([bess1.holding.values[40011], bess2.holding.values[40011]], [110, 77], "refused by the gate on both");
  assert.equal(c.gate.record.refused.map((r) => [r.unitId, r.code]), [
    [1, 3],
    [3, 3],
  ]);
  assert.equal(call(c, 0, [5, ...u16(100), 0xff, 0]), []);
  assert.is(bess1.coil.values[100], 1);
  assert.is(c.units[3].coil.values[100], 1, "unit 4 maps coil 100 too");
  assert.is(meter1.coil.values[100], 0, "meter1 does not map coil 100");
  assert.equal(call(c, 0, [15, ...u16(0), ...u16(8), 1, 0xff]), []);
  assert.equal(Array.from(meter1.coil.values.subarray(0, 8)), new Array(8).fill(1));
  assert.is(c.units[3].coil.values[0], 1, "unit 4 maps coils 0-7 too");
  const before = snapshot(c.units);
  assert.equal(call(c, 0, [3, ...u16(40000), ...u16(1)]), [], "a broadcast read is not answered");
  assert.equal(call(c, 0, [23, ...u16(40000), ...u16(1), ...u16(40010), ...u16(1), 2, ...u16(5)]), [], "nor is FC23");
  assert.equal(call(c, 0, [6, ...u16(40010), 0]), [], "nor a malformed write");
  assert.equal(call(c, 0, [0x41]), []);
  assert.equal(snapshot(c.units), before);
});

test("validate answers what handle would, calls gate.check and refused, and changes nothing", () => {
  const c = fresh();
  const v = (unitId: number, bytes: number[]) => c.pdu.validate(unitId, Uint8Array.from(bytes), bytes.length, "v");
  const before = snapshot(c.units);
  assert.is(v(1, [3, ...u16(40000), ...u16(100)]), 0);
  assert.is(v(1, [3, ...u16(40000), ...u16(101)]), 2);
  assert.is(v(1, [3, ...u16(40000), ...u16(126)]), 3);
  assert.is(v(1, [0x41, 0]), 1);
  assert.is(v(1, [6, ...u16(40010), ...u16(500)]), 0);
  assert.is(v(1, [6, ...u16(40010), ...u16(5000)]), 3);
  assert.is(v(1, [16, ...u16(40010), ...u16(2), 4, ...u16(1), ...u16(2)]), 0);
  assert.is(v(1, [16, ...u16(40011), ...u16(2), 4, ...u16(1), ...u16(2)]), 2);
  assert.is(v(1, [43, 14, 4, 7]), 2);
  assert.is(v(0, [6, ...u16(40010), ...u16(5000)]), 0, "broadcast: form only");
  assert.is(v(0, [6, ...u16(40010)]), 3);
  assert.equal(snapshot(c.units), before);
  assert.is(c.gate.record.applied.length, 0);
  assert.is(c.gate.record.checks.length, 3, "500, 5000 and the good FC16; the read-only FC16 never reaches the gate");
  assert.equal(c.gate.record.refused.map((r) => [r.address, r.code]), [
    [40010, 3],
    [40011, 2],
  ]);
});

test("write() applies a decoded write with the same checks (the vector path of tcp-server.ts)", () => {
  const c = fresh();
  assert.is(c.pdu.write(1, "holding", 40010, [9, 10], 2, "w"), 0);
  assert.equal(Array.from(c.units[0].holding.values.subarray(40010, 40012)), [9, 10]);
  assert.is(c.pdu.write(1, "holding", 40010, [9, 1001], 2, "w"), 3);
  assert.is(c.pdu.write(1, "holding", 40011, [9, 9], 2, "w"), 2);
  assert.is(c.pdu.write(2, "coil", 3, [1], 1, "w"), 0);
  assert.is(c.units[1].coil.values[3], 1);
  assert.is(c.pdu.write(9, "coil", 3, [1], 1, "w"), UNKNOWN_UNIT);
  assert.equal(Array.from(c.units[0].holding.values.subarray(40010, 40012)), [9, 10]);
});

test("lockstep: when applied returns a promise the answer waits for it; a rejected one is exception 04", async () => {
  const c = fresh();
  let release = () => {};
  c.gate.appliedResult = () => new Promise<void>((resolve) => (release = resolve));
  const pending = c.pdu.handle(1, Uint8Array.from([6, ...u16(40010), ...u16(42)]), 5, c.out, "t");
  assert.instance(pending, Promise);
  let settled = false;
  void (pending as Promise<number>).then(() => (settled = true));
  await new Promise((r) => setTimeout(r, 20));
  assert.is(settled, false, "no answer before the twin applied the write");
  assert.is(c.units[0].holding.values[40010], 42, "the register is written before applied is called");
  release();
  assert.is(await pending, 5);
  assert.equal(Array.from(c.out.subarray(0, 5)), [6, ...u16(40010), ...u16(42)]);

  // FC23 reads after the twin advanced: the gate changes 40009 while the write is pending.
  c.gate.appliedResult = () => {
    c.units[0].holding.values[40009] = 4242;
    return Promise.resolve();
  };
  const n = await c.pdu.handle(1, Uint8Array.from([23, ...u16(40009), ...u16(1), ...u16(40010), ...u16(1), 2, ...u16(1)]), 12, c.out, "t");
  assert.equal(Array.from(c.out.subarray(0, n)), [23, 2, ...u16(4242)]);

  c.gate.appliedResult = () => Promise.reject(new Error("twin failed"));
  const failed = await c.pdu.handle(1, Uint8Array.from([16, ...u16(40010), ...u16(1), 2, ...u16(1)]), 8, c.out, "t");
  assert.equal(Array.from(c.out.subarray(0, failed)), exc(16, 4));
  assert.is(await c.pdu.write(1, "holding", 40010, [3], 1, "t"), 4);
  // A broadcast with a pending apply resolves to 0 once every unit applied.
  assert.is(await c.pdu.handle(0, Uint8Array.from([6, ...u16(40010), ...u16(9)]), 5, c.out, "t"), 0);
});

test("the synchronous path allocates nothing: 200k mixed requests run with no GC and < 256 KB heap growth", async () => {
  const c = fresh();
  c.gate.recording = false;
  const requests = [
    [3, ...u16(40000), ...u16(100)],
    [1, ...u16(0), ...u16(16)],
    [6, ...u16(40010), ...u16(500)],
    [6, ...u16(40010), ...u16(5000)],
    [16, ...u16(40010), ...u16(2), 4, ...u16(1), ...u16(2)],
    [15, ...u16(0), ...u16(8), 1, 0x55],
    [23, ...u16(40000), ...u16(10), ...u16(40010), ...u16(1), 2, ...u16(3)],
    [43, 14, 1, 0],
    [3, ...u16(39999), ...u16(2)],
    [0x41, 0],
  ].map((r) => Uint8Array.from(r));
  const units = [1, 2, 1, 1, 1, 2, 1, 1, 1, 1];
  const run = (n: number) => {
    for (let i = 0; i < n; i++) {
      const k = i % requests.length;
      c.pdu.handle(units[k], requests[k], requests[k].length, c.out, "client");
    }
  };
  run(50_000); // warm up: let the JIT settle before measuring
  await new Promise((r) => setTimeout(r, 10));
  // A full collection first: in the shared test process, a collection the earlier tests' garbage
  // started (incremental marking) could otherwise finish during the measured loop.
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
  await new Promise((r) => setTimeout(r, 20)); // its performance entry is delivered before observing starts
  let gcs = 0;
  const observer = new PerformanceObserver((list) => (gcs += list.getEntries().length));
  observer.observe({ entryTypes: ["gc"] });
  const before = getHeapStatistics().used_heap_size;
  run(200_000);
  const grownBytes = getHeapStatistics().used_heap_size - before;
  await new Promise((r) => setTimeout(r, 50));
  observer.disconnect();
  assert.is(gcs, 0, `${gcs} GC runs during the measured loop`);
  assert.ok(grownBytes < 256 * 1024, `heap grew ${grownBytes} bytes over 200k requests`);
  assert.equal(changedOutsideWritable(c.units, snapshot(servedUnits())), []);
});

test.run();
