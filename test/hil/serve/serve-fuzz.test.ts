import { join } from "node:path";
import seedrandom from "seedrandom";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadProfile } from "../../../hil/profile/load-profile.js";
import { registerCount } from "../../../hil/profile/register-codec.js";
import { ROOT, tempDir } from "../../helpers.js";
import { freePort, query } from "../peer.js";
import { hostileItem, isServedFc, type HostileItem, type HostileTarget } from "./hostile-frames.js";
import { adu, rawClient, u16, type RawClient } from "./raw-client.js";
import { rssKb, startServe } from "./serve-process.js";

/**
 * A real `dctwin serve --pace lockstep` process under 10,000 seeded malformed and hostile requests
 * from the fuzz generator of the TCP server's own test (hostile-frames.ts, aimed here at the served
 * units and their mapped and writable addresses): random function codes, lengths, unit ids,
 * addresses and quantities, wrong byte counts, broadcasts, garbage, bad protocol ids, oversize and
 * undersize MBAP lengths, partial headers; sent in batches over many short connections by four
 * attackers, split at random, some abandoned before the replies, some half-closed; slow-loris
 * connections trickle bytes alongside, and a good client polls every mapped register. Nobody
 * advances the twin (writes that would are left out), so registers change only by accepted writes.
 * Checked:
 * - every well-framed request is answered once, in order, with its transaction and unit id, an echo
 *   or data of the right size, or an exception 01-03 (01 for function codes not served, 0x0B for
 *   units not served); broadcasts never; reads return the registers' values;
 * - bad headers close the connection; slow-loris connections are closed after the frame timeout;
 * - the good client's every answer is right;
 * - afterwards the process is alive, its RSS has not grown beyond a generous bound, every mapped
 *   register outside the writable ones is unchanged, and on SIGINT it exits 0 with its results
 *   (every write in hil_io with its client, connection events, no period run).
 */

const SCENARIO = join(ROOT, "scenarios/hil-battery-smoothing.yaml");
const PROFILES = join(ROOT, "hil/profiles");
const SEED = "dctwin-serve-fuzz-1";
const HOSTILE_ITEMS = 10_000;
const ATTACKERS = 4;
/** The serve command's frame timeout (tcp-server.ts default). */
const FRAME_TIMEOUT_MS = 2000;
/** The units `dctwin serve` serves for this scenario. */
const SERVED = [1, 2, 3, 20, 99];

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

/** True if `item` would write the next period number to the twin clock's advance register (unit 99 holding 0, or by broadcast). */
function advances(item: HostileItem): boolean {
  const b = item.bytes;
  if (item.kills || (item.unitId !== 99 && item.unitId !== 0) || b.length < 12) return false;
  const fc = b[7];
  const at = (i: number) => (b[i]! << 8) | b[i + 1]!;
  if (fc === 6) return at(8) === 0 && at(10) === 1;
  if (fc === 16) return b.length >= 15 && at(8) === 0 && at(13) === 1;
  if (fc === 23) return b.length >= 19 && at(12) === 0 && at(17) === 1;
  return false;
}

