import { test } from "uvu";
import * as assert from "uvu/assert";
import { createModbusLink, LINK_DOWN, LINK_OK, readAsync, writeRegistersAsync, type ModbusLink } from "../../../hil/bindings/modbus-link.js";
import { freePort, peerMissing, startPeer, type Peer } from "../peer.js";

/**
 * The Modbus link against the pymodbus battery (hil/peers/battery_server.py): requests made without
 * waiting for each other go out one at a time, in order, each settled with its own outcome and data;
 * close() waits for the requests still queued; a link that cannot connect fails requests at once.
 * (The real-time loop itself, reconnection and timeouts are covered end to end in hil-run.test.ts.)
 */
const missing = peerMissing();
if (missing !== undefined) throw new Error(`the Modbus link tests need the independent Modbus peer: ${missing}`);

let peer: Peer | undefined;
const link = (port: number): ModbusLink => createModbusLink({ kind: "tcp", host: "127.0.0.1", port }, { timeoutMs: 500, nowMs: () => performance.now() });

test.before(async () => {
  peer = await startPeer(["--tcp", "127.0.0.1:0"]);
});
test.after(async () => {
  await peer?.stop();
});

test("requests made together go out one at a time, in order, each with its own outcome and data", async () => {
  const l = link(peer!.port);
  await l.open();
  assert.ok(l.up);
  const marker = new Uint16Array(2);
  const common = new Uint16Array(2);
  const wset = new Uint16Array(2);
  const back = new Uint16Array(2);
  wset.set([0xffff, 0xfc18]); // WSet = −1000 W (int32, high word first)
  const order: string[] = [];
  const tag = (name: string, p: Promise<number>) => p.then((code) => (order.push(name), code));
  const codes = await Promise.all([
    tag("marker", readAsync(l, 1, "holding", 40000, 2, marker, 0)),
    tag("exception", readAsync(l, 1, "input", 0, 1, new Uint16Array(1), 0)),
    tag("common", readAsync(l, 1, "holding", 40002, 2, common, 0)),
    tag("write", writeRegistersAsync(l, 1, 40313, wset, 2)),
    tag("readback", readAsync(l, 1, "holding", 40313, 2, back, 0)),
  ]);
  assert.equal(order, ["marker", "exception", "common", "write", "readback"]);
  assert.equal(codes, [LINK_OK, 2, LINK_OK, LINK_OK, LINK_OK], "input registers are not served: exception 02");
  assert.equal([...marker], [0x5375, 0x6e53], "the SunS marker");
  assert.equal([...common], [1, 66], "model 1's ID and L");
  assert.equal([...back], [0xffff, 0xfc18], "the written WSet reads back");
  await l.close();
  assert.not.ok(l.up);
});

test("close() waits for queued requests; a link that cannot connect fails them at once with LINK_DOWN", async () => {
  const l = link(peer!.port);
  await l.open();
  const out = new Uint16Array(2);
  const pending = [readAsync(l, 1, "holding", 40000, 2, out, 0), readAsync(l, 1, "holding", 40002, 2, out, 0)];
  await l.close();
  assert.equal(await Promise.all(pending), [LINK_OK, LINK_OK]);

  const dead = link(await freePort());
  await dead.open();
  assert.not.ok(dead.up);
  const t0 = performance.now();
  assert.is(await readAsync(dead, 1, "holding", 40000, 2, out, 0), LINK_DOWN);
  assert.is(await writeRegistersAsync(dead, 1, 40313, out, 2), LINK_DOWN);
  assert.ok(performance.now() - t0 < 100, "no waiting for a timeout");
  assert.match(dead.lastError(), /connect/);
  await dead.close();
});

test.run();
