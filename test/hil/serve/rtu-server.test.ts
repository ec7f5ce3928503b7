import { SerialPortMock } from "serialport";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { crcChecks } from "../../../hil/serve/rtu-crc.js";
import { startRtuServer, type RtuEndpoint, type RtuPort, type RtuServer } from "../../../hil/serve/rtu-server.js";
import type { PduHandler } from "../../../hil/serve/served-unit.js";
import { createFixtureDevice, rtuFrame } from "./rtu-fixture.js";

/**
 * The server's request discipline in-process, over serialport's mock binding (no timing, no pty):
 * what is answered, what is not, in which order. The same behaviour through a real pty and
 * independent masters is in rtu-server-peers.test.ts and rtu-server-raw.test.ts.
 */
const PATH = "/dev/mock-rtu";
const endpoint: RtuEndpoint = { kind: "rtu", path: PATH, baudRate: 115200, dataBits: 8, parity: "none", stopBits: 1 };

interface Bench {
  server: RtuServer;
  binding: { emitData(b: Buffer): void; recording: Buffer };
  events: string[];
}

async function start(handler: PduHandler, queueDepth?: number): Promise<Bench> {
  SerialPortMock.binding.reset();
  SerialPortMock.binding.createPort(PATH, { echo: false, record: true });
  let port: SerialPortMock | undefined;
  const events: string[] = [];
  const server = await startRtuServer({
    endpoint,
    handler,
    ...(queueDepth === undefined ? {} : { queueDepth }),
    onEvent: (kind, detail) => events.push(`${kind}: ${detail}`),
    createPort: (e) => (port = new SerialPortMock({ path: e.path, baudRate: e.baudRate, autoOpen: false })) as unknown as RtuPort,
  });
  return { server, binding: port!.port as unknown as Bench["binding"], events };
}

const settle = (ms = 20) => new Promise((r) => setTimeout(r, ms));
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** Splits what the server wrote into frames, by the known reply lengths (FC3: 5 + byte count; exception: 5; FC6/16: 8). */
function replies(recording: Buffer): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < recording.length) {
    const fc = recording[i + 1]!;
    const n = fc & 0x80 ? 5 : fc === 3 ? 5 + recording[i + 2]! : 8;
    assert.ok(crcChecks(recording, i, n), `reply CRC at ${i}`);
    out.push(hex(recording.subarray(i, i + n)));
    i += n;
  }
  return out;
}

test("startRtuServer answers FC3 with unit id, PDU and CRC, and FC6 with its echo", async () => {
  const device = createFixtureDevice([1, 2]);
  const b = await start(device.handler);
  b.binding.emitData(Buffer.from(rtuFrame(2, 3, 0, 1, 0, 2)));
  await settle();
  b.binding.emitData(Buffer.from(rtuFrame(1, 6, 0, 4, 0x12, 0x34)));
  await settle();
  assert.equal(replies(b.binding.recording), [hex(rtuFrame(2, 3, 4, 0, 101, 0, 102)), hex(rtuFrame(1, 6, 0, 4, 0x12, 0x34))]);
  assert.is(device.registers[4], 0x1234);
  assert.equal(device.calls, ["2:3:rtu:/dev/mock-rtu", "1:6:rtu:/dev/mock-rtu"]);
  const s = b.server.stats();
  assert.is(s.requests, 2);
  assert.is(s.replies, 2);
  assert.is(s.frames, 2);
  await b.server.close();
});

test("startRtuServer stays silent for other unit ids and for broadcasts, whose writes are applied", async () => {
  const device = createFixtureDevice([1]);
  const b = await start(device.handler);
  b.binding.emitData(Buffer.from(rtuFrame(9, 3, 0, 0, 0, 1)));
  await settle();
  b.binding.emitData(Buffer.from(rtuFrame(0, 6, 0, 7, 0, 77)));
  await settle();
  b.binding.emitData(Buffer.from(rtuFrame(0, 3, 0, 0, 0, 1))); // the fixture answers this one: the server must not
  await settle();
  assert.is(b.binding.recording.length, 0);
  assert.is(device.registers[7], 77);
  const s = b.server.stats();
  assert.equal([s.requests, s.replies, s.otherUnits, s.broadcasts], [3, 0, 1, 2]);
  await b.server.close();
});

