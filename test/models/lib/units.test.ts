import { test } from "uvu";
import * as assert from "uvu/assert";
import { fromQuantity, type Dimension } from "../../../models/lib/units.js";

const cases: [string | number, Dimension, number | undefined][] = [
  ["40ms", "duration", 0.04],
  ["1.2s", "duration", 1.2],
  ["15min", "duration", 900],
  ["24h", "duration", 86400],
  ["700W", "power", 700],
  ["132kW", "power", 132_000],
  ["9.5MW", "power", 9_500_000],
  ["12.5MVA", "apparentPower", 12_500_000],
  ["65J", "energy", 65],
  ["2MWh", "energy", 7.2e9],
  ["2000W/s", "rampRate", 2000],
  ["2MW/s", "rampRate", 2e6],
  ["10MW/min", "rampRate", 1e7 / 60],
  ["90%", "fraction", 0.9],
  [0.9, "fraction", 0.9],
  ["1.5L/min/kW", "flowPerPower", 1.5e-3 / 60 / 1e3],
  ["50mHz", "frequency", 0.05],
  ["40 ms", "duration", 0.04],
  ["40", "duration", 40],
  ["fast", "duration", undefined],
  ["9.5MX", "power", undefined],
  ["10kg", "power", undefined],
  ["%", "fraction", undefined],
];

test("fromQuantity(text, dimension) returns SI values for known units and undefined otherwise", () => {
  for (const [input, dim, expected] of cases) {
    const got = fromQuantity(input, dim);
    if (expected === undefined) assert.is(got, undefined, `${input} as ${dim}`);
    else assert.ok(Math.abs(got! - expected) <= 1e-12 * Math.abs(expected), `${input} as ${dim}: got ${got}, expected ${expected}`);
  }
});

test("fromQuantity keeps decimal inputs exact: 70% is 0.7 and 40ms is 0.04", () => {
  assert.is(fromQuantity("70%", "fraction"), 0.7);
  assert.is(fromQuantity("40ms", "duration"), 0.04);
  assert.is(fromQuantity("35%", "fraction"), 0.35);
  assert.is(fromQuantity("1.5L/min/kW", "flowPerPower"), 1.5 / 60_000_000);
});

test("fromQuantity refuses non-finite numbers and non-strings", () => {
  assert.is(fromQuantity(Number.NaN, "power"), undefined);
  assert.is(fromQuantity(Infinity, "power"), undefined);
  assert.is(fromQuantity({}, "power"), undefined);
  assert.is(fromQuantity(true, "power"), undefined);
});

test.run();
