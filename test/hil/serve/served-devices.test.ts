import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadInputs } from "../../../engine/plant/load-inputs.js";
import { loadScenario } from "../../../engine/scenario/load-scenario.js";
import { createSimulation } from "../../../engine/simulation.js";
import { loadProfile } from "../../../hil/profile/load-profile.js";
import type { DeviceProfile, ProfilePoint } from "../../../hil/profile/profile-types.js";
import { decodeRegisters, encodeRegisters, registerCount } from "../../../hil/profile/register-codec.js";
import { createServedDevices, type ServeClock } from "../../../hil/serve/served-devices.js";
import type { ServedUnit } from "../../../hil/serve/served-unit.js";
import { servedScenario } from "../../../hil/serve/moved-controllers.js";
import { scanSunSpec } from "../../../hil/sunspec/sunspec-scan.js";
import { ROOT } from "../../helpers.js";

/**
 * The twin's devices as register images, driven as the PDU handler drives them (gate.check on
 * the whole write, copy, gate.applied): the SunSpec chain a scanner walks, values equal to the
 * twin's, bounds, 704 enable and reversion, the CtrlHb watchdog, a plain setpoint's revertAfter,
 * and the lockstep advance register.
 */

const profile = (file: string) => loadProfile(`${ROOT}hil/profiles/${file}`);

async function rig(extra: { name: string; profile: DeviceProfile }[] = [], pace: ServeClock["pace"] = "lockstep") {
  const loaded = loadScenario(`${ROOT}scenarios/hil-battery-smoothing.yaml`);
  const inputs = await loadInputs(loaded);
  const devices = [
    { name: "bess1", profile: profile("sunspec-battery.yaml") },
    { name: "pcc", profile: profile("sunspec-meter.yaml") },
    { name: "hall", profile: profile("sunspec-hall-meter.yaml") },
    { name: "twin", profile: profile("twin-clock.yaml") },
    ...extra,
  ];
  const { scenario, moved } = servedScenario(loaded, devices.map((d) => d.profile), inputs);
  const sim = createSimulation(scenario, "served-test", { inputs });
  let periods = 0;
  const writes: { device: string; point: string; value: number; outcome: string; detail: string; client: string }[] = [];
  const events: { source: string; kind: string; value: number; detail: string }[] = [];
  const advance = (ticks: number) => {
    for (const c of sim.advanceBy(ticks)) void c;
  };
  const clock: ServeClock = {
    pace,
    periodS: 1,
    get periods() {
      return periods;
    },
    get simTimeS() {
      return sim.k * scenario.dtS;
    },
    overruns: 0,
    get done() {
      return sim.done;
    },
    advance: async () => {
      served.apply();
      advance(25);
      periods++;
      served.publish();
    },
  };
  const served = createServedDevices({
    devices,
    port: sim.port,
    clock,
    record: { write: (device, point, value, outcome, detail, client) => writes.push({ device, point, value, outcome, detail, client }), event: (source, kind, value, detail) => events.push({ source, kind, value, detail }) },
    nominalHz: 50,
    version: "test",
    serialNumber: "served-test",
  });
  served.publish();
  const unit = (id: number) => served.units.find((u) => u.unitId === id)!;
  /** A write as the PDU handler makes it; returns the exception code (0: accepted). */
  const write = async (unitId: number, address: number, ...values: number[]) => {
    const u = unit(unitId);
    for (let i = 0; i < values.length; i++) if (u.holding.writable[address + i] !== 1) return 2;
    const v = Uint16Array.from(values);
    const verdict = served.gate.check(u, "holding", address, v, v.length, "127.0.0.1:40000");
    if (verdict.code !== 0) {
      served.gate.refused(unitId, "holding", address, v.length, verdict.code, verdict.reason, "127.0.0.1:40000");
      return verdict.code;
    }
    u.holding.values.set(v, address);
    await served.gate.applied(u, "holding", address, v.length, "127.0.0.1:40000");
    return 0;
  };
  const read = (unitId: number, p: ProfilePoint) => {
    const u = unit(unitId);
    const sf = p.scaleFactor === undefined ? 0 : (u.holding.values[p.scaleFactor.address]! << 16) >> 16;
    return decodeRegisters(p, u[p.table].values, p.address, sf);
  };
  /** Raw registers of an engineering value, with the unit's current scale factor. */
  const raw = (unitId: number, p: ProfilePoint, value: number) => {
    const u = unit(unitId);
    const sf = p.scaleFactor === undefined ? 0 : (u.holding.values[p.scaleFactor.address]! << 16) >> 16;
    const out = new Uint16Array(2);
    assert.is(encodeRegisters(p, value, out, 0, sf), null);
    return [...out.subarray(0, registerCount(p.type))];
  };
  return { sim, served, clock, unit, write, read, raw, writes, events, moved, devices, advance, scenario };
}

