import { test } from "uvu";
import * as assert from "uvu/assert";
import { fromScenario } from "../../engine/scenario/from-scenario.js";
import { loadData } from "../../engine/scenario/load-scenario.js";
import { createSimulation, type Simulation } from "../../engine/simulation.js";
import { ROOT } from "../helpers.js";
import { loadWeather } from "../../datasets/load-weather.js";

/** The Bedford weather the cooling scenarios read (engine/plant/load-inputs.ts loads it for runs). */
const inputs = { weather: await loadWeather() };

/** scenarios/cooling-mixed-hall-1h*.yaml over 30 min (the row C spike starts at 10 min). */
function run(file: string): Simulation {
  const raw = loadData(`${ROOT}scenarios/${file}`) as Record<string, unknown>;
  const sim = createSimulation(fromScenario({ ...raw, horizon: "30min", cooling: { ...(raw.cooling as object), rackSeries: false } }, file), "r", { inputs, chunkTicks: 65_536 });
  while (!sim.done) sim.advance();
  return sim;
}

const kpi = (sim: Simulation, name: string) => sim.kpis().find((x) => x.name === name)!.value;

const fixed = run("cooling-mixed-hall-1h-uncontrolled.yaml");
const controlled = run("cooling-mixed-hall-1h.yaml");

test("mixed hall, fixed settings: the heat spike pushes row C's inlets out of the ASHRAE recommended range; row E runs over-cooled", () => {
  assert.ok(kpi(fixed, "row_c_peak_inlet_temp") > 28, `${kpi(fixed, "row_c_peak_inlet_temp")}`);
  assert.ok(kpi(fixed, "row_c_inlet_outside_recommended") > 100, `${kpi(fixed, "row_c_inlet_outside_recommended")} rack-min`);
  assert.ok(kpi(fixed, "row_e_peak_inlet_temp") < 19.5, `${kpi(fixed, "row_e_peak_inlet_temp")}`);
});

test("mixed hall under the CRAH, CDU and heat-rejection controllers: row C back inside its limits, row E's fan energy cut, the hall's cooling energy lower", () => {
  assert.ok(kpi(controlled, "row_c_peak_inlet_temp") <= 27, `${kpi(controlled, "row_c_peak_inlet_temp")}`);
  assert.is(kpi(controlled, "row_c_inlet_outside_recommended"), 0);
  assert.is(kpi(controlled, "inlet_outside_recommended"), 0);
  const rowE = kpi(controlled, "row_e_crah_fan_energy") / kpi(fixed, "row_e_crah_fan_energy");
  assert.ok(rowE < 0.1, `row E fan energy ratio ${rowE}`);
  // Row E's inlets are raised from ~18 °C towards the 20 °C low limit, not left over-cooled.
  assert.ok(kpi(controlled, "row_e_peak_inlet_temp") > 21);
  assert.ok(kpi(controlled, "cooling_energy") < 0.7 * kpi(fixed, "cooling_energy"), `${kpi(controlled, "cooling_energy")} vs ${kpi(fixed, "cooling_energy")}`);
  assert.ok(kpi(controlled, "pue") < kpi(fixed, "pue"));
  // The CDU loops let the GPUs run warmer but inside their limit.
  assert.ok(kpi(controlled, "peak_gpu_temp") > kpi(fixed, "peak_gpu_temp") && kpi(controlled, "peak_gpu_temp") < 85);
  assert.is(kpi(controlled, "gpu_above_limit_time"), 0);
});

test.run();
