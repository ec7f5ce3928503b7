import { test } from "uvu";
import * as assert from "uvu/assert";
import { UserError } from "../../models/lib/errors.js";
import { createSimPort } from "../../engine/sim-port.js";

test("write() clamps to the declared bounds and counts clamped writes", () => {
  const port = createSimPort(0.04);
  const applied: number[] = [];
  const h = port.addSetpoint({ name: "gpu.a.capW", unit: "W", description: "", min: 100, max: 700, initial: 700 }, (v) => applied.push(v));
  port.beginTick(0);
  port.write(h, 900);
  port.write(h, 50);
  port.write(h, 400);
  port.applyDue(0);
  assert.equal(applied, [700, 100, 400]);
  assert.is(port.commanded(h), 400);
  assert.equal([...port.clampedWrites()], [["gpu.a.capW", 2]]);
});

test("writes take effect after the latency set for them", () => {
  const port = createSimPort(0.04);
  const applied: [number, number][] = [];
  let k = 0;
  const h = port.addSetpoint({ name: "x", unit: "", description: "", initial: 0 }, (v) => applied.push([k, v]));
  for (k = 0; k < 10; k++) {
    port.beginTick(k);
    if (k === 1) {
      port.setLatencyTicks(3);
      port.write(h, 1);
    }
    if (k === 2) {
      port.setLatencyTicks(0);
      port.write(h, 2);
    }
    port.applyDue(k);
  }
  assert.equal(applied, [[2, 2], [4, 1]]);
});

test("read() returns the last published value and ageS its age in ticks × dt", () => {
  const port = createSimPort(0.04);
  const h = port.addMeasurement({ name: "pcc.powerW", unit: "W", description: "", initial: 0 });
  assert.is(port.ageS(h), Infinity);
  port.publish(h, 5e6, 7);
  port.beginTick(8);
  assert.is(port.read(h), 5e6);
  assert.ok(Math.abs(port.ageS(h) - 0.04) < 1e-12);
});

test("unknown points are UserErrors that list the known ones", () => {
  const port = createSimPort(0.04);
  port.addMeasurement({ name: "pcc.powerW", unit: "W", description: "", initial: 0 });
  assert.throws(() => port.measurement("pcc.power"), (e: Error) => e instanceof UserError && e.message.includes("pcc.powerW"));
  assert.throws(() => port.setpoint("gpu.x.capW"), (e: Error) => e instanceof UserError);
  assert.throws(() => port.addMeasurement({ name: "pcc.powerW", unit: "W", description: "", initial: 0 }), (e: Error) => e instanceof UserError);
});

test.run();
