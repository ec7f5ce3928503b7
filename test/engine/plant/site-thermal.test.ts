import { test } from "uvu";
import * as assert from "uvu/assert";
import { fromScenario } from "../../../engine/scenario/from-scenario.js";
import { createSimulation, type Simulation } from "../../../engine/simulation.js";
import type { Chunk } from "../../../engine/sinks/sink.js";
import { COOLING_UNIT_SERIES, RACK_THERMAL_SERIES, SITE_SERIES, THERMAL_SERIES } from "../../../engine/tables.js";
import { UserError } from "../../../models/lib/errors.js";
import { col, hashChunks, runAll } from "../../helpers.js";
import { loadWeather } from "../../../datasets/load-weather.js";

/** The Bedford weather the cooling scenarios read (engine/plant/load-inputs.ts loads it for runs). */
const inputs = { weather: await loadWeather() };

const kpi = (sim: Simulation, name: string) => {
  const row = sim.kpis().find((x) => x.name === name);
  if (row === undefined) throw new Error(`no KPI ${name}`);
  return row.value;
};

/** The 72-rack hall (rows A-D NVL72 liquid racks training, E-F air inference-air racks steady) with cooling. */
function hall(extra: Record<string, unknown> = {}, horizon = "20min") {
  return fromScenario(
    {
      name: "thermal-test",
      dt: "40ms",
      horizon,
      startTime: "2022-07-19T10:00:00Z",
      hall: { rows: 6, racksPerRow: 12, overrides: [{ racks: ["row:E", "row:F"], preset: "inference-air" }] },
      workloads: [
        { kind: "training", id: "train", racks: "A1-D12", start: "30s", checkpointInterval: "5min", checkpointDuration: "20s" },
        { kind: "steady", id: "serve", racks: ["row:E", "row:F"], util: 0.7 },
      ],
      cooling: { period: "1s" },
      ...extra,
    },
    "test",
  );
}

test("heat balance closes through the engine: IT heat = liquid + air, and IT + pump/fan heat = rejected + reused + Δstored (to rounding)", () => {
  const scenario = hall();
  const sim = createSimulation(scenario, "r", { inputs, chunkTicks: 10_000 });
  const chunks = runAll(sim);
  const periodS = 1;
  const it = col(chunks, THERMAL_SERIES, "it_heat_w");
  const liquid = col(chunks, THERMAL_SERIES, "liquid_heat_w");
  const airHeat = col(chunks, THERMAL_SERIES, "air_heat_w");
  assert.is(it.length, 1200);
  let itJ = 0, residualJ = 0;
  const g = (n: string) => col(chunks, THERMAL_SERIES, n);
  const [cduPump, crahFan, facPump, free, chiller, reused, stored] = ["cdu_pump_power_w", "crah_fan_power_w", "facility_pump_power_w", "free_cooling_w", "chiller_duty_w", "heat_reused_w", "stored_heat_j"].map(g) as number[][];
  for (let i = 0; i < it.length; i++) {
    assert.ok(Math.abs(it[i]! - liquid[i]! - airHeat[i]!) <= 1e-9 * it[i]!, `step ${i}`);
    itJ += it[i]! * periodS;
    // All pump and fan power of the presets ends up as heat in the water or air (pumpHeatFrac, fanHeatFrac = 1).
    residualJ += (it[i]! + cduPump![i]! + crahFan![i]! + facPump![i]! - free![i]! - chiller![i]! - reused![i]!) * periodS;
  }
  residualJ -= stored![stored!.length - 1]!;
  assert.ok(Math.abs(residualJ) < 1e-9 * itJ, `residual ${residualJ} J of ${itJ} J`);
  assert.ok(Math.abs(kpi(sim, "heat_balance_residual")) * 3600 < 1e-9 * itJ);
  // The IT heat the plant saw is the IT energy the electrical chain drew, tick by tick.
  const siteIt = col(chunks, SITE_SERIES, "it_power_w");
  const siteItJ = siteIt.reduce((a, b) => a + b, 0) * scenario.dtS;
  assert.ok(Math.abs(siteItJ - itJ) < 1e-9 * itJ, `${siteItJ} vs ${itJ}`);
  // Liquid share: 48 NVL72 racks at 85 %, the air racks all air.
  const share = kpi(sim, "liquid_heat_fraction");
  assert.ok(share > 0.75 && share < 0.85, `${share}`);
});

