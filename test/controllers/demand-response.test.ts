import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ControllerContext } from "../../engine/controller.js";
import { UserError } from "../../models/lib/errors.js";
import { loadInputs } from "../../engine/plant/load-inputs.js";
import { createRng } from "../../models/lib/rng.js";
import { fromScenario } from "../../engine/scenario/from-scenario.js";
import { loadData } from "../../engine/scenario/load-scenario.js";
import { createSimPort } from "../../engine/sim-port.js";
import { createSimulation } from "../../engine/simulation.js";
import type { Chunk } from "../../engine/sinks/sink.js";
import { createDemandResponse, type DemandResponseParams } from "../../controllers/demand-response.js";
import { ROOT } from "../helpers.js";

const params: DemandResponseParams = {
  id: "dr",
  defer: ["flex"],
  capGroups: ["firm"],
  battery: "bess",
  capMinFrac: 0.5,
  overDeliveryFrac: 0.05,
  prepareSoc: 0.9,
  socTarget: 0.5,
  chargePowerW: 2e6,
  releaseS: 10,
};

/**
 * A plant stand-in: an event of 4 MW from 100 s to 200 s announced at 50 s against a 10 MW
 * baseline. Load = 10 MW − 2 MW while the flexible job is paused − 8 MW × (1 − cap) of the firm
 * group; the battery holds `sustainW` to the end and gives what it is asked.
 */
function rig(p: DemandResponseParams, sustainW: number) {
  const dtS = 0.04;
  const port = createSimPort(dtS);
  const applied = { paused: 0, capW: 1000, batteryW: 0 };
  port.addSetpoint({ name: "workload.flex.paused", unit: "bool", description: "", min: 0, max: 1, initial: 0 }, (v) => (applied.paused = v));
  port.addSetpoint({ name: "gpu.firm.capW", unit: "W", description: "", min: 200, max: 1000, initial: 1000 }, (v) => (applied.capW = v));
  port.addSetpoint({ name: "battery.bess.powerSetW", unit: "W", description: "", min: -10e6, max: 10e6, initial: 0 }, (v) => (applied.batteryW = v));
  const m = (name: string) => port.addMeasurement({ name, unit: "", description: "", initial: 0 });
  const h = {
    requested: m("dr.requestedW"),
    startIn: m("dr.startInS"),
    endIn: m("dr.endInS"),
    baseline: m("dr.baselineW"),
    load: m("site.loadW"),
    soc: m("battery.bess.socFrac"),
    discharge: m("battery.bess.availableDischargeW"),
    headroom: m("battery.bess.dischargeHeadroomWh"),
  };
  const decisions: { action: string; value: number; tS: number }[] = [];
  const ctx: ControllerContext = { k: 0, tS: 0, dtS, periodS: dtS, rng: createRng(1, "r", "c"), decide: (action, value) => decisions.push({ action, value, tS: ctx.tS }) };
  const c = createDemandResponse(p);
  const trace: { tS: number; paused: number; capFrac: number; batteryW: number; loadW: number }[] = [];
  port.beginTick(0);
  c.start(port, ctx);
  for (let k = 0; k < 250 * 25; k++) {
    const tS = k * dtS;
    port.beginTick(k);
    ctx.k = k;
    ctx.tS = tS;
    c.step(port, ctx);
    port.applyDue(k);
    const capFrac = applied.capW / 1000;
    const loadW = 10e6 - (applied.paused ? 2e6 : 0) - 8e6 * (1 - capFrac);
    trace.push({ tS, paused: applied.paused, capFrac, batteryW: applied.batteryW, loadW });
    const inEvent = tS >= 100 && tS < 200;
    const announced = tS >= 50 && tS < 200;
    port.publish(h.requested, inEvent ? 4e6 : 0, k);
    port.publish(h.startIn, announced ? 100 - tS : 0, k);
    port.publish(h.endIn, announced ? 200 - tS : 0, k);
    port.publish(h.baseline, announced ? 10e6 : 0, k);
    port.publish(h.load, loadW, k);
    port.publish(h.soc, 0.5, k);
    port.publish(h.discharge, sustainW, k);
    port.publish(h.headroom, (sustainW * 200) / 3600, k);
  }
  const at = (tS: number) => trace[Math.round(tS / dtS)]!;
  return { trace, decisions, at };
}

