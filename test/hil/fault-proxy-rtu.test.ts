import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createFaultProxy, type FaultProxy } from "../../hil/fault-proxy.js";
import { tempDir } from "../helpers.js";
import { closeClient, mbpoll, readSunS, rtuClient, SUNS } from "./fault-proxy/modbus-client.js";
import { type Peer, peerMissing, ptyPair, startPeer } from "./peer.js";

/**
 * The fault proxy over Modbus RTU: client ↔ socat pty pair ↔ proxy ↔ socat pty pair ↔ the pymodbus
 * battery, all at 115,200 Bd 8N1. Corrupted replies fail the clients' CRC check (modbus-serial:
 * "CRC error"; mbpoll: "Invalid CRC"), `none` gives good answers back, and the proxy's
 * own exception replies carry a valid CRC.
 */
const missing = peerMissing();
if (missing !== undefined) throw new Error(`fault-proxy tests need the independent Modbus peer: ${missing}`);

interface Ctx {
  dir: { path: string; remove(): void };
  ptys: { stop(): Promise<void> }[];
  peer: Peer;
  proxy: FaultProxy;
  clientPty: string;
}
const rtu = suite<Ctx>("fault proxy, Modbus RTU", {} as Ctx);

rtu.before(async (ctx) => {
  ctx.dir = tempDir("dctwin-proxy-rtu-");
  const p = (name: string) => join(ctx.dir.path, name);
  ctx.ptys = [await ptyPair(p("client"), p("proxy-in")), await ptyPair(p("proxy-out"), p("server"))];
  ctx.clientPty = p("client");
  ctx.peer = await startPeer(["--rtu", p("server"), "--baud", "115200"]);
  ctx.proxy = await createFaultProxy({
    listen: { kind: "rtu", path: p("proxy-in"), baudRate: 115200, dataBits: 8, parity: "none", stopBits: 1 },
    upstream: { kind: "rtu", path: p("proxy-out"), baudRate: 115200, dataBits: 8, parity: "none", stopBits: 1 },
  });
});
rtu.after(async (ctx) => {
  await ctx.proxy?.close();
  await ctx.peer?.stop();
  for (const t of ctx.ptys ?? []) await t.stop();
  ctx.dir?.remove();
});

const mbpollRtu = (path: string) => ["-m", "rtu", "-b", "115200", "-P", "none", "-o", "1", path];

rtu("none: reads pass through both pty pairs (modbus-serial and mbpoll); the proxy reports port 0", async ({ proxy, clientPty }) => {
  assert.is(proxy.port, 0);
  const c = await rtuClient(clientPty, 1000);
  try {
    for (let i = 0; i < 3; i++) {
      const r = await readSunS(c);
      assert.ok(r.ok && r.values.join() === SUNS.join(), JSON.stringify(r));
    }
  } finally {
    await closeClient(c);
  }
  const m = await mbpoll(mbpollRtu(clientPty));
  assert.is(m.code, 0, m.stderr);
  assert.match(m.stdout, /\[40000\]:\s+0x5375/);
  const s = proxy.stats();
  assert.is(s.requests, 4);
  assert.is(s.clientReplies, 4);
  assert.is(s.unframedBytes, 0, "every frame was cut by its length");
});

rtu("setFault(corrupt): replies arrive with a bad CRC, modbus-serial reports a CRC error and mbpoll fails; none: good again", async ({ proxy, clientPty }) => {
  const c = await rtuClient(clientPty, 1000);
  try {
    await proxy.setFault({ kind: "corrupt" });
    const r = await readSunS(c);
    assert.ok(!r.ok && r.kind === "error" && /CRC/i.test(r.message), JSON.stringify(r));
    await proxy.setFault(null);
    const good = await readSunS(c);
    assert.ok(good.ok && good.values.join() === SUNS.join(), JSON.stringify(good));
  } finally {
    await closeClient(c);
  }
  await proxy.setFault({ kind: "corrupt" });
  const m = await mbpoll(mbpollRtu(clientPty));
  await proxy.setFault(null);
  assert.is(m.code, 1, m.stdout);
  assert.match(m.stderr, /Invalid CRC/);
  assert.is(proxy.stats().corrupt.replies, 2);
  const again = await mbpoll(mbpollRtu(clientPty));
  assert.is(again.code, 0, again.stderr);
});

rtu("setFault(exception=4) answers with a valid exception frame; drop swallows everything (timeout); none recovers", async ({ proxy, clientPty }) => {
  const c = await rtuClient(clientPty, 400);
  try {
    await proxy.setFault({ kind: "exception", code: 4 });
    const r = await readSunS(c);
    assert.ok(!r.ok && r.kind === "exception" && r.code === 4, JSON.stringify(r));
    await proxy.setFault({ kind: "drop" });
    const before = proxy.stats().drop.framesSwallowed;
    const lost = await readSunS(c);
    assert.ok(!lost.ok && lost.kind === "timeout", JSON.stringify(lost));
    assert.is(proxy.stats().drop.framesSwallowed, before + 1);
    await proxy.setFault(null);
    const good = await readSunS(c);
    assert.ok(good.ok && good.values.join() === SUNS.join(), JSON.stringify(good));
  } finally {
    await closeClient(c);
  }
});

rtu.run();
