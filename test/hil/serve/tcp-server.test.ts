import { test } from "uvu";
import * as assert from "uvu/assert";
import { snapshot } from "./served-fixture.js";
import { adu, rawClient, serveFixture, u16 } from "./raw-client.js";

/**
 * hil/serve/tcp-server.ts with raw frames over real loopback sockets: what the library serves (FC1-6,
 * 16) and what the guard serves itself (FC15, 23, 43, exceptions, 0x0B), MBAP violations that close
 * the connection, pipelining in order, split frames, broadcast, lockstep replies, half-close, and
 * the slow-loris and idle timeouts.
 */

test("FC1-6 and FC16 go through the library and come back with the request's transaction and unit id", async () => {
  const s = await serveFixture();
  const c = await rawClient(s.server.port);
  try {
    c.send(adu(0x1234, 1, [3, ...u16(40000), ...u16(3)]));
    assert.equal(await c.next(), adu(0x1234, 1, [3, 6, ...u16(0), ...u16(10), ...u16(20)]));
    c.send(adu(2, 1, [3, ...u16(40099), ...u16(1)]));
    assert.equal(await c.next(), adu(2, 1, [3, 2, ...u16(990)]), "one register: the library's getHoldingRegister path");
    c.send(adu(3, 2, [4, ...u16(0), ...u16(2)]));
    assert.equal(await c.next(), adu(3, 2, [4, 4, ...u16(1000), ...u16(1001)]));
    c.send(adu(4, 2, [1, ...u16(0), ...u16(16)]));
    assert.equal(await c.next(), adu(4, 2, [1, 2, 0b01001001, 0b10010010]));
    c.send(adu(5, 2, [2, ...u16(3), ...u16(10)]));
    assert.equal(await c.next(), adu(5, 2, [2, 2, 0x55, 0x01]));
    c.send(adu(6, 2, [5, ...u16(1), 0xff, 0]));
    assert.equal(await c.next(), adu(6, 2, [5, ...u16(1), 0xff, 0]));
    assert.is(s.units[1].coil.values[1], 1);
    c.send(adu(7, 1, [6, ...u16(40010), ...u16(999)]));
    assert.equal(await c.next(), adu(7, 1, [6, ...u16(40010), ...u16(999)]));
    c.send(adu(8, 1, [16, ...u16(40010), ...u16(2), 4, ...u16(1), ...u16(2)]));
    assert.equal(await c.next(), adu(8, 1, [16, ...u16(40010), ...u16(2)]));
    assert.equal(Array.from(s.units[0].holding.values.subarray(40010, 40012)), [1, 2]);
    const local = `127.0.0.1:${c.socket.localPort}`;
    assert.equal(
      s.gate.record.applied.map((a) => [a.unitId, a.table, a.address, a.count, a.client]),
      [
        [2, "coil", 1, 1, local],
        [1, "holding", 40010, 1, local],
        [1, "holding", 40010, 2, local],
      ],
      "the vector knows which client wrote",
    );
    const st = s.server.stats();
    assert.is(st.toLibrary, 8);
    assert.is(st.requests, 8);
  } finally {
    c.destroy();
    await s.server.close();
  }
});