test("merit order: a battery that can hold the whole reduction is used alone", () => {
  const { at, decisions } = rig(params, 6e6);
  const mid = at(150);
  assert.is(mid.paused, 0, "no deferral");
  assert.is(mid.capFrac, 1, "no caps");
  assert.ok(Math.abs(-mid.batteryW - 4.2e6) < 1, `battery ${mid.batteryW} W = −(4 MW × 1.05)`);
  assert.ok(decisions.some((d) => d.action === "active"));
});

test("a short battery: defer the flexible job, the battery to its limit, caps for the rest; then release", () => {
  const { at, trace, decisions } = rig(params, 1e6);
  // Announced at 50 s: preparing (charging, slewed at 0.5 MW/s).
  assert.ok(at(51.5).batteryW > 0 && at(51.5).batteryW <= 0.5e6 + 1, `prepare ${at(51.5).batteryW}`);
  assert.is(at(99).paused, 0);
  const mid = at(180);
  assert.is(mid.paused, 1, "deferred");
  assert.ok(Math.abs(mid.batteryW + 1e6) < 1e3, `battery at what it can sustain: ${JSON.stringify(mid)}`);
  // Reduction = 2 MW deferral + 8 MW × (1 − cap) + 1 MW battery → the caps settle at 4.2 MW target.
  const reductionW = 10e6 - mid.loadW - mid.batteryW;
  assert.ok(Math.abs(reductionW - 4.2e6) < 0.05e6, `reduction ${reductionW}`);
  assert.ok(Math.abs(mid.capFrac - (1 - 1.2e6 / 8e6)) < 0.01, `cap ${mid.capFrac}`);
  // Reached within a few seconds of the start.
  const reached = trace.find((x) => x.tS >= 100 && 10e6 - x.loadW - x.batteryW >= 4e6)!;
  assert.ok(reached.tS < 110, `reached at ${reached.tS}`);
  // After the end: resumed, and the caps and the battery are released linearly over 10 s.
  assert.is(at(201.5).paused, 0);
  const half = at(206);
  assert.ok(half.capFrac > mid.capFrac && half.capFrac < 1, `cap during release ${half.capFrac}`);
  assert.is(at(212).capFrac, 1);
  assert.ok(decisions.filter((d) => d.action === "lower_caps").length <= 10, "cap decisions are logged sparingly");
  assert.ok(decisions.some((d) => d.action === "releasing") && decisions.some((d) => d.action === "idle"));
});

async function drHall(overrides: Record<string, unknown>) {
  const raw = loadData(`${ROOT}scenarios/hall-demand-response-day.yaml`) as Record<string, any>;
  const scenario = fromScenario(
    {
      ...raw,
      horizon: "40min",
      demandResponse: { baselineWindow: "5min", settlementPeriod: "1min", events: [{ id: "test-event", start: "20min", duration: "10min", reduction: "5MW", notice: "10min", responseTime: "30s" }] },
      outputs: { rackSeries: false },
      ...overrides,
    },
    "dr",
  );
  const sim = createSimulation(scenario, "r", { inputs: await loadInputs(scenario) });
  const chunks: Chunk[] = [];
  while (!sim.done) chunks.push(...sim.advance());
  return { scenario, chunks, kpi: (name: string) => sim.kpis().find((x) => x.name === name)!.value };
}

