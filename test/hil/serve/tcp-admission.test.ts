import { test } from "uvu";
import * as assert from "uvu/assert";
import { fromAllowList } from "../../../hil/serve/allow-list.js";
import { adu, rawClient, serveFixture, u16, type RawClient } from "./raw-client.js";

/**
 * Who may connect to the served twin: the allow-list (addresses and CIDR blocks) and the connection
 * limit. A refused client's socket is closed at once, with an event; admitted clients keep working.
 * Loopback has a whole /8, so clients bind 127.0.0.2 / 127.0.0.3 to look like other hosts.
 */

async function poll(c: RawClient, tid: number): Promise<void> {
  c.send(adu(tid, 1, [3, ...u16(40001), ...u16(1)]));
  assert.equal(await c.next(), adu(tid, 1, [3, 2, ...u16(10)]));
}

test("fromAllowList matches addresses and CIDR blocks, IPv4-mapped IPv6 too, and rejects bad entries", () => {
  const allowed = fromAllowList(["127.0.0.2", "10.1.0.0/16", "::1", "fd00::/8"]);
  const cases: [string, boolean][] = [
    ["127.0.0.2", true],
    ["127.0.0.1", false],
    ["::ffff:127.0.0.2", true],
    ["10.1.255.3", true],
    ["10.2.0.1", false],
    ["::1", true],
    ["fd12::5", true],
    ["fe80::1", false],
    ["not an address", false],
  ];
  for (const [address, expected] of cases) assert.is(allowed(address), expected, address);
  for (const bad of ["localhost", "10.0.0.0/33", "10.0.0.0/8/1", "::1/129", "10.0.0.0/x", ""]) {
    assert.throws(() => fromAllowList([bad]), /not an IP address or a CIDR block/, bad);
  }
});

test("a client outside the allow-list has its socket closed; the allowed one keeps working", async () => {
  const s = await serveFixture({ allow: ["127.0.0.2/32"] });
  try {
    const allowed = await rawClient(s.server.port, "127.0.0.2");
    await poll(allowed, 1);
    const stranger = await rawClient(s.server.port, "127.0.0.3");
    stranger.send(adu(1, 1, [3, ...u16(40001), ...u16(1)]));
    await stranger.closed;
    assert.is(await stranger.next(100), undefined, "no reply to a refused client");
    const local = await rawClient(s.server.port, "127.0.0.1");
    await local.closed;
    await poll(allowed, 2);
    const refused = s.events.filter(([kind]) => kind === "refused").map(([, detail]) => detail);
    assert.is(refused.length, 2);
    assert.match(refused[0], /^127\.0\.0\.3:\d+: not in the allow-list$/);
    assert.is(s.server.stats().refused, 2);
    assert.is(s.server.stats().connections, 1);
    allowed.destroy();
  } finally {
    await s.server.close();
  }
});

test("connections over maxConnections are closed at once; a slot freed by a closing client is reused", async () => {
  const s = await serveFixture({ maxConnections: 2 });
  try {
    const a = await rawClient(s.server.port);
    const b = await rawClient(s.server.port);
    await poll(a, 1);
    await poll(b, 1);
    const c = await rawClient(s.server.port);
    await c.closed;
    assert.match(s.events.find(([kind]) => kind === "refused")![1], /connection limit 2 reached/);
    await poll(a, 2);
    await poll(b, 2);
    a.destroy();
    await new Promise<void>((resolve) => {
      const wait = () => (s.server.stats().connections < 2 ? resolve() : setTimeout(wait, 5));
      wait();
    });
    const d = await rawClient(s.server.port);
    await poll(d, 1);
    assert.is(s.server.stats().refused, 1);
    assert.is(s.server.stats().accepted, 3);
    b.destroy();
    d.destroy();
  } finally {
    await s.server.close();
  }
});

test("close() ends every connection and frees the port", async () => {
  const s = await serveFixture();
  const a = await rawClient(s.server.port);
  await poll(a, 1);
  await s.server.close();
  await a.closed;
  const again = await serveFixture({ port: s.server.port });
  const b = await rawClient(again.server.port);
  await poll(b, 1);
  b.destroy();
  await again.server.close();
});

test.run();