test("what clients cannot send: exceptions 01/02/03 and 0x0B are answered by the guard, and the connection keeps working", async () => {
  const s = await serveFixture();
  const c = await rawClient(s.server.port);
  const before = snapshot(s.units);
  try {
    const cases: [number, number[], number[]][] = [
      [1, [3, ...u16(40000), ...u16(0)], [0x83, 3]], // zero quantity
      [1, [3, ...u16(40000), ...u16(126)], [0x83, 3]], // FC3 qty 126 (the library would answer 04)
      [1, [3, ...u16(40095), ...u16(10)], [0x83, 2]], // past the mapped range
      [1, [3, ...u16(0xffff), ...u16(2)], [0x83, 2]],
      [2, [5, ...u16(1), 0x12, 0x34], [0x85, 3]], // FC5 0x1234 (the library would switch it off)
      [1, [16, ...u16(40010), ...u16(2), 3, ...u16(1), 2], [0x90, 3]], // FC16 byte count 3 for 2 registers
      [1, [16, ...u16(40010), ...u16(2), 4, ...u16(1), ...u16(5000)], [0x90, 3]], // the gate
      [1, [6, ...u16(40012), ...u16(1)], [0x86, 2]], // read-only
      [1, [0x41, 1, 2, 3], [0xc1, 1]],
      [1, [8, 0, 0, 0, 0], [0x88, 1]],
      [1, [3, ...u16(40000)], [0x83, 3]], // short PDU
      [42, [3, ...u16(40000), ...u16(1)], [0x83, 0x0b]], // unit not served
      [255, [6, ...u16(40010), ...u16(1)], [0x86, 0x0b]],
    ];
    let tid = 100;
    for (const [unit, pdu, reply] of cases) {
      c.send(adu(++tid, unit, pdu));
      assert.equal(await c.next(), adu(tid, unit, reply), `request ${pdu}`);
    }
    c.send(adu(++tid, 1, [3, ...u16(40000), ...u16(1)]));
    assert.equal(await c.next(), adu(tid, 1, [3, 2, 0, 0]));
    assert.equal(snapshot(s.units), before);
    assert.is(s.server.stats().exceptions, cases.length);
    assert.is(s.server.stats().toLibrary, 1);
    assert.is(c.isClosed(), false);
  } finally {
    c.destroy();
    await s.server.close();
  }
});

test("a bad MBAP header closes the connection with an event: protocol id ≠ 0, length < 2, length > 254", async () => {
  const s = await serveFixture();
  try {
    const headers = [
      [0, 1, 0, 7, 0, 6, 1, 3, ...u16(40000), ...u16(1)], // protocol id 7
      [0, 1, 0, 0, 0, 1, 1], // length 1: no function code
      [0, 1, 0, 0, 0, 0], // length 0
      [0, 1, 0, 0, 0, 255, 1, 3], // length 255
      [0, 1, 0, 0, 0xff, 0xff], // length 65535: the library would wait for 64 KB
    ];
    for (const header of headers) {
      const c = await rawClient(s.server.port);
      c.send(header);
      await c.closed;
      assert.is(await c.next(100), undefined, `no reply to ${header}`);
    }
    assert.is(s.events.filter(([kind]) => kind === "bad_frame").length, headers.length);
    assert.match(s.events.find(([kind]) => kind === "bad_frame")![1], /protocol id 7/);
    assert.is(s.server.stats().badFrames, headers.length);
    const good = await rawClient(s.server.port);
    good.send(adu(9, 1, [3, ...u16(40001), ...u16(1)]));
    assert.equal(await good.next(), adu(9, 1, [3, 2, ...u16(10)]), "the server still serves");
    good.destroy();
  } finally {
    await s.server.close();
  }
});

test("FC15, FC23 and FC43/14 are answered by the PDU handler (the library has no FC23 and splits FC15)", async () => {
  const s = await serveFixture();
  const c = await rawClient(s.server.port);
  try {
    c.send(adu(1, 2, [15, ...u16(0), ...u16(8), 1, 0xf0]));
    assert.equal(await c.next(), adu(1, 2, [15, ...u16(0), ...u16(8)]));
    assert.equal(Array.from(s.units[1].coil.values.subarray(0, 8)), [0, 0, 0, 0, 1, 1, 1, 1]);
    assert.equal(s.gate.record.applied.map((a) => a.count), [8], "one write of 8 coils, not 8 writes");
    c.send(adu(2, 1, [23, ...u16(40009), ...u16(3), ...u16(40010), ...u16(2), 4, ...u16(11), ...u16(12)]));
    assert.equal(await c.next(), adu(2, 1, [23, 6, ...u16(90), ...u16(11), ...u16(12)]));
    c.send(adu(3, 1, [23, ...u16(40000), ...u16(126), ...u16(40010), ...u16(1), 2, ...u16(1)]));
    assert.equal(await c.next(), adu(3, 1, [0x97, 3]));
    c.send(adu(4, 1, [43, 14, 4, 0]));
    assert.equal(await c.next(), adu(4, 1, [43, 14, 4, 0x81, 0, 0, 1, 0, 6, ...Buffer.from("dctwin")]));
    c.send(adu(5, 9, [43, 14, 1, 0]));
    assert.equal(await c.next(), adu(5, 9, [0xab, 0x0b]));
    assert.is(s.server.stats().direct, 5);
  } finally {
    c.destroy();
    await s.server.close();
  }
});