const point = (p: DeviceProfile, name: string) => p.points.find((q) => q.name === name)!;

test("the battery controller moves to the wire; the SunSpec chains scan like a device's", async () => {
  const r = await rig();
  assert.equal(r.moved.map((c) => c.id), ["bess-smoothing"]);
  for (const id of [1, 2, 3]) {
    const u: ServedUnit = r.unit(id);
    const found = await scanSunSpec(async (_unit, address, count) => u.holding.values.slice(address, address + count), id);
    assert.ok(found, `unit ${id} has a SunSpec chain`);
    assert.is(found!.base, 40000);
    assert.equal(found!.models.map((m) => m.id), id === 1 ? [1, 802, 701, 704, 713] : id === 2 ? [1, 203] : [1, 213]);
  }
  // Common model: "dctwin" as manufacturer, DA = unit id.
  const mn = String.fromCharCode(...[...r.unit(1).holding.values.subarray(40004, 40007)].flatMap((w) => [w >> 8, w & 0xff]));
  assert.is(mn, "dctwin");
  assert.equal(r.served.warnings, []);
});

test("served measurements equal the twin's, within the published scale factor", async () => {
  const r = await rig();
  r.advance(300); // 12 s: the training job is running
  r.served.publish();
  const b = r.devices[0]!.profile;
  const m = r.devices[1]!.profile;
  const h = r.devices[2]!.profile;
  const twin = (name: string) => r.sim.port.read(r.sim.port.measurement(name));
  const load = twin("site.loadW");
  assert.ok(load > 1e6, `site load ${load}`);
  assert.ok(Math.abs(r.read(3, point(h, "site.loadW")) - load) <= 1, `hall meter W (float32): ${r.read(3, point(h, "site.loadW"))} vs ${load}`);
  assert.ok(Math.abs(r.read(2, point(m, "pcc.powerW")) - twin("pcc.powerW")) <= 500);
  assert.is(r.read(2, point(m, "grid.frequencyHz")), 50, "stiff grid: nominal frequency");
  assert.ok(Math.abs(r.read(2, point(m, "grid.voltageFrac")) - 1) < 1e-3);
  assert.ok(Math.abs(r.read(2, point(m, "pcc.energyImportedWh")) - twin("pcc.energyImportedWh")) <= 500);
  assert.ok(Math.abs(r.read(1, point(b, "battery.bess1.socFrac")) - twin("battery.bess1.socFrac")) <= 1e-4);
  assert.is(r.read(1, point(b, "battery.bess1.powerW")), twin("battery.bess1.powerW"));
});

test("WSet: accepted within bounds and followed only while WSetEna = 1; out of bounds → exception 03, nothing changed", async () => {
  const r = await rig();
  const b = r.devices[0]!.profile;
  const wset = point(b, "battery.bess1.powerSetW");
  const ena = b.initWrites.find((w) => /WSetEna/.test(w.description))!.address;
  assert.is(await r.write(1, wset.address, ...r.raw(1, wset, 2_000_000)), 0);
  await r.clock.advance();
  assert.is(r.sim.port.commanded(r.sim.port.setpoint("battery.bess1.powerSetW")), 0, "WSetEna = 0: the battery holds 0 W");
  assert.is(await r.write(1, ena, 1), 0);
  await r.clock.advance();
  assert.is(r.sim.port.commanded(r.sim.port.setpoint("battery.bess1.powerSetW")), 2_000_000);
  const before = [...r.unit(1).holding.values.subarray(wset.address, wset.address + 2)];
  assert.is(await r.write(1, wset.address, ...r.raw(1, wset, -10_000_000 - 1)), 3);
  assert.equal([...r.unit(1).holding.values.subarray(wset.address, wset.address + 2)], before);
  assert.is(await r.write(1, ena, 7), 3, "WSetEna: only its symbols");
  assert.is(await r.write(1, 40002, 5), 2, "a read-only register is not writable");
  const refused = r.writes.filter((w) => w.outcome === "refused");
  assert.ok(refused.some((w) => w.point === "battery.bess1.powerSetW" && /outside \[-10000000, 10000000\]/.test(w.detail) && w.client === "127.0.0.1:40000"), JSON.stringify(refused));
  assert.ok(r.writes.some((w) => w.point === "704.WSetEna" && w.outcome === "accepted" && w.value === 1));
});

