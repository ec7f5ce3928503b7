import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadHeatDemand } from "../../../datasets/load-heat-demand.js";
import { demandAt, districtDemand } from "../../../models/heat/district-demand.js";

const house = await loadHeatDemand();
const HOUSE_WH = (40467.921875 - 22950.7333333333) * 1000; // 2019 register difference, Wh

function max(a: Float64Array): number {
  let m = -Infinity;
  for (let k = 0; k < a.length; k++) if (a[k] > m) m = a[k];
  return m;
}
function sum(a: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k];
  return s;
}

test("districtDemand(house, scale) scales the hourly shape by one factor (table)", () => {
  // Columns: scale → houses-equivalent, total Wh, peak W.
  const peakHouseW = 9052.631578899309;
  const rows: [Parameters<typeof districtDemand>[1], number, number, number][] = [
    [{ houses: 1000 }, 1000, 1000 * HOUSE_WH, 1000 * peakHouseW],
    [{ peakW: 20e6 }, 20e6 / peakHouseW, (20e6 / peakHouseW) * HOUSE_WH, 20e6],
    [{ annualWh: 100e9 }, 100e9 / HOUSE_WH, 100e9, (100e9 / HOUSE_WH) * peakHouseW],
  ];
  for (const [scale, houses, totalWh, peakW] of rows) {
    const d = districtDemand(house, scale);
    const label = JSON.stringify(scale);
    assert.ok(Math.abs(d.houses - houses) <= 1e-9 * houses, `${label} houses ${d.houses}`);
    assert.ok(Math.abs(d.totalWh - totalWh) <= 1e-9 * totalWh, `${label} total ${d.totalWh}`);
    assert.ok(Math.abs(sum(d.demandW) - totalWh) <= 1e-9 * totalWh, `${label} sum`);
    assert.ok(Math.abs(d.peakW - peakW) <= 1e-9 * peakW && Math.abs(max(d.demandW) - peakW) <= 1e-9 * peakW, `${label} peak`);
    // Same shape: every hour is the house's hour times the factor.
    for (const k of [0, 608, 4000, 8759]) assert.ok(Math.abs(d.demandW[k] - houses * house.heatW[k]) <= 1e-6 * Math.max(1, d.demandW[k]));
    assert.is(d.stepS, 3600);
    assert.is(d.startUtc, "2019-01-01T00:00:00Z");
  }
});

test("districtDemand smoothHours keeps the annual energy and lowers the peak (9.05 → 6.00 → 5.29 kW per house)", () => {
  const rows: [number, number][] = [[1, 9052.63], [3, 6000.0], [5, 5290.03]];
  for (const [hours, peakW] of rows) {
    const d = districtDemand(house, { houses: 1 }, hours);
    assert.ok(Math.abs(d.totalWh - HOUSE_WH) <= 1e-9 * HOUSE_WH, `${hours} h: total ${d.totalWh}`);
    assert.ok(Math.abs(d.peakW - peakW) < 0.01, `${hours} h: peak ${d.peakW}`);
  }
  // The average at hour k is the centred mean of the raw hours (wrapping at the year's ends).
  const d3 = districtDemand(house, { houses: 1 }, 3);
  assert.ok(Math.abs(d3.demandW[100] - (house.heatW[99] + house.heatW[100] + house.heatW[101]) / 3) < 1e-9);
  assert.ok(Math.abs(d3.demandW[0] - (house.heatW[8759] + house.heatW[0] + house.heatW[1]) / 3) < 1e-9);
});

test("districtDemand: 12,000 houses use 210.2 GWh a year, within 3 % of Odense's ~215 GWh for >12,000 households [S]", () => {
  const d = districtDemand(house, { houses: 12_000 });
  assert.ok(Math.abs(d.totalWh / 1e9 - 210.206) < 0.001, `${d.totalWh / 1e9} GWh`);
  assert.ok(Math.abs(d.totalWh / 215e9 - 1) < 0.03);
});

test("demandAt(demand, tS) holds each hour's value and repeats the profile", () => {
  const d = districtDemand(house, { houses: 10 });
  assert.is(demandAt(d, 0), d.demandW[0]);
  assert.is(demandAt(d, 3599.999), d.demandW[0]);
  assert.is(demandAt(d, 5400), d.demandW[1]);
  assert.is(demandAt(d, 8760 * 3600 + 7200), d.demandW[2]);
  assert.is(demandAt(d, -1), d.demandW[8759]);
  assert.is(demandAt(d, NaN), 0);
});

test("districtDemand refuses a bad scale, smoothing window or profile", () => {
  assert.throws(() => districtDemand(house, { houses: 0 }), /scale/);
  assert.throws(() => districtDemand(house, { houses: 5, peakW: 3 } as never), /scale/);
  assert.throws(() => districtDemand(house, { peakW: NaN }), /scale/);
  assert.throws(() => districtDemand(house, { houses: 1 }, 2), /smoothHours/);
  assert.throws(() => districtDemand(house, { houses: 1 }, 1.5), /smoothHours/);
  assert.throws(() => districtDemand({ stepS: 3600, heatW: new Float64Array(0), startUtc: "" }, { houses: 1 }), /empty/);
  assert.throws(() => districtDemand({ stepS: 3600, heatW: new Float64Array(4), startUtc: "" }, { peakW: 1 }), /all zero/);
});

test.run();
