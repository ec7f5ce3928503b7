import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ROOT, tempDir } from "../../helpers.js";
import { freePort, peerMissing, PYTHON, query, runCli } from "../peer.js";
import { adu, rawClient, u16, type RawClient } from "./raw-client.js";
import { MBPOLL, mbpoll, run, startServe, type ServeProcess } from "./serve-process.js";

/**
 * The served twin from the outside (issue #12): a real `dctwin serve` process on the battery-smoothing
 * hall, driven only by Modbus masters this project did not write (Debian's mbpoll and
 * python3-pymodbus 3.0.0, with the SunSpec model JSON for the layout):
 * - SunSpec discovery: `SunS` at 40000 on units 1-3, model chains walked as pysunspec2 does;
 * - lockstep: mbpoll advances the twin through the advance register, pymodbus reads the meters and
 *   the battery, and the values equal the twin's own results at that time within each register's
 *   resolution;
 * - writes: in bounds accepted, out of bounds 03 with nothing changed, read-only 02, a bad enum 03,
 *   each in hil_io with the client's address;
 * - the command line's safety defaults: loopback unless --listen, the allow-list, the connection
 *   limit, and clear exit-2 messages for bad flags.
 */

const SCENARIO = join(ROOT, "scenarios/hil-battery-smoothing.yaml");
const CLIENT = join(ROOT, "test/hil/serve/sunspec_peer_client.py");
const missing = peerMissing() ?? (existsSync(MBPOLL) ? undefined : `${MBPOLL} is missing (apt-get install mbpoll)`);
const dir = tempDir("dctwin-serve-peers-");
const out = join(dir.path, "peers.duckdb");
let port = 0;
let serve: ServeProcess | undefined;

/** Periods advanced before the first reading, and between the WSet write and the second. */
const N1 = 150;
const N2 = 50;

interface Reading {
  value: number;
  raw?: number[];
  sf?: number;
}
type Values = Record<"bess701W" | "bess713SoC" | "bess704WSet" | "pcc203W" | "pcc203Hz" | "hall213W" | "bess704WSetEna" | "gpuPowerW" | "gpus" | "gpuCapW", Reading> & {
  twin: { periods: number; simTimeMs: number; periodMs: number; overruns: number; done: number; pace: number };
};
const readings: { periods: number; values: Values }[] = [];
/** Client address of each pymodbus write, by what it wrote. */
const writers: Record<string, string> = {};

async function python(...args: string[]): Promise<Record<string, unknown>> {
  const r = await run(PYTHON, [CLIENT, ...args]);
  assert.is(r.code, 0, `${args.join(" ")}: ${r.stdout} ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

async function values(): Promise<Values> {
  return (await python("values", String(port))) as unknown as Values;
}

/** mbpoll writes 'first'..'last' to the advance register (unit 99, holding 0), one process each. */
async function advance(first: number, last: number): Promise<void> {
  for (let n = first; n <= last; n++) {
    const r = await mbpoll(port, "-a", "99", "-r", "0", "127.0.0.1", String(n));
    assert.is(r.code, 0, `advance to ${n}: ${r.stderr}`);
    assert.match(r.stdout, /Written 1 references/);
  }
}

test.before(async () => {
  if (missing !== undefined) return;
  port = await freePort();
  serve = await startServe([SCENARIO, "--modbus", `tcp://127.0.0.1:${port}`, "--pace", "lockstep", "--duration", "20s", "--out", out]);
});

test.after(async () => {
  await serve?.stop();
  dir.remove();
});

test("mbpoll reads SunS at 40000 on units 1, 2 and 3; pymodbus walks the model chains to the end marker", async () => {
  if (missing !== undefined) return console.warn(`skipped: ${missing}`);
  for (const unit of ["1", "2", "3"]) {
    const r = await mbpoll(port, "-a", unit, "-t", "4:hex", "-r", "40000", "-c", "2", "127.0.0.1");
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /\[40000\]:\s+0x5375\n\[40001\]:\s+0x6E53\n/i, `unit ${unit}`);
  }
  const chains = (await python("chain", String(port), "1", "2", "3")) as Record<string, { models: [number, number, number][]; end: number; endLength: number }>;
  const ids = Object.fromEntries(Object.entries(chains).map(([unit, c]) => [unit, c.models.map(([id]) => id)]));
  assert.equal(ids, { "1": [1, 802, 701, 704, 713], "2": [1, 203], "3": [1, 213] });
  // Model lengths as the SunSpec JSON has them (L without ID and L), then 0xFFFF with L = 0.
  assert.equal(chains["1"]!.models.map(([, , l]) => l), [66, 62, 153, 65, 7]);
  assert.is(chains["1"]!.end, 40365);
  for (const c of Object.values(chains)) assert.is(c.endLength, 0);
});