test("the cooling load is held over the next period and added at the PCC; PUE = PCC / IT energy", () => {
  const scenario = hall({}, "2min");
  const sim = createSimulation(scenario, "r", { inputs, chunkTicks: 1_000 });
  const chunks = runAll(sim);
  const pcc = col(chunks, SITE_SERIES, "pcc_power_w");
  const itW = col(chunks, SITE_SERIES, "it_power_w");
  const losses = ["busway_loss_w", "ups_loss_w", "transformer_loss_w"].map((n) => col(chunks, SITE_SERIES, n));
  const cooling = col(chunks, THERMAL_SERIES, "cooling_power_w");
  for (const k of [30, 25 * 7 + 3, 25 * 60 + 24, 25 * 119]) {
    const chainW = itW[k]! + losses[0]![k]! + losses[1]![k]! + losses[2]![k]!;
    const step = Math.floor(k / 25);
    assert.ok(Math.abs(pcc[k]! - chainW - cooling[step - 1]!) < 1e-6, `tick ${k}: ${pcc[k]! - chainW} vs ${cooling[step - 1]}`);
  }
  const pue = kpi(sim, "pue");
  assert.ok(Math.abs(pue - kpi(sim, "pcc_energy") / kpi(sim, "it_energy")) < 1e-12);
  assert.ok(pue > 1.02 && pue < 1.6, `pue ${pue}`);
  assert.ok(kpi(sim, "ppue_cooling") > 1 && kpi(sim, "ppue_cooling") < pue);
});

test("results with cooling are identical whatever the chunk size; a hall without cooling writes no thermal rows", () => {
  const scenario = hall({}, "3min");
  const a = runAll(createSimulation(scenario, "r", { inputs, chunkTicks: 65_536 }));
  const b = runAll(createSimulation(scenario, "r", { inputs, chunkTicks: 777 }));
  for (const t of [THERMAL_SERIES, RACK_THERMAL_SERIES, COOLING_UNIT_SERIES]) {
    for (const c of t.columns) assert.equal(col(a, t, c.name), col(b, t, c.name), `${t.name}.${c.name}`);
  }
  assert.equal(col(a, SITE_SERIES, "pcc_power_w"), col(b, SITE_SERIES, "pcc_power_w"));
  const plain = fromScenario({ name: "plain", dt: "40ms", horizon: "1min", hall: { rows: 2, racksPerRow: 4 }, workloads: [{ kind: "steady", id: "s", racks: "all" }] }, "t");
  const chunks = runAll(createSimulation(plain, "r", { inputs }));
  assert.ok(!chunks.some((c) => [THERMAL_SERIES.name, RACK_THERMAL_SERIES.name, COOLING_UNIT_SERIES.name, "cooling_units"].includes(c.table)));
  assert.is(hashChunks(chunks), hashChunks(runAll(createSimulation(plain, "r", { inputs }))));
});


