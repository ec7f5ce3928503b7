import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ControllerContext, DecisionDetail } from "../../engine/controller.js";
import { createSimPort } from "../../engine/sim-port.js";
import { capForSignal, createMarketPowercap, type MarketPowercapParams } from "../../controllers/market-powercap.js";
import { createRng } from "../../models/lib/rng.js";
import { fromScenario } from "../../engine/scenario/from-scenario.js";
import { createSimulation } from "../../engine/simulation.js";
import { issuesOf } from "../engine/scenario/scenario-issues.js";

const params: MarketPowercapParams = {
  id: "mpc",
  groups: ["g"],
  signal: "price",
  signalLow: 50,
  signalHigh: 150,
  direction: "inverse",
  capMinFrac: 0.5,
  capMaxFrac: 1,
  marketPeriodS: 900,
  stabilisationS: 0,
  rampTimeS: 0,
};

/**
 * A plant stand-in on 1-s ticks: a price per 15-min period published at the start of the period's
 * first tick (as engine/signals/ does, before controllers step), 100 GPUs of a 1,000 W limit drawing
 * their cap; the controller steps every second.
 */
function rig(p: Partial<MarketPowercapParams>, prices: number[]) {
  const dtS = 1;
  const port = createSimPort(dtS);
  const applied = { capW: 1000 };
  port.addSetpoint({ name: "gpu.g.capW", unit: "W", description: "", min: 200, max: 1000, initial: 1000 }, (v) => (applied.capW = v));
  const hPrice = port.addMeasurement({ name: "grid.priceGbpPerMWh", unit: "GBP/MWh", description: "", initial: Number.NaN });
  const hPower = port.addMeasurement({ name: "gpu.g.powerW", unit: "W", description: "", initial: 0 });
  const hGpus = port.addMeasurement({ name: "gpu.g.gpus", unit: "count", description: "", initial: 100 });
  const decisions: { action: string; value: number; tS: number; reason: string; detail?: DecisionDetail }[] = [];
  const ctx: ControllerContext = { k: 0, tS: 0, dtS, periodS: dtS, rng: createRng(1, "r", "c"), decide: (action, value, reason, detail) => decisions.push({ action, value, tS: ctx.tS, reason, ...(detail ? { detail } : {}) }) };
  const c = createMarketPowercap({ ...params, ...p });
  const capAt: number[] = [];
  const ticks = prices.length * 900;
  for (let k = 0; k < ticks; k++) {
    port.beginTick(k);
    if (k % 900 === 0) port.publish(hPrice, prices[k / 900]!, k);
    ctx.k = k;
    ctx.tS = k * dtS;
    if (k === 0) c.start(port, ctx);
    c.step(port, ctx);
    port.applyDue(k);
    capAt.push(applied.capW / 1000);
    port.publish(hPower, applied.capW, k);
    port.publish(hGpus, 100, k);
  }
  c.finish(port, ctx);
  return { capAt, decisions: decisions.filter((d) => d.detail?.type === "cap"), all: decisions };
}

test("rule of three: the cap between capMin and capMax, clamped outside [signalLow, signalHigh], both directions", () => {
  const inverse = (s: number) => capForSignal(params, s);
  const direct = (s: number) => capForSignal({ ...params, direction: "direct" }, s);
  assert.equal([40, 50, 75, 100, 150, 200].map(inverse), [1, 1, 0.875, 0.75, 0.5, 0.5]);
  assert.equal([40, 50, 75, 100, 150, 200].map(direct), [0.5, 0.5, 0.625, 0.75, 1, 1]);
  assert.ok(Number.isNaN(inverse(Number.NaN)));
});

test("caps change exactly at the period boundaries, to the rule-of-three value of the new period's price", () => {
  const prices = [40, 100, 150, 200, 75];
  const { capAt, decisions } = rig({}, prices);
  const expected = [1, 0.75, 0.5, 0.5, 0.875];
  for (let p = 0; p < prices.length; p++) {
    assert.is(capAt[p * 900], expected[p], `period ${p} first tick`);
    assert.is(capAt[p * 900 + 899], expected[p], `period ${p} last tick`);
  }
  // One calculation per period, at its start, with the period and the signal in the audit.
  assert.equal(decisions.map((d) => d.tS), [0, 900, 1800, 2700, 3600]);
  assert.equal(decisions.map((d) => d.detail!.inputs!.period), [0, 1, 2, 3, 4]);
  assert.equal(decisions.map((d) => d.detail!.inputs!.signalValue), prices);
  assert.equal(decisions.map((d) => d.value), expected);
  assert.equal(decisions.map((d) => d.action), ["keep_cap", "set_cap", "set_cap", "keep_cap", "set_cap"]);
  // Predicted saving at period 2 from period 1's mean power (100 GPUs at 0.75 kW, but its first step
  // still read the 1 kW of tick 899: the one-tick measurement delay), scaled by the cap: ÷ 0.75 uncapped, × 0.5 ÷ 0.75 at the new cap.
  const d2 = decisions[2]!.detail!;
  const meanW = (100e3 + 899 * 75e3) / 900;
  const uncapped = ((meanW / 0.75) * 0.25 * 150) / 1e6;
  const chosen = (((meanW * 0.5) / 0.75) * 0.25 * 150) / 1e6;
  assert.ok(Math.abs(d2.savingCost! - (uncapped - chosen)) < 1e-9, `${d2.savingCost}`);
  assert.ok(d2.alternatives!.some((a) => a.chosen && a.option === "cap 50 %"));
});