test("lockstep: mbpoll advances the twin period by period; a repeated number is a no-op, a skipped one exception 03", async () => {
  if (missing !== undefined) return;
  let v = await values();
  assert.equal(v.twin, { periods: 0, simTimeMs: 0, periodMs: 40, overruns: 0, done: 0, pace: 0 });
  assert.is(v.pcc203W.raw![0], 0x8000, "nothing measured before the first period: 203 W not implemented");
  await advance(1, N1);
  let r = await mbpoll(port, "-a", "99", "-r", "0", "127.0.0.1", String(N1));
  assert.is(r.code, 0, `rewriting the current number: ${r.stderr}`);
  r = await mbpoll(port, "-a", "99", "-r", "0", "127.0.0.1", String(N1 + 2));
  assert.is(r.code, 1);
  assert.match(r.stderr, /Illegal data value/);
  v = await values();
  assert.equal(v.twin, { periods: N1, simTimeMs: N1 * 40, periodMs: 40, overruns: 0, done: 0, pace: 0 });
  assert.is(v.gpus.value, 72 * 72, "input 4: the group's GPUs (72 racks of 72)");
  assert.ok(v.gpuPowerW.value > 100, `GPUs at work: ${v.gpuPowerW.value} W`);
  readings.push({ periods: N1, values: v });
});

test("writes: WSetEna and WSet (FC16, int32) in bounds accepted; out of bounds 03, read-only 02, WSetEna = 7 03, and nothing changed", async () => {
  if (missing !== undefined) return;
  const before = await values();
  assert.is(before.bess704WSetEna.value, 0, "WSet is disabled until a controller enables it");
  let r = await mbpoll(port, "-a", "1", "-r", "40311", "127.0.0.1", "1");
  assert.is(r.code, 0, `WSetEna = 1: ${r.stderr}`);
  // WSet_SF is -2: 2 MW discharge (SunSpec + = export) is 200 000 000.
  assert.is(before.bess704WSet.sf, -2);
  let w = await python("write", String(port), "1", "704", "WSet", "200000000");
  assert.equal([w["address"], w["registers"], w["ok"]], [40313, [0x0beb, 0xc200], true], JSON.stringify(w));
  writers["WSet 2 MW"] = w["client"] as string;
  const set = await values();
  assert.is(set.bess704WSet.value, 2e6);
  assert.is(set.bess704WSetEna.value, 1);

  // 20 MW and -20 MW: outside the profile's ±10 MW.
  w = await python("write", String(port), "1", "704", "WSet", "2000000000");
  assert.is(w["exception"], 3, JSON.stringify(w));
  writers["WSet 20 MW"] = w["client"] as string;
  r = await mbpoll(port, "-a", "1", "-t", "4:int", "-B", "-r", "40313", "127.0.0.1", "--", "-2000000000");
  assert.is(r.code, 1);
  assert.match(r.stderr, /Illegal data value/);
  // 701 W is a measurement: not writable.
  w = await python("write", String(port), "1", "701", "W", "5");
  assert.is(w["exception"], 2, JSON.stringify(w));
  writers["701 W"] = w["client"] as string;
  r = await mbpoll(port, "-a", "1", "-r", "40144", "127.0.0.1", "5");
  assert.is(r.code, 1);
  assert.match(r.stderr, /Illegal data address/);
  // WSetEna is an enum of 0 and 1.
  r = await mbpoll(port, "-a", "1", "-r", "40311", "127.0.0.1", "7");
  assert.is(r.code, 1);
  assert.match(r.stderr, /Illegal data value/);
  const after = await values();
  assert.equal(after, set, "refused writes changed nothing");

  await advance(N1 + 1, N1 + N2);
  const v = await values();
  assert.is(v.twin.periods, N1 + N2);
  assert.ok(Math.abs(v.bess701W.value - 2e6) <= 0.05e6, `the battery follows WSet: 701 W = ${v.bess701W.value} W`);
  readings.push({ periods: N1 + N2, values: v });
});