test("704 reversion: WSet not refreshed within WSetRvrtTms → WSet := WSetRvrt, recorded; CtrlHb stopping does the same", async () => {
  const r = await rig();
  const b = r.devices[0]!.profile;
  const wset = point(b, "battery.bess1.powerSetW");
  for (const w of b.initWrites) assert.is(await r.write(1, w.address, w.raw), 0, w.description);
  assert.is(await r.write(1, wset.address, ...r.raw(1, wset, 3_000_000)), 0);
  const h = r.sim.port.setpoint("battery.bess1.powerSetW");
  for (let i = 0; i < 5; i++) await r.clock.advance(); // 5 s: at the limit, still in force
  assert.is(r.sim.port.commanded(h), 3_000_000);
  await r.clock.advance();
  await r.clock.advance();
  assert.is(r.sim.port.commanded(h), 0, "reverted to WSetRvrt = 0 W");
  assert.ok(r.events.some((e) => e.kind === "reversion" && /WSet not written/.test(e.detail)), JSON.stringify(r.events));
  assert.is(r.read(1, wset), 0, "the register shows the reverted value");
  // Heartbeat: refreshed WSet but a CtrlHb that stops changing.
  const hb = b.heartbeat!.address;
  assert.is(await r.write(1, wset.address, ...r.raw(1, wset, 1_000_000)), 0);
  assert.is(await r.write(1, hb, 1), 0);
  for (let i = 0; i < 8; i++) {
    await r.clock.advance();
    assert.is(await r.write(1, wset.address, ...r.raw(1, wset, 1_000_000)), 0);
  }
  assert.ok(r.events.some((e) => e.kind === "reversion" && /CtrlHb unchanged/.test(e.detail)), JSON.stringify(r.events));
});

test("a plain setpoint with revertAfter returns to its fallback; a point the scenario lacks is served with a warning", async () => {
  const r = await rig([{ name: "gpu", profile: profile("gpu-caps.yaml") }, { name: "skid", profile: profile("cooling-skid.yaml") }]);
  const g = r.devices.find((d) => d.name === "gpu")!.profile;
  const cap = point(g, "gpu.pretrain.capW");
  assert.is(await r.write(20, cap.address, 700), 0);
  await r.clock.advance();
  const h = r.sim.port.setpoint("gpu.pretrain.capW");
  assert.is(r.sim.port.commanded(h), 700);
  for (let i = 0; i < 61; i++) await r.clock.advance();
  assert.is(r.sim.port.commanded(h), 1200, "back to the fallback after 60 s");
  assert.ok(r.events.some((e) => e.source === "gpu" && e.kind === "reversion"));
  assert.ok(r.served.warnings.some((w) => /cdu.a1.supplyTempC is not in the scenario/.test(w)), r.served.warnings.join("\n"));
});

test("lockstep advance: the next period number advances one period, the current one is a no-op, others → 03", async () => {
  const r = await rig();
  const k0 = r.sim.k;
  assert.is(await r.write(99, 0, 1), 0);
  assert.is(r.sim.k, k0 + 25);
  assert.is(r.unit(99).holding.values[0], 1);
  assert.is(await r.write(99, 0, 1), 0, "a retried write changes nothing");
  assert.is(r.sim.k, k0 + 25);
  assert.is(await r.write(99, 0, 5), 3);
  const realtime = await rig([], "realtime");
  assert.is(await realtime.write(99, 0, 1), 3, "not in lockstep");
});

test.run();