test("a pipelined batch in one segment is processed in order: reads see the writes before them, whichever path each takes", async () => {
  const s = await serveFixture();
  const c = await rawClient(s.server.port);
  try {
    c.send([
      ...adu(1, 1, [6, ...u16(40010), ...u16(500)]), // library
      ...adu(2, 1, [23, ...u16(40010), ...u16(1), ...u16(40011), ...u16(1), 2, ...u16(600)]), // handler
      ...adu(3, 1, [3, ...u16(40010), ...u16(2)]), // library
      ...adu(4, 1, [16, ...u16(40010), ...u16(2), 4, ...u16(7), ...u16(8)]), // library
      ...adu(5, 1, [0x41]), // guard
      ...adu(6, 1, [3, ...u16(40010), ...u16(2)]),
    ]);
    const replies = [];
    for (let i = 0; i < 6; i++) replies.push(await c.next());
    assert.equal(replies, [
      adu(1, 1, [6, ...u16(40010), ...u16(500)]),
      adu(2, 1, [23, 2, ...u16(500)]),
      adu(3, 1, [3, 4, ...u16(500), ...u16(600)]),
      adu(4, 1, [16, ...u16(40010), ...u16(2)]),
      adu(5, 1, [0xc1, 1]),
      adu(6, 1, [3, 4, ...u16(7), ...u16(8)]),
    ]);
  } finally {
    c.destroy();
    await s.server.close();
  }
});