test("results: SIGINT ends serve with 0; the served values are the twin's at that time; hil_io has every write with the client's address", async () => {
  if (missing !== undefined) return;
  const code = await serve!.stop();
  assert.is(code, 0, serve!.stderr());
  assert.match(serve!.stdout(), new RegExp(`${N1 + N2} periods \\(${((N1 + N2) * 0.04).toFixed(1)} s simulated\\).*stopped early; 0 overruns`));
  const [{ gpus }] = await query(out, "SELECT sum(gpus)::INTEGER AS gpus FROM racks");
  for (const { periods, values: v } of readings) {
    // After N periods the registers hold the measurements of the last tick run, t = N x 40 ms - 40 ms.
    const t = Math.round((periods * 0.04 - 0.04) * 100) / 100;
    const rows = await query(
      out,
      `SELECT s.pcc_power_w, s.gpu_power_w, b.power_w, b.soc FROM site_series s JOIN storage_series b ON b.t_s = s.t_s WHERE round(s.t_s, 2) = ${t}`,
    );
    assert.is(rows.length, 1, `one row at t = ${t}`);
    const { pcc_power_w: pcc, gpu_power_w: gpuW, power_w: battery, soc } = rows[0] as Record<string, number>;
    const near = (name: string, served: number, twin: number, resolution: number) =>
      assert.ok(Math.abs(served - twin) <= resolution / 2 + 1e-9 * Math.abs(twin), `t = ${t}: ${name} served ${served}, twin ${twin} (resolution ${resolution})`);
    near("203 W (+ import)", v.pcc203W.value, pcc, 10 ** v.pcc203W.sf!);
    near("701 W (+ export)", v.bess701W.value, -battery, 10 ** v.bess701W.sf!);
    near("713 SoC %", v.bess713SoC.value, soc * 100, 10 ** v.bess713SoC.sf!);
    // 213 W is float32: the site load without storage, to float32's precision.
    near("213 W (float32)", v.hall213W.value, pcc - battery, 2 * Math.fround(Math.abs(pcc - battery)) * 2 ** -24);
    near("GPU power per GPU (uint32 W)", v.gpuPowerW.value, gpuW / Number(gpus), 1);
    assert.is(v.gpus.value, Number(gpus));
    assert.is(v.pcc203Hz.value, 50, "a stiff grid: nominal frequency");
  }
  assert.ok(readings[1]!.values.bess713SoC.value < readings[0]!.values.bess713SoC.value, "discharging lowers the SoC");

  const io = (await query(out, "SELECT device, point, value, quality, detail, client FROM hil_io ORDER BY t_s, cycle")) as Record<string, string | number>[];
  for (const row of io) assert.match(String(row["client"]), /^127\.0\.0\.1:\d+$/, JSON.stringify(row));
  const accepted = io.filter((r) => r["quality"] === "accepted");
  const refused = io.filter((r) => r["quality"] === "refused");
  assert.match(serve!.stdout(), new RegExp(`writes: ${accepted.length} accepted, ${refused.length} refused`));
  assert.is(accepted.filter((r) => r["point"] === "twin.advance").length, N1 + N2 + 1, "every advance and the repeated number");
  const find = (rows: typeof io, point: string, detail?: RegExp) => rows.filter((r) => r["point"] === point && (detail === undefined || detail.test(String(r["detail"]))));
  const wset = find(accepted, "battery.bess1.powerSetW");
  assert.equal(
    wset.map((r) => [r["device"], r["value"], r["client"]]),
    [["bess1", -2e6, writers["WSet 2 MW"]]],
    "the accepted WSet in the twin's sign (+ charging), from pymodbus's address",
  );
  assert.equal(find(accepted, "704.WSetEna").map((r) => r["value"]), [1]);
  const outOfBounds = find(refused, "battery.bess1.powerSetW", /^exception 03: .*outside \[-10000000, 10000000\]/);
  assert.is(outOfBounds.length, 2, JSON.stringify(refused));
  assert.ok(outOfBounds.some((r) => r["client"] === writers["WSet 20 MW"]), "pymodbus's refused write, with its address");
  const readOnly = find(refused, "battery.bess1.powerW", /^exception 02: address not writable/);
  assert.is(readOnly.length, 2, JSON.stringify(refused));
  assert.ok(readOnly.some((r) => r["client"] === writers["701 W"]), "pymodbus's refused write, with its address");
  assert.is(find(refused, "704.WSetEna", /^exception 03: 704\.WSetEna: 7 is not one of 0, 1/).length, 1, JSON.stringify(refused));
  assert.is(find(refused, "twin.advance", /^exception 03: twin\.advance: write 151/).length, 1, JSON.stringify(refused));
  assert.is(refused.length, 6, JSON.stringify(refused));
});

// --- The command line's safety defaults -------------------------------------------------------------

const NO_STACK = /\n\s+at .+:\d+:\d+\)?\n/;

