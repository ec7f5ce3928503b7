import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  FUEL_FACTORS_G_PER_KWH as F,
  agileUnitRate,
  carbonIndex,
  isAgilePeak,
  mixIntensity,
} from "../../../models/signals/tariffs.js";

test("agileUnitRate(D + Q + W × P) gives the published peak example, 25 p/kWh (☆ V7)", () => {
  assert.is(agileUnitRate({ networkPence: 5, peakAdderPence: 2, wholesalePence: 15, peakMultiplier: 1.2 }), 25);
  // Off peak: Q = 0, P = 1.
  assert.is(agileUnitRate({ networkPence: 5, peakAdderPence: 0, wholesalePence: 15, peakMultiplier: 1 }), 20);
});

test("isAgilePeak(minute) is true from 16:00 up to, not including, 19:00", () => {
  const rows: ReadonlyArray<[minute: number, peak: boolean]> = [[959, false], [960, true], [1139, true], [1140, false]];
  for (const [minute, peak] of rows) assert.is(isAgilePeak(minute), peak, `minute ${minute}`);
});

test("mixIntensity(50 % CCGT, 30 % wind, 20 % nuclear) is 197 gCO2/kWh and carbonIndex(197, 2022) is moderate (☆ V7)", () => {
  const g = mixIntensity([0.5, 0.3, 0.2], [F.gasCcgt, F.wind, F.nuclear]);
  assert.is(g, 197);
  assert.is(carbonIndex(g, 2022), "moderate");
});

test("carbonIndex(g, year) uses the year's bands at their edges", () => {
  const rows: ReadonlyArray<{ g: number; year: number; index: string }> = [
    { g: 59, year: 2019, index: "very low" },
    { g: 60, year: 2019, index: "low" },
    { g: 259, year: 2019, index: "moderate" },
    { g: 260, year: 2019, index: "high" },
    { g: 360, year: 2030, index: "very high" },
    { g: 79, year: 2018, index: "very low" },
    { g: 380, year: 2018, index: "very high" },
    { g: 99, year: 2017, index: "very low" },
    { g: 100, year: 2017, index: "low" },
    { g: 100, year: 2010, index: "low" },
  ];
  for (const { g, year, index } of rows) assert.is(carbonIndex(g, year), index, `${g} g in ${year}`);
});

test.run();
