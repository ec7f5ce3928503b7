import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createFixtureDevice, rtuFrame, type FixtureDevice } from "./rtu-fixture.js";
import { openRawPort, type RawPort } from "./rtu-raw-port.js";
import { startPtyBench, type PtyBench } from "./rtu-pty.js";

/**
 * The RTU server through a socat pty pair at 115200 8N1, fed raw frames by a second serialport on
 * the other end: the framing cases an ordinary master never produces. "No reply" means nothing
 * within 150 ms, 85 times the 1.75 ms t3.5 of the line.
 */
const NO_REPLY_MS = 150;
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Ctx {
  bench: PtyBench;
  device: FixtureDevice;
  raw: RawPort;
}

const raw = suite<Ctx>("rtu-server with raw frames");

raw.before(async (ctx) => {
  ctx.device = createFixtureDevice([1]);
  ctx.bench = await startPtyBench(ctx.device.handler, { reopenMs: 100 });
  ctx.raw = await openRawPort(ctx.bench.peerPath);
});
raw.after(async (ctx) => {
  await ctx.raw.close();
  await ctx.bench.stop();
});

const READ0 = rtuFrame(1, 3, 0, 0, 0, 1);
const READ0_REPLY = rtuFrame(1, 3, 2, 0, 100);

raw("a frame with a bad CRC gets no reply and is not applied; the next good request is answered", async ({ bench, device, raw }) => {
  const bad = rtuFrame(1, 6, 0, 0, 0x0b, 0xad);
  bad[6] ^= 0xff;
  await raw.write([bad]);
  assert.is((await raw.collect(1, NO_REPLY_MS)).length, 0);
  assert.is(device.registers[0], 100);
  assert.ok(bench.server.stats().crcErrors >= 1);
  await raw.write([READ0]);
  assert.is(hex(await raw.collect(7, 1000)), hex(READ0_REPLY));
});

raw("two requests merged in one write are both answered, in order", async ({ raw }) => {
  const write = rtuFrame(1, 6, 0, 1, 0, 42);
  await raw.write([Buffer.concat([write, rtuFrame(1, 3, 0, 1, 0, 1)])]);
  assert.is(hex(await raw.collect(15, 1000)), hex(write) + hex(rtuFrame(1, 3, 2, 0, 42)));
});

raw("a broadcast write (unit 0, FC6 and FC16) is applied and never answered", async ({ device, raw }) => {
  await raw.write([rtuFrame(0, 6, 0, 2, 0x01, 0x2c)]);
  assert.is((await raw.collect(1, NO_REPLY_MS)).length, 0);
  assert.is(device.registers[2], 300);
  await raw.write([rtuFrame(0, 16, 0, 3, 0, 2, 4, 0, 7, 0, 8)]);
  assert.is((await raw.collect(1, NO_REPLY_MS)).length, 0);
  assert.equal([device.registers[3], device.registers[4]], [7, 8]);
  // A broadcast read would be answered by the fixture handler; the server keeps it silent.
  await raw.write([rtuFrame(0, 3, 0, 0, 0, 1)]);
  assert.is((await raw.collect(1, NO_REPLY_MS)).length, 0);
});

raw("a frame for another unit id gets no reply, and the next one for ours is answered", async ({ raw }) => {
  await raw.write([rtuFrame(7, 3, 0, 0, 0, 1)]);
  assert.is((await raw.collect(1, NO_REPLY_MS)).length, 0);
  await raw.write([READ0]);
  assert.is(hex(await raw.collect(7, 1000)), hex(READ0_REPLY));
});

raw("a frame written in two pieces 10 ms apart (as a USB adapter delivers it) is joined and answered", async ({ raw }) => {
  const write = rtuFrame(1, 16, 0, 5, 0, 3, 6, 0, 1, 0, 2, 0, 3);
  await raw.write([write.subarray(0, 9), write.subarray(9)], 10);
  assert.is(hex(await raw.collect(8, 1000)), hex(rtuFrame(1, 16, 0, 5, 0, 3)));
});

raw("garbage, a silence, then a good request: the request is answered", async ({ bench, raw }) => {
  const dropped = bench.server.stats().droppedBytes;
  await raw.write([Uint8Array.of(1, 16, 0, 0, 0)]);
  await sleep(20);
  await raw.write([READ0]);
  assert.is(hex(await raw.collect(7, 1000)), hex(READ0_REPLY));
  await raw.write([Uint8Array.of(0xff, 0x00, 0xaa)]);
  await sleep(20);
  await raw.write([READ0]);
  assert.is(hex(await raw.collect(7, 1000)), hex(READ0_REPLY));
  assert.is(bench.server.stats().droppedBytes - dropped, 5 + 3);
});

raw("killing socat reports the port lost without crashing; the server reopens it when it is back", async (ctx) => {
  const { bench } = ctx;
  await ctx.raw.close();
  await bench.stopPty();
  const deadline = Date.now() + 3000;
  while (!bench.events.some((e) => e.startsWith("disconnected")) && Date.now() < deadline) await sleep(10);
  assert.ok(bench.events.some((e) => e.startsWith("disconnected")), bench.events.join("\n"));
  await bench.restartPty();
  while (!bench.events.some((e) => /^open: .*reopened/.test(e)) && Date.now() < deadline + 3000) await sleep(10);
  assert.ok(bench.events.some((e) => /^open: .*reopened/.test(e)), bench.events.join("\n"));
  ctx.raw = await openRawPort(bench.peerPath);
  await ctx.raw.write([READ0]);
  assert.is(hex(await ctx.raw.collect(7, 1000)), hex(READ0_REPLY));
});

raw.run();

/** The same discipline when the handler answers writes through a promise (the twin's lockstep `applied`). */
const slow = suite<Ctx>("rtu-server with a handler that answers writes through a promise");

slow.before(async (ctx) => {
  ctx.device = createFixtureDevice([1], 32, 30);
  ctx.bench = await startPtyBench(ctx.device.handler);
  ctx.raw = await openRawPort(ctx.bench.peerPath);
});
slow.after(async (ctx) => {
  await ctx.raw.close();
  await ctx.bench.stop();
});

slow("a write merged with a read: the read waits for the write's promise and sees the written value", async ({ raw }) => {
  const write = rtuFrame(1, 6, 0, 9, 0x0f, 0xa0);
  await raw.write([Buffer.concat([write, rtuFrame(1, 3, 0, 9, 0, 1)])]);
  assert.is(hex(await raw.collect(15, 1000)), hex(write) + hex(rtuFrame(1, 3, 2, 0x0f, 0xa0)));
});

slow.run();
