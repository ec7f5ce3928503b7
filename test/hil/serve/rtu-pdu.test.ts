import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createPduHandler } from "../../../hil/serve/pdu.js";
import type { ServedUnit } from "../../../hil/serve/served-unit.js";
import { ROOT } from "../../helpers.js";
import { peerMissing, PYTHON } from "../peer.js";
import { rtuFrame } from "./rtu-fixture.js";
import { mbpoll, run, startPtyBench, type PtyBench } from "./rtu-pty.js";
import { openRawPort } from "./rtu-raw-port.js";
import { recordingGate, servedUnits, type RecordingGate } from "./served-fixture.js";

/**
 * The product path end to end over RTU: the shared PDU handler (hil/serve/pdu.ts) over the
 * synthetic served units of served-fixture.ts (bess1 = 1, meter1 = 2, bess2 = 3, wide = 4; the gate
 * refuses values above 1000 with 03), behind the RTU server on a socat pty at 115200 8N1, driven by
 * pymodbus 3.0.0, mbpoll and raw frames.
 */
interface Ctx {
  bench: PtyBench;
  units: ServedUnit[];
  gate: RecordingGate;
}

const pdu = suite<Ctx>("rtu-server with createPduHandler");

pdu.before(async (ctx) => {
  ctx.units = servedUnits();
  ctx.gate = recordingGate();
  const handler = createPduHandler(ctx.units, ctx.gate, { vendor: "dctwin", product: "test-hall", version: "1.2.3" });
  ctx.bench = await startPtyBench(handler.handle);
});
pdu.after(async (ctx) => {
  await ctx.bench.stop();
});

pdu("pymodbus 3.0.0 reads every table, writes FC5/6/15/16/23, identifies the device, sees exceptions 01/02/03 and no reply from unit 42", async ({ bench, units }) => {
  const missing = peerMissing();
  if (missing !== undefined) throw new Error(missing);
  const r = await run(PYTHON, [join(ROOT, "test/hil/serve/rtu_pdu_client.py"), bench.peerPath], 60_000);
  assert.is(r.code, 0, r.stderr);
  const steps = Object.fromEntries(
    r.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .map(({ step, ...rest }) => [step as string, rest]),
  );
  assert.equal(steps, {
    "read holding 40000x3": { registers: [0, 10, 20] },
    "write 40010=700": { ok: true },
    "write 40010-40011=[1,2]": { ok: true },
    "read 40010x2": { registers: [1, 2] },
    "write 40010=1001 (gate)": { exception: 3 },
    "write 40011-40012 (read-only)": { exception: 2 },
    "read 40095x10 (unmapped)": { exception: 2 },
    "read 40000x126 (quantity)": { exception: 3 },
    "read input 0x3": { registers: [1000, 1001, 1002] },
    "read discrete 0x4": { bits: [0, 1, 0, 1, 0, 0, 0, 0] },
    "write coil 2=on": { ok: true },
    "write coils 4-6": { ok: true },
    "read coils 0x8": { bits: [1, 0, 1, 1, 1, 0, 1, 0] },
    "read/write 40010x2": { registers: [33, 44] },
    "read 125 input registers of unit 4": { summary: [125, 0xffff, 0xffff - 124] },
    "write 123 registers to unit 4": { ok: true },
    "read unit 42": { error: "no response" },
    "report slave id (FC17)": { exception: 1 },
    "device identification": { info: { "0": "dctwin", "1": "test-hall", "2": "1.2.3" } },
    "read holding 40000x1 after": { registers: [0] },
  });
  assert.equal(Array.from(units[0]!.holding.values.subarray(40010, 40013)), [33, 44, 120]);
  assert.equal(Array.from(units[3]!.holding.values.subarray(120, 123)), [120, 121, 122]);
});

pdu("mbpoll writes through the gate and gets exception 03 for a refused value and a timeout for unit 42", async ({ bench, units }) => {
  let r = await mbpoll(bench.peerPath, ["-a", "1", "-t", "4", "-r", "40010"], ["500", "600"]);
  assert.is(r.code, 0, r.stderr);
  assert.equal(Array.from(units[0]!.holding.values.subarray(40010, 40012)), [500, 600]);
  r = await mbpoll(bench.peerPath, ["-a", "1", "-t", "4", "-r", "40010"], ["5000"]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /Illegal data value/);
  r = await mbpoll(bench.peerPath, ["-a", "42", "-t", "4", "-r", "40000"]);
  assert.is(r.code, 1);
  assert.match(r.stderr, /timed out/i);
  assert.is(units[0]!.holding.values[40010], 500);
});

pdu("a broadcast FC16 (unit 0) is applied to every unit that accepts it and never answered", async ({ bench, units, gate }) => {
  const raw = await openRawPort(bench.peerPath);
  try {
    gate.reset();
    await raw.write([rtuFrame(0, 16, 0x9c, 0x4a, 0, 2, 4, 0, 11, 0, 22)]); // 40010-40011 := 11, 22
    assert.is((await raw.collect(1, 150)).length, 0);
    assert.equal(Array.from(units[0]!.holding.values.subarray(40010, 40012)), [11, 22], "bess1");
    assert.equal(Array.from(units[2]!.holding.values.subarray(40010, 40012)), [11, 22], "bess2");
    assert.equal(gate.record.applied.map((a) => a.unitId).sort(), [1, 3]);
    // The next request is answered as usual.
    await raw.write([rtuFrame(1, 3, 0x9c, 0x4a, 0, 1)]);
    assert.is(Buffer.from(await raw.collect(7, 1000)).toString("hex"), Buffer.from(rtuFrame(1, 3, 2, 0, 11)).toString("hex"));
  } finally {
    await raw.close();
  }
});

pdu("the server counted no framing errors, and every reply left", ({ bench }) => {
  const s = bench.server.stats();
  assert.equal([s.crcErrors, s.overruns, s.foreignFrames, s.queueDrops, s.handlerErrors, s.droppedBytes], [0, 0, 0, 0, 0, 0], JSON.stringify(s));
  assert.is(s.replies + s.otherUnits + s.broadcasts, s.requests);
});

pdu.run();
