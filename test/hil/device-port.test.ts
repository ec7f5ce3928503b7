import { execFileSync } from "node:child_process";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { QUALITY_ERROR, QUALITY_OK, QUALITY_STALE } from "../../engine/port.js";
import { LINK_TIMEOUT } from "../../hil/bindings/modbus-link.js";
import { createDevicePort, devicePortPointNames, type DeviceBinding, type DevicePortOptions } from "../../hil/device-port.js";
import { createHilRecorder } from "../../hil/hil-recorder.js";
import { HIL_IO } from "../../hil/hil-tables.js";
import { loadProfile } from "../../hil/profile/load-profile.js";
import type { DeviceProfile, ProfilePoint } from "../../hil/profile/profile-types.js";
import { ROOT } from "../helpers.js";
import { FakeLink } from "./fake-link.js";

function point(p: Partial<ProfilePoint> & Pick<ProfilePoint, "name" | "kind" | "address">): ProfilePoint {
  return {
    unitId: 1,
    table: p.kind === "measurement" ? "input" : "holding",
    type: "int16",
    wordOrder: "high-first",
    scale: 1,
    unit: "",
    description: "",
    minWriteIntervalS: 0,
    staleAfterS: 2,
    ...p,
  };
}
const meas = (name: string, address: number, extra: Partial<ProfilePoint> = {}) => point({ name, kind: "measurement", address, ...extra });
const setp = (name: string, address: number, extra: Partial<ProfilePoint> = {}) => point({ name, kind: "setpoint", address, fallback: 0, ...extra });
const profile = (points: ProfilePoint[], extra: Partial<DeviceProfile> = {}): DeviceProfile => ({ name: "p", description: "", points, initWrites: [], ...extra });

interface IoRow {
  t: number;
  cycle: number;
  device: string;
  point: string;
  op: string;
  value: number;
  quality: string;
  age: number;
  readback: number;
  detail: string;
}

/** A device port over fake links, a controllable clock, the recorder's hil_io rows and the events. */
function rig(profiles: DeviceProfile | DeviceProfile[], options: Partial<Pick<DevicePortOptions, "armed" | "maxGapRegisters" | "reassertS">> = {}) {
  const list = Array.isArray(profiles) ? profiles : [profiles];
  const links = list.map(() => new FakeLink());
  const devices: DeviceBinding[] = list.map((p, i) => ({ name: `dev${i}`, profile: p, link: links[i]! }));
  const clock = { ms: 0 };
  const recorder = createHilRecorder("r", devices.map((d) => d.name), devicePortPointNames(devices), 64);
  const events: { source: string; kind: string; value: number; detail: string }[] = [];
  const port = createDevicePort(devices, {
    armed: options.armed ?? true,
    nowMs: () => clock.ms,
    recorder,
    event: (source, kind, value, detail) => events.push({ source, kind, value, detail }),
    ...(options.maxGapRegisters === undefined ? {} : { maxGapRegisters: options.maxGapRegisters }),
    ...(options.reassertS === undefined ? {} : { reassertS: options.reassertS }),
  });
  const all: IoRow[] = [];
  const rows = (): IoRow[] => {
    for (const c of recorder.drain(true)) {
      if (c.table !== HIL_IO.name) continue;
      assert.is(c.columns.length, HIL_IO.columns.length);
      const col = (name: string) => c.columns[HIL_IO.columns.findIndex((s) => s.name === name)]! as ArrayLike<number | string>;
      for (let r = 0; r < c.length; r++) {
        all.push({
          t: col("t_s")[r] as number,
          cycle: col("cycle")[r] as number,
          device: col("device")[r] as string,
          point: col("point")[r] as string,
          op: col("op")[r] as string,
          value: col("value")[r] as number,
          quality: col("quality")[r] as string,
          age: col("age_s")[r] as number,
          readback: col("readback")[r] as number,
          detail: col("detail")[r] as string,
        });
      }
    }
    return all;
  };
  let cycle = 0;
  /** beginCycle at `ms` on the clock (cycle counter increments). */
  const at = (ms: number) => {
    clock.ms = ms;
    port.beginCycle(cycle, ms / 1000);
    cycle++;
  };
  return { port, link: links[0]!, links, clock, events, rows, at, recorder };
}

