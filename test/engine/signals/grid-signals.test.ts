import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadCarbonIntensity } from "../../../datasets/load-carbon-intensity.js";
import { loadAgilePrices } from "../../../datasets/load-prices.js";
import { QUALITY_OK } from "../../../engine/port.js";
import { fromScenario } from "../../../engine/scenario/from-scenario.js";
import { createGridSignals } from "../../../engine/signals/grid-signals.js";
import { forecastErrorSd } from "../../../engine/signals/forecast-error.js";
import { createSimPort } from "../../../engine/sim-port.js";
import type { Chunk } from "../../../engine/sinks/sink.js";

const DT = 1; // 1 s ticks: a day is 86,400 ticks, and the stage costs nothing between period starts
const START = "2020-07-15T00:00:00Z";

function scenarioWith(port: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return fromScenario({ name: "t", dt: `${DT}s`, horizon: "4d", seed: 42, startTime: START, signals: { price: "agile-2020", carbon: "gb-2020", port }, ...extra }, "t");
}

async function stageOf(port: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const scenario = scenarioWith(port, extra);
  const sim = createSimPort(scenario.dtS);
  const signals = createGridSignals(scenario, sim, ["ctl-a", "ctl-b"], { price: await loadAgilePrices(), carbon: await loadCarbonIntensity(2020) });
  return { scenario, sim, signals };
}

test("the port carries grid.priceGbpPerMWh and grid.carbonGPerKWh, stepping at their periods from startTime", async () => {
  const { sim, signals } = await stageOf({ marketPeriod: "15min" });
  const agile = await loadAgilePrices();
  const carbon = await loadCarbonIntensity(2020);
  const startMs = Date.parse(START);
  const hp = sim.measurement("grid.priceGbpPerMWh");
  const hc = sim.measurement("grid.carbonGPerKWh");
  for (const tS of [0, 899, 900, 1799, 1800, 3599, 3600, 86_399, 86_400]) {
    sim.beginTick(tS);
    signals.beginTick(tS);
    const row = Math.floor((startMs + tS * 1000 - agile.startMs) / 1_800_000);
    assert.ok(Math.abs(sim.read(hp) - agile.values[row]! * 10) < 1e-9, `price at ${tS} s`);
    const crow = Math.floor((startMs + tS * 1000 - carbon.startMs) / 3_600_000);
    assert.is(sim.read(hc), carbon.values[crow], `carbon at ${tS} s`);
    assert.is(sim.quality(hp), QUALITY_OK);
    assert.is(signals.priceNow, sim.read(hp), "the KPIs read what the port shows");
  }
  sim.beginTick(86_500);
  assert.is(sim.ageS(hp), 100, "the price published at 86,400 s is 100 s old at 86,500 s");
});

test("a perfect forecast is the data; persistence is the current value", async () => {
  const perfect = await stageOf({ marketPeriod: "30min", price: { kind: "dataset", forecast: { mode: "perfect" } }, carbon: { kind: "dataset", forecast: { mode: "persistence" } } });
  const agile = await loadAgilePrices();
  const startMs = Date.parse(START);
  const k = 5 * 1800 + 77;
  perfect.sim.beginTick(k);
  perfect.signals.beginTick(k);
  const f = perfect.sim.forecasts!;
  const out = new Float64Array(200);
  const n = f.read(f.handle("grid.priceGbpPerMWh"), 24, out);
  assert.is(n, 48, "24 h of half-hours");
  const row = (startMs - agile.startMs) / 1_800_000 + 5;
  for (let j = 0; j < n; j++) assert.ok(Math.abs(out[j]! - agile.values[row + 1 + j]! * 10) < 1e-9, `lead ${j + 1}`);
  assert.is(f.read(f.handle("grid.priceGbpPerMWh"), 100, out), 96, "capped at the forecast horizon (48 h)");
  const nc = f.read(f.handle("grid.carbonGPerKWh"), 12, out);
  const now = perfect.sim.read(perfect.sim.measurement("grid.carbonGPerKWh"));
  for (let j = 0; j < nc; j++) assert.is(out[j], now, "persistence");
});