test("startRtuServer answers two requests merged in one read, in order", async () => {
  const device = createFixtureDevice([1]);
  const b = await start(device.handler);
  b.binding.emitData(Buffer.concat([rtuFrame(1, 3, 0, 0, 0, 1), rtuFrame(1, 6, 0, 0, 0, 9)]));
  await settle();
  assert.equal(replies(b.binding.recording), [hex(rtuFrame(1, 3, 2, 0, 100)), hex(rtuFrame(1, 6, 0, 0, 0, 9))]);
  await b.server.close();
});

test("startRtuServer serves one request at a time when the handler answers through a promise, and bounds the queue", async () => {
  const device = createFixtureDevice([1], 32, 15);
  let inFlight = 0;
  let maxInFlight = 0;
  const handler: PduHandler = async (...args) => {
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    try {
      return await device.handler(...args);
    } finally {
      inFlight--;
    }
  };
  const b = await start(handler, 2);
  // Five writes in one read: the first two fill the queue of 2, the other three are dropped.
  b.binding.emitData(Buffer.concat([1, 2, 3, 4, 5].map((v) => rtuFrame(1, 6, 0, v, 0, v))));
  await settle(100);
  assert.equal(replies(b.binding.recording), [hex(rtuFrame(1, 6, 0, 1, 0, 1)), hex(rtuFrame(1, 6, 0, 2, 0, 2))]);
  assert.is(maxInFlight, 1);
  assert.equal([...device.registers.subarray(1, 6)], [1, 2, 103, 104, 105]);
  assert.is(b.server.stats().queueDrops, 3);
  assert.is(b.events.filter((e) => e.startsWith("queue_full")).length, 3);
  await b.server.close();
});

test("startRtuServer answers exception 04 when the handler throws, rejects or returns no PDU length, and keeps serving", async () => {
  let mode = 0;
  const device = createFixtureDevice([1]);
  const handler: PduHandler = (unitId, pdu, length, out, client) => {
    mode++;
    if (mode === 1) throw new Error("boom");
    if (mode === 2) return Promise.reject(new Error("later boom"));
    if (mode === 3) return 999;
    return device.handler(unitId, pdu, length, out, client);
  };
  const b = await start(handler);
  for (let i = 0; i < 4; i++) {
    b.binding.emitData(Buffer.from(rtuFrame(1, 3, 0, 0, 0, 1)));
    await settle();
  }
  const fail = hex(rtuFrame(1, 0x83, 4));
  assert.equal(replies(b.binding.recording), [fail, fail, fail, hex(rtuFrame(1, 3, 2, 0, 100))]);
  assert.is(b.server.stats().handlerErrors, 3);
  assert.equal(
    b.events.filter((e) => e.startsWith("handler_error")),
    ["handler_error: unit 1 function 3: boom", "handler_error: unit 1 function 3: later boom", "handler_error: unit 1 function 3: the handler returned 999, not a PDU length"],
  );
  await b.server.close();
});

test("startRtuServer drops a bad CRC and answers the next good request", async () => {
  const device = createFixtureDevice([1]);
  const b = await start(device.handler);
  const bad = rtuFrame(1, 6, 0, 0, 0, 55);
  bad[7] ^= 0x5a;
  b.binding.emitData(Buffer.from(bad));
  await settle();
  b.binding.emitData(Buffer.from(rtuFrame(1, 3, 0, 0, 0, 1)));
  await settle();
  assert.equal(replies(b.binding.recording), [hex(rtuFrame(1, 3, 2, 0, 100))]);
  assert.is(device.registers[0], 100, "the bad write was not applied");
  assert.is(b.server.stats().crcErrors, 1);
  await b.server.close();
});

test("startRtuServer rejects when the port cannot be opened", async () => {
  SerialPortMock.binding.reset();
  const error = await startRtuServer({
    endpoint,
    handler: () => 0,
    createPort: (e) => new SerialPortMock({ path: e.path, baudRate: e.baudRate, autoOpen: false }) as unknown as RtuPort,
  }).then(
    () => undefined,
    (err: Error) => err,
  );
  assert.match(String(error?.message), /does not exist/);
});

test.run();