const near = (a: number, b: number, eps = 1e-9) => Math.abs(a - b) <= eps * Math.max(1, Math.abs(b));

// ---------------------------------------------------------------------------------------------
// Read planning and decoding

test("points within the gap are read in one request; far points, other tables and units in their own", async () => {
  const p = profile([
    meas("a", 0),
    meas("b", 1, { type: "uint16" }),
    meas("c", 6), // gap of 4 after b
    meas("energy", 10, { type: "int32", scaleFactor: { table: "input", address: 12 } }),
    meas("far", 100),
    meas("h", 3, { table: "holding" }),
    meas("u2", 0, { unitId: 2 }),
  ]);
  const { port, link, at } = rig(p);
  at(0);
  await port.poll();
  const reads = link.reads().map((r) => `${r.unitId}/${r.table}/${r.address}+${r.count}`);
  assert.equal(reads.sort(), ["1/holding/3+1", "1/input/0+13", "1/input/100+1", "2/input/0+1"]);
  // A second poll makes the same requests again, no more.
  await port.poll();
  assert.is(link.reads().length, 8);
});

test("maxGapRegisters: 0 joins only adjacent registers", async () => {
  const { port, link, at } = rig(profile([meas("a", 0), meas("b", 1), meas("c", 3)]), { maxGapRegisters: 0 });
  at(0);
  await port.poll();
  assert.equal(link.reads().map((r) => `${r.address}+${r.count}`), ["0+2", "3+1"]);
});

test("an int32 high-first point with its scale-factor register (sf −2) decodes right; low-first too", async () => {
  const p = profile([
    meas("hi", 10, { type: "int32", scaleFactor: { table: "input", address: 12 } }),
    meas("lo", 13, { type: "int32", wordOrder: "low-first", scaleFactor: { table: "input", address: 12 } }),
    meas("u32", 20, { type: "uint32", scale: 0.1 }),
  ]);
  const { port, link, at } = rig(p);
  const raw = -123456 + 0x100000000; // 0xFFFE1DC0
  link.set(1, "input", 10, raw >>> 16, raw & 0xffff);
  link.set(1, "input", 12, 0xfffe); // sf = −2
  link.set(1, "input", 13, raw & 0xffff, raw >>> 16);
  link.set(1, "input", 20, 0x0001, 0x0002); // 65538 × 0.1
  const hHi = port.measurement("hi");
  const hLo = port.measurement("lo");
  const hU = port.measurement("u32");
  at(0);
  await port.poll();
  assert.is(link.reads().length, 1, "one request for 10..21");
  assert.ok(near(port.read(hHi), -1234.56), String(port.read(hHi)));
  assert.ok(near(port.read(hLo), -1234.56), String(port.read(hLo)));
  assert.ok(near(port.read(hU), 6553.8), String(port.read(hU)));
  assert.is(port.quality(hHi), QUALITY_OK);
});

// ---------------------------------------------------------------------------------------------
// Quality

test("quality: ok after a good read, stale once the clock passes staleAfterS without a good read, ok again", async () => {
  const { port, link, at, rows } = rig(profile([meas("t", 0, { staleAfterS: 2 })]));
  const h = port.measurement("t");
  assert.is(port.quality(h), QUALITY_ERROR, "never read");
  assert.is(port.ageS(h), Infinity);
  link.set(1, "input", 0, 42);
  at(1000);
  await port.poll();
  assert.is(port.read(h), 42);
  assert.is(port.quality(h), QUALITY_OK);
  assert.is(port.ageS(h), 0);
  const ok = rows().at(-1)!;
  assert.equal([ok.point, ok.op, ok.value, ok.quality, ok.age, ok.detail], ["t", "read", 42, "ok", 0, ""]);
  at(2500); // no poll this cycle
  assert.is(port.quality(h), QUALITY_OK);
  assert.is(port.ageS(h), 1.5);
  at(3001);
  assert.is(port.quality(h), QUALITY_STALE);
  assert.is(port.read(h), 42);
  await port.poll();
  assert.is(port.quality(h), QUALITY_OK);
});

