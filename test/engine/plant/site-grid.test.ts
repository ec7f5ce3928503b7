import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadCarbonIntensity } from "../../../datasets/load-carbon-intensity.js";
import { loadAgilePrices } from "../../../datasets/load-prices.js";
import { UserError } from "../../../models/lib/errors.js";
import { loadInputs } from "../../../engine/plant/load-inputs.js";
import { fromScenario } from "../../../engine/scenario/from-scenario.js";
import { loadData } from "../../../engine/scenario/load-scenario.js";
import { createSimulation } from "../../../engine/simulation.js";
import type { Chunk } from "../../../engine/sinks/sink.js";
import { createSignal, signalAt } from "../../../models/signals/signal.js";
import { ROOT } from "../../helpers.js";

async function run(overrides: Record<string, unknown>) {
  const raw = loadData(`${ROOT}scenarios/hall-training-1h.yaml`) as Record<string, unknown>;
  const scenario = fromScenario({ ...raw, horizon: "3min", ...overrides }, "t");
  const sim = createSimulation(scenario, "r", { inputs: await loadInputs(scenario) });
  const chunks: Chunk[] = [];
  while (!sim.done) chunks.push(...sim.advance());
  const kpi = (name: string) => sim.kpis().find((k) => k.name === name);
  return { scenario, chunks, kpi };
}

test("grid limits: every violation is an event, and the KPIs count them", async () => {
  const { chunks, kpi } = await run({});
  const events = chunks.find((c) => c.table === "events")!;
  const details = (events.columns[4] as string[]).filter((_, i) => (events.columns[2] as string[])[i] === "pcc_limit_violation");
  for (const kind of ["ramp", "swing", "import-capacity"]) {
    const name = kind.replaceAll("-", "_");
    const count = details.filter((d) => d.startsWith(`${kind}:`)).length;
    assert.is(kpi(`pcc_${name}_violations`)!.value, count, kind);
  }
  assert.ok(kpi("pcc_ramp_violations")!.value > 10, "the unmitigated hall breaks a 2 MW/s ramp limit at every iteration");
  assert.is(kpi("pcc_import_capacity_violations")!.value, 0, "it stays under 12 MW");
  assert.ok(kpi("pcc_swing_violation_time")!.value > 100, "and a 3 MW swing limit most of the time");
});

test("energy cost and carbon are Σ PCC power × signal × dt over the run, from the real 2020 data", async () => {
  const { scenario, chunks, kpi } = await run({});
  const pcc = chunks.filter((c) => c.table === "site_series").flatMap((c) => Array.from((c.columns[1] as Float64Array).subarray(0, c.length)));
  const startMs = Date.parse(scenario.startTime!);
  const price = createSignal(await loadAgilePrices(), { startMs, dtS: scenario.dtS });
  const carbon = createSignal(await loadCarbonIntensity(2020), { startMs, dtS: scenario.dtS });
  let pence = 0;
  let grams = 0;
  pcc.forEach((w, k) => {
    pence += ((w * scenario.dtS) / 3.6e6) * signalAt(price, k);
    grams += ((w * scenario.dtS) / 3.6e6) * signalAt(carbon, k);
  });
  assert.is(kpi("energy_cost")!.unit, "GBP");
  assert.ok(Math.abs(kpi("energy_cost")!.value - pence / 100) < 1e-9 * (pence / 100));
  assert.is(kpi("carbon")!.unit, "kgCO2");
  assert.ok(Math.abs(kpi("carbon")!.value - grams / 1000) < 1e-9 * (grams / 1000));
  assert.ok(grams / 1000 > 30 && grams / 1000 < 3000, `~7 MW for 3 min at ~150-250 g/kWh: ${grams / 1000} kg`);
});

test("a signal needs a start time inside its data: both are user errors naming the field", async () => {
  const raw = loadData(`${ROOT}scenarios/hall-training-1h.yaml`) as Record<string, unknown>;
  assert.throws(() => fromScenario({ ...raw, startTime: undefined }, "t"), (e: Error) => e instanceof UserError && e.message.includes("startTime"));
  // Checked when the scenario is read (datasets/data-coverage.ts), before any data is loaded.
  assert.throws(
    () => fromScenario({ ...raw, startTime: "2021-06-01T00:00:00Z" }, "t"),
    (e: Error) => e instanceof UserError && e.message.includes("signals.price") && e.message.includes("signals.carbon"),
  );
});

test.run();
