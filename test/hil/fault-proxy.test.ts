import { connect } from "node:net";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createFaultProxy, type FaultProxy } from "../../hil/fault-proxy.js";
import { closeClient, mbpoll, mbpollTcp, readSunS, SUNS, tcpClient, waitFor } from "./fault-proxy/modbus-client.js";
import { type Peer, peerMissing, startPeer } from "./peer.js";

/**
 * The fault proxy over Modbus TCP, between a real server (the pymodbus battery, hil/peers) and real
 * clients (modbus-serial in-process; Debian's mbpoll): each fault has the effect a client can see,
 * and `none` gives normal answers back. Timing bounds are generous (a shared 2-core box): a delay
 * is checked as a lower bound only.
 */
const missing = peerMissing();
if (missing !== undefined) throw new Error(`fault-proxy tests need the independent Modbus peer: ${missing}`);

interface Ctx {
  peer: Peer;
  proxy: FaultProxy;
  events: string[];
}
const tcp = suite<Ctx>("fault proxy, Modbus TCP", {} as Ctx);

tcp.before(async (ctx) => {
  ctx.peer = await startPeer(["--tcp", "127.0.0.1:0"]);
  ctx.events = [];
  ctx.proxy = await createFaultProxy({
    listen: { kind: "tcp", host: "127.0.0.1", port: 0 },
    upstream: { kind: "tcp", host: "127.0.0.1", port: ctx.peer.port },
    seed: 7,
    onEvent: (kind, detail) => ctx.events.push(`${kind} ${detail}`),
  });
});
tcp.after(async (ctx) => {
  await ctx.proxy?.close();
  await ctx.peer?.stop();
});
tcp.after.each(async (ctx) => {
  await ctx.proxy.setFault(null);
});

tcp("createFaultProxy: binds the port asked for (0: a free one) and, with no fault, passes reads through (modbus-serial and mbpoll)", async ({ proxy }) => {
  assert.ok(proxy.port > 0);
  const c = await tcpClient(proxy.port, 1000);
  try {
    for (let i = 0; i < 3; i++) {
      const r = await readSunS(c);
      assert.ok(r.ok && r.values.join() === SUNS.join(), JSON.stringify(r));
    }
  } finally {
    await closeClient(c);
  }
  const m = await mbpoll(mbpollTcp(proxy.port));
  assert.is(m.code, 0, m.stderr);
  assert.match(m.stdout, /\[40000\]:\s+0x5375/);
  const s = proxy.stats();
  assert.ok(s.requests === 4 && s.connections === 2 && s.forwarded === s.requests && s.clientReplies === s.requests, JSON.stringify(s));
});