test("noisy forecasts: the relative error's standard deviation by lead matches the configuration, and leads share their error (a random walk)", async () => {
  const sd0 = 0.05;
  const sd24 = 0.25;
  const { scenario, sim, signals } = await stageOf({ marketPeriod: "30min", price: { kind: "dataset", forecast: { mode: "perfect" } }, carbon: { kind: "dataset", forecast: { error0h: sd0, error24h: sd24 } } }, { horizon: "300d", startTime: "2020-01-01T00:00:00Z" });
  const noisy = sim.forecasts!;
  const h = noisy.handle("grid.carbonGPerKWh");
  // The same signal's perfect forecast is its data: reference values for the errors.
  const carbon = await loadCarbonIntensity(2020);
  const startMs = Date.parse(scenario.startTime!);
  const out = new Float64Array(96);
  const leads = [0, 11, 47, 95];
  const sum2 = leads.map(() => 0);
  let cross = 0; // Σ e(24 h) × e(48 h): a random walk has cov = var(e(24 h)), corr = sd(24 h) / sd(48 h)
  let issues = 0;
  for (let p = 0; p < 300 * 48; p += 1) {
    const k = p * 1800;
    sim.beginTick(k);
    signals.beginTick(k);
    noisy.read(h, 48, out);
    const err = leads.map((j) => {
      const targetMs = startMs + (p + 1 + j) * 1_800_000;
      const actual = carbon.values[Math.floor((targetMs - carbon.startMs) / 3_600_000)]!;
      return out[j]! / actual - 1;
    });
    err.forEach((e, i) => (sum2[i] += e * e));
    cross += err[2]! * err[3]!;
    issues++;
  }
  leads.forEach((j, i) => {
    const sd = Math.sqrt(sum2[i]! / issues);
    const expected = forecastErrorSd(sd0, sd24, (j + 1) * 1800);
    assert.ok(Math.abs(sd / expected - 1) < 0.04, `lead ${(j + 1) * 0.5} h: sd ${sd.toFixed(4)} vs ${expected.toFixed(4)} over ${issues} issues`);
  });
  const corr = cross / Math.sqrt(sum2[2]! * sum2[3]!);
  const expectedCorr = forecastErrorSd(sd0, sd24, 48 * 1800) / forecastErrorSd(sd0, sd24, 96 * 1800);
  assert.ok(Math.abs(corr - expectedCorr) < 0.05, `corr(e(24 h), e(48 h)) ${corr.toFixed(3)} vs ${expectedCorr.toFixed(3)}`);
});

test("forecasts are deterministic: same seed, same values, however often and by whom they are read; another seed differs", async () => {
  const read = async (seed: number, extraReads: number) => {
    const { sim, signals } = await stageOf({ marketPeriod: "30min" }, { seed });
    const f = sim.forecasts!;
    const h = f.handle("grid.carbonGPerKWh");
    const out = new Float64Array(96);
    const junk = new Float64Array(96);
    const all: number[] = [];
    for (let p = 0; p < 20; p++) {
      sim.beginTick(p * 1800);
      signals.beginTick(p * 1800);
      signals.setAsker(1);
      for (let r = 0; r < extraReads; r++) f.read(h, 1 + r, junk);
      signals.setAsker(0);
      f.read(h, 48, out);
      all.push(...out);
    }
    return all;
  };
  const a = await read(42, 0);
  const b = await read(42, 5);
  const c = await read(43, 0);
  assert.equal(a, b);
  assert.ok(a.some((v, i) => v !== c[i]));
});

test("signal_series has one row per signal per period; signal_forecasts one per lead, once per reader and period", async () => {
  const { sim, signals } = await stageOf({ marketPeriod: "1h" }, { horizon: "3h" });
  const f = sim.forecasts!;
  const out = new Float64Array(10);
  for (let k = 0; k < 3 * 3600; k += 600) {
    sim.beginTick(k);
    signals.beginTick(k);
    signals.setAsker(0);
    f.read(f.handle("grid.priceGbpPerMWh"), 2, out);
    f.read(f.handle("grid.priceGbpPerMWh"), 3, out);
  }
  const chunks: Chunk[] = [];
  signals.finish(chunks, "r");
  const series = chunks.find((c) => c.table === "signal_series")!;
  assert.is(series.length, 3 + 6, "3 hourly prices and 6 half-hourly carbon values");
  const fc = chunks.find((c) => c.table === "signal_forecasts")!;
  assert.is(fc.length, 3 * 3, "3 leads per hour, recorded once per hour");
  assert.equal((fc.columns[1] as string[]).slice(0, fc.length), Array(9).fill("ctl-a"));
  assert.equal(Array.from((fc.columns[3] as Float64Array).subarray(0, 3)), [3600, 7200, 10800]);
});

test.run();