test("bad flags exit 2 with a message naming the flag and no stack trace", async () => {
  if (missing !== undefined) return;
  const p = await freePort();
  const cases: [string[], RegExp][] = [
    [["--modbus", `tcp://0.0.0.0:${p}`], /--modbus: .*0\.0\.0\.0 is not a loopback address; add --listen/],
    [["--pace", "x0"], /--pace: got "x0", expected realtime, lockstep or xN/],
    [["--rtu", "/nope:1:8N1"], /--rtu: got .*\/nope:1:8N1.*baud rate/],
    [["--rtu", "/nope:9600:8N1"], /--rtu: got "\/nope:9600:8N1", but \/nope does not exist/],
    [["--rtu", "/dev/null:9600:8N1"], /--rtu \/dev\/null:9600:8N1: .*Inappropriate ioctl/],
    [["--profile", "bad"], /--profile: got "bad", expected NAME=FILE/],
    [["--profile", `bess1=${join(dir.path, "nope.yaml")}`], /nope\.yaml: no such file/],
    [["--max-connections", "0"], /--max-connections: got 0/],
    [["--allow", "10.9.9.300"], /--allow: got "10\.9\.9\.300", expected an IP address or a CIDR/],
    [["--period", "7ms"], /--period: got "7ms", expected a whole number of the scenario's 40 ms ticks/],
  ];
  const results = await Promise.all(
    cases.map(([flags]) =>
      runCli(["serve", SCENARIO, ...(flags[0] === "--modbus" ? [] : ["--modbus", `tcp://127.0.0.1:${p}`]), ...(flags[0] === "--pace" ? [] : ["--pace", "lockstep"]), "--out", join(dir.path, "bad.duckdb"), ...flags]),
    ),
  );
  cases.forEach(([flags, message], i) => {
    const r = results[i]!;
    assert.is(r.code, 2, `${flags.join(" ")}: exit ${r.code}: ${r.stderr}`);
    assert.match(r.stderr, message, flags.join(" "));
    assert.not.match(r.stderr, NO_STACK, `${flags.join(" ")}: no stack trace`);
    assert.not.match(r.stderr, /internal error/, flags.join(" "));
  });
});

async function poll(c: RawClient, tid: number): Promise<void> {
  c.send(adu(tid, 1, [3, ...u16(40000), ...u16(2)]));
  assert.equal(await c.next(), adu(tid, 1, [3, 4, 0x53, 0x75, 0x6e, 0x53]));
}

test("--listen --allow 10.9.9.9: a loopback client is closed at once, and the refusal is in the results' events", async () => {
  if (missing !== undefined) return;
  const p = await freePort();
  const file = join(dir.path, "allow.duckdb");
  const s = await startServe([SCENARIO, "--modbus", `tcp://0.0.0.0:${p}`, "--listen", "--allow", "10.9.9.9", "--pace", "lockstep", "--out", file]);
  try {
    const c = await rawClient(p);
    c.send(adu(1, 1, [3, ...u16(40000), ...u16(2)]));
    await c.closed;
    assert.is(await c.next(100), undefined, "no reply");
    const r = await mbpoll(p, "-a", "1", "-r", "40000", "-o", "1", "127.0.0.1");
    assert.is(r.code, 1, r.stdout);
  } finally {
    assert.is(await s.stop(), 0, s.stderr());
  }
  const refused = await query(file, "SELECT detail FROM events WHERE source = 'modbus-tcp' AND kind = 'refused'");
  assert.ok(refused.length >= 2, JSON.stringify(refused));
  for (const { detail } of refused) assert.match(String(detail), /^127\.0\.0\.1:\d+: not in the allow-list$/);
});

test("--listen --allow 127.0.0.1 --max-connections 2: loopback gets in; a third client is closed while the first two keep working", async () => {
  if (missing !== undefined) return;
  const p = await freePort();
  const s = await startServe([SCENARIO, "--modbus", `tcp://0.0.0.0:${p}`, "--listen", "--allow", "127.0.0.1", "--max-connections", "2", "--pace", "lockstep", "--out", join(dir.path, "limit.duckdb")]);
  try {
    const a = await rawClient(p);
    const b = await rawClient(p);
    await poll(a, 1);
    await poll(b, 1);
    const c = await rawClient(p);
    await c.closed;
    const r = await mbpoll(p, "-a", "1", "-r", "40000", "-o", "1", "127.0.0.1");
    assert.is(r.code, 1, `mbpoll as a third client: ${r.stdout}`);
    await poll(a, 2);
    await poll(b, 2);
    b.destroy();
    // The freed slot is reused (once the server has seen b close).
    let ok = false;
    for (let i = 0; i < 50 && !ok; i++) {
      const again = await mbpoll(p, "-a", "1", "-t", "4:hex", "-r", "40000", "-c", "2", "127.0.0.1");
      ok = again.code === 0 && /0x5375/i.test(again.stdout);
      if (!ok) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.ok(ok, "mbpoll gets in once a slot is free");
    await poll(a, 3);
    a.destroy();
  } finally {
    assert.is(await s.stop(), 0, s.stderr());
  }
});

test.run();