test("quality error on a Modbus exception, a timeout, a not-implemented raw value, a value outside [min, max]; detail says why", async () => {
  const p = profile([
    meas("exc", 0),
    meas("tmo", 20),
    meas("ni", 40, { notImplementedRaw: 0x8000 }),
    meas("range", 60, { min: 0, max: 100 }),
    meas("sfbad", 80, { scaleFactor: { table: "input", address: 81 } }),
  ]);
  const { port, link, at, rows, events } = rig(p);
  const h = Object.fromEntries(["exc", "tmo", "ni", "range", "sfbad"].map((n) => [n, port.measurement(n)]));
  link.set(1, "input", 0, 1);
  link.set(1, "input", 20, 2);
  link.set(1, "input", 60, 50);
  link.set(1, "input", 80, 7);
  at(0);
  await port.poll();
  for (const n of ["exc", "tmo", "range", "sfbad"]) assert.is(port.quality(h[n]!), QUALITY_OK, n);
  assert.is(port.quality(h.ni!), QUALITY_OK, "0 is implemented");
  link.fault(1, "input", 0, 2);
  link.fault(1, "input", 20, LINK_TIMEOUT);
  link.set(1, "input", 40, 0x8000);
  link.set(1, "input", 60, 101);
  link.set(1, "input", 81, 0x8000); // scale factor not implemented
  at(100);
  await port.poll();
  for (const n of ["exc", "tmo", "ni", "range", "sfbad"]) assert.is(port.quality(h[n]!), QUALITY_ERROR, n);
  const last = new Map(rows().filter((r) => r.cycle === 1).map((r) => [r.point, r]));
  assert.is(last.get("exc")!.quality, "error");
  assert.match(last.get("exc")!.detail, /exception 2/);
  assert.match(last.get("tmo")!.detail, /timeout/);
  assert.match(last.get("ni")!.detail, /not implemented/);
  assert.match(last.get("range")!.detail, /outside its plausible range \[0, 100\]/);
  assert.is(last.get("range")!.value, 101);
  assert.match(last.get("sfbad")!.detail, /scale factor/);
  assert.ok(events.some((e) => e.kind === "modbus_exception" && e.value === 2), JSON.stringify(events));
  // A failed read keeps the last good value (with its age) but not its quality.
  assert.is(port.read(h.exc!), 1);
  assert.ok(near(port.ageS(h.exc!), 0.1));
});

// ---------------------------------------------------------------------------------------------
// Safety

test("a write outside [min, max] is refused, recorded as refused, and nothing is sent", async () => {
  const { port, link, at, rows, events } = rig(profile([setp("s", 10, { min: -10, max: 10 })]));
  const h = port.setpoint("s");
  at(0);
  for (const v of [11, -10.5, Number.NaN]) port.write(h, v);
  await port.flush();
  assert.equal(link.writes(), []);
  const r = rows();
  assert.equal(r.map((x) => [x.op, x.quality]), [["write", "refused"], ["write", "refused"], ["write", "refused"]]);
  assert.equal(r[0]!.value, 11);
  assert.match(r[0]!.detail, /outside its bounds \[-10, 10\]/);
  assert.is(events.filter((e) => e.kind === "write_refused").length, 3);
  assert.is(port.commanded(h), 0, "still its fallback");
});

