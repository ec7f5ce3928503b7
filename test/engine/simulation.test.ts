import { h100Sxm } from "../../models/gpu/gpu-params.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { fromScenario } from "../../engine/scenario/from-scenario.js";
import { loadData } from "../../engine/scenario/load-scenario.js";
import { createSimulation, type Simulation } from "../../engine/simulation.js";
import type { Chunk } from "../../engine/sinks/sink.js";
import { ROOT, hashChunks, runAll } from "../helpers.js";

function column(chunks: Chunk[], table: string, name: string, names: string[]): number[] {
  const i = names.indexOf(name);
  return chunks.filter((c) => c.table === table).flatMap((c) => Array.from((c.columns[i] as Float64Array | Float32Array).subarray(0, c.length)));
}

const SITE = ["t_s", "pcc_power_w", "it_power_w", "gpu_power_w", "gpu_demand_w", "gpu_burn_w", "psu_loss_w", "busway_loss_w", "ups_loss_w", "transformer_loss_w"];

/** A scenario file from scenarios/ with a shorter horizon. */
function shortHall(file: string, horizon = "2min") {
  const raw = loadData(`${ROOT}scenarios/${file}`) as Record<string, unknown>;
  return fromScenario({ ...raw, horizon }, file);
}

test("same scenario and seed give byte-identical chunks, whatever the chunk size; another seed differs", () => {
  const scenario = shortHall("hall-training-1h.yaml");
  const a = hashChunks(runAll(createSimulation(scenario, "r1", { chunkTicks: 1000 })));
  const b = hashChunks(runAll(createSimulation(scenario, "r1", { chunkTicks: 1000 })));
  assert.is(a, b);
  const big = runAll(createSimulation(scenario, "r1", { chunkTicks: 65536 }));
  const small = runAll(createSimulation(scenario, "r1", { chunkTicks: 1000 }));
  assert.equal(column(big, "site_series", "pcc_power_w", SITE), column(small, "site_series", "pcc_power_w", SITE));
  const other = hashChunks(runAll(createSimulation({ ...scenario, seed: scenario.seed + 1 }, "r1", { chunkTicks: 1000 })));
  assert.is.not(a, other);
});

test("random draws depend on the seed, not on the run id: runs of a sweep that share a seed share their draws", () => {
  const scenario = shortHall("hall-training-1h.yaml");
  const renamed = (chunks: Chunk[]) => chunks.map((c) => ({ ...c, runId: "same" }));
  const a = hashChunks(renamed(runAll(createSimulation(scenario, "sweep-0", { chunkTicks: 1000 }))));
  const b = hashChunks(renamed(runAll(createSimulation(scenario, "sweep-7", { chunkTicks: 1000 }))));
  assert.is(a, b);
});

test("energy balance: PCC = IT + busway + UPS + transformer losses, IT = GPU + other + PSU loss, every tick", () => {
  const scenario = shortHall("hall-training-1h-smoothed.yaml");
  const chunks = runAll(createSimulation(scenario, "r", { chunkTicks: 1000 }));
  const get = (name: string) => column(chunks, "site_series", name, SITE);
  const pcc = get("pcc_power_w");
  const it = get("it_power_w");
  const busway = get("busway_loss_w");
  const ups = get("ups_loss_w");
  const xfmr = get("transformer_loss_w");
  let pccJ = 0;
  let sumJ = 0;
  for (let k = 0; k < pcc.length; k++) {
    const sum = it[k]! + busway[k]! + ups[k]! + xfmr[k]!;
    assert.ok(Math.abs(pcc[k]! - sum) <= 1e-9 * pcc[k]!, `tick ${k}: ${pcc[k]} vs ${sum}`);
    pccJ += pcc[k]! * 0.04;
    sumJ += sum * 0.04;
  }
  assert.ok(Math.abs(pccJ - sumJ) <= 1e-9 * pccJ);
  // Losses are real and in a plausible range for a double-conversion hall (a few per cent).
  const itJ = it.reduce((a, b) => a + b, 0) * 0.04;
  const lossFrac = 1 - itJ / pccJ;
  assert.ok(lossFrac > 0.02 && lossFrac < 0.08, `chain loss ${lossFrac}`);
});

