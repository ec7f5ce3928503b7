import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadProfile } from "../../../hil/profile/load-profile.js";
import { registerCount } from "../../../hil/profile/register-codec.js";
import { ROOT, tempDir } from "../../helpers.js";
import { freePort, query } from "../peer.js";
import { fuzzCases, requestsOf, type FuzzCase, type FuzzFrame } from "./modbus-fuzz.js";
import { adu, rawClient, u16, type RawClient } from "./raw-client.js";
import { rssKb, startServe } from "./serve-process.js";

/**
 * A real `dctwin serve --pace lockstep` process under 10,000 seeded malformed and hostile requests
 * (modbus-fuzz.ts: random function codes, lengths, unit ids, addresses and quantities, pipelined
 * bursts, frames in pieces, bad MBAP headers, partial frames, garbage, clients that leave before the
 * reply or half-close, slow-loris connections trickling bytes), while a good client polls every
 * mapped register. Nobody advances the twin, so registers change only by accepted writes. Checked:
 * - every request with a valid MBAP header is answered in order on its connection (broadcasts
 *   never), with its transaction and unit id, an echo or data of the right size, or an exception
 *   01-04 (0x0B for a unit not served); reads return the registers' values;
 * - bad headers close the connection, slow-loris connections are closed after the frame timeout;
 * - the good client's every answer is right;
 * - afterwards the process is alive, its RSS has not grown beyond a generous bound, every mapped
 *   register outside the writable ones is unchanged, and on SIGINT it exits 0 with its results
 *   (every refused write in hil_io, connection events, no period run).
 */

const SCENARIO = join(ROOT, "scenarios/hil-battery-smoothing.yaml");
const PROFILES = join(ROOT, "hil/profiles");
const REQUESTS = 10_000;
const WORKERS = 4;
const SLOW_LORIS_AT_ONCE = 3;
/** The serve command's frame timeout (tcp-server.ts default) and its sweep. */
const FRAME_TIMEOUT_MS = 2000;

type Table = 3 | 4;
interface Range {
  unit: number;
  fc: Table;
  start: number;
  count: number;
}
const key = (unit: number, fc: number, address: number) => (unit * 8 + fc) * 0x10000 + address;

/** Registers a client may write (their values may change): setpoints, heartbeats, init writes, the advance register. */
function writableRegisters(): Set<number> {
  const writable = new Set<number>();
  for (const file of ["sunspec-battery.yaml", "sunspec-meter.yaml", "sunspec-hall-meter.yaml", "gpu-caps.yaml", "twin-clock.yaml"]) {
    const p = loadProfile(join(PROFILES, file));
    for (const point of p.points) {
      if (point.kind !== "setpoint") continue;
      assert.is(point.table, "holding");
      for (let r = 0; r < registerCount(point.type); r++) writable.add(key(point.unitId, 3, point.address + r));
    }
    if (p.heartbeat !== undefined) writable.add(key(p.heartbeat.unitId, 3, p.heartbeat.address));
    for (const w of p.initWrites) writable.add(key(w.unitId, 3, w.address));
    if (p.advance !== undefined) writable.add(key(p.advance.unitId, 3, p.advance.address));
  }
  return writable;
}

let tid = 0x4000;
async function read(c: RawClient, unit: number, fc: Table, start: number, count: number): Promise<number[] | number> {
  tid = tid >= 0x7fff ? 0x4000 : tid + 1;
  const t = tid;
  c.send(adu(t, unit, [fc, ...u16(start), ...u16(count)]));
  const reply = await c.next(3000);
  if (reply === undefined) throw new Error(`no reply to read unit ${unit} fc ${fc} ${start}x${count}`);
  if (reply[0] !== t >> 8 || reply[1] !== (t & 0xff) || reply[6] !== unit) throw new Error(`reply ${reply.slice(0, 9)} to tid ${t} unit ${unit}`);
  if (reply[7] === (fc | 0x80)) return reply[8]!;
  if (reply[7] !== fc || reply[8] !== 2 * count || reply.length !== 9 + 2 * count) throw new Error(`bad reply ${reply.slice(0, 10)} to fc ${fc} ${start}x${count}`);
  return Array.from({ length: count }, (_, i) => (reply[9 + 2 * i]! << 8) | reply[10 + 2 * i]!);
}

