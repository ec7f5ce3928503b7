import { test } from "uvu";
import * as assert from "uvu/assert";
import { createCduControl } from "../../controllers/cdu-control.js";
import { createCrahControl } from "../../controllers/crah-control.js";
import { createHeatRejectionControl } from "../../controllers/heat-rejection-control.js";
import type { Controller, ControllerContext } from "../../engine/controller.js";
import { createRng } from "../../models/lib/rng.js";
import { createSimPort, type SimPort } from "../../engine/sim-port.js";

/** A sim port with the points a cooling plant offers (one unit each), its setpoints recorded in `set`. */
function plantPort() {
  const port = createSimPort(1);
  const set: Record<string, number> = {};
  const sp = (name: string, min: number, max: number, initial: number) => {
    set[name] = initial;
    port.addSetpoint({ name, unit: "", description: "", min, max, initial }, (v) => { set[name] = v; });
  };
  const m = (name: string) => port.addMeasurement({ name, unit: "", description: "", initial: 0 });
  sp("cdu.a1.supplyTempSetC", 15, 50, 35);
  sp("cdu.a1.pumpSpeedCmd", 0.1, 1, 1);
  sp("crah.a1.supplyTempSetC", 12, 30, 22);
  sp("crah.a1.fanSpeedCmd", 0.1, 1, 0.8);
  sp("facility.warm.fanSpeedCmd", 0, 1, 1);
  sp("chiller.warm.on", 0, 1, 1);
  sp("chiller.warm.supplyTempSetC", 4, 45, 30);
  const h = Object.fromEntries(
    ["cdu.a1.gpuTempMaxC", "cdu.a1.supplyTempC", "cdu.a1.returnTempC", "cdu.a1.coolantTempMaxC", "row.a.inletTempMaxC", "row.a.inletTempMinC", "facility.warm.supplyTempC"].map((n) => [n, m(n)]),
  );
  return { port, set, h };
}

function ctxAt(k: number, decisions: string[]): ControllerContext {
  return { k, tS: k, dtS: 1, periodS: 1, rng: createRng(1, "r", "c"), decide: (action) => decisions.push(action) };
}

/** Runs `steps` one-second steps; `measure(k)` publishes the measurements of step k − 1 first. */
function drive(port: SimPort, c: Controller, steps: number, measure: (k: number) => void, decisions: string[] = []) {
  port.beginTick(0);
  c.start(port, ctxAt(0, decisions));
  port.applyDue(0);
  for (let k = 1; k <= steps; k++) {
    measure(k);
    port.beginTick(k);
    c.step(port, ctxAt(k, decisions));
    port.applyDue(k);
  }
  return decisions;
}

const cduParams = { id: "cdu", cdus: ["all"], gpuTargetC: 78, supplyMinC: 25, supplyMaxC: 40, supplyRateKps: 0.05, supplyFallRateKps: 1, supplyKp: 0.3, supplyKi: 0.02, riseTargetK: 10, pumpMinFrac: 0.3, pumpRateFracPerS: 0.1, pumpFallRateFracPerS: 0.01, pumpKp: 0.05, pumpKi: 0.01, filterS: 0, prepareFor: [], precoolK: 2, prepareLeadS: 600, prepareAfterS: 600 };

test("CDU control: a cool GPU raises the supply slowly (0.05 K/s), a hot one cuts it fast (1 K/s); a low rise slows the pump at 1 %/s", () => {
  const { port, set, h } = plantPort();
  const c = createCduControl(cduParams);
  let gpuC = 70;
  drive(port, c, 20, (k) => {
    port.publish(h["cdu.a1.gpuTempMaxC"]!, gpuC, k - 1);
    port.publish(h["cdu.a1.supplyTempC"]!, set["cdu.a1.supplyTempSetC"]!, k - 1);
    port.publish(h["cdu.a1.coolantTempMaxC"]!, set["cdu.a1.supplyTempSetC"]! + 6, k - 1);
  });
  assert.ok(Math.abs(set["cdu.a1.supplyTempSetC"]! - 36) < 1e-9, `${set["cdu.a1.supplyTempSetC"]}`);
  assert.ok(Math.abs(set["cdu.a1.pumpSpeedCmd"]! - 0.8) < 1e-9, `${set["cdu.a1.pumpSpeedCmd"]}`);
  gpuC = 90;
  const before = set["cdu.a1.supplyTempSetC"]!;
  port.publish(h["cdu.a1.gpuTempMaxC"]!, gpuC, 20);
  port.beginTick(21);
  c.step(port, ctxAt(21, []));
  port.applyDue(21);
  assert.ok(Math.abs(before - set["cdu.a1.supplyTempSetC"]! - 1) < 1e-9, "one step cuts 1 K");
});