test("direction direct: a high signal gives a high cap", () => {
  const { capAt } = rig({ direction: "direct" }, [40, 100, 150]);
  assert.equal([capAt[0], capAt[900], capAt[1800]], [0.5, 0.75, 1]);
});

test("stabilisation: a cap holds at least that long; the audit says why a period kept the old cap", () => {
  const { capAt, decisions } = rig({ stabilisationS: 1800 }, [40, 100, 150, 40, 40]);
  assert.equal(decisions.map((d) => d.action), ["keep_cap", "set_cap", "hold_cap", "set_cap", "keep_cap"]);
  assert.is(capAt[900], 0.75);
  assert.is(capAt[1800], 0.75, "held: only 900 s since the last change");
  assert.is(capAt[2700], 1, "30 min after the change: the new period's cap");
  const hold = decisions[2]!;
  assert.equal(hold.detail!.constraints![0], { name: "stabilisation", ok: false, detail: "900 s since the last change, 1800 s required" });
  assert.match(hold.reason, "has held only 900 s");
});

test("rampTime spreads a change: halfway through the ramp, halfway between the caps", () => {
  const { capAt } = rig({ rampTimeS: 60 }, [40, 150]);
  assert.is(capAt[899], 1);
  assert.is(capAt[900], 1, "the ramp starts at the boundary");
  assert.ok(Math.abs(capAt[930]! - 0.75) < 1e-12, `${capAt[930]}`);
  assert.is(capAt[960], 0.5);
});

test("a missing signal holds the cap in force", () => {
  const { capAt, decisions } = rig({}, [150, Number.NaN]);
  assert.is(capAt[900], 0.5);
  assert.is(decisions[1]!.action, "hold_cap");
  assert.match(decisions[1]!.reason, "no grid.priceGbpPerMWh value");
});

/** A 2-rack hall on a static 15-min price: the controller in the engine, signals published first in the tick. */
const hall = (controller: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name: "mpc",
  seed: 3,
  dt: "40ms",
  horizon: "45min",
  hall: { rows: 1, racksPerRow: 2, rackPreset: "nvl72-liquid" },
  startTime: "2020-01-15T00:00:00Z",
  signals: { port: { marketPeriod: "15min", price: { kind: "static", values: [40, 200, 130] } } },
  workloads: [{ kind: "training", id: "job", racks: "all", checkpointInterval: 0 }],
  controllers: [{ kind: "market-powercap", id: "mpc", groups: ["job"], signalLow: 60, signalHigh: 200, capMin: "60%", stabilisation: 0, rampTime: 0, ...controller }],
  ...extra,
});

test("in the engine: the cap command changes at the first tick of a market period, and the job slows under it", () => {
  const scenario = fromScenario(hall({}), "mpc");
  const sim = createSimulation(scenario, "r");
  const cap = sim.port.setpoint("gpu.job.capW");
  const limitW = sim.port.points.find((x) => x.name === "gpu.job.capW")!.max!;
  const period = 22_500; // 15 min of 40 ms ticks
  const commandedAfter = (k: number) => {
    sim.advanceBy(k - sim.k);
    return sim.port.commanded(cap) / limitW;
  };
  assert.is(commandedAfter(period), 1, "tick 22,499 done: still period 0's cap");
  assert.is(commandedAfter(period + 1), 0.6, "tick 22,500: period 1 at 200 GBP/MWh → capMin");
  assert.is(commandedAfter(2 * period), 0.6);
  assert.ok(Math.abs(commandedAfter(2 * period + 1) - 0.8) < 1e-12, "130 GBP/MWh → halfway");
  while (!sim.done) sim.advance();
  const reference = createSimulation(fromScenario(hall({ capMin: "100%" }), "mpc"), "r");
  while (!reference.done) reference.advance();
  const kpi = (s: typeof sim, name: string) => s.kpis().find((x) => x.name === name)!.value;
  assert.ok(kpi(sim, "job_iterations") < 0.95 * kpi(reference, "job_iterations"), `${kpi(sim, "job_iterations")} vs ${kpi(reference, "job_iterations")}`);
  assert.ok(kpi(sim, "energy_cost") < kpi(reference, "energy_cost"));
});

test("market-powercap input errors name the field", () => {
  const paths = (data: unknown) => issuesOf(data).map((i) => `${i.path}: ${i.expected}`);
  const found = paths(hall({ groups: ["nope"], signalLow: 100, signalHigh: 100, capMin: "90%", capMax: "80%", marketPeriod: "30min", period: "7s" }));
  const has = (path: string, text: string) => assert.ok(found.some((f) => f.startsWith(path) && f.includes(text)), `${path} ${text} in ${JSON.stringify(found)}`);
  has("controllers[0].groups[0]", "a workload id");
  has("controllers[0].signalHigh", "more than signalLow");
  has("controllers[0].capMin", "at most capMax");
  has("controllers[0].marketPeriod", "a whole number of controller periods");
  assert.ok(paths(hall({ marketPeriod: "30min" })).some((f) => f.startsWith("controllers[0].marketPeriod: signals.port.marketPeriod")));
  assert.ok(paths(hall({}, { signals: undefined })).some((f) => f.startsWith("controllers[0].signal: signals.port")));
  assert.ok(paths(hall({ direction: "sideways" })).some((f) => f.startsWith("controllers[0].direction")));
  assert.ok(paths(hall({ signalLow: undefined })).some((f) => f.startsWith("controllers[0].signalLow")));
});

test.run();
