import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeRegisters, encodeRegisters, registerCount, type CodecPoint } from "../../../hil/profile/register-codec.js";
import type { RegisterType, WordOrder } from "../../../hil/profile/profile-types.js";

const NI: Record<string, number> = { int16: 0x8000, uint16: 0xffff, int32: 0x80000000, uint32: 0xffffffff, float32: 0x7fc00000 };

function pt(type: RegisterType, wordOrder: WordOrder = "high-first", scale = 1, notImplementedRaw?: number): CodecPoint {
  return notImplementedRaw === undefined ? { type, wordOrder, scale } : { type, wordOrder, scale, notImplementedRaw };
}

// [type, word order, scale, sf, raw registers, engineering value]
const TABLE: [RegisterType, WordOrder, number, number, number[], number][] = [
  ["int16", "high-first", 1, 0, [0x0000], 0],
  ["int16", "high-first", 1, 0, [0x7fff], 32767],
  ["int16", "high-first", 1, 0, [0xfff6], -10],
  ["int16", "high-first", 1, -2, [0x04d2], 12.34],
  ["int16", "high-first", 1, 3, [0xfffe], -2000],
  ["int16", "high-first", 0.1, 0, [0x00fa], 25],
  ["int16", "high-first", 0.1, 0, [0xff9c], -10],
  ["uint16", "high-first", 1, 0, [0xfffe], 65534],
  ["uint16", "high-first", 0.01, 0, [0x0039], 0.57],
  ["uint16", "high-first", 0.01, -1, [0x0237], 0.567],
  ["int32", "high-first", 1, 0, [0xffff, 0xfffe], -2],
  ["int32", "low-first", 1, 0, [0xfffe, 0xffff], -2],
  ["int32", "high-first", 1, 0, [0xff67, 0x6980], -10_000_000],
  ["int32", "low-first", 1, 0, [0x6980, 0xff67], -10_000_000],
  ["int32", "high-first", 1, 3, [0xffff, 0xd8f0], -10_000_000],
  ["int32", "high-first", 1, -2, [0x0001, 0x0000], 655.36],
  ["uint32", "high-first", 1, 0, [0x0001, 0x0002], 65538],
  ["uint32", "low-first", 1, 0, [0x0002, 0x0001], 65538],
  ["uint32", "high-first", 1, 0, [0xffff, 0xfffe], 4294967294],
  ["float32", "high-first", 1, 0, [0x3fc0, 0x0000], 1.5],
  ["float32", "low-first", 1, 0, [0x0000, 0xc2c8], -100],
  ["float32", "high-first", 1, 3, [0x4120, 0x0000], 10_000],
  ["bool", "high-first", 1, 0, [0x0001], 1],
  ["bool", "high-first", 1, 0, [0x0000], 0],
];

test("registerCount(type) is 2 for 32-bit types, 1 otherwise", () => {
  assert.equal((["int16", "uint16", "int32", "uint32", "float32", "bool"] as RegisterType[]).map(registerCount), [1, 1, 2, 2, 2, 1]);
});

test("decodeRegisters(point, raw) matches the raw ↔ value table (types, word orders, scale, sf -2/+3)", () => {
  for (const [type, order, scale, sf, raw, value] of TABLE) {
    const got = decodeRegisters(pt(type, order, scale), Uint16Array.from(raw), 0, sf);
    assert.is(got, value, `${type} ${order} scale ${scale} sf ${sf} raw ${raw.map((r) => r.toString(16))}`);
  }
});

test("encodeRegisters(point, value) writes the table's raw registers back, at an offset", () => {
  for (const [type, order, scale, sf, raw, value] of TABLE) {
    const out = new Uint16Array(4).fill(0xaaaa);
    const reason = encodeRegisters(pt(type, order, scale), value, out, 1, sf);
    assert.is(reason, null, `${type} ${value}`);
    assert.equal([...out.subarray(1, 1 + raw.length)], raw, `${type} ${order} ${value}`);
    assert.is(out[0], 0xaaaa, "nothing written before the offset");
  }
});

test("decodeRegisters reads SunSpec not-implemented raws as NaN (int16, uint16, int32, uint32, float32 NaN, acc32 0)", () => {
  const cases: [CodecPoint, number[]][] = [
    [pt("int16", "high-first", 1, NI.int16), [0x8000]],
    [pt("uint16", "high-first", 1, NI.uint16), [0xffff]],
    [pt("int32", "high-first", 1, NI.int32), [0x8000, 0x0000]],
    [pt("int32", "low-first", 1, NI.int32), [0x0000, 0x8000]],
    [pt("uint32", "high-first", 1, NI.uint32), [0xffff, 0xffff]],
    [pt("float32", "high-first", 1, NI.float32), [0x7fc0, 0x0000]],
    [pt("float32", "high-first", 1), [0x7fc0, 0x0001]],
    [pt("uint32", "high-first", 1, 0), [0x0000, 0x0000]],
  ];
  for (const [point, raw] of cases) {
    assert.ok(Number.isNaN(decodeRegisters(point, Uint16Array.from(raw), 0, -2)), `${point.type} ${raw}`);
  }
  assert.is(decodeRegisters(pt("int16"), Uint16Array.of(0x8000), 0), -32768, "without notImplementedRaw 0x8000 is a number");
  assert.is(decodeRegisters(pt("uint32", "high-first", 1, 0), Uint16Array.of(0, 7), 0), 7, "acc32 non-zero is a value");
});

test("encodeRegisters refuses values that do not fit after scaling, with a reason, leaving out untouched", () => {
  const cases: [CodecPoint, number, number, RegExp][] = [
    [pt("int16"), 32768, 0, /outside int16 range -32768\.\.32767/],
    [pt("int16", "high-first", 0.1), -3276.9, 0, /raw -32769/],
    [pt("uint16"), -1, 0, /outside uint16/],
    [pt("uint16", "high-first", 0.01), 655.36, 0, /raw 65536/],
    [pt("int32"), 10_000_000, -3, /outside int32/],
    [pt("uint32"), 2 ** 32, 0, /outside uint32/],
    [pt("float32"), 1e39, 0, /overflows float32/],
    [pt("int16"), Number.NaN, 0, /not a finite number/],
    [pt("int16", "high-first", 1, NI.int16), -32768, 0, /not implemented/],
  ];
  for (const [point, value, sf, pattern] of cases) {
    const out = Uint16Array.of(0x1234, 0x5678);
    const reason = encodeRegisters(point, value, out, 0, sf);
    assert.ok(reason !== null && pattern.test(reason), `${point.type} ${value}: ${reason}`);
    assert.equal([...out], [0x1234, 0x5678]);
  }
});

test("encodeRegisters rounds to the nearest raw step and round-trips scaled values", () => {
  const out = new Uint16Array(2);
  assert.is(encodeRegisters(pt("int32"), -1234.5678, out, 0, -2), null);
  assert.is(decodeRegisters(pt("int32"), out, 0, -2), -1234.57);
  assert.is(encodeRegisters(pt("int16", "high-first", 0.1), 21.46, out, 0), null);
  assert.is(decodeRegisters(pt("int16", "high-first", 0.1), out, 0), 21.5);
});

test.run();
