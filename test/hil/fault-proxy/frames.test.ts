import { test } from "uvu";
import * as assert from "uvu/assert";
import { fromMbapLength, MBAP_INVALID, MBAP_NEED_MORE, toMbapException, toTruncatedMbap } from "../../../hil/fault-proxy/mbap-frame.js";
import { createReplyQueue } from "../../../hil/fault-proxy/reply-queue.js";
import { crc16Modbus } from "../../../hil/serve/rtu-crc.js";
import { fromRtuReplyLength, fromRtuRequestLength, RTU_BY_SILENCE, RTU_NEED_MORE, toCrcFlipped, toRtuException } from "../../../hil/fault-proxy/rtu-frame.js";
import { createRtuFramer } from "../../../hil/fault-proxy/rtu-framer.js";

/** How the proxy cuts byte streams into frames, and the frames it forges (exceptions, damaged replies). */

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("fromMbapLength(buf): the ADU length once 6 bytes are in, invalid for a foreign protocol id or a length out of 2-254", () => {
  const read = Buffer.from("000100000006" + "0103" + "9c400002", "hex");
  assert.is(fromMbapLength(read), 12);
  assert.is(fromMbapLength(read.subarray(0, 5)), MBAP_NEED_MORE);
  assert.is(fromMbapLength(Buffer.from("000100010006", "hex")), MBAP_INVALID);
  assert.is(fromMbapLength(Buffer.from("000100000001", "hex")), MBAP_INVALID);
  assert.is(fromMbapLength(Buffer.from("0001000000ff", "hex")), MBAP_INVALID);
});

test("toMbapException(request, 4) keeps transaction and unit id; toTruncatedMbap(reply) halves the PDU and fixes the length", () => {
  const read = Buffer.from("0007000000060103" + "9c400002", "hex");
  assert.is(hex(toMbapException(read, 4)), "000700000003018304");
  const reply = Buffer.from("00070000000701030453756e53", "hex");
  const cut = toTruncatedMbap(reply);
  assert.is(hex(cut), "00070000000401030453");
  assert.is(fromMbapLength(cut), cut.length, "still one whole ADU by its header");
  assert.is(hex(toTruncatedMbap(Buffer.from("000700000003018304", "hex"))), "0007000000020183", "an exception reply keeps its function code");
});

test("toRtuException signs its frame; toCrcFlipped breaks the CRC of a copy", () => {
  const ex = toRtuException(1, 3, 4);
  assert.is(hex(ex.subarray(0, 3)), "018304");
  assert.is(ex.readUInt16LE(3), crc16Modbus(ex, 0, 3));
  const flipped = toCrcFlipped(ex);
  assert.is(hex(flipped.subarray(0, 3)), "018304");
  assert.is.not(flipped.readUInt16LE(3), crc16Modbus(ex, 0, 3));
  assert.is(ex.readUInt16LE(3), crc16Modbus(ex, 0, 3), "the original is left alone");
});

test("fromRtuRequestLength / fromRtuReplyLength: fixed, byte-counted and exception frames; silence for unknown codes", () => {
  assert.is(fromRtuRequestLength(Buffer.from([1])), RTU_NEED_MORE);
  assert.is(fromRtuRequestLength(Buffer.from([1, 3])), 8);
  assert.is(fromRtuRequestLength(Buffer.from([1, 16, 0x9c, 0x40, 0, 2])), RTU_NEED_MORE);
  assert.is(fromRtuRequestLength(Buffer.from([1, 16, 0x9c, 0x40, 0, 2, 4])), 13);
  assert.is(fromRtuRequestLength(Buffer.from([1, 23, 0, 0, 0, 1, 0, 0, 0, 1, 2])), 15);
  assert.is(fromRtuRequestLength(Buffer.from([1, 43, 14])), 7);
  assert.is(fromRtuRequestLength(Buffer.from([1, 0x41])), RTU_BY_SILENCE);
  assert.is(fromRtuReplyLength(Buffer.from([1, 3])), RTU_NEED_MORE);
  assert.is(fromRtuReplyLength(Buffer.from([1, 3, 4])), 9);
  assert.is(fromRtuReplyLength(Buffer.from([1, 0x83])), 5);
  assert.is(fromRtuReplyLength(Buffer.from([1, 16])), 8);
  assert.is(fromRtuReplyLength(Buffer.from([1, 24, 0, 6])), 12);
  assert.is(fromRtuReplyLength(Buffer.from([1, 0x2b])), RTU_BY_SILENCE);
});

test("createRtuFramer: cuts back-to-back and split frames by length; an unknown or short frame by silence", async () => {
  const frames: string[] = [];
  const framer = createRtuFramer(fromRtuRequestLength, (f, cut) => frames.push(`${hex(f)}/${cut}`), { silenceMs: 5, partialMs: 30 });
  const a = Buffer.from("01039c400002ebbf", "hex");
  framer.push(Buffer.concat([a, a.subarray(0, 3)]));
  assert.equal(frames, [`${hex(a)}/length`]);
  framer.push(a.subarray(3));
  assert.equal(frames, [`${hex(a)}/length`, `${hex(a)}/length`]);
  framer.push(Buffer.from("0141aabb", "hex"));
  await sleep(20);
  assert.is(frames[2], "0141aabb/silence");
  framer.push(Buffer.from("0103", "hex"));
  await sleep(15);
  assert.is(frames.length, 3, "an incomplete frame of known length waits longer than the silence");
  await sleep(40);
  assert.is(frames[3], "0103/silence");
  assert.is(framer.pending, 0);
});

test("createReplyQueue: sends at once without delay, never before the delay, and keeps order when the delay shrinks", async () => {
  const got: [string, number][] = [];
  const t0 = performance.now();
  const q = createReplyQueue((f) => got.push([hex(f), performance.now() - t0]));
  q.send(Buffer.from([1]), 0);
  assert.equal(got.map((g) => g[0]), ["01"]);
  q.send(Buffer.from([2]), 60);
  q.send(Buffer.from([3]), 0);
  assert.is(q.waiting, 2);
  await sleep(120);
  assert.equal(got.map((g) => g[0]), ["01", "02", "03"]);
  assert.ok(got[1]![1] >= 60, `held at least 60 ms (${got[1]![1].toFixed(1)})`);
  assert.ok(got[2]![1] >= got[1]![1], "the later reply did not overtake");
  q.send(Buffer.from([4]), 50);
  q.clear();
  await sleep(70);
  assert.is(got.length, 3, "clear() forgets held replies");
});

test.run();
