import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ControllerContext } from "../../engine/controller.js";
import { loadInputs } from "../../engine/plant/load-inputs.js";
import { createRng } from "../../models/lib/rng.js";
import { fromScenario } from "../../engine/scenario/from-scenario.js";
import { loadData } from "../../engine/scenario/load-scenario.js";
import { createSimPort } from "../../engine/sim-port.js";
import { createSimulation } from "../../engine/simulation.js";
import { createBatterySmoothing, type BatterySmoothingParams } from "../../controllers/battery-smoothing.js";
import { ROOT } from "../helpers.js";

const params: BatterySmoothingParams = {
  id: "b",
  battery: "bess",
  rampLimitWps: 2e6,
  rampWindowS: 1,
  slowRampLimitWps: 10e6 / 60,
  slowRampWindowS: 60,
  swingLimitW: 3e6,
  swingWindowS: 5,
  margin: 0.8,
  allowanceW: 1e6,
  referenceTimeS: 30,
  referenceRateWps: 2e6 / 60,
  confirmS: 0,
  socTarget: 0.5,
  socBand: 0.1,
  recoveryMaxW: 500e3,
  prepareFor: [],
  prepareSoc: 0.9,
  prepareLeadS: 1800,
};

/**
 * A plant stand-in with an ideal battery (no inverter lag or latency: the command is the battery's
 * power in the tick it is written). The controller reads the load of the tick before, so
 * `planned` = that load + the battery power is the PCC it planned, whose limits hold exactly; the
 * real PCC differs by the load's change over one tick (and, in the hall, the inverter chain).
 */
function rig(p: BatterySmoothingParams, loadAt: (k: number) => number, opts: { soc?: number; availableW?: number; ticks: number }) {
  const dtS = 0.04;
  const port = createSimPort(dtS);
  let commandW = 0;
  port.addSetpoint({ name: "battery.bess.powerSetW", unit: "W", description: "", min: -10e6, max: 10e6, initial: 0 }, (v) => (commandW = v));
  const load = port.addMeasurement({ name: "site.loadW", unit: "W", description: "", initial: 0 });
  const soc = port.addMeasurement({ name: "battery.bess.socFrac", unit: "", description: "", initial: 0.5 });
  const charge = port.addMeasurement({ name: "battery.bess.availableChargeW", unit: "W", description: "", initial: 10e6 });
  const discharge = port.addMeasurement({ name: "battery.bess.availableDischargeW", unit: "W", description: "", initial: 10e6 });
  const decisions: { action: string; value: number; tS: number }[] = [];
  const ctx: ControllerContext = { k: 0, tS: 0, dtS, periodS: dtS, rng: createRng(1, "r", "c"), decide: (action, value) => decisions.push({ action, value, tS: ctx.tS }) };
  const c = createBatterySmoothing(p);
  const pcc: number[] = [];
  const planned: number[] = [];
  const battery: number[] = [];
  port.beginTick(0);
  c.start(port, ctx);
  for (let k = 0; k < opts.ticks; k++) {
    port.beginTick(k);
    ctx.k = k;
    ctx.tS = k * dtS;
    c.step(port, ctx);
    port.applyDue(k);
    const available = opts.availableW ?? 10e6;
    const b = Math.max(-available, Math.min(available, commandW));
    battery.push(b);
    pcc.push(loadAt(k) + b);
    planned.push((k > 0 ? loadAt(k - 1) : 0) + b);
    port.publish(load, loadAt(k), k);
    port.publish(soc, opts.soc ?? 0.5, k);
    port.publish(charge, available, k);
    port.publish(discharge, available, k);
  }
  return { pcc, planned, battery, decisions, dtS };
}

function worstRamp(x: number[], lag: number): number {
  let worst = 0;
  for (let k = lag; k < x.length; k++) worst = Math.max(worst, Math.abs(x[k]! - x[k - lag]!));
  return worst;
}

function worstSwing(x: number[], window: number): number {
  let worst = 0;
  for (let k = window; k <= x.length; k++) {
    const w = x.slice(k - window, k);
    worst = Math.max(worst, Math.max(...w) - Math.min(...w));
  }
  return worst;
}