tcp("setFault(drop): open connections are closed, new ones refused; setFault(none) accepts and answers again on the same port", async (ctx) => {
  const { proxy } = ctx;
  const c = await tcpClient(proxy.port, 1000);
  assert.ok((await readSunS(c)).ok);
  const before = proxy.stats().drop.connectionsClosed;
  await proxy.setFault({ kind: "drop" });
  assert.ok(await waitFor(() => !c.isOpen, 2000), "the client's connection was closed");
  assert.is(proxy.stats().drop.connectionsClosed, before + 1);
  const refused = await new Promise<string>((resolve) => {
    const s = connect({ host: "127.0.0.1", port: proxy.port });
    s.on("connect", () => (s.destroy(), resolve("connected")));
    s.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
  assert.is(refused, "ECONNREFUSED");
  const m = await mbpoll(mbpollTcp(proxy.port));
  assert.is(m.code, 1);
  assert.match(m.stderr, /Connection refused/);
  await proxy.setFault(null);
  const again = await tcpClient(proxy.port, 1000);
  try {
    const r = await readSunS(again);
    assert.ok(r.ok && r.values.join() === SUNS.join(), JSON.stringify(r));
  } finally {
    await closeClient(again);
  }
  assert.ok(ctx.events.includes("fault drop") && ctx.events.includes("fault none"), ctx.events.join("\n"));
});

tcp("setFault(delay=300ms): each reply arrives at least 300 ms after its request; none: fast again", async ({ proxy }) => {
  const c = await tcpClient(proxy.port, 2000);
  try {
    await proxy.setFault({ kind: "delay", delayMs: 300 });
    for (let i = 0; i < 3; i++) {
      const r = await readSunS(c);
      assert.ok(r.ok && r.values.join() === SUNS.join(), JSON.stringify(r));
      assert.ok(r.ms >= 300, `reply after ${r.ms.toFixed(1)} ms`);
    }
    assert.equal(proxy.stats().delay, { replies: 3, totalAddedMs: 900 });
    await proxy.setFault(null);
    const r = await readSunS(c);
    assert.ok(r.ok && r.ms < 250, `without the fault: ${r.ms.toFixed(1)} ms`);
  } finally {
    await closeClient(c);
  }
});

tcp("setFault(drop-replies=1): every read times out, the connection stays; none: answers again on the same connection", async ({ proxy }) => {
  const c = await tcpClient(proxy.port, 300);
  try {
    const before = proxy.stats().dropReplies.dropped;
    await proxy.setFault({ kind: "drop-replies", probability: 1 });
    for (let i = 0; i < 3; i++) {
      const r = await readSunS(c);
      assert.ok(!r.ok && r.kind === "timeout", JSON.stringify(r));
    }
    assert.is(proxy.stats().dropReplies.dropped, before + 3);
    await proxy.setFault(null);
    const r = await readSunS(c);
    assert.ok(r.ok && r.values.join() === SUNS.join(), JSON.stringify(r));
  } finally {
    await closeClient(c);
  }
});

tcp("setFault(drop-replies=0.5) with seed 7: some reads time out and some succeed, exactly as many timeouts as replies dropped", async ({ proxy }) => {
  const c = await tcpClient(proxy.port, 250);
  try {
    const before = proxy.stats().dropReplies;
    await proxy.setFault({ kind: "drop-replies", probability: 0.5 });
    let timeouts = 0;
    let good = 0;
    for (let i = 0; i < 16; i++) {
      const r = await readSunS(c);
      if (r.ok) good++;
      else if (r.kind === "timeout") timeouts++;
      else assert.unreachable(JSON.stringify(r));
    }
    const after = proxy.stats().dropReplies;
    assert.ok(timeouts > 0 && good > 0, `${timeouts} timeouts, ${good} answers`);
    assert.is(after.dropped - before.dropped, timeouts);
    assert.is(after.passed - before.passed, good);
  } finally {
    await closeClient(c);
  }
});

tcp("setFault(corrupt) on TCP: replies are cut short, modbus-serial fails at once (not a timeout) and mbpoll fails; none: good again", async ({ proxy }) => {
  const c = await tcpClient(proxy.port, 1500);
  try {
    await proxy.setFault({ kind: "corrupt" });
    const r = await readSunS(c);
    assert.ok(!r.ok && r.kind === "error", JSON.stringify(r));
    assert.match(r.message, /length/i);
    assert.ok(r.ms < 1000, "the truncated reply is an error as soon as it arrives");
    const m = await mbpoll(mbpollTcp(proxy.port));
    assert.is(m.code, 1, m.stdout);
    assert.ok(proxy.stats().corrupt.replies >= 2);
    await proxy.setFault(null);
    const good = await readSunS(c);
    assert.ok(good.ok && good.values.join() === SUNS.join(), `the stream is still framed: ${JSON.stringify(good)}`);
  } finally {
    await closeClient(c);
  }
});

tcp("setFault(exception=4): the client sees exception 4 (mbpoll: server failure) and nothing reaches the server; none: normal answers", async ({ proxy }) => {
  const c = await tcpClient(proxy.port, 1000);
  try {
    const before = proxy.stats();
    await proxy.setFault({ kind: "exception", code: 4 });
    const r = await readSunS(c);
    assert.ok(!r.ok && r.kind === "exception" && r.code === 4, JSON.stringify(r));
    const m = await mbpoll(mbpollTcp(proxy.port));
    assert.is(m.code, 1);
    assert.match(m.stderr, /Slave device or server failure/);
    const after = proxy.stats();
    assert.is(after.exception.replies - before.exception.replies, 2);
    assert.is(after.forwarded, before.forwarded, "no request was forwarded");
    await proxy.setFault({ kind: "exception", code: 2 });
    const m2 = await mbpoll(mbpollTcp(proxy.port));
    assert.match(m2.stderr, /Illegal data address/);
    await proxy.setFault(null);
    const good = await readSunS(c);
    assert.ok(good.ok && good.values.join() === SUNS.join(), JSON.stringify(good));
  } finally {
    await closeClient(c);
  }
});

tcp("createFaultProxy: a server that is down closes the client's connection (the proxy does not pretend to be it) and says so", async () => {
  const events: string[] = [];
  const dead = await createFaultProxy({
    listen: { kind: "tcp", host: "127.0.0.1", port: 0 },
    upstream: { kind: "tcp", host: "127.0.0.1", port: 1 },
    onEvent: (kind, detail) => events.push(`${kind} ${detail}`),
  });
  try {
    const c = await tcpClient(dead.port, 1000);
    assert.ok(await waitFor(() => !c.isOpen, 2000), "the client's connection was closed");
    const r = await readSunS(c);
    assert.ok(!r.ok, JSON.stringify(r));
  } finally {
    await dead.close();
  }
  assert.ok(events.some((e) => /^upstream-error tcp:\/\/127\.0\.0\.1:1 .*ECONNREFUSED/.test(e)), events.join("\n"));
});

tcp.run();