/** Mapped ranges: SunSpec units by walking their chains, the others from their profiles; each checked to end where mapping ends. */
async function mappedRanges(c: RawClient): Promise<Range[]> {
  const ranges: Range[] = [];
  for (const unit of [1, 2, 3]) {
    assert.equal(await read(c, unit, 3, 40000, 2), [0x5375, 0x6e53]);
    let address = 40002;
    for (;;) {
      const [id, length] = (await read(c, unit, 3, address, 2)) as number[];
      address += 2;
      if (id === 0xffff) break;
      address += length!;
    }
    ranges.push({ unit, fc: 3, start: 40000, count: address - 40000 });
  }
  for (const file of ["gpu-caps.yaml", "twin-clock.yaml"]) {
    const p = loadProfile(join(PROFILES, file));
    const spans = p.points.map((q) => ({ unit: q.unitId, fc: (q.table === "input" ? 4 : 3) as Table, start: q.address, count: registerCount(q.type) }));
    spans.sort((a, b) => a.fc - b.fc || a.start - b.start);
    for (const s of spans) {
      const last = ranges[ranges.length - 1]!;
      if (last.unit === s.unit && last.fc === s.fc && last.start + last.count === s.start) last.count += s.count;
      else ranges.push({ ...s });
    }
  }
  for (const r of ranges) {
    assert.is(await read(c, r.unit, r.fc, r.start + r.count, 1), 2, `unit ${r.unit} fc ${r.fc}: ${r.start + r.count} is past the mapped range`);
    if (r.start > 0) assert.is(await read(c, r.unit, r.fc, r.start - 1, 1), 2, `unit ${r.unit} fc ${r.fc}: ${r.start - 1} is before the mapped range`);
  }
  return ranges;
}

/** Every mapped register's value, by key. */
async function snapshot(c: RawClient, ranges: readonly Range[]): Promise<Map<number, number>> {
  const values = new Map<number, number>();
  for (const r of ranges) {
    for (let at = r.start; at < r.start + r.count; at += 125) {
      const n = Math.min(125, r.start + r.count - at);
      const got = await read(c, r.unit, r.fc, at, n);
      if (typeof got === "number") throw new Error(`exception ${got} reading unit ${r.unit} fc ${r.fc} ${at}x${n}`);
      got.forEach((v, i) => values.set(key(r.unit, r.fc, at + i), v));
    }
  }
  return values;
}

