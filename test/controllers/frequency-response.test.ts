import { test } from "uvu";
import * as assert from "uvu/assert";
import { createFrequencyResponse, requiredResponseW, type FrequencyResponseParams } from "../../controllers/frequency-response.js";
import type { ControllerContext } from "../../engine/controller.js";
import { createRng } from "../../models/lib/rng.js";
import { createSimPort } from "../../engine/sim-port.js";

const params: FrequencyResponseParams = {
  id: "fr",
  service: "dynamic-containment",
  lowContractW: 10e6,
  highContractW: 10e6,
  f0Hz: 50,
  droopFrac: 0.04,
  droopDeadbandHz: 0.015,
  battery: "b",
  gpuGroups: [],
  toleranceFrac: 0.03,
  deliveryS: 1,
  enduranceS: 900,
};

/**
 * A plant stand-in on the sim port, with the point names the engine declares (battery.<id>.* from
 * site-storage.ts, gpu.<group>.* from build-plant.ts, grid.* from site-frequency.ts). The battery
 * follows its setpoint after `lagTicks` and delivers `gain` of it; GPUs draw min(demand, cap).
 */
function rig(opts: { lagTicks?: number; gain?: number; availableDischargeW?: number; auxW?: number } = {}) {
  const dtS = 0.04;
  const port = createSimPort(dtS);
  const applied = new Map<string, number>();
  const writes: number[] = [];
  port.addSetpoint({ name: "battery.b.powerSetW", unit: "W", description: "", min: -10e6, max: 10e6, initial: 0 }, (v) => {
    applied.set("battery", v);
    writes.push(v);
  });
  port.addSetpoint({ name: "gpu.a.capW", unit: "W", description: "", min: 140, max: 700, initial: 700 }, (v) => applied.set("cap", v));
  const h = {
    f: port.addMeasurement({ name: "grid.frequencyHz", unit: "Hz", description: "", initial: 50 }),
    power: port.addMeasurement({ name: "battery.b.powerW", unit: "W", description: "", initial: 0 }),
    soc: port.addMeasurement({ name: "battery.b.socFrac", unit: "", description: "", initial: 0.5 }),
    ac: port.addMeasurement({ name: "battery.b.availableChargeW", unit: "W", description: "", initial: 10e6 }),
    ad: port.addMeasurement({ name: "battery.b.availableDischargeW", unit: "W", description: "", initial: opts.availableDischargeW ?? 10e6 }),
    ch: port.addMeasurement({ name: "battery.b.chargeHeadroomWh", unit: "Wh", description: "", initial: 4e6 }),
    dh: port.addMeasurement({ name: "battery.b.dischargeHeadroomWh", unit: "Wh", description: "", initial: 4e6 }),
    gpuPower: port.addMeasurement({ name: "gpu.a.powerW", unit: "W", description: "", initial: 600 }),
    gpus: port.addMeasurement({ name: "gpu.a.gpus", unit: "count", description: "", initial: 5184 }),
  };
  const decisions: { action: string; value: number }[] = [];
  const ctx: ControllerContext = { k: 0, tS: 0, dtS, periodS: dtS, rng: createRng(1, "r", "c"), decide: (action, value) => decisions.push({ action, value }) };
  const lag = opts.lagTicks ?? 0;
  const gain = opts.gain ?? 1;
  const aux = opts.auxW ?? 0;
  /** Runs ticks [from, to) with frequency f(k) published at the end of tick k. */
  const drive = (c: ReturnType<typeof createFrequencyResponse>, from: number, to: number, f: (k: number) => number) => {
    for (let k = from; k < to; k++) {
      port.beginTick(k);
      ctx.k = k;
      ctx.tS = k * dtS;
      if (k === 0) c.start(port, ctx);
      c.step(port, ctx);
      port.applyDue(k);
      const set = lag === 0 ? applied.get("battery") ?? 0 : writes.length > lag ? writes[writes.length - 1 - lag]! : 0;
      port.publish(h.power, gain * set + aux, k);
      // A GPU's power scales with its limit: 600 W at the 700 W limit.
      port.publish(h.gpuPower, (600 * (applied.get("cap") ?? 700)) / 700, k);
      port.publish(h.f, f(k), k);
    }
  };
  return { port, h, applied, decisions, ctx, drive };
}

test("requiredResponseW follows the Dynamic Containment curve (★ V3 table), both directions", () => {
  const table: [number, number][] = [
    [0.01, 0],
    [0.1, (0.05 * 0.085) / 0.185],
    [0.2, 0.05],
    [0.3, 0.05 + 0.95 / 3],
    [0.4, 0.05 + (0.95 * 2) / 3],
    [0.5, 1],
    [0.7, 1],
  ];
  for (const [dfHz, frac] of table) {
    assert.ok(Math.abs(requiredResponseW(params, -dfHz) + frac * 10e6) < 1, `low ${dfHz} Hz`);
    assert.ok(Math.abs(requiredResponseW(params, dfHz) - frac * 10e6) < 1, `high ${dfHz} Hz`);
  }
});

test("step() writes the DC curve points to the battery setpoint, one tick after the frequency is measured", () => {
  const table: [number, number][] = [
    [-0.01, 0],
    [-0.1, -(0.05 * 0.085) / 0.185],
    [-0.2, -0.05],
    [-0.3, -(0.05 + 0.95 / 3)],
    [-0.4, -(0.05 + (0.95 * 2) / 3)],
    [-0.5, -1],
    [0.3, 0.05 + 0.95 / 3],
  ];
  for (const [dfHz, frac] of table) {
    // f published at tick 5 is read at tick 6: the setpoint moves at 6, not 5.
    const again = rig();
    const c2 = createFrequencyResponse(params);
    again.drive(c2, 0, 6, (k) => (k >= 5 ? 50 + dfHz : 50));
    assert.is(again.applied.get("battery"), 0, `${dfHz}: not yet at tick 5`);
    again.drive(c2, 6, 7, () => 50 + dfHz);
    assert.ok(Math.abs(again.applied.get("battery")! - frac * 10e6) < 1, `${dfHz} Hz → ${again.applied.get("battery")} W, expected ${frac * 10e6}`);
  }
});