/** True if `promise` settles within `ms`. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
  const settled = await Promise.race([promise.then(() => true), timedOut]);
  clearTimeout(timer);
  return settled;
}

test("10,000 hostile requests against a real serve process: right answers, the good client's too; alive, bounded RSS, registers unchanged, exit 0 with results", async () => {
  const dir = tempDir("dctwin-serve-fuzz-");
  const out = join(dir.path, "fuzz.duckdb");
  const port = await freePort();
  const serve = await startServe([SCENARIO, "--modbus", `tcp://127.0.0.1:${port}`, "--pace", "lockstep", "--max-connections", "32", "--out", out]);
  const failures: string[] = [];
  const fail = (why: string) => failures.length < 20 && failures.push(why);
  const aborted = () => failures.length >= 20;
  try {
    const good = await rawClient(port);
    good.socket.setNoDelay(true);
    const ranges = await mappedRanges(good);
    assert.equal([...new Set(ranges.map((r) => r.unit))], SERVED);
    const writable = writableRegisters();
    const before = await snapshot(good, ranges);
    assert.ok(before.size > 700, `${before.size} mapped registers`);
    const rssBeforeKb = rssKb(serve.pid);

    const addresses = new Set<number>();
    for (const r of ranges) {
      for (const a of [r.start - 1, r.start, r.start + 1, r.start + r.count - 1, r.start + r.count]) if (a >= 0) addresses.add(a);
      for (let a = r.start + 16; a < r.start + r.count - 8; a += 32) addresses.add(a); // inside, where reads succeed
    }
    for (const k of writable) addresses.add(k % 0x10000);
    const target: HostileTarget = { units: SERVED, addresses: [...addresses, 0xfffe, 0xffff] };
    // Separate streams: the item sequence is the same on every run, however the attackers interleave.
    const rng = seedrandom(SEED);
    const splitRng = seedrandom(`${SEED}/splits`);
    let made = 0;
    let left = 0;
    let transactionId = 0;
    const kinds: Record<string, number> = {};
    const outcomes: Record<string, number> = {};
    const count = (k: string) => (outcomes[k] = (outcomes[k] ?? 0) + 1);

    /** The value a read must show at `address`; undefined for a writable register (it may have changed). */
    const checkValues = (what: string, unit: number, fc: Table, start: number, data: number[]) => {
      for (let i = 0; i < data.length; i++) {
        const k = key(unit, fc, start + i);
        if (writable.has(k)) continue;
        const want = before.get(k);
        if (want === undefined) return fail(`${what}: read ${start + i}, which is not mapped, and got data`);
        if (want !== data[i]) return fail(`${what}: register ${start + i} is ${data[i]}, was ${want}`);
      }
    };

    /** The reply to a well-framed item: ids, then an exception 01-03 / 0x0B or a well-formed answer. */
    const checkReply = (item: HostileItem, reply: number[] | undefined) => {
      const q = item.bytes.slice(7);
      const what = `${item.kind} unit ${item.unitId} pdu ${q.slice(0, 12).join(",")} (len ${q.length})`;
      if (reply === undefined) return fail(`no reply to ${what}`);
      if (((reply[0]! << 8) | reply[1]!) !== item.transactionId || reply[2] !== 0 || reply[3] !== 0 || reply[6] !== item.unitId) return fail(`reply ${reply.slice(0, 8)} to tid ${item.transactionId} ${what}`);
      const p = reply.slice(7);
      const isServed = SERVED.includes(item.unitId);
      if (p.length === 2 && p[0] === (item.fc | 0x80)) {
        const code = p[1]!;
        count(`exception ${code}`);
        if (!isServed) return code === 11 ? undefined : fail(`${what}: exception ${code} for a unit not served, expected 0x0B`);
        if (![1, 2, 3].includes(code)) return fail(`${what}: exception ${code}`);
        if (!isServedFc(item.fc) && code !== 1) fail(`${what}: function not served, exception ${code}`);
        return;
      }
      if (!isServed) return fail(`${what}: answered ${p.slice(0, 6)} for a unit not served`);
      if (p[0] !== item.fc) return fail(`${what}: reply function ${p[0]}`);
      count(`ok ${item.fc}`);
      const address = (q[1]! << 8) | q[2]!;
      const n = (q[3]! << 8) | q[4]!;
      const registers = () => Array.from({ length: n }, (_, i) => (p[2 + 2 * i]! << 8) | p[3 + 2 * i]!);
      switch (item.fc) {
        case 3:
        case 4:
          if (q.length !== 5 || p[1] !== 2 * n || p.length !== 2 + 2 * n) return fail(`${what}: read reply of ${p.length} bytes`);
          return checkValues(what, item.unitId, item.fc, address, registers());
        case 23:
          if (p[1] !== 2 * n || p.length !== 2 + 2 * n) return fail(`${what}: FC23 reply of ${p.length} bytes`);
          return checkValues(what, item.unitId, 3, address, registers());
        case 5:
        case 6:
        case 15:
        case 16:
          if (p.length !== 5 || p.some((b, i) => b !== q[i])) fail(`${what}: write reply ${p}`);
          return;
        case 43:
          if (p[1] !== 14 || p.length < 7) fail(`${what}: FC43 reply ${p.slice(0, 8)}`);
          return;
        default:
          fail(`${what}: answered without an exception (no coils or discrete inputs are served)`);
      }
    };

    /** The next batch for one connection: well-framed items, perhaps ending with one that kills it. */
    const nextBatch = (): HostileItem[] => {
      const batch: HostileItem[] = [];
      const size = 1 + Math.floor(rng() * 40);
      while (batch.length < size && made < HOSTILE_ITEMS) {
        transactionId = (transactionId + 1) & 0xffff;
        let item = hostileItem(rng, transactionId, target);
        while (advances(item)) {
          left++;
          item = hostileItem(rng, transactionId, target);
        }
        made++;
        kinds[item.kind] = (kinds[item.kind] ?? 0) + 1;
        batch.push(item);
        if (item.kills) break;
      }
      return batch;
    };

    const attacker = async () => {
      while (made < HOSTILE_ITEMS && !aborted()) {
        const batch = nextBatch();
        const last = batch[batch.length - 1]!;
        const mode = splitRng();
        const c = await rawClient(port);
        const all = batch.flatMap((item) => item.bytes);
        const cuts = Array.from({ length: Math.floor(splitRng() * 4) }, () => Math.floor(splitRng() * all.length)).sort((a, b) => a - b);
        let from = 0;
        for (const cut of [...cuts, all.length]) {
          if (cut > from) c.send(all.slice(from, cut));
          from = Math.max(from, cut);
          await new Promise((r) => setImmediate(r));
        }
        if (mode < 0.1) {
          // Gone before the replies.
          count("abandoned batch");
          c.destroy();
          continue;
        }
        const halfClose = mode < 0.2 || last.kind === "partial-header";
        if (halfClose) c.end();
        for (const item of batch) {
          if (!item.expectsReply) continue;
          const reply = await c.next(3000);
          // A killer at the end may reset the connection before the last replies are read: a prefix is enough then.
          if (reply === undefined && last.kills && c.isClosed()) break;
          checkReply(item, reply);
          if (reply === undefined) break;
        }
        if (last.kills || halfClose) {
          if (!(await within(c.closed, 3000))) fail(`${last.kind}${halfClose ? " (half-closed)" : ""}: connection not closed by the server`);
        }
        if (!last.kills && !halfClose && c.isClosed()) fail(`the server closed a connection that sent only well-framed requests (${last.kind})`);
        c.destroy();
      }
    };

    /** Connections that trickle a frame a byte at a time, slower than the frame timeout. */
    let done = false;
    const lorisMs: number[] = [];
    const loris = async () => {
      while (!done) {
        const c = await rawClient(port);
        const frame = adu(1, 1, [3, ...u16(40000), ...u16(1)]);
        const t0 = performance.now();
        while (!c.isClosed() && frame.length > 0) {
          c.send([frame.shift()!]);
          await new Promise((r) => setTimeout(r, 300));
        }
        if (!(await within(c.closed, 4000))) fail("a slow-loris connection was not closed");
        else if (frame.length === 0) fail("a slow-loris connection trickled a whole frame");
        else lorisMs.push(performance.now() - t0);
        c.destroy();
      }
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
    const background = [poller(), loris(), loris(), loris()];
    try {
      await Promise.all(Array.from({ length: ATTACKERS }, attacker));
    } finally {
      done = true;
      await Promise.allSettled(background);
      clearInterval(sampler);
    }
    const fuzzS = (performance.now() - t0) / 1000;
    const rssAfterKb = rssKb(serve.pid);
    console.log(
      `  fuzz: ${made} hostile items (${JSON.stringify(kinds)}; ${left} advancing writes left out) in ${fuzzS.toFixed(1)} s; outcomes ${JSON.stringify(outcomes)}; ` +
        `good client ${polls} polls; slow-loris closed after ${lorisMs.map((ms) => Math.round(ms)).join(", ")} ms; RSS ${rssBeforeKb} → ${rssAfterKb} kB (max ${rssMaxKb})`,
    );
    assert.equal(failures, []);
    assert.is(made, HOSTILE_ITEMS);
    assert.ok(polls > 100, `the good client polled ${polls} times`);
    for (const k of ["ok 3", "ok 6", "ok 43", "exception 1", "exception 2", "exception 3", "exception 11"]) assert.ok((outcomes[k] ?? 0) > 0, `outcome ${k} was seen`);
    assert.ok(lorisMs.length >= 3, `${lorisMs.length} slow-loris connections`);
    for (const ms of lorisMs) assert.ok(ms >= FRAME_TIMEOUT_MS - 50 && ms < FRAME_TIMEOUT_MS + 3000, `slow-loris closed after ${ms} ms (frame timeout ${FRAME_TIMEOUT_MS} ms)`);

    // Alive, registers outside the writable ones unchanged, RSS bounded.
    assert.is(serve.child.exitCode, null, "serve is still running");
    const after = await snapshot(good, ranges);
    const changed = [...before].filter(([k, v]) => !writable.has(k) && after.get(k) !== v).map(([k]) => `unit ${Math.floor(k / 0x80000)} fc ${Math.floor(k / 0x10000) % 8} ${k % 0x10000}`);
    assert.equal(changed, [], "no register outside the writable ones changed");
    assert.is(after.get(key(99, 3, 0)), 0, "the twin did not advance");
    const written = [...writable].filter((k) => before.has(k) && after.get(k) !== before.get(k)).length;
    assert.ok(written > 0, "hostile writes reached writable registers");
    // Measured +5-7 MB (the refused writes' hil_io rows and the connection events are kept until the run ends).
    assert.ok(rssAfterKb - rssBeforeKb < 64 * 1024, `RSS grew by ${rssAfterKb - rssBeforeKb} kB`);
    good.destroy();
  } finally {
    const code = await serve.stop();
    if (failures.length === 0) assert.is(code, 0, serve.stderr());
  }
  // Results intact: the run, every write with its client, the connection events, no period.
  const [run] = await query(out, "SELECT status, ticks FROM runs");
  assert.equal(run, { status: "ok", ticks: 0 });
  const io = await query(out, "SELECT quality, count(*)::INTEGER AS n, count(*) FILTER (WHERE NOT regexp_matches(client, '^127\\.0\\.0\\.1:\\d+$'))::INTEGER AS bad FROM hil_io GROUP BY quality");
  const n = Object.fromEntries(io.map((r) => [r["quality"], Number(r["n"])]));
  for (const r of io) assert.is(Number(r["bad"]), 0, `${r["quality"]} rows all name a 127.0.0.1 client`);
  assert.match(serve.stdout(), new RegExp(`writes: ${n["accepted"] ?? 0} accepted, ${n["refused"]} refused`));
  assert.ok(n["refused"]! > 500 && n["accepted"]! > 10, `${n["refused"]} refused and ${n["accepted"]} accepted writes recorded`);
  const events = Object.fromEntries(
    (await query(out, "SELECT kind, count(*)::INTEGER AS n FROM events WHERE source = 'modbus-tcp' GROUP BY kind")).map((r) => [r["kind"], Number(r["n"])]),
  );
  assert.ok(events["bad_frame"]! > 100 && events["frame_timeout"]! >= 3 && events["connection"]! > 200, JSON.stringify(events));
  assert.is((await query(out, "SELECT count(*)::INTEGER AS n FROM hil_cycles"))[0]!["n"], 0, "no period ran");
  dir.remove();
});

test.run();
