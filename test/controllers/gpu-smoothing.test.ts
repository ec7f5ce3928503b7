import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ControllerContext } from "../../engine/controller.js";
import { createRng } from "../../models/lib/rng.js";
import { createSimPort } from "../../engine/sim-port.js";
import { createGpuSmoothing, type GpuSmoothingParams } from "../../controllers/gpu-smoothing.js";

const params: GpuSmoothingParams = {
  id: "s",
  groups: ["a", "b"],
  mode: "adaptive",
  floorFrac: 0.5,
  rampUpWps: 2000,
  rampDownWps: 1000,
  holdS: 1,
  targetSwingW: 1e6,
  windowS: 1,
  floorMinFrac: 0.3,
  floorMaxFrac: 0.9,
  floorStepFrac: 0.1,
  prepareFor: [],
  prepareLeadS: 60,
  prepareAfterS: 300,
};

/** A plant stand-in: the sim port with the points the controller uses, recording what it applies. */
function rig() {
  const dtS = 0.04;
  const port = createSimPort(dtS);
  const applied = new Map<string, number>();
  for (const g of ["a", "b"]) {
    for (const [name, max] of [["smoothingOn", 1], ["floorFrac", 0.9], ["rampUpWps", 1e6], ["rampDownWps", 1e6], ["holdS", 60]] as const) {
      const point = `gpu.${g}.${name}`;
      port.addSetpoint({ name: point, unit: "", description: "", min: 0, max, initial: 0 }, (v) => applied.set(point, v));
    }
  }
  const pcc = port.addMeasurement({ name: "pcc.powerW", unit: "W", description: "", initial: 0 });
  const decisions: { action: string; value: number }[] = [];
  const ctx: ControllerContext = { k: 0, tS: 0, dtS, periodS: dtS, rng: createRng(1, "r", "c"), decide: (action, value) => decisions.push({ action, value }) };
  return { port, pcc, applied, decisions, ctx, dtS };
}

function drive(r: ReturnType<typeof rig>, controller: ReturnType<typeof createGpuSmoothing>, fromK: number, toK: number, powerAt: (k: number) => number, publish = true) {
  for (let k = fromK; k < toK; k++) {
    r.port.beginTick(k);
    r.ctx.k = k;
    r.ctx.tS = k * r.dtS;
    controller.step(r.port, r.ctx);
    r.port.applyDue(k);
    if (publish) r.port.publish(r.pcc, powerAt(k), k);
  }
}

test("start() writes the smoothing profile to every group", () => {
  const r = rig();
  const c = createGpuSmoothing({ ...params, mode: "static" });
  r.port.beginTick(0);
  c.start(r.port, r.ctx);
  r.port.applyDue(0);
  for (const g of ["a", "b"]) {
    assert.is(r.applied.get(`gpu.${g}.smoothingOn`), 1);
    assert.is(r.applied.get(`gpu.${g}.floorFrac`), 0.5);
    assert.is(r.applied.get(`gpu.${g}.rampUpWps`), 2000);
    assert.is(r.applied.get(`gpu.${g}.rampDownWps`), 1000);
    assert.is(r.applied.get(`gpu.${g}.holdS`), 1);
  }
  assert.is(r.decisions[0]!.action, "enable_smoothing");
});

test("adaptive step() raises the floor while the PCC swing exceeds the target, up to floorMax", () => {
  const r = rig();
  const c = createGpuSmoothing(params);
  r.port.beginTick(0);
  c.start(r.port, r.ctx);
  // 4 MW square wave with a 1.2 s period: swing 4 MW > 1 MW target.
  drive(r, c, 0, 250, (k) => (k % 30 < 21 ? 9e6 : 5e6));
  const raises = r.decisions.filter((d) => d.action === "raise_floor");
  assert.ok(raises.length >= 4, `raised ${raises.length} times`);
  assert.is(r.applied.get("gpu.a.floorFrac"), 0.9);
  assert.ok(raises.every((d) => d.value <= 0.9 + 1e-12));
});

test("adaptive step() lowers the floor when the swing is well below target, down to floorMin", () => {
  const r = rig();
  const c = createGpuSmoothing(params);
  r.port.beginTick(0);
  c.start(r.port, r.ctx);
  drive(r, c, 0, 250, () => 7e6);
  assert.is(r.applied.get("gpu.b.floorFrac"), 0.3, "repeated steps land exactly on floorMin");
  assert.ok(r.decisions.some((d) => d.action === "lower_floor"));
});

test("adaptive step() holds the floor while the PCC measurement is stale", () => {
  const r = rig();
  const c = createGpuSmoothing(params);
  r.port.beginTick(0);
  c.start(r.port, r.ctx);
  drive(r, c, 0, 10, () => 7e6);
  const before = r.decisions.length;
  drive(r, c, 10, 200, () => 0, false); // nothing published: data ages
  const after = r.decisions.slice(before);
  assert.equal(after.map((d) => d.action), ["hold_floor"]);
  assert.is(r.applied.get("gpu.a.floorFrac"), 0.5);
});

test.run();
