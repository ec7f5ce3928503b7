import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadCarbonIntensity } from "../../../datasets/load-carbon-intensity.js";
import { loadAgilePrices } from "../../../datasets/load-prices.js";
import { createDatasetProvider } from "../../../engine/signals/dataset-provider.js";
import { createStaticProvider } from "../../../engine/signals/static-provider.js";
import { createSyntheticProvider } from "../../../engine/signals/synthetic-provider.js";
import { createRng } from "../../../models/lib/rng.js";

const START_MS = Date.parse("2020-07-15T00:00:00Z");

test("createDatasetProvider: a 15-min market holds each Agile half-hour for two periods, in GBP/MWh", async () => {
  const agile = await loadAgilePrices();
  const row = (START_MS - agile.startMs) / 1_800_000;
  const p = createDatasetProvider(agile, START_MS, 900, 10);
  for (let i = 0; i < 96; i++) {
    const expected = agile.values[row + Math.floor(i / 2)]! * 10;
    assert.ok(Math.abs(p.valueAt(i) - expected) < 1e-9, `period ${i}: ${p.valueAt(i)} vs ${expected}`);
  }
});

test("createDatasetProvider: a 30-min market is the Agile row itself; a 1-h market the mean of its two half-hours", async () => {
  const agile = await loadAgilePrices();
  const row = (START_MS - agile.startMs) / 1_800_000;
  const half = createDatasetProvider(agile, START_MS, 1800, 10);
  const hour = createDatasetProvider(agile, START_MS, 3600, 10);
  for (let i = 0; i < 48; i++) assert.ok(Math.abs(half.valueAt(i) - agile.values[row + i]! * 10) < 1e-9, `half-hour ${i}`);
  for (let i = 0; i < 24; i++) {
    const mean = ((agile.values[row + 2 * i]! + agile.values[row + 2 * i + 1]!) / 2) * 10;
    assert.ok(Math.abs(hour.valueAt(i) - mean) < 1e-9, `hour ${i}: ${hour.valueAt(i)} vs ${mean}`);
  }
});

test("createDatasetProvider: hourly carbon on a 30-min signal steps at whole hours, starting at startTime", async () => {
  const carbon = await loadCarbonIntensity(2020);
  const start = Date.parse("2020-03-01T05:00:00Z");
  const row = (start - carbon.startMs) / 3_600_000;
  const p = createDatasetProvider(carbon, start, 1800);
  for (let i = 0; i < 96; i++) assert.is(p.valueAt(i), carbon.values[row + Math.floor(i / 2)], `period ${i}`);
});

test("createStaticProvider: values repeat", () => {
  const p = createStaticProvider([10, 20, 30]);
  assert.equal([0, 1, 2, 3, 4, 5, 302].map((i) => p.valueAt(i)), [10, 20, 30, 10, 20, 30, 30]);
});

test("createSyntheticProvider: daily peak at dailyPeak, weekends lower, clamped, and the same for the same seed", () => {
  const params = { mean: 100, dailyFrac: 0.2, dailyPeakS: 18 * 3600, weekendFrac: -0.1, noiseFrac: 0, noiseTimeS: 7200, min: 0, max: 1e9 };
  // 2020-07-13 was a Monday.
  const monday = Date.parse("2020-07-13T00:00:00Z");
  const p = createSyntheticProvider(params, monday, 3600, 24 * 7, createRng(1, "s"));
  assert.ok(Math.abs(p.valueAt(17) - 100 * (1 + 0.2 * Math.cos(-Math.PI / 24))) < 1e-9, "17:00-18:00, midpoint 17:30");
  let peak = 0;
  for (let h = 0; h < 24; h++) if (p.valueAt(h) > p.valueAt(peak)) peak = h;
  assert.ok(peak === 17 || peak === 18, `the peak hour straddles 18:00: ${peak}`);
  assert.ok(Math.abs(p.valueAt(5 * 24 + 17) - 0.9 * p.valueAt(17)) < 1e-9, "Saturday is 10 % lower");
  const noisy = { ...params, noiseFrac: 0.05 };
  const a = createSyntheticProvider(noisy, monday, 3600, 500, createRng(7, "signal/price"));
  const b = createSyntheticProvider(noisy, monday, 3600, 500, createRng(7, "signal/price"));
  const c = createSyntheticProvider(noisy, monday, 3600, 500, createRng(8, "signal/price"));
  let same = true;
  let differ = false;
  for (let i = 0; i < 500; i++) {
    same &&= a.valueAt(i) === b.valueAt(i);
    differ ||= a.valueAt(i) !== c.valueAt(i);
  }
  assert.ok(same && differ, "same seed, same curve; another seed, another");
  const stress = createSyntheticProvider({ ...params, mean: 0.9, dailyFrac: 0.5, min: 0, max: 1 }, monday, 3600, 48, createRng(1, "s"));
  for (let i = 0; i < 48; i++) assert.ok(stress.valueAt(i) >= 0 && stress.valueAt(i) <= 1, "stress stays a fraction");
});

test.run();