test("not armed: writes are recorded as dry_run and nothing is sent", async () => {
  const { port, link, at, rows } = rig(profile([setp("s", 10, { min: -10, max: 10 }), setp("c", 0, { table: "coil", type: "bool" })], { heartbeat: { unitId: 1, address: 99, periodS: 1 } }), { armed: false });
  const h = port.setpoint("s");
  const c = port.setpoint("c");
  at(0);
  await port.arm();
  port.write(h, 5);
  port.write(c, 1);
  await port.flush();
  assert.equal(link.writes(), []);
  assert.equal(rows().map((x) => [x.point, x.quality, x.value]), [["s", "dry_run", 5], ["c", "dry_run", 1]]);
  assert.is(port.commanded(h), 5);
});

test("a ramp limit sends a limited step ('limited' row, then 'accepted' with the smaller value), the rest later", async () => {
  const { port, link, at, rows } = rig(profile([setp("t", 100, { scale: 0.1, min: 18, max: 45, rampLimitPerS: 0.5, fallback: 25 })]));
  const h = port.setpoint("t");
  at(0);
  port.write(h, 20);
  await port.flush();
  assert.equal(link.writes().map((w) => w.values), [[200]], "first write: no previous value to ramp from");
  at(1000);
  port.write(h, 30);
  await port.flush();
  const r = rows().filter((x) => x.cycle === 1);
  assert.equal(r.map((x) => x.quality), ["limited", "accepted"]);
  assert.is(r[0]!.value, 30);
  assert.is(r[0]!.detail, "ramp limit 0.5 /s: 20.5 sent instead");
  assert.ok(near(r[1]!.value, 20.5));
  assert.ok(near(r[1]!.readback, 20.5));
  assert.equal(link.writes().at(-1)!.values, [205]);
  // The rest goes in later cycles without a new write.
  at(2000);
  await port.flush();
  assert.equal(link.writes().at(-1)!.values, [210]);
  assert.ok(near(port.commanded(h), 21));
});

test("readback: accepted with the value read back; a device that stores something else → failed 'readback differs'", async () => {
  const { port, link, at, rows } = rig(profile([setp("p", 10, { type: "int32", min: -1e6, max: 1e6, scaleFactor: { table: "holding", address: 12 } })]));
  link.set(1, "holding", 12, 1); // sf = +1: raw × 10
  const h = port.setpoint("p");
  at(0);
  await port.poll(); // reads the scale factor
  port.write(h, -5000);
  await port.flush();
  assert.equal(link.writes().map((w) => [w.address, w.values]), [[10, [0xffff, 0xfe0c]]]); // −500 high-first
  let r = rows().at(-1)!;
  assert.equal([r.quality, r.value, r.readback, r.detail], ["accepted", -5000, -5000, ""]);
  // A device that clamps what it stores to 0.
  link.store = (_u, _t, address, raw) => (address === 10 || address === 11 ? 0 : raw);
  at(100);
  port.write(h, 7000);
  await port.flush();
  r = rows().at(-1)!;
  assert.equal([r.quality, r.value, r.readback], ["failed", 7000, 0]);
  assert.match(r.detail, /readback differs/);
});

test("a write answered with an exception is failed and reported", async () => {
  const { port, link, at, rows, events } = rig(profile([setp("s", 10)]));
  link.fault(1, "holding", 10, 3);
  const h = port.setpoint("s");
  at(0);
  port.write(h, 5);
  await port.flush();
  const r = rows().at(-1)!;
  assert.equal([r.quality, r.detail], ["failed", "Modbus exception 3"]);
  assert.ok(events.some((e) => e.kind === "modbus_exception" && e.value === 3));
  assert.is(port.commanded(h), 0, "not commanded: the device refused it");
});

// ---------------------------------------------------------------------------------------------
// Fallback

const SKID = `${ROOT}hil/profiles/cooling-skid.yaml`;