test("steady state through the engine matches a hand calculation (CDU valve at its setpoint, manifold rise, cold plate, hot aisle, inlets)", () => {
  const scenario = fromScenario(
    {
      name: "steady",
      dt: "40ms",
      horizon: "20min",
      hall: { rows: 1, racksPerRow: 4 },
      workloads: [{ kind: "steady", id: "s", racks: "all", util: 0.8 }],
      cooling: { weather: "constant", dryBulb: "10C", wetBulb: "8C", rackSeries: false },
    },
    "test",
  );
  const sim = createSimulation(scenario, "r", { inputs });
  runAll(sim);
  const tp = sim.thermal.plant!;
  const { cdu, air } = tp;
  const chain = sim.plant.chain;
  const rackW = chain.classAcW[chain.rackClass[0]!]!;
  const gpuW = chain.classGpuW[chain.rackClass[0]!]! / 72;
  // Liquid: 4 racks on one CDU (IN_ROW_CDU scaled by 4 × 132 kW / (8 × 132 kW) = 0.5): 800 L/min of PG25.
  assert.is(cdu.cduCount, 1);
  const cSecWpK = (1_600 / 60_000) * 0.5 * 1_020 * 3_900;
  assert.ok(Math.abs(cdu.secRatedWpK[0]! - cSecWpK) < 1e-6);
  const qLiquidW = 0.85 * rackW;
  const supplyC = 35; // the CDU valve holds its setpoint: the facility water is far colder at 10 °C outside
  const outletC = supplyC + qLiquidW / (cSecWpK / 4);
  const gpuC = outletC + 0.03 * gpuW;
  const returnC = supplyC + (4 * qLiquidW + 8_800 * 0.5) / cSecWpK;
  assert.ok(Math.abs(cdu.supplyC[0]! - supplyC) < 1e-6, `supply ${cdu.supplyC[0]}`);
  assert.ok(Math.abs(cdu.outletC[0]! - outletC) < 1e-6, `outlet ${cdu.outletC[0]} vs ${outletC}`);
  assert.ok(Math.abs(cdu.gpuTempC[0]! - gpuC) < 1e-6, `gpu ${cdu.gpuTempC[0]} vs ${gpuC}`);
  assert.ok(Math.abs(cdu.returnC[0]! - returnC) < 1e-6, `return ${cdu.returnC[0]} vs ${returnC}`);
  // Air: the racks' 15 % to one row with ceil(4 × 132 kW × 0.15 × 1.25 / 100 kW) = 1 CRAH at full speed, 22 °C supply.
  assert.is(air.crahCount, 1);
  const airWpK = (100_000 / (1.2 * 1_005 * 12)) * 1.2 * 1_005;
  const hotC = 22 + (4 * 0.15 * rackW + 6_000) / airWpK;
  assert.ok(Math.abs(air.hotAisleC[0]! - hotC) < 1e-6, `hot aisle ${air.hotAisleC[0]} vs ${hotC}`);
  // Inlets: supply + positional recirculation (0.15 at the ends, 0.08 next to them); no airflow deficit.
  assert.ok(Math.abs(air.inletC[0]! - (22 + 0.15 * (hotC - 22))) < 1e-6);
  assert.ok(Math.abs(air.inletC[1]! - (22 + 0.08 * (hotC - 22))) < 1e-6);
  // Figures for the record: ~130 kW × 0.8-load racks.
  assert.ok(rackW > 80_000 && rackW < 132_000, `${rackW}`);
});

test("errors name the field: a failure on a unit the plant lacks (when the plant is built), weather outside 2022 (when the scenario is read)", () => {
  const base = { name: "t", dt: "40ms", horizon: "1min", hall: { rows: 2, racksPerRow: 6 } };
  const bad = fromScenario({ ...base, cooling: { weather: "constant", failures: [{ at: "1s", kind: "crah-failure", unit: "z9" }] } }, "t");
  assert.throws(() => createSimulation(bad, "r", { inputs }), (e: Error) => e instanceof UserError && /cooling\.failures\[0\]\.unit: got "z9", expected one of a1, a2, b1, b2/.test(e.message));
  // Weather outside its data is caught when the scenario is read (datasets/data-coverage.ts).
  assert.throws(() => fromScenario({ ...base, startTime: "2021-12-31T12:00:00Z", cooling: {} }, "t"), (e: Error) => e instanceof UserError && /startTime.*cooling\.weather/.test(e.message));
  const noCdu = fromScenario({ ...base, hall: { rows: 1, racksPerRow: 2, rackPreset: "inference-air" }, cooling: { weather: "constant" }, controllers: [{ kind: "cdu-control", id: "c" }] }, "t");
  assert.throws(() => createSimulation(noCdu, "r", { inputs }), (e: Error) => e instanceof UserError && /no cdu units/.test(e.message));
});