test("a checkpoint-like 4 MW dip for 20 s: the planned PCC keeps inside 80 % of the ramp and swing limits", () => {
  // Load 10 MW, falls at 8 MW/s to 6 MW at 60 s, back up in one tick at 80 s.
  const loadAt = (k: number) => {
    const t = k * 0.04;
    if (t < 60) return 10e6;
    if (t < 80) return Math.max(6e6, 10e6 - 8e6 * (t - 60));
    return 10e6;
  };
  const { pcc, planned, battery } = rig(params, loadAt, { ticks: 150 * 25 });
  const plan = planned.slice(1);
  assert.ok(worstRamp(plan, 25) <= 0.8 * 2e6 + 1e-6, `1 s ramp ${worstRamp(plan, 25)}`);
  assert.ok(worstSwing(plan, 125) <= 0.8 * 3e6 + 1e-6, `5 s swing ${worstSwing(plan, 125)}`);
  assert.ok(worstRamp(plan, 1500) <= 0.8 * 10e6 + 1e-6, "60 s ramp");
  // The real PCC: off the plan by one tick of the load's change (0.32 MW on the fall, 4 MW for the
  // one tick of the step back up).
  let offW = 0;
  for (let k = 1; k < pcc.length; k++) offW = Math.max(offW, Math.abs(pcc[k]! - plan[k - 1]! - (loadAt(k) - loadAt(k - 1))));
  assert.ok(offW < 1e-6, `PCC − plan − one tick of load change: ${offW}`);
  // Without the battery the load breaks both limits.
  const load = pcc.map((_, k) => loadAt(k));
  assert.ok(worstRamp(load, 25) > 2e6 && worstSwing(load, 125) > 3e6);
  assert.ok(Math.max(...battery) > 2e6, "the battery charged through the dip");
});

test("load changes within the allowance pass untouched: the battery does not chase them", () => {
  // 0.8 MW dips for 0.2 s every 1.2 s (what GPU smoothing leaves), SOC at its target.
  const loadAt = (k: number) => (k % 30 < 5 ? 9.2e6 : 10e6);
  const { battery } = rig(params, loadAt, { ticks: 60 * 25 });
  assert.ok(Math.max(...battery.map(Math.abs)) < 1, `battery ${Math.max(...battery.map(Math.abs))} W`);
});

test("SOC recovery charges at recoveryMaxW inside the limits, and is logged once", () => {
  const { battery, pcc, decisions } = rig(params, () => 8e6, { soc: 0.3, ticks: 120 * 25 });
  assert.ok(Math.abs(battery.at(-1)! - 500e3) < 1, `recovery ${battery.at(-1)}`);
  assert.ok(worstRamp(pcc.slice(1), 25) <= 0.8 * 2e6 + 1e-6);
  assert.is(decisions.filter((d) => d.action === "soc_recovery_charge").length, 1);
});

test("a battery that cannot hold the target: saturation is logged after 1 s, once", () => {
  const loadAt = (k: number) => (k * 0.04 < 10 ? 10e6 : 5e6);
  const { decisions } = rig(params, loadAt, { availableW: 1e6, ticks: 30 * 25 });
  const saturated = decisions.filter((d) => d.action === "battery_saturated");
  assert.is(saturated.length, 1);
  assert.ok(saturated[0]!.tS >= 11 - 1e-9 && saturated[0]!.tS < 11.2, `at ${saturated[0]!.tS} s`);
});

async function hallKpis(file: string, horizon: string) {
  const raw = loadData(`${ROOT}scenarios/${file}`) as Record<string, any>;
  const scenario = fromScenario({ ...raw, horizon, outputs: { ...raw.outputs, siteSeries: false, rackSeries: false, storageSeries: false } }, file);
  // One run id for every scenario: the same workload random streams (stragglers at the same iterations).
  const sim = createSimulation(scenario, "comparison", { inputs: await loadInputs(scenario) });
  while (!sim.done) sim.advance();
  return (name: string) => sim.kpis().find((x) => x.name === name)!.value;
}

test("in the hall: the battery on top of GPU smoothing cuts the swing violations; with a fast inverter no limit is broken", async () => {
  const smoothed = await hallKpis("hall-training-1h-smoothed.yaml", "20min");
  const both = await hallKpis("hall-training-1h-both.yaml", "20min");
  const fast = await hallKpis("hall-training-1h-both-fast.yaml", "20min");
  assert.ok(smoothed("pcc_ramp_violations") > 0 && smoothed("pcc_swing_violation_time") > 0, "GPU smoothing alone leaves violations (checkpoints, stragglers)");
  assert.ok(both("pcc_swing_violation_time") < 0.9 * smoothed("pcc_swing_violation_time"), `${both("pcc_swing_violation_time")} vs ${smoothed("pcc_swing_violation_time")} s`);
  // The largest swing (a checkpoint's edge) is beyond the slow inverter: at most equal.
  assert.ok(both("pcc_swing_max") <= smoothed("pcc_swing_max") + 1e3);
  assert.ok(both("pcc_ramp_violation_time") < smoothed("pcc_ramp_violation_time"), `ramp violation time ${both("pcc_ramp_violation_time")} vs ${smoothed("pcc_ramp_violation_time")} s`);
  assert.ok(both("pcc_max_ramp_1s") <= smoothed("pcc_max_ramp_1s") + 1e3);
  assert.is(fast("pcc_ramp_violations"), 0);
  assert.is(fast("pcc_slow_ramp_violations"), 0);
  assert.is(fast("pcc_swing_violation_time"), 0);
  assert.ok(fast("pcc_max_ramp_1s") < 0.6 * smoothed("pcc_max_ramp_1s"));
  assert.ok(Math.abs(fast("battery_bess_soc_final") - 0.5) < 0.02, "SOC recovered near its target");
});

test.run();
