import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse } from "yaml";
import { createAnnouncementWatch } from "../../controllers/announcements.js";
import { QUALITY_ERROR } from "../../engine/port.js";
import { createSimPort } from "../../engine/sim-port.js";
import { loadInputs } from "../../engine/plant/load-inputs.js";
import { fromScenario } from "../../engine/scenario/from-scenario.js";
import { createSimulation } from "../../engine/simulation.js";
import type { Chunk } from "../../engine/sinks/sink.js";
import { DECISIONS, SITE_SERIES, STORAGE_SERIES, THERMAL_SERIES } from "../../engine/tables.js";
import { col, ROOT } from "../helpers.js";
import { issuesOf } from "../engine/scenario/scenario-issues.js";

test("the announcement watch: near from lead before the announced start to after its ramp; nothing before the announcement", () => {
  const port = createSimPort(0.04);
  const h = Object.fromEntries(
    ["announcedStartS", "announcedPeakW", "announcedBaselineW", "announcedRampWps"].map((n) => [n, port.addMeasurement({ name: `job.big.${n}`, unit: "", description: "", initial: Number.NaN })]),
  );
  const watch = createAnnouncementWatch(["big"]);
  watch.start(port);
  port.publish(h["announcedStartS"]!, Number.NaN, 0, QUALITY_ERROR);
  assert.not.ok(watch.preparing(port, 100, 1e9, 1e9), "not announced: never near");
  assert.is(watch.job, -1);
  // Announced: start at 1000 s, 4 MW rise at 0.4 MW/s (a 10 s ramp).
  port.publish(h["announcedStartS"]!, 1000, 1);
  port.publish(h["announcedPeakW"]!, 5e6, 1);
  port.publish(h["announcedBaselineW"]!, 1e6, 1);
  port.publish(h["announcedRampWps"]!, 0.4e6, 1);
  const near = (t: number) => watch.preparing(port, t, 300, 60);
  assert.equal([699, 700, 1000, 1070, 1071].map(near), [false, true, true, true, false]);
  near(900);
  assert.is(watch.job, 0);
  assert.is(watch.startS, 1000);
});

/** scenarios/job-announcement.yaml compressed: the job may start at 8 min, announced 6 min ahead (or not). */
function compressed(announce: string) {
  const data = parse(readFileSync(`${ROOT}scenarios/job-announcement.yaml`, "utf8")) as Record<string, any>;
  data["horizon"] = "13min";
  data["jobs"][0].earliestStart = "8min";
  data["jobs"][0].announce = announce;
  data["workloads"][0].checkpointInterval = "0s";
  const controller = (id: string) => data["controllers"].find((c: { id: string }) => c.id === id);
  controller("bess-smoothing").prepareLead = "6min";
  controller("cdus").prepareLead = "3min";
  return data;
}

async function run(data: unknown) {
  const scenario = fromScenario(data, "job-announcement");
  const sim = createSimulation(scenario, "r", { inputs: await loadInputs(scenario) });
  const chunks: Chunk[] = [];
  while (!sim.done) chunks.push(...sim.advance());
  const text = (name: string) => chunks.filter((c) => c.table === DECISIONS.name).flatMap((c) => (c.columns[DECISIONS.columns.findIndex((x) => x.name === name)] as string[]).slice(0, c.length));
  const actions = text("action");
  const controllers = text("controller");
  const decisions = actions.map((action, i) => ({ action, t: col(chunks, DECISIONS, "t_s")[i]!, controller: controllers[i]! }));
  const t = col(chunks, SITE_SERIES, "t_s");
  const pcc = col(chunks, SITE_SERIES, "pcc_power_w");
  // The PCC's largest change over 1 s (25 ticks) from 30 s before the start to 3 min after it.
  let maxRamp = 0;
  for (let i = 25; i < t.length; i++) if (t[i]! >= 450 && t[i]! < 660) maxRamp = Math.max(maxRamp, Math.abs(pcc[i]! - pcc[i - 25]!));
  const st = col(chunks, STORAGE_SERIES, "t_s");
  const soc = col(chunks, STORAGE_SERIES, "soc");
  const socAtStart = soc[st.findIndex((x) => x >= 480) - 1]!;
  const tt = col(chunks, THERMAL_SERIES, "t_s");
  const coolant = col(chunks, THERMAL_SERIES, "coolant_max_c");
  const coolantMax = Math.max(...coolant.filter((_, i) => tt[i]! >= 480 && tt[i]! < 780));
  return { decisions, maxRamp, socAtStart, coolantMax };
}

test("a large job announced ahead: the battery charges, GPU smoothing switches on, the CDUs pre-cool; unannounced, none of them does", async () => {
  const without = await run(compressed("0s"));
  const withIt = await run(compressed("6min"));
  const prep = ["prepare_for_job", "precool", "enable_smoothing"];
  assert.equal(without.decisions.filter((d) => prep.includes(d.action) && d.controller !== "smoothing"), [], "no preparation without an announcement");
  const at = (action: string, controller: string) => withIt.decisions.find((d) => d.action === action && d.controller === controller)?.t;
  assert.ok(Math.abs(at("prepare_for_job", "bess-smoothing")! - 120) < 0.1, "battery: from 6 min before the 8 min start");
  assert.ok(Math.abs(at("precool", "cdus")! - 300) < 1.01, "CDUs: from 3 min before (their 1 s period)");
  assert.ok(Math.abs(at("enable_smoothing", "job-smoothing")! - 420) < 0.1, "smoothing: from 1 min before");
  assert.ok(withIt.socAtStart > without.socAtStart + 0.03, `SOC at the start ${withIt.socAtStart} vs ${without.socAtStart}`);
  assert.ok(withIt.maxRamp < 0.6 * without.maxRamp, `PCC 1 s ramp over the start ${withIt.maxRamp} vs ${without.maxRamp} W`);
  assert.ok(withIt.coolantMax < without.coolantMax - 1, `coolant ${withIt.coolantMax} vs ${without.coolantMax} °C`);
});

test("prepareFor names jobs: an unknown one is an error naming the field", () => {
  const data = compressed("6min");
  data["controllers"][2].prepareFor = ["nosuchjob"];
  assert.equal(issuesOf(data).map((i) => i.path), ["controllers[2].prepareFor[0]"]);
});

test.run();