test("heat-reuse hook: heat taken from the warm water before the dry coolers leaves the balance closed and the rejected heat lower", () => {
  const scenario = hall({ cooling: { weather: "constant", dryBulb: "15C", wetBulb: "10C", rackSeries: false } }, "5min");
  const plain = createSimulation(scenario, "r", { inputs });
  const plainChunks = runAll(plain);
  const sim = createSimulation(scenario, "r", { inputs });
  const seen: number[] = [];
  sim.thermal.setHeatReuse({
    powerW: 50_000,
    takeHeatW(waterInC, waterWpK, dtS) {
      seen.push(waterInC, waterWpK, dtS);
      // A heat exchanger taking the water down by 3 K.
      return waterWpK * 3;
    },
  });
  const chunks = runAll(sim);
  assert.ok(seen[0]! >= 30 && seen[seen.length - 3]! > 15 && seen[1]! > 100_000 && seen[2] === 1, `${seen.slice(0, 3)} … ${seen.slice(-3)}`);
  const reused = col(chunks, THERMAL_SERIES, "heat_reused_w");
  assert.ok(reused.every((w) => w > 0));
  const itJ = col(chunks, THERMAL_SERIES, "it_heat_w").reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(kpi(sim, "heat_balance_residual")) * 3600 < 1e-9 * itJ);
  assert.ok(Math.abs(kpi(sim, "heat_reused_from_cooling") * 3600 - reused.reduce((a, b) => a + b, 0)) < 1e-6 * itJ);
  const rejected = (c: Chunk[]) => col(c, THERMAL_SERIES, "free_cooling_w").reduce((a, b) => a + b, 0) + col(c, THERMAL_SERIES, "chiller_duty_w").reduce((a, b) => a + b, 0);
  const reusedJ = reused.reduce((a, b) => a + b, 0);
  // What the exchanger takes no longer reaches the dry coolers (part of it, over 5 min, still comes out of the loop's stored heat).
  assert.ok(rejected(chunks) < rejected(plainChunks) - 0.3 * reusedJ, `ratio ${(rejected(plainChunks) - rejected(chunks)) / reusedJ}`);
  // The reuse plant's power is part of the held cooling load.
  const cooling = col(chunks, THERMAL_SERIES, "cooling_power_w");
  const parts = ["cdu_pump_power_w", "crah_fan_power_w", "facility_pump_power_w", "rejection_fan_power_w", "chiller_power_w"].map((n) => col(chunks, THERMAL_SERIES, n));
  assert.ok(Math.abs(cooling[10]! - parts.reduce((a, p) => a + p[10]!, 0) - 50_000) < 1e-6);
  const warm = sim.thermal.warmLoop()!;
  assert.ok(warm.supplyC > 0 && warm.flowM3s > 0 && warm.rejectedW >= 0);
});

test("cooling towers: makeup water through the engine = evaporation Q / h_fg × COC / (COC − 1) + drift; capture share per preset", () => {
  const scenario = hall({ cooling: { weather: "constant", dryBulb: "25C", wetBulb: "18C", rejection: "cooling-tower", rackSeries: false, liquid: { presetShares: [{ preset: "nvl72-liquid", captureShare: 0.945 }] } } }, "5min");
  const sim = createSimulation(scenario, "r", { inputs });
  const chunks = runAll(sim);
  const freeJ = col(chunks, THERMAL_SERIES, "free_cooling_w").reduce((a, b) => a + b, 0);
  const waterKg = col(chunks, THERMAL_SERIES, "water_kg_s").reduce((a, b) => a + b, 0);
  assert.ok(freeJ > 0);
  // COOLING_TOWER_1MW: latentFrac 1, h_fg 2.43 MJ/kg, 4 cycles of concentration; drift 0.005 % of the circulation is small.
  const evaporationKg = freeJ / 2.43e6;
  const makeupKg = (evaporationKg * 4) / 3;
  assert.ok(waterKg > makeupKg && waterKg < 1.02 * makeupKg, `${waterKg} kg against ${makeupKg} kg`);
  assert.ok(Math.abs(kpi(sim, "water_use") - waterKg) < 1e-6 * waterKg);
  // The 48 NVL72 racks now capture 94.5 % (Frontier's figure), the air racks none.
  const share = kpi(sim, "liquid_heat_fraction");
  const liquidRacksW = col(chunks, THERMAL_SERIES, "liquid_heat_w").reduce((a, b) => a + b, 0) / 0.945;
  assert.ok(share > 0.85 && liquidRacksW < col(chunks, THERMAL_SERIES, "it_heat_w").reduce((a, b) => a + b, 0));
});

/** The failure scenario, shortened: pump trip at 60 s (for 2 min), chiller failure at 240 s. */
/**
 * A CDU pump trip and a chiller failure under a steady load. The GPUs' thermal slowdown is set out
 * of reach unless given, so the heat input stays that of the work and the rates are the thermal
 * masses' alone.
 */
function failures(gpuSlowdown = "150C") {
  return fromScenario(
    {
      name: "failures",
      dt: "40ms",
      horizon: "6min",
      startTime: "2022-07-19T13:00:00Z",
      hall: { rows: 6, racksPerRow: 12 },
      workloads: [{ kind: "steady", id: "load", racks: "all", util: 0.8 }],
      cooling: {
        liquid: { gpuSlowdown },
        failures: [
          { kind: "cdu-pump-trip", unit: "a1", at: "60s", duration: "2min" },
          { kind: "chiller-failure", unit: "warm", at: "240s" },
        ],
      },
    },
    "test",
  );
}