test("10,000 malformed and hostile requests: every answer right, the good client's too; alive, bounded RSS, registers unchanged, exit 0 with results", async () => {
  const dir = tempDir("dctwin-serve-fuzz-");
  const out = join(dir.path, "fuzz.duckdb");
  const port = await freePort();
  const serve = await startServe([SCENARIO, "--modbus", `tcp://127.0.0.1:${port}`, "--pace", "lockstep", "--max-connections", "32", "--out", out]);
  const errors: string[] = [];
  const fail = (message: string) => {
    if (errors.length < 20) errors.push(message);
  };
  try {
    const good = await rawClient(port);
    good.socket.setNoDelay(true);
    const ranges = await mappedRanges(good);
    const writable = writableRegisters();
    const before = await snapshot(good, ranges);
    assert.ok(before.size > 700, `${before.size} mapped registers`);
    const served = [...new Set(ranges.map((r) => r.unit))];
    const rssBeforeKb = rssKb(serve.pid);

    const cases = fuzzCases(REQUESTS, {
      seed: "dctwin-serve-fuzz-1",
      units: served,
      addresses: ranges.flatMap((r) => [r.start, r.start + r.count - 1, r.start + r.count]),
      forbid: [{ unit: 99, address: 0, value: 1 }], // the advance register's next period: the twin must not move
      ranges,
      writable: [...writable].map((k) => ({ unit: Math.floor(k / 0x80000), address: k % 0x10000 })),
    });
    const kinds: Record<string, number> = {};
    for (const c of cases) kinds[c.kind] = (kinds[c.kind] ?? 0) + requestsOf(c);
    const outcomes: Record<string, number> = {};
    const count = (k: string) => (outcomes[k] = (outcomes[k] ?? 0) + 1);

    /** The value a read reply must show at `address` (undefined: writable, may have changed). */
    const expected = (unit: number, fc: number, address: number) => (writable.has(key(unit, fc, address)) ? undefined : before.get(key(unit, fc, address)));
    const checkValues = (what: string, unit: number, fc: Table, start: number, data: number[]) => {
      for (let i = 0; i < data.length; i++) {
        const want = expected(unit, fc, start + i);
        if (want === undefined && !writable.has(key(unit, fc, start + i))) return fail(`${what}: read ${start + i}, which is not mapped, got data`);
        if (want !== undefined && want !== data[i]) return fail(`${what}: register ${start + i} is ${data[i]}, was ${want}`);
      }
    };

    /** Checks the reply to a frame: ids, then an exception 01-04 / 0x0B or a well-formed answer. */
    const checkReply = (f: FuzzFrame, reply: number[] | undefined) => {
      const what = `unit ${f.unit} pdu ${f.pdu.slice(0, 12).join(",")} (len ${f.pdu.length})`;
      if (reply === undefined) return fail(`no reply to ${what}`);
      if (reply[0] !== f.tid >> 8 || reply[1] !== (f.tid & 0xff) || reply[2] !== 0 || reply[3] !== 0 || reply[6] !== f.unit) return fail(`reply ${reply.slice(0, 8)} to tid ${f.tid} ${what}`);
      const p = reply.slice(7);
      const isServed = served.includes(f.unit);
      if (p[0] === (f.fc | 0x80) && p.length === 2) {
        const code = p[1]!;
        count(`exception ${code}`);
        if (!isServed) return code === 11 ? undefined : fail(`${what}: exception ${code} for a unit not served, expected 0x0B`);
        if (code < 1 || code > 4) fail(`${what}: exception ${code}`);
        return;
      }
      if (!isServed) return fail(`${what}: answered ${p.slice(0, 6)} for a unit not served`);
      if (p[0] !== f.fc) return fail(`${what}: reply function ${p[0]}`);
      count(`ok ${f.fc}`);
      const q = f.pdu;
      const address = (q[1]! << 8) | q[2]!;
      switch (f.fc) {
        case 3:
        case 4: {
          const n = (q[3]! << 8) | q[4]!;
          if (q.length !== 5 || p[1] !== 2 * n || p.length !== 2 + 2 * n) return fail(`${what}: read reply of ${p.length} bytes`);
          return checkValues(what, f.unit, f.fc, address, Array.from({ length: n }, (_, i) => (p[2 + 2 * i]! << 8) | p[3 + 2 * i]!));
        }
        case 5:
        case 6:
        case 15:
        case 16:
          if (p.length !== 5 || p.some((b, i) => b !== q[i])) fail(`${what}: write reply ${p}`);
          return;
        case 23: {
          const readAddress = address;
          const n = (q[3]! << 8) | q[4]!;
          if (p[1] !== 2 * n || p.length !== 2 + 2 * n) return fail(`${what}: FC23 reply of ${p.length} bytes`);
          return checkValues(what, f.unit, 3, readAddress, Array.from({ length: n }, (_, i) => (p[2 + 2 * i]! << 8) | p[3 + 2 * i]!));
        }
        case 43:
          if (p[1] !== 14 || p.length < 7) fail(`${what}: FC43 reply ${p.slice(0, 8)}`);
          return;
        default:
          fail(`${what}: function ${f.fc} answered without an exception`);
      }
    };

    const closedWithin = (c: RawClient, ms: number) => Promise.race([c.closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);
    const fresh = async () => {
      const c = await rawClient(port);
      c.socket.setNoDelay(true);
      return c;
    };
    const slowLoris: Promise<void>[] = [];
    const slowLorisMs: number[] = [];
    const trickle = async (bytes: number[], gapMs: number) => {
      const c = await fresh();
      const t0 = performance.now();
      for (const b of bytes) {
        if (c.isClosed()) break;
        c.send([b]);
        await new Promise((r) => setTimeout(r, gapMs));
      }
      if (!c.isClosed()) {
        fail("a slow-loris connection trickled a whole frame without being closed");
        c.destroy();
        return;
      }
      slowLorisMs.push(performance.now() - t0);
    };

    let next = 0;
    let done = false;
    const worker = async () => {
      let c = await fresh();
      while (next < cases.length) {
        const k: FuzzCase = cases[next++]!;
        if (c.isClosed()) {
          fail("the server closed a connection that sent only valid MBAP frames");
          c = await fresh();
        }
        switch (k.kind) {
          case "frame": {
            const f = k.frame;
            let from = 0;
            for (const at of k.pieces) {
              c.send(f.bytes.slice(from, at));
              from = at;
              await new Promise((r) => setImmediate(r));
            }
            c.send(f.bytes.slice(from));
            if (f.unit !== 0) {
              checkReply(f, await c.next(3000));
            } else {
              // A broadcast is never answered: the next reply is the sentinel's.
              const sentinel = (f.tid ^ 0x8000) & 0xffff;
              c.send(adu(sentinel, 99, [3, ...u16(3), ...u16(1)]));
              const reply = await c.next(3000);
              count("broadcast");
              if (reply === undefined || reply[0] !== sentinel >> 8 || reply[1] !== (sentinel & 0xff)) fail(`broadcast ${f.pdu.slice(0, 8)}: got ${reply?.slice(0, 9)} before the sentinel's reply`);
            }
            break;
          }
          case "burst": {
            c.send(k.frames.flatMap((f) => f.bytes));
            for (const f of k.frames) checkReply(f, await c.next(3000));
            break;
          }
          case "badHeader": {
            const h = await fresh();
            h.send(k.bytes);
            if (!(await closedWithin(h, 2000))) fail(`bad MBAP header ${k.bytes.slice(0, 6)}: connection still open`);
            else if ((await h.next(0)) !== undefined) fail(`bad MBAP header ${k.bytes.slice(0, 6)}: answered`);
            h.destroy();
            break;
          }
          case "partial":
          case "garbage": {
            const h = await fresh();
            h.send(k.bytes);
            if (next % 3 === 0) await new Promise((r) => setTimeout(r, 2));
            h.destroy();
            break;
          }
          case "abandon": {
            const h = await fresh();
            h.send(k.frame.bytes);
            h.destroy();
            break;
          }
          case "halfClose": {
            const h = await fresh();
            h.send(k.frame.bytes);
            h.end();
            checkReply(k.frame, await h.next(3000));
            if (!(await closedWithin(h, 2000))) fail("half-closed connection not ended after its reply");
            h.destroy();
            break;
          }
          case "slowLoris": {
            if (slowLoris.length - slowLorisMs.length >= SLOW_LORIS_AT_ONCE) await Promise.race(slowLoris.slice(-SLOW_LORIS_AT_ONCE));
            slowLoris.push(trickle(k.bytes, k.gapMs));
            break;
          }
        }
      }
      c.destroy();
    };

    // The good client polls every mapped range, chunk by chunk, while the fuzz runs.
    const chunks = ranges.flatMap((r) => Array.from({ length: Math.ceil(r.count / 125) }, (_, i) => ({ ...r, start: r.start + 125 * i, count: Math.min(125, r.count - 125 * i) })));
    let polls = 0;
    const poller = async () => {
      while (!done) {
        const r = chunks[polls % chunks.length]!;
        polls++;
        try {
          const got = await read(good, r.unit, r.fc, r.start, r.count);
          if (typeof got === "number") fail(`good client: exception ${got} reading unit ${r.unit} ${r.start}x${r.count}`);
          else checkValues("good client", r.unit, r.fc, r.start, got);
        } catch (error) {
          fail(`good client: ${(error as Error).message}`);
          return;
        }
      }
    };
    let rssMaxKb = rssBeforeKb;
    const sampler = setInterval(() => (rssMaxKb = Math.max(rssMaxKb, rssKb(serve.pid))), 250);
    const t0 = performance.now();
    const polling = poller();
    await Promise.all(Array.from({ length: WORKERS }, worker));
    await Promise.all(slowLoris);
    done = true;
    await polling;
    clearInterval(sampler);
    const fuzzS = (performance.now() - t0) / 1000;
    const rssAfterKb = rssKb(serve.pid);
    console.log(
      `  fuzz: ${cases.length} cases, ${REQUESTS}+ requests in ${fuzzS.toFixed(1)} s (${JSON.stringify(kinds)}); outcomes ${JSON.stringify(outcomes)}; ` +
        `good client ${polls} polls; slow-loris closed after ${slowLorisMs.map((ms) => Math.round(ms)).join(", ")} ms; RSS ${rssBeforeKb} → ${rssAfterKb} kB (max ${rssMaxKb})`,
    );
    assert.equal(errors, []);
    assert.ok(polls > 100, `the good client polled ${polls} times`);
    for (const k of ["ok 3", "ok 4", "ok 6", "ok 16", "ok 23", "ok 43", "exception 1", "exception 2", "exception 3", "exception 11", "broadcast"]) assert.ok((outcomes[k] ?? 0) > 0, `outcome ${k} was seen`);
    assert.ok(slowLorisMs.length > 0, "slow-loris cases ran");
    for (const ms of slowLorisMs) assert.ok(ms >= FRAME_TIMEOUT_MS - 50 && ms < FRAME_TIMEOUT_MS + 3000, `slow-loris closed after ${ms} ms (frame timeout ${FRAME_TIMEOUT_MS} ms)`);

    // Alive, registers outside the writable ones unchanged, RSS bounded.
    assert.is(serve.child.exitCode, null, "serve is still running");
    process.kill(serve.pid, 0);
    const after = await snapshot(good, ranges);
    const changed = [...before].filter(([k, v]) => !writable.has(k) && after.get(k) !== v).map(([k]) => `unit ${Math.floor(k / 0x80000)} fc ${Math.floor(k / 0x10000) % 8} ${k % 0x10000}`);
    assert.equal(changed, [], "no register outside the writable ones changed");
    assert.is(after.get(key(99, 3, 0)), 0, "the twin did not advance");
    assert.ok(rssAfterKb - rssBeforeKb < 64 * 1024, `RSS grew by ${rssAfterKb - rssBeforeKb} kB`);
    good.destroy();
  } finally {
    const code = await serve.stop();
    if (errors.length === 0) assert.is(code, 0, serve.stderr());
  }
  // Results intact: the run, every refused write with its client, the connection events, no period.
  const [run] = await query(out, "SELECT status, ticks FROM runs");
  assert.equal(run, { status: "ok", ticks: 0 });
  const io = await query(out, "SELECT quality, count(*)::INTEGER AS n, count(*) FILTER (WHERE NOT regexp_matches(client, '^127\\.0\\.0\\.1:\\d+$'))::INTEGER AS bad FROM hil_io GROUP BY quality");
  const n = Object.fromEntries(io.map((r) => [r["quality"], Number(r["n"])]));
  for (const r of io) assert.is(Number(r["bad"]), 0, `${r["quality"]} rows all name a 127.0.0.1 client`);
  assert.match(serve.stdout(), new RegExp(`writes: ${n["accepted"] ?? 0} accepted, ${n["refused"]} refused`));
  assert.ok(n["refused"]! > 500 && n["accepted"]! > 50, `${n["refused"]} refused and ${n["accepted"]} accepted writes recorded`);
  const events = Object.fromEntries(
    (await query(out, "SELECT kind, count(*)::INTEGER AS n FROM events WHERE source = 'modbus-tcp' GROUP BY kind")).map((r) => [r["kind"], Number(r["n"])]),
  );
  assert.ok(events["bad_frame"]! > 100 && events["frame_timeout"]! > 0 && events["connection"]! > 500, JSON.stringify(events));
  assert.is((await query(out, "SELECT count(*)::INTEGER AS n FROM hil_cycles"))[0]!["n"], 0, "no period ran");
  dir.remove();
});

test.run();
