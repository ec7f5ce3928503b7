import { test } from "uvu";
import * as assert from "uvu/assert";
import { createCompositePort } from "../../engine/composite-port.js";
import { QUALITY_OK, QUALITY_STALE, type PlantPort, type PointSpec, type Quality } from "../../engine/port.js";
import { createSimPort } from "../../engine/sim-port.js";

/** A device-side port over plain arrays, logging every call. */
function fakeDevice(points: PointSpec[]) {
  const calls: string[] = [];
  const meas = points.filter((p) => p.kind === "measurement").map((p) => p.name);
  const sets = points.filter((p) => p.kind === "setpoint").map((p) => p.name);
  const written = sets.map(() => Number.NaN);
  const port: PlantPort = {
    points,
    measurement(name) {
      const h = meas.indexOf(name);
      if (h < 0) throw new Error(`device: no measurement ${name}`);
      calls.push(`measurement ${name}`);
      return h;
    },
    setpoint(name) {
      const h = sets.indexOf(name);
      if (h < 0) throw new Error(`device: no setpoint ${name}`);
      calls.push(`setpoint ${name}`);
      return h;
    },
    read: (h) => (calls.push(`read ${h}`), 1000 + h),
    quality: (h): Quality => (calls.push(`quality ${h}`), QUALITY_STALE),
    ageS: (h) => (calls.push(`ageS ${h}`), 7 + h),
    write: (h, v) => {
      calls.push(`write ${h} ${v}`);
      written[h] = v;
    },
    commanded: (h) => (calls.push(`commanded ${h}`), written[h]!),
  };
  return { port, calls };
}

const spec = (name: string, kind: PointSpec["kind"]): PointSpec => ({ name, kind, unit: "W", description: "", initial: 0 });

function setup() {
  const sim = createSimPort(0.04);
  const simApplied: number[] = [];
  const hPcc = sim.addMeasurement({ name: "pcc.powerW", unit: "W", description: "", initial: 0 });
  sim.addMeasurement({ name: "battery.bess1.socFrac", unit: "fraction", description: "", initial: 0.5 });
  sim.addSetpoint({ name: "gpu.a.capW", unit: "W", description: "", min: 0, max: 700, initial: 700 }, (v) => simApplied.push(v));
  sim.addSetpoint({ name: "battery.bess1.powerSetW", unit: "W", description: "", initial: 0 }, () => undefined);
  sim.publish(hPcc, 5e6, 0);
  sim.beginTick(1);
  const device = fakeDevice([spec("battery.bess1.socFrac", "measurement"), spec("battery.bess1.tempC", "measurement"), spec("battery.bess1.powerSetW", "setpoint")]);
  return { sim, simApplied, device, port: createCompositePort(sim, device.port) };
}

test("names the device declares go to the device: read, quality, ageS, write, commanded", () => {
  const { port, device } = setup();
  const hSoc = port.measurement("battery.bess1.socFrac");
  const hTemp = port.measurement("battery.bess1.tempC");
  const hSet = port.setpoint("battery.bess1.powerSetW");
  assert.is(port.read(hSoc), 1000);
  assert.is(port.read(hTemp), 1001);
  assert.is(port.quality(hTemp), QUALITY_STALE);
  assert.is(port.ageS(hSoc), 7);
  port.write(hSet, -2e6);
  assert.is(port.commanded(hSet), -2e6);
  assert.equal(device.calls, [
    "measurement battery.bess1.socFrac",
    "measurement battery.bess1.tempC",
    "setpoint battery.bess1.powerSetW",
    "read 0",
    "read 1",
    "quality 1",
    "ageS 0",
    "write 0 -2000000",
    "commanded 0",
  ]);
});

test("every other name goes to the sim port, which the device never hears of", () => {
  const { port, device, sim, simApplied } = setup();
  const hPcc = port.measurement("pcc.powerW");
  const hCap = port.setpoint("gpu.a.capW");
  assert.is(port.read(hPcc), 5e6);
  assert.is(port.quality(hPcc), QUALITY_OK);
  assert.ok(Math.abs(port.ageS(hPcc) - 0.04) < 1e-12);
  port.write(hCap, 900); // the sim clamps
  assert.is(port.commanded(hCap), 700);
  sim.applyDue(1);
  assert.equal(simApplied, [700]);
  assert.equal(device.calls, []);
  // Unknown names are the sim port's errors.
  assert.throws(() => port.measurement("nope"), /nope/);
});

test("a device point shadows a sim point of the same name and kind; points lists each name once", () => {
  const { port, sim } = setup();
  // Both sides declare these two; the device wins.
  const hSoc = port.measurement("battery.bess1.socFrac");
  assert.is(port.read(hSoc), 1000);
  assert.is.not(port.read(hSoc), sim.read(sim.measurement("battery.bess1.socFrac")));
  const hSet = port.setpoint("battery.bess1.powerSetW");
  port.write(hSet, 123);
  assert.is(sim.commanded(sim.setpoint("battery.bess1.powerSetW")), 0);
  const names = port.points.map((p) => `${p.kind}:${p.name}`);
  assert.is(new Set(names).size, names.length, names.join(", "));
  assert.equal(names.sort(), [
    "measurement:battery.bess1.socFrac",
    "measurement:battery.bess1.tempC",
    "measurement:pcc.powerW",
    "setpoint:battery.bess1.powerSetW",
    "setpoint:gpu.a.capW",
  ]);
  // The shadowing entry is the device's.
  assert.is(port.points.filter((p) => p.name === "battery.bess1.socFrac").length, 1);
  assert.is(port.points.find((p) => p.name === "battery.bess1.socFrac")!.unit, "W");
});

test.run();