test("fallback (cooling-skid profile): a resolved measurement goes bad → fallback_on, fallback written in the same cycle, controller writes refused, off after good reads", async () => {
  const skid = loadProfile(SKID);
  const { port, link, at, rows, events } = rig(skid);
  const unit = 10;
  link.set(unit, "input", 0, 250, 300, 100, 500); // 25.0 °C, 30.0 °C, 10.0 L/s, 50 %
  const hSupply = port.measurement("cdu.a1.supplyTempC");
  const hSpeed = port.setpoint("cdu.a1.pumpSpeedCmd");
  const hEnable = port.setpoint("cdu.a1.pumpEnable");
  at(0);
  await port.poll();
  assert.is(port.read(hSupply), 25);
  assert.not.ok(port.inFallback);
  port.write(hSpeed, 0.6);
  port.write(hEnable, 1);
  await port.flush();
  assert.is(link.get(unit, "holding", 101), 600);
  assert.is(link.get(unit, "coil", 0), 1);
  // Cycle 1, 200 ms later (inside the 1 s minimum write interval): the supply temperature read fails.
  link.fault(unit, "input", 0, 4);
  at(200);
  await port.poll();
  assert.ok(port.inFallback);
  const on = events.filter((e) => e.kind === "fallback_on");
  assert.is(on.length, 1);
  assert.match(on[0]!.detail, /cdu.a1.supplyTempC error/);
  port.write(hSpeed, 0.9); // the controller keeps writing: refused
  await port.flush();
  const c1 = rows().filter((r) => r.cycle === 1 && r.op === "write");
  assert.ok(c1.some((r) => r.point === "cdu.a1.pumpSpeedCmd" && r.quality === "refused" && /holding the fallback/.test(r.detail)), JSON.stringify(c1));
  assert.ok(c1.some((r) => r.point === "cdu.a1.pumpSpeedCmd" && r.quality === "accepted" && near(r.value, 0.8)), `fallback not written in the same cycle: ${JSON.stringify(c1)}`);
  assert.is(link.get(unit, "holding", 101), 800, "fallback 80 % sent (no ramp limit toward a fallback)");
  assert.is(port.commanded(hSpeed), 0.8);
  // The unresolved supply-temperature setpoint is not touched.
  assert.not.ok(link.writes().some((w) => w.address === 100 && w.table === "holding"));
  // Still bad: stays in fallback, one event only.
  at(400);
  await port.poll();
  await port.flush();
  assert.is(events.filter((e) => e.kind === "fallback_on").length, 1);
  // Good reads again: fallback off, controller writes go through.
  link.fault(unit, "input", 0, undefined);
  at(1600);
  await port.poll();
  assert.not.ok(port.inFallback);
  assert.is(events.filter((e) => e.kind === "fallback_off").length, 1);
  port.write(hSpeed, 0.75);
  await port.flush();
  assert.is(link.get(unit, "holding", 101), 750);
});

test("fallback: a bad measurement no controller resolved does not trigger it", async () => {
  const { port, link, at, events } = rig(profile([meas("used", 0), meas("unused", 30), setp("s", 10, { fallback: 7 })]));
  port.measurement("used");
  const hs = port.setpoint("s");
  link.fault(1, "input", 30, 2);
  at(0);
  await port.poll();
  assert.not.ok(port.inFallback);
  port.write(hs, 3);
  await port.flush();
  assert.is(link.get(1, "holding", 10), 3);
  assert.is(events.filter((e) => e.kind === "fallback_on").length, 0);
});

test("fallback: link down turns it on (fallback write fails: link down), link up with good reads turns it off", async () => {
  const { port, link, at, rows, events } = rig(profile([meas("m", 0), setp("s", 10, { fallback: 7 })]));
  port.measurement("m");
  const hs = port.setpoint("s");
  at(0);
  await port.poll();
  port.write(hs, 3);
  await port.flush();
  link.up = false;
  at(100);
  await port.poll();
  assert.ok(port.inFallback);
  assert.match(events.find((e) => e.kind === "fallback_on")!.detail, /dev0 link down/);
  const sent = link.writes().length;
  await port.flush();
  assert.is(link.writes().length, sent, "nothing reaches a down link");
  const r = rows().filter((x) => x.cycle === 1 && x.op === "write");
  assert.equal(r.map((x) => [x.quality, x.value, x.detail]), [["failed", 7, "link down"]]);
  link.up = true;
  at(200);
  await port.poll();
  assert.not.ok(port.inFallback);
  assert.ok(events.some((e) => e.kind === "fallback_off"));
});