test("chiller failure: the warm loop's supply rate of rise jumps by the lost chiller duty over the supply water's heat capacity (dT/dt = Q/C)", () => {
  const sim = createSimulation(failures(), "r", { inputs });
  const chunks = runAll(sim);
  const tp = sim.thermal.plant!;
  const cSupJpK = tp.fac.supplyCapJpK[tp.warm]!;
  const t = col(chunks, THERMAL_SERIES, "t_s");
  const sup = col(chunks, THERMAL_SERIES, "warm_supply_c");
  const free = col(chunks, THERMAL_SERIES, "free_cooling_w");
  const unitCount = tp.cduIds.length + tp.crahIds.length + tp.loopIds.length;
  const warmUnit = tp.cduIds.length + tp.crahIds.length + tp.warm;
  const duty = col(chunks, COOLING_UNIT_SERIES, "duty_w");
  const n = t.indexOf(240);
  // Before: the chillers hold the supply at its setpoint (30 °C) on a 39 °C afternoon; the dry
  // coolers reject nothing (air warmer than the water), so the warm loop's duty is all chiller.
  assert.ok(Math.abs(sup[n - 1]! - 30) < 1e-3, `${sup[n - 1]}`);
  assert.is(free[n - 1], 0);
  const lostW = duty[(n - 1) * unitCount + warmUnit]!;
  const expectedKps = lostW / cSupJpK;
  // Rate of rise in the first step after the failure, less the (near-zero) rate in the step before.
  const measuredKps = sup[n]! - sup[n - 1]! - (sup[n - 1]! - sup[n - 2]!);
  assert.ok(Math.abs(measuredKps - expectedKps) < 0.002 * expectedKps, `measured ${measuredKps} K/s, Q/C = ${expectedKps} K/s`);
  assert.ok(expectedKps > 0.04 && expectedKps < 0.1, `${expectedKps}`);
  // It keeps rising (the dry coolers cannot help at 39 °C), and the events are recorded.
  assert.ok(sup[sup.length - 1]! > 33, `${sup[sup.length - 1]}`);
  const events = chunks.find((c) => c.table === "events")!;
  const kinds = events.columns[2] as string[];
  for (const kind of ["chiller-failure", "cdu-pump-trip", "cdu-pump-trip-cleared", "gpu_above_limit"]) assert.ok(kinds.includes(kind), kind);
});