test("CDU control: idle GPUs (15 K below target) hold both loops; stale measurements hold and are logged once", () => {
  const { port, set, h } = plantPort();
  const c = createCduControl(cduParams);
  const decisions = drive(port, c, 30, (k) => {
    port.publish(h["cdu.a1.gpuTempMaxC"]!, 45, k - 1);
    port.publish(h["cdu.a1.supplyTempC"]!, 35, k - 1);
    port.publish(h["cdu.a1.coolantTempMaxC"]!, 36, k - 1);
  });
  assert.is(set["cdu.a1.supplyTempSetC"], 35);
  assert.is(set["cdu.a1.pumpSpeedCmd"], 1);
  // No new measurement for 10 s (older than three periods): hold, one decision.
  for (let k = 31; k <= 40; k++) {
    port.beginTick(k);
    c.step(port, ctxAt(k, decisions));
  }
  assert.is(decisions.filter((d) => d === "hold").length, 1);
});

test("CRAH control: fans follow the hottest inlet; the supply goes as cold as the coldest inlet allows, and lower still only once the fans are at full speed", () => {
  const { port, set, h } = plantPort();
  const c = createCrahControl({ id: "crah", crahs: ["all"], inletTargetC: 24, inletLowC: 20, overrideMarginK: 1, fanMinFrac: 0.3, fanRateFracPerS: 0.02, fanKp: 0.05, fanKi: 0.01, supplyMinC: 16, supplyMaxC: 24, supplyRateKps: 0.05, supplyKp: 0.3, supplyKi: 0.02, filterS: 0 });
  let hot = 30;
  let cold = 19;
  const decisions = drive(port, c, 60, (k) => {
    port.publish(h["row.a.inletTempMaxC"]!, hot, k - 1);
    port.publish(h["row.a.inletTempMinC"]!, cold, k - 1);
  });
  // Hot row: fans ramp at 2 %/s to full speed; the coldest inlet (19 °C) below 20 °C keeps the supply rising until the fans saturate.
  assert.is(set["crah.a1.fanSpeedCmd"], 1);
  assert.ok(decisions.includes("fans_at_limit"));
  // With fans at full speed and the row still 6 K above target, the hot override takes the supply down.
  const supplyNow = set["crah.a1.supplyTempSetC"]!;
  hot = 30;
  cold = 21;
  for (let k = 61; k <= 80; k++) {
    port.publish(h["row.a.inletTempMaxC"]!, hot, k - 1);
    port.publish(h["row.a.inletTempMinC"]!, cold, k - 1);
    port.beginTick(k);
    c.step(port, ctxAt(k, decisions));
    port.applyDue(k);
  }
  assert.ok(set["crah.a1.supplyTempSetC"]! < supplyNow - 0.5, `${set["crah.a1.supplyTempSetC"]} vs ${supplyNow}`);
  assert.ok(decisions.includes("supply_override_hot"));
});

test("heat-rejection control: fans hold the supply 1 K under the chiller setpoint; chillers staged on only with the fans flat out, off below 80 %; warm reset follows the CDUs", () => {
  const { port, set, h } = plantPort();
  const c = createHeatRejectionControl({ id: "rej", loops: ["all"], marginK: 1, fanRateFracPerS: 0.02, kp: 0.2, ki: 0.02, warmReset: true, cduApproachK: 3, warmMinC: 20, warmMaxC: 32 });
  let supplyC = 25;
  const decisions = drive(port, c, 60, (k) => port.publish(h["facility.warm.supplyTempC"]!, supplyC, k - 1));
  // Cold water: fans down from 1 at 2 %/s → 0 after 50 s, chillers off once below 80 %.
  assert.is(set["facility.warm.fanSpeedCmd"], 0);
  assert.is(set["chiller.warm.on"], 0);
  assert.ok(decisions.includes("chiller_off"));
  // Warm reset: the CDU setpoint 35 °C − 3 K = 32 °C (its upper limit), reached at 0.02 K/s.
  assert.ok(Math.abs(set["chiller.warm.supplyTempSetC"]! - 31.2) < 1e-9, `${set["chiller.warm.supplyTempSetC"]}`);
  // Hot water: fans to full speed, then the chillers are staged on.
  supplyC = 40;
  for (let k = 61; k <= 130; k++) {
    port.publish(h["facility.warm.supplyTempC"]!, supplyC, k - 1);
    port.beginTick(k);
    c.step(port, ctxAt(k, decisions));
    port.applyDue(k);
  }
  assert.is(set["facility.warm.fanSpeedCmd"], 1);
  assert.is(set["chiller.warm.on"], 1);
  assert.ok(decisions.includes("chiller_on"));
});

test.run();
