import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ROOT } from "../../helpers.js";
import { peerMissing, PYTHON } from "../peer.js";
import { createFixtureDevice, type FixtureDevice } from "./rtu-fixture.js";
import { mbpoll, mbpollValues, run, startPtyBench, type PtyBench } from "./rtu-pty.js";

/**
 * The RTU server through a socat pty pair at 115200 8N1, driven by masters this project did not
 * write: Debian's mbpoll (libmodbus) and Debian's pymodbus 3.0.0 serial client. The handler is the
 * test fixture (FC3 from an array, FC6/FC16 writes, exception 02 outside, 01 otherwise) serving
 * units 1 and 2.
 */
const rtu = suite<{ bench: PtyBench; device: FixtureDevice }>("rtu-server with independent masters");

rtu.before(async (ctx) => {
  ctx.device = createFixtureDevice([1, 2]);
  ctx.bench = await startPtyBench(ctx.device.handler);
});
rtu.after(async (ctx) => {
  await ctx.bench.stop();
});

rtu("mbpoll reads holding registers (FC3) of unit 1 and unit 2", async ({ bench }) => {
  const r = await mbpoll(bench.peerPath, ["-a", "1", "-t", "4", "-r", "3", "-c", "4"]);
  assert.is(r.code, 0, r.stderr);
  assert.equal(mbpollValues(r.stdout), { 3: 103, 4: 104, 5: 105, 6: 106 });
  const r2 = await mbpoll(bench.peerPath, ["-a", "2", "-t", "4", "-r", "0", "-c", "1"]);
  assert.is(r2.code, 0, r2.stderr);
  assert.equal(mbpollValues(r2.stdout), { 0: 100 });
});

rtu("mbpoll writes one register (FC6) and several (FC16), and reads them back", async ({ bench, device }) => {
  const w = await mbpoll(bench.peerPath, ["-a", "1", "-t", "4", "-r", "20"], ["777"]);
  assert.is(w.code, 0, w.stderr);
  const w2 = await mbpoll(bench.peerPath, ["-a", "2", "-t", "4", "-r", "21"], ["1", "2", "65535"]);
  assert.is(w2.code, 0, w2.stderr);
  assert.equal([...device.registers.subarray(20, 24)], [777, 1, 2, 65535]);
  const r = await mbpoll(bench.peerPath, ["-a", "1", "-t", "4", "-r", "20", "-c", "4"]);
  assert.equal(mbpollValues(r.stdout), { 20: 777, 21: 1, 22: 2, 23: 65535 });
});

rtu("mbpoll gets exception 02 outside the registers and 01 for an unsupported function, with exit code 1", async ({ bench }) => {
  const outside = await mbpoll(bench.peerPath, ["-a", "1", "-t", "4", "-r", "30", "-c", "5"]);
  assert.is(outside.code, 1);
  assert.match(outside.stderr, /Illegal data address/);
  const fc4 = await mbpoll(bench.peerPath, ["-a", "1", "-t", "3", "-r", "0", "-c", "1"]);
  assert.is(fc4.code, 1);
  assert.match(fc4.stderr, /Illegal function/);
});

rtu("mbpoll times out on a unit id the server does not serve: no reply at all", async ({ bench }) => {
  const before = bench.server.stats().otherUnits;
  const r = await mbpoll(bench.peerPath, ["-a", "9", "-t", "4", "-r", "0", "-c", "1"]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /timed out/i);
  assert.ok(bench.server.stats().otherUnits > before);
});

rtu("pymodbus 3.0.0's serial client reads, writes, gets exceptions 02 and 01, and no reply from unit 9", async ({ bench, device }) => {
  const missing = peerMissing();
  if (missing !== undefined) {
    console.log(`skipped: ${missing}`);
    return;
  }
  const r = await run(PYTHON, [join(ROOT, "test/hil/serve/rtu_pymodbus_client.py"), bench.peerPath]);
  assert.is(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Record<string, { registers?: number[]; exception?: number; text?: string }>;
  assert.equal(out.read, { registers: [102, 103, 104] });
  assert.equal(out.write, { registers: [] });
  assert.equal(out.write_multiple, { registers: [] });
  assert.equal(out.read_back!.registers, [104, 4321, 106, 107, 108, 109, 7, 8]);
  assert.is(out.outside!.exception, 2);
  assert.is(out.unsupported!.exception, 1);
  assert.match(String(out.other_unit!.text), /No response|Modbus Error/i);
  assert.equal(out.after_silence, { registers: [100] });
  assert.equal([...device.registers.subarray(10, 13)], [7, 8, 9]);
});

rtu("the server counted no framing errors through all of it", ({ bench }) => {
  const s = bench.server.stats();
  assert.equal([s.crcErrors, s.overruns, s.foreignFrames, s.queueDrops, s.handlerErrors], [0, 0, 0, 0, 0], JSON.stringify(s));
  assert.is(s.droppedBytes, 0);
  assert.ok(s.replies > 10);
});

rtu.run();