test("CDU pump trip: the CDU's coolant heat content rises at Q − exchanger duty, and once the flow has coasted down its racks warm at ≈ Q / C", () => {
  const sim = createSimulation(failures(), "r", { inputs });
  const chunks = runAll(sim);
  const tp = sim.thermal.plant!;
  const cdu = tp.cdu;
  const racks = Array.from(tp.liquidRack).filter((_, l) => cdu.rackCdu[l] === 0);
  const liquid = racks.map((r) => tp.liquidIndex[r]!);
  const rackCount = 72;
  const unitCount = tp.cduIds.length + tp.crahIds.length + tp.loopIds.length;
  const rt = { it: col(chunks, RACK_THERMAL_SERIES, "it_heat_w"), cool: col(chunks, RACK_THERMAL_SERIES, "coolant_c"), gpu: col(chunks, RACK_THERMAL_SERIES, "gpu_c") };
  const us = { sup: col(chunks, COOLING_UNIT_SERIES, "supply_c"), ret: col(chunks, COOLING_UNIT_SERIES, "return_c"), duty: col(chunks, COOLING_UNIT_SERIES, "duty_w"), power: col(chunks, COOLING_UNIT_SERIES, "power_w"), speed: col(chunks, COOLING_UNIT_SERIES, "speed_frac") };
  const heatJ = (step: number) => {
    let h = cdu.supplyCapJpK[0]! * us.sup[step * unitCount]! + cdu.returnCapJpK[0]! * us.ret[step * unitCount]!;
    racks.forEach((r, i) => {
      const l = liquid[i]!;
      h += cdu.rackCapJpK[l]! * rt.cool[step * rackCount + r]! + cdu.gpus[l]! * cdu.plateCJpK[l]! * rt.gpu[step * rackCount + r]!;
    });
    return h;
  };
  const qW = (step: number) => racks.reduce((a, r, i) => a + cdu.liquidFrac[liquid[i]!]! * rt.it[step * rackCount + r]!, 0);
  // 40 s after the trip (t = 100 s): energy per step, to the float32 rounding of the tables.
  for (const step of [61, 80, 100, 150]) {
    const rateW = heatJ(step) - heatJ(step - 1);
    const expectedW = qW(step) + us.power[step * unitCount]! - us.duty[step * unitCount]!;
    assert.ok(Math.abs(rateW - expectedW) < 2e-3 * qW(step), `step ${step}: ${rateW} vs ${expectedW}`);
  }
  // Coast-down: half speed 2 s after the trip, then s0 / (1 + s0·t/t½).
  assert.ok(us.speed[61 * unitCount]! < 0.7 && us.speed[100 * unitCount]! < 0.06, `${us.speed[61 * unitCount]} ${us.speed[100 * unitCount]}`);
  // A rack's coolant and plates (one lumped mass once the plates have followed, τ = 3.45 s) warm at
  // (Q − heat carried off by the residual flow) / C, the flow being C_rated·share·speed.
  const l5 = liquid[5]!;
  const r5 = racks[5]!;
  const cRackJpK = cdu.rackCapJpK[l5]! + cdu.gpus[l5]! * cdu.plateCJpK[l5]!;
  for (const [a, b] of [[100, 110], [140, 150]] as const) {
    const rate = (rt.cool[b * rackCount + r5]! - rt.cool[a * rackCount + r5]!) / (b - a);
    let carriedW = 0;
    for (let step = a + 1; step <= b; step++) {
      const flowWpK = cdu.secRatedWpK[0]! * cdu.flowShare[l5]! * 0.5 * (us.speed[step * unitCount]! + us.speed[(step - 1) * unitCount]!);
      carriedW += (flowWpK * (rt.cool[step * rackCount + r5]! + rt.cool[(step - 1) * rackCount + r5]! - us.sup[step * unitCount]! - us.sup[(step - 1) * unitCount]!)) / 2 / (b - a);
    }
    const qW = cdu.liquidFrac[l5]! * rt.it[b * rackCount + r5]!;
    const expected = (qW - carriedW) / cRackJpK;
    assert.ok(Math.abs(rate - expected) < 0.03 * expected, `${a}-${b} s: rack coolant ${rate} K/s against (Q − carried)/C = ${expected} K/s (Q/C alone ${qW / cRackJpK})`);
  }
  // After the pump is back (t = 180 s) the temperatures fall again.
  assert.ok(rt.cool[230 * rackCount + r5]! < rt.cool[180 * rackCount + r5]! - 10);
});


test("GPU thermal slowdown: after a CDU pump trip the GPUs' firmware cuts power until they hold near the slowdown temperature, and gives it back", () => {
  const peakOf = (sim: ReturnType<typeof createSimulation>) => sim.kpis().find((x) => x.name === "peak_gpu_temp")!.value;
  const free = createSimulation(failures(), "r", { inputs });
  runAll(free);
  const sim = createSimulation(failures("87C"), "r", { inputs });
  const chunks = runAll(sim);
  const kpi = (name: string) => sim.kpis().find((x) => x.name === name)!.value;
  assert.ok(peakOf(free) > 120, `without slowdown the tripped CDU's GPUs run away: ${peakOf(free)} °C`);
  assert.ok(kpi("peak_gpu_temp") < peakOf(free) - 30, `with it they stop far lower: ${kpi("peak_gpu_temp")} °C`);
  assert.is(kpi("gpu_thermal_slowdowns"), 1);
  assert.ok(kpi("gpu_thermal_slowdown_min_limit") < 0.5, "power limit cut deeply while the pump is off");
  // IT heat falls during the slowdown and is back to the pre-trip level once the pump is back.
  const t = col(chunks, THERMAL_SERIES, "t_s");
  const it = col(chunks, THERMAL_SERIES, "it_heat_w");
  const at = (s: number) => it[t.findIndex((x) => x >= s)]!;
  assert.ok(at(150) < 0.7 * at(50), `IT heat ${at(150)} W during the slowdown against ${at(50)} W before`);
  assert.ok(Math.abs(at(350) - at(50)) < 0.02 * at(50), `IT heat back: ${at(350)} W against ${at(50)} W`);
  const events = chunks.find((c) => c.table === "events")!;
  const kinds = events.columns[2] as string[];
  assert.ok(kinds.includes("gpu_thermal_slowdown") && kinds.includes("gpu_thermal_slowdown_end"));
});

test.run();