test("droop service: ΔP = (|Δf| − deadband)/(R·f₀) × contract", () => {
  const r = rig();
  const c = createFrequencyResponse({ ...params, service: "droop" });
  r.drive(c, 0, 3, (k) => (k >= 1 ? 49.8 : 50));
  assert.ok(Math.abs(r.applied.get("battery")! - -((0.185 / 2) * 10e6)) < 1e-6);
});

test("what the battery cannot deliver goes to GPU caps, sized on the groups' baseline power, and the caps are released after", () => {
  const r = rig({ availableDischargeW: 2e6 });
  const c = createFrequencyResponse({ ...params, gpuGroups: ["a"] });
  r.drive(c, 0, 3, () => 50);
  assert.is(r.applied.get("cap"), 700, "no remainder: the cap stays at the GPU limit");
  r.drive(c, 3, 6, () => 49.7);
  const requiredW = -(0.05 + 0.95 / 3) * 10e6;
  assert.is(r.applied.get("battery"), -2e6);
  const y = (-requiredW - 2e6) / (5184 * 600);
  assert.ok(Math.abs(r.applied.get("cap")! - 700 * (1 - y)) < 0.01, `cap ${r.applied.get("cap")}`);
  // The GPUs deliver the remainder: 5184 × 600 W × y.
  r.drive(c, 6, 7, () => 49.7);
  const gpuW = 5184 * ((600 * r.applied.get("cap")!) / 700 - 600);
  assert.ok(Math.abs(gpuW - (requiredW + 2e6)) < 1, `GPU delivery ${gpuW} W`);
  assert.ok(r.decisions.some((d) => d.action === "gpu_caps_on"));
  r.drive(c, 7, 9, () => 50);
  assert.is(r.applied.get("cap"), 700);
  assert.ok(r.decisions.some((d) => d.action === "gpu_caps_off"));
  assert.equal(r.port.clampedWrites(), new Map(), "never writes outside the setpoints' bounds");
  c.finish(r.port, r.ctx);
  const kpi = (n: string) => c.kpis!().find((x) => x.name === n)!.value;
  assert.ok(kpi("fr_gpu_energy") > 0 && kpi("fr_battery_energy") > 0);
});

test("compliance: a battery that follows within the delivery window complies; one delivering half does not", () => {
  // f steps to 49.7 Hz at tick 50 for 10 s, then back. The battery lags its setpoint by 3 ticks (120 ms).
  const f = (k: number) => (k >= 50 && k < 300 ? 49.7 : 50);
  const good = rig({ lagTicks: 3, auxW: 30e3 });
  const c = createFrequencyResponse(params);
  good.drive(c, 0, 600, f);
  c.finish(good.port, good.ctx);
  const kpi = (ctrl: typeof c, n: string) => ctrl.kpis!().find((x) => x.name === n)!.value;
  assert.is(kpi(c, "fr_compliance"), 1, "the aux offset is learnt as the idle level");
  assert.is(kpi(c, "fr_compliance_in_response"), 1);
  assert.is(kpi(c, "fr_responses"), 1);
  assert.ok(Math.abs(kpi(c, "fr_required_energy") - (0.366667 * 10e6 * 10) / 3600) < 5, `required ${kpi(c, "fr_required_energy")} Wh`);
  assert.ok(Math.abs(kpi(c, "fr_delivered_energy") - kpi(c, "fr_required_energy")) < 5);
  assert.is(kpi(c, "fr_availability"), 1);
  assert.equal(good.decisions.map((d) => d.action), ["enable_response", "response_start", "response_end", "final_delivery"]);

  const half = rig({ gain: 0.5 });
  const c2 = createFrequencyResponse(params);
  half.drive(c2, 0, 600, f);
  // Out of the envelope from 1 s after the step until the step back: 9 of the 15 s in response.
  assert.ok(Math.abs(kpi(c2, "fr_compliance_in_response") - 6 / 15) < 0.01, `half delivery: ${kpi(c2, "fr_compliance_in_response")}`);
  assert.ok(Math.abs(kpi(c2, "fr_max_shortfall") - 0.5 * 0.366667 * 10e6) < 10);
});

test("availability: energy headroom below 15 min of the contract makes the battery unavailable", () => {
  const r = rig();
  r.port.publish(r.h.dh, 2e6, 0); // 2 MWh < 10 MW × 15 min
  const c = createFrequencyResponse(params);
  r.drive(c, 0, 100, () => 50);
  assert.is(c.kpis!().find((x) => x.name === "fr_availability")!.value, 0);
});

test("a stale frequency withdraws the response to the baseline and is logged once", () => {
  const r = rig();
  const c = createFrequencyResponse(params);
  r.drive(c, 0, 5, () => 49.6);
  assert.ok(r.applied.get("battery")! < -5e6);
  const before = r.decisions.filter((d) => d.action === "hold_baseline").length;
  for (let k = 5; k < 15; k++) {
    r.port.beginTick(k);
    r.ctx.k = k;
    r.ctx.tS = k * 0.04;
    c.step(r.port, r.ctx);
    r.port.applyDue(k);
  }
  assert.is(r.applied.get("battery"), 0);
  assert.is(r.decisions.filter((d) => d.action === "hold_baseline").length - before, 1);
});

test.run();