test("the hall meets a 5 MW event: the meter's figures follow from the PCC series", async () => {
  // A 3 MW inverter: the battery alone cannot hold 5 MW, so the flexible job is deferred too.
  // The caps carry the rest. Since a capped job runs slower (models/workloads/training.ts) its load
  // answers a cap step an iteration later and less; at the day's 5 % aim this 40-min rig delivered
  // 97.8-100.4 % of the request per settlement minute (a third of them short by < 0.2 %): aiming
  // 10 % over keeps every minute above the request.
  const raw = loadData(`${ROOT}scenarios/hall-demand-response-day.yaml`) as Record<string, any>;
  const controllers = (raw.controllers as Record<string, unknown>[]).map((c) => (c.kind === "demand-response" ? { ...c, overDelivery: "10%" } : c));
  const { scenario, chunks, kpi } = await drHall({ storage: { batteries: [{ id: "bess", chargeMax: "3MW", dischargeMax: "3MW" }] }, controllers });
  assert.is(kpi("dr_events"), 1);
  assert.is(kpi("dr_compliance"), 1);
  assert.ok(kpi("dr_time_to_reach_max") <= 30, `reached after ${kpi("dr_time_to_reach_max")} s`);
  // Recompute the meter from site_series: baseline over [5, 10) min (before the announcement at 10 min).
  const pcc = chunks.filter((c) => c.table === "site_series").flatMap((c) => Array.from((c.columns[1] as Float64Array).subarray(0, c.length)));
  const dt = scenario.dtS;
  const mean = (fromS: number, toS: number) => pcc.slice(Math.round(fromS / dt), Math.round(toS / dt)).reduce((a, b) => a + b, 0) / Math.round((toS - fromS) / dt);
  const baselineW = mean(300, 600);
  const deliveredWh = ((baselineW - mean(1200, 1800)) * 600) / 3600;
  assert.ok(Math.abs(kpi("dr_delivered_energy") - deliveredWh) < 1e-6 * deliveredWh, `${kpi("dr_delivered_energy")} vs ${deliveredWh}`);
  assert.ok(Math.abs(kpi("dr_requested_energy") - (5e6 * 600) / 3600) < 1e-6);
  assert.ok(kpi("dr_delivered_fraction") >= 1);
  // The flexible job was deferred for the window, and no work was lost.
  assert.ok(Math.abs(kpi("finetune_paused_time") - 600) < 3, `paused ${kpi("finetune_paused_time")} s`);
  assert.is(kpi("finetune_lost_work"), 0);
  const events = chunks.find((c) => c.table === "events")!;
  const kinds = events.columns[2] as string[];
  for (const kind of ["dr_announced", "dr_start", "dr_reached", "dr_end", "job_pause", "job_resume"]) assert.ok(kinds.includes(kind), kind);
});

test("demand-response input errors name the field", () => {
  const raw = loadData(`${ROOT}scenarios/hall-demand-response-day.yaml`) as Record<string, any>;
  const issues = (data: Record<string, unknown>) => {
    try {
      fromScenario({ ...raw, ...data }, "dr");
    } catch (error) {
      assert.instance(error, UserError);
      return (error as UserError).issues;
    }
    throw new Error("expected a UserError");
  };
  const found = issues({
    demandResponse: {
      events: [
        { id: "a", start: "1h", duration: "1h", reduction: "5MW", responseTime: "2h" },
        { id: "b", start: "90min", duration: "1h", reduction: "-1MW" },
        { id: "c", start: "25h", duration: "1h", reduction: "1MW" },
      ],
    },
    controllers: [{ kind: "demand-response", id: "dr", defer: ["nope"], capGroups: ["nada"], battery: "none" }],
  });
  const byPath = new Map(found.map((i) => [i.path, i]));
  assert.ok(byPath.get("demandResponse.events[0].responseTime")?.expected.includes("less than"), JSON.stringify(found));
  assert.ok(byPath.get("demandResponse.events[1].reduction")?.expected.includes("more than 0"));
  assert.ok(byPath.get("demandResponse.events[1].start")?.expected.includes("end of"), "overlap");
  assert.ok(byPath.get("demandResponse.events[2].start")?.expected.includes("before the horizon"));
  assert.ok(byPath.get("controllers[0].defer[0]")?.expected.includes("training"));
  assert.ok(byPath.get("controllers[0].capGroups[0]")?.expected.includes("workload id"));
  assert.ok(byPath.get("controllers[0].battery")?.expected.includes("battery id"));
  assert.ok(issues({ demandResponse: undefined }).some((i) => i.path === "controllers[0]"), "a DR controller needs events");
});

test.run();