test("a frame trickled byte by byte is assembled; frames split across segments anywhere are answered", async () => {
  const s = await serveFixture();
  const c = await rawClient(s.server.port);
  try {
    const frame = adu(77, 1, [3, ...u16(40002), ...u16(2)]);
    for (const byte of frame) {
      c.send([byte]);
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.equal(await c.next(), adu(77, 1, [3, 4, ...u16(20), ...u16(30)]));
    const two = [...adu(1, 2, [4, ...u16(0), ...u16(1)]), ...adu(2, 2, [4, ...u16(9), ...u16(1)])];
    for (const cut of [3, 6, 7, 12, 13]) {
      c.send(two.slice(0, cut));
      await new Promise((r) => setTimeout(r, 5));
      c.send(two.slice(cut));
      assert.equal([await c.next(), await c.next()], [adu(1, 2, [4, 2, ...u16(1000)]), adu(2, 2, [4, 2, ...u16(1009)])], `cut at ${cut}`);
    }
  } finally {
    c.destroy();
    await s.server.close();
  }
});

test("broadcast (unit 0) writes every unit that maps the register and is never answered", async () => {
  const s = await serveFixture();
  const c = await rawClient(s.server.port);
  try {
    c.send(adu(1, 0, [6, ...u16(40011), ...u16(44)]));
    c.send(adu(2, 0, [3, ...u16(40011), ...u16(1)]));
    c.send(adu(3, 3, [3, ...u16(40011), ...u16(1)]));
    assert.equal(await c.next(), adu(3, 3, [3, 2, ...u16(44)]), "the first reply is to the unicast read");
    assert.is(s.units[0].holding.values[40011], 44);
  } finally {
    c.destroy();
    await s.server.close();
  }
});

test("lockstep: a write's reply waits for applied's promise, on the library path and on the handler's", async () => {
  const s = await serveFixture();
  const c = await rawClient(s.server.port);
  try {
    let release = () => {};
    s.gate.appliedResult = () => new Promise<void>((resolve) => (release = resolve));
    c.send(adu(1, 1, [6, ...u16(40010), ...u16(5)]));
    c.send(adu(2, 1, [3, ...u16(40010), ...u16(1)]));
    assert.is(await c.next(150), undefined, "no reply while the twin has not applied the write");
    assert.is(s.units[0].holding.values[40010], 5);
    release();
    assert.equal(await c.next(), adu(1, 1, [6, ...u16(40010), ...u16(5)]));
    assert.equal(await c.next(), adu(2, 1, [3, 2, ...u16(5)]), "the read queued behind it is answered after");
    c.send(adu(3, 2, [15, ...u16(0), ...u16(2), 1, 3]));
    assert.is(await c.next(150), undefined);
    release();
    assert.equal(await c.next(), adu(3, 2, [15, ...u16(0), ...u16(2)]));
    s.gate.appliedResult = () => Promise.reject(new Error("twin stopped"));
    c.send(adu(4, 1, [16, ...u16(40010), ...u16(1), 2, ...u16(6)]));
    assert.equal(await c.next(), adu(4, 1, [0x90, 4]), "a failed apply is exception 04");
  } finally {
    c.destroy();
    await s.server.close();
  }
});

test("a client that half-closes after its requests still gets every reply", async () => {
  const s = await serveFixture();
  const c = await rawClient(s.server.port);
  try {
    c.send([...adu(1, 1, [3, ...u16(40000), ...u16(1)]), ...adu(2, 1, [6, ...u16(40010), ...u16(3)]), ...adu(3, 9, [3, 0, 0, 0, 1])]);
    c.end();
    assert.equal([await c.next(), await c.next(), await c.next()], [adu(1, 1, [3, 2, 0, 0]), adu(2, 1, [6, ...u16(40010), ...u16(3)]), adu(3, 9, [0x83, 0x0b])]);
    await c.closed;
  } finally {
    c.destroy();
    await s.server.close();
  }
});

test("slow-loris: an incomplete frame older than frameTimeoutMs closes the connection; idle connections close after idleTimeoutMs", async () => {
  const s = await serveFixture({ frameTimeoutMs: 200, idleTimeoutMs: 600 });
  try {
    const loris = await rawClient(s.server.port);
    const poller = await rawClient(s.server.port);
    const idle = await rawClient(s.server.port);
    // The loris trickles a good frame one byte every 100 ms: each byte is activity, but the frame takes 1.2 s.
    const slowFrame = adu(1, 1, [3, ...u16(40000), ...u16(1)]);
    let tid = 0;
    const started = Date.now();
    const trickle = setInterval(() => slowFrame.length > 0 && !loris.isClosed() && loris.send([slowFrame.shift()!]), 100);
    while (Date.now() - started < 1200) {
      poller.send(adu(++tid, 1, [3, ...u16(40000), ...u16(1)]));
      assert.equal(await poller.next(), adu(tid, 1, [3, 2, 0, 0]));
      await new Promise((r) => setTimeout(r, 100));
    }
    clearInterval(trickle);
    assert.ok(loris.isClosed(), "the slow-loris connection is closed");
    assert.ok(idle.isClosed(), "the idle connection is closed");
    assert.is(poller.isClosed(), false, "the polling connection is open");
    const kinds = s.events.map(([kind]) => kind);
    assert.ok(kinds.includes("frame_timeout"), kinds.join());
    assert.ok(kinds.includes("idle_timeout"), kinds.join());
    assert.is(s.server.stats().timeouts, 2);
    assert.is(s.server.stats().connections, 1);
    poller.destroy();
  } finally {
    await s.server.close();
  }
});

test("a reply that never comes (the twin stopped while in lockstep) closes the connection after idleTimeoutMs as 'stalled'", async () => {
  const s = await serveFixture({ idleTimeoutMs: 300 });
  try {
    const c = await rawClient(s.server.port);
    s.gate.appliedResult = () => new Promise<void>(() => {});
    c.send(adu(1, 1, [6, ...u16(40010), ...u16(5)]));
    await c.closed;
    assert.is(await c.next(10), undefined);
    assert.ok(s.events.some(([kind, detail]) => kind === "stalled" && /no reply to the request in flight for 300 ms/.test(detail)), JSON.stringify(s.events));
    s.gate.appliedResult = undefined;
    const d = await rawClient(s.server.port);
    d.send(adu(2, 1, [6, ...u16(40010), ...u16(6)]));
    assert.equal(await d.next(), adu(2, 1, [6, ...u16(40010), ...u16(6)]), "the next client is served");
    d.destroy();
  } finally {
    await s.server.close();
  }
});

test("startTcpServer refuses port 0 (the library would bind 502) and reports a port in use", async () => {
  const rejection = (p: Promise<unknown>) => p.then(() => "resolved", (error: Error) => error.message);
  assert.match(await rejection(serveFixture({ port: 0 })), /1-65535/);
  const s = await serveFixture();
  try {
    assert.match(await rejection(serveFixture({ port: s.server.port })), /EADDRINUSE/);
  } finally {
    await s.server.close();
  }
});

test.run();