test("fallback: a fallback that could not be sent while the link was down is sent once it is back, if still in fallback", async () => {
  const { port, link, at, events } = rig(profile([meas("m", 0), setp("s", 10, { fallback: 7 })]));
  port.measurement("m");
  const hs = port.setpoint("s");
  at(0);
  await port.poll();
  port.write(hs, 3);
  await port.flush();
  assert.is(link.get(1, "holding", 10), 3);
  link.up = false;
  at(100);
  await port.poll();
  await port.flush();
  assert.ok(port.inFallback);
  // The link comes back, but the measurement the controller needs still fails: still in fallback.
  link.up = true;
  link.fault(1, "input", 0, 4);
  at(200);
  await port.poll();
  assert.ok(port.inFallback);
  await port.flush();
  assert.is(link.get(1, "holding", 10), 7, "the device still holds the controller's last value, not the fallback");
  assert.is(port.commanded(hs), 7);
  assert.is(events.filter((e) => e.kind === "fallback_on").length, 1);
});

// ---------------------------------------------------------------------------------------------
// Heartbeat, arm, safe stop

test("heartbeat: flush writes an incrementing counter once per period (armed only)", async () => {
  const p = profile([setp("s", 10)], { heartbeat: { unitId: 3, address: 500, periodS: 1 } });
  const { port, link, at } = rig(p);
  for (const ms of [0, 400, 999, 1000, 1500, 2100, 2200, 3100]) {
    at(ms);
    await port.flush();
  }
  assert.equal(link.writes().map((w) => [w.unitId, w.address, w.values[0]]), [[3, 500, 1], [3, 500, 2], [3, 500, 3], [3, 500, 4]]);
  const dry = rig(p, { armed: false });
  for (const ms of [0, 1000, 2000]) {
    dry.at(ms);
    await dry.port.flush();
  }
  assert.equal(dry.link.writes(), []);
});

test("arm(): init writes in order when armed, none when not", async () => {
  const initWrites = [
    { unitId: 1, address: 700, raw: 30, description: "reversion timer 30 s" },
    { unitId: 2, address: 701, raw: 1, description: "enable" },
    { unitId: 1, address: 3, raw: 0xffff, description: "mode" },
  ];
  const p = profile([setp("s", 10)], { initWrites });
  const armed = rig(p);
  armed.at(0);
  await armed.port.arm();
  assert.equal(armed.link.writes().map((w) => [w.unitId, w.address, w.values]), [[1, 700, [30]], [2, 701, [1]], [1, 3, [0xffff]]]);
  assert.equal(armed.rows().map((r) => [r.op, r.quality, r.value, r.detail]), [["init", "accepted", 30, "reversion timer 30 s"], ["init", "accepted", 1, "enable"], ["init", "accepted", 0xffff, "mode"]]);
  const dry = rig(p, { armed: false });
  await dry.port.arm();
  assert.equal(dry.link.requests, []);
  assert.equal(dry.rows(), []);
});

test("safeStop writes every resolved setpoint's fallback (and only those)", async () => {
  const p = profile([setp("a", 10, { fallback: 5, rampLimitPerS: 0.001, minWriteIntervalS: 10 }), setp("b", 11, { fallback: -3 }), setp("unused", 12, { fallback: 9 }), setp("c", 0, { table: "coil", type: "bool", fallback: 1 })]);
  const { port, link, at, events } = rig(p);
  const ha = port.setpoint("a");
  port.setpoint("b");
  port.setpoint("c");
  at(0);
  port.write(ha, 100);
  await port.flush();
  at(50);
  await port.safeStop("end of the run");
  const stops = link.writes().slice(1);
  assert.equal(stops.map((w) => [w.table, w.address, w.values]), [["holding", 10, [5]], ["holding", 11, [0xfffd]], ["coil", 0, [1]]]);
  assert.is(port.commanded(ha), 5);
  assert.ok(events.some((e) => e.kind === "safe_stop" && e.detail === "end of the run"));
});