test("the hall at full load draws ~120-132 kW per NVL72-class rack and ~9.5 MW at the PCC", () => {
  const scenario = fromScenario({ name: "full", horizon: "4s", workloads: [{ kind: "steady", id: "max", util: 1 }] }, "t");
  const chunks = runAll(createSimulation(scenario, "r"));
  const mean = column(chunks, "rack_series", "power_mean_w", ["t_s", "rack", "power_mean_w", "power_min_w", "power_max_w"]);
  const last = mean.slice(-72);
  for (const w of last) assert.ok(w > 120e3 && w < 132e3, `rack ${w} W`);
  const pcc = column(chunks, "site_series", "pcc_power_w", SITE).at(-1)!;
  assert.ok(pcc > 8.9e6 && pcc < 9.9e6, `PCC ${pcc} W`);
});

test("tick order: controllers, workloads, gpu, electrical, record; a controller sees k−1 and acts at k", () => {
  const scenario = fromScenario(
    {
      name: "order",
      horizon: "200ms",
      hall: { rows: 1, racksPerRow: 1 },
      workloads: [{ kind: "steady", id: "s", util: 1 }],
      controllers: [{ kind: "gpu-smoothing", id: "c", groups: "s", period: "80ms" }],
    },
    "t",
  );
  const roles: string[] = [];
  const sim = createSimulation(scenario, "r", { trace: (role, k) => roles.push(`${k}:${role}`) });
  runAll(sim);
  assert.equal(roles.slice(0, 9), ["0:controller:c", "0:workloads", "0:gpu", "0:electrical", "0:record", "1:workloads", "1:gpu", "1:electrical", "1:record"]);
  assert.ok(roles.includes("2:controller:c") && !roles.includes("1:controller:c"), "controller every 2 ticks");
});

test("a setpoint written at tick k acts from tick k; what a controller reads at tick k is tick k−1", () => {
  const scenario = fromScenario(
    {
      name: "delay",
      horizon: "400ms",
      hall: { rows: 1, racksPerRow: 1, rackPreset: "single-h100" },
      workloads: [{ kind: "steady", id: "s", util: 1 }],
    },
    "t",
  );
  // One tick per advance(): between calls the port is in the state a controller at the next tick sees.
  const sim = createSimulation(scenario, "r", { chunkTicks: 1 });
  const cap = sim.port.setpoint("gpu.s.capW");
  const power = sim.port.measurement("gpu.s.powerW");
  const readAtK: number[] = [];
  const powerOfK: number[] = [];
  for (let k = 0; k < 10; k++) {
    sim.port.beginTick(k);
    readAtK.push(sim.port.read(power));
    if (k === 5) sim.port.write(cap, 300);
    sim.advance();
    powerOfK.push(sim.port.read(power));
  }
  assert.ok(powerOfK[4]! > 600, `full power before the write: ${powerOfK[4]}`);
  // The cap acts in the tick of the write; the GPU settles within its measured fall time (1-2 samples).
  assert.ok(powerOfK[5]! < 0.6 * powerOfK[4]!, `falling from the tick of the write: ${powerOfK[5]}`);
  // At the cap two ticks later: the limiter's mean is fullFrac × cap, its ripple ±rippleFrac × cap around it.
  assert.ok(powerOfK[7]! <= 300 * (h100Sxm.fullFrac + h100Sxm.rippleFrac) + 1e-6, `at the cap two ticks later: ${powerOfK[7]}`);
  for (let k = 1; k < 10; k++) assert.is(readAtK[k], powerOfK[k - 1], `read at ${k} is tick ${k - 1}`);
});

test("GPU smoothing lowers the PCC swing and its 0.1-1 Hz band, at an energy cost it reports", () => {
  const plain = createSimulation(shortHall("hall-training-1h.yaml", "3min"), "plain");
  const smooth = createSimulation(shortHall("hall-training-1h-smoothed.yaml", "3min"), "smooth");
  runAll(plain);
  runAll(smooth);
  const kpi = (sim: Simulation, name: string) => sim.kpis().find((k) => k.name === name)!.value;
  assert.ok(kpi(smooth, "pcc_swing_p99") < 0.7 * kpi(plain, "pcc_swing_p99"), `${kpi(smooth, "pcc_swing_p99")} vs ${kpi(plain, "pcc_swing_p99")}`);
  assert.ok(kpi(smooth, "pcc_band_rms_0p1_1hz") < kpi(plain, "pcc_band_rms_0p1_1hz"));
  assert.ok(kpi(smooth, "pcc_max_ramp_40ms") < kpi(plain, "pcc_max_ramp_40ms"));
  assert.ok(kpi(smooth, "gpu_burn_energy") > 0 && kpi(plain, "gpu_burn_energy") === 0);
  assert.ok(kpi(smooth, "pcc_energy") > kpi(plain, "pcc_energy"), "smoothing costs energy");
});

test.run();