test("the recorder: a detail ending in a number is made when its chunk is cut, across cuts, and only for its own row", () => {
  const recorder = createHilRecorder("r", ["d"], ["p"], 4);
  for (let i = 0; i < 10; i++) {
    if (i % 3 === 0) recorder.io(i, i, 0, 0, "write", i, "limited", Number.NaN, Number.NaN, "ramp: ", i / 8, " sent");
    else recorder.io(i, i, 0, 0, "read", i, "ok", 0, Number.NaN, i === 4 ? "plain" : "");
  }
  const details = recorder.drain(true).flatMap((c) => (c.table === HIL_IO.name ? (c.columns[HIL_IO.columns.findIndex((s) => s.name === "detail")] as string[]).slice(0, c.length) : []));
  assert.equal(details, ["ramp: 0 sent", "", "", "ramp: 0.375 sent", "plain", "", "ramp: 0.75 sent", "", "", "ramp: 1.125 sent"]);
});

// ---------------------------------------------------------------------------------------------
// Allocation (a generous bound: catches a leak per cycle, not an allocation per cycle)

/** global.gc without the --expose-gc flag (V8 flag set at run time, gc taken from a fresh context). */
function exposeGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing !== undefined) return existing;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

test("1,000 poll/flush cycles on the fake link do not grow the heap beyond a generous bound", async () => {
  const gc = exposeGc();
  const skid = loadProfile(SKID);
  const { port, link, at, recorder } = rig(skid);
  link.set(10, "input", 0, 250, 300, 100, 500);
  const hSpeed = port.setpoint("cdu.a1.pumpSpeedCmd");
  port.measurement("cdu.a1.supplyTempC");
  const cycle = async (n: number) => {
    at(n * 200);
    await port.poll();
    port.write(hSpeed, 0.5 + (n % 2) * 0.01);
    await port.flush();
    recorder.drain(false);
  };
  for (let n = 0; n < 200; n++) await cycle(n);
  link.requests.length = 0;
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let n = 200; n < 1200; n++) {
    await cycle(n);
    if (n % 100 === 0) link.requests.length = 0;
  }
  gc();
  const grown = process.memoryUsage().heapUsed - before;
  if (process.env.DCTWIN_SHOW_HEAP) console.log(`heap grew ${grown} bytes`);
  assert.ok(grown < 8e6, `heap grew ${grown} bytes over 1,000 cycles`);
});

test("a poll/write/flush cycle of the SunSpec battery over an in-memory link allocates nothing (issue #11)", () => {
  // Measured in a process of its own (test/hil/device-port-alloc.ts): here the other tests' links
  // and ports make the call sites polymorphic, which a dctwin hil process does not see.
  const out = execFileSync(process.execPath, [`${ROOT}dist/test/hil/device-port-alloc.js`], { encoding: "utf8" });
  const m = JSON.parse(out) as { perCycle: number; cutPerCycle: number; cycles: number; rowsPerCycle: number; requestsPerCycle: number };
  if (process.env.DCTWIN_SHOW_HEAP) console.log(`device port + recorder: ${JSON.stringify(m)}`);
  assert.ok(m.requestsPerCycle >= 4, "2 reads, a write and its readback per cycle");
  // The meter itself costs a few hundred bytes (its GC profiler and heap readings): under 1 B per
  // cycle over these ~30,000 cycles; 16 B per cycle would be one heap number per cycle.
  assert.ok(m.perCycle < 2, `the device port and the recorder allocated ${m.perCycle.toFixed(1)} B per cycle`);
  // With the recorder's chunk cuts, their columns handed back once written (as dctwin hil does):
  // the chunk objects and the detail texts that end in a number, amortised (~1.5 B measured).
  assert.ok(m.cutPerCycle < 16, `with chunk cuts: ${m.cutPerCycle.toFixed(1)} B per cycle`);
});

test.run();
