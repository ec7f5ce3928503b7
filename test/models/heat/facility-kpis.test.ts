import { test } from "uvu";
import * as assert from "uvu/assert";
import { ere, erf, facilityKpis, heatReuseAtBoundary, partialPue, pue } from "../../../models/heat/facility-kpis.js";

const close = (a: number, b: number, tol = 1e-12): boolean => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

test("pue, erf, ere, partialPue on a table of energy totals", () => {
  // Columns: total_wh, it_wh, reuse_wh → pue, erf, ere (hand-computed).
  const rows = [
    { totalWh: 1036, itWh: 1000, reuseWh: 0, pue: 1.036, erf: 0, ere: 1.036 }, // NREL ESIF annualised PUE [P], no reuse
    { totalWh: 1080, itWh: 1000, reuseWh: 270, pue: 1.08, erf: 0.25, ere: 0.81 },
    { totalWh: 1570, itWh: 1000, reuseWh: 157, pue: 1.57, erf: 0.1, ere: 1.413 }, // Uptime 2021 average PUE [S]
    { totalWh: 1.1e9, itWh: 1e9, reuseWh: 5.5e8, pue: 1.1, erf: 0.5, ere: 0.55 },
    { totalWh: 1200, itWh: 1000, reuseWh: 1200, pue: 1.2, erf: 1, ere: 0 },
  ];
  for (const r of rows) {
    assert.ok(close(pue(r.totalWh, r.itWh), r.pue), `pue ${JSON.stringify(r)}`);
    assert.ok(close(erf(r.reuseWh, r.totalWh), r.erf), `erf ${JSON.stringify(r)}`);
    assert.ok(close(ere(r.totalWh, r.reuseWh, r.itWh), r.ere), `ere ${JSON.stringify(r)}`);
    // ERE = (1 − ERF)·PUE
    assert.ok(close(ere(r.totalWh, r.reuseWh, r.itWh), (1 - erf(r.reuseWh, r.totalWh)) * pue(r.totalWh, r.itWh)));
  }
  // Columns: it_wh, subsystem_wh → partial PUE.
  for (const [itWh, subWh, expected] of [[1000, 30, 1.03], [1000, 0, 1], [2e9, 1e8, 1.05]]) {
    assert.ok(close(partialPue(itWh, subWh), expected), `partialPue(${itWh}, ${subWh})`);
  }
  assert.ok(Number.isNaN(pue(100, 0)) && Number.isNaN(ere(100, 0, 0)) && Number.isNaN(erf(0, 0)) && Number.isNaN(partialPue(0, 5)));
});

test("facilityKpis counts only reuse outside the boundary; PUE − 1 = Σ(pPUE − 1); ERE = (1 − ERF)·PUE", () => {
  // Columns: it_wh, cooling_wh, electrical_wh, heat_pump_wh, outside_wh, inside_wh → pue, erf, ere.
  const rows = [
    [1000, 30, 50, 0, 270, 0, 1.08, 0.25, 0.81],
    [1000, 30, 50, 0, 270, 500, 1.08, 0.25, 0.81], // heating the site's own offices does not count
    [1000, 30, 50, 120, 900, 0, 1.2, 0.75, 0.3],
    [8e9, 4e8, 3.8e8, 0, 0, 1e9, 1.0975, 0, 1.0975],
  ];
  for (const [itWh, coolingWh, electricalWh, heatPumpWh, outWh, inWh, pueX, erfX, ereX] of rows) {
    const k = facilityKpis({
      itWh,
      overheadWh: { cooling: coolingWh, electrical: electricalWh, heatPumps: heatPumpWh },
      reuse: [
        { name: "district network", heatWh: outWh, outsideBoundary: true },
        { name: "office heating", heatWh: inWh, outsideBoundary: false },
      ],
    });
    const label = JSON.stringify([itWh, coolingWh, electricalWh, heatPumpWh, outWh, inWh]);
    assert.ok(close(k.totalFacilityWh, itWh + coolingWh + electricalWh + heatPumpWh), label);
    assert.ok(close(k.pue, pueX), `${label}: pue ${k.pue}`);
    assert.ok(close(k.erf, erfX), `${label}: erf ${k.erf}`);
    assert.ok(close(k.ere, ereX), `${label}: ere ${k.ere}`);
    assert.is(k.reuseWh, outWh);
    assert.is(k.reuseInsideWh, inWh);
    assert.ok(close(k.ere, (1 - k.erf) * k.pue), `${label}: ERE = (1 − ERF)·PUE`);
    const sumPartial = Object.values(k.partialPue).reduce((s, p) => s + (p - 1), 0);
    assert.ok(close(k.pue - 1, sumPartial), `${label}: PUE − 1 = Σ(pPUE − 1)`);
    assert.ok(close(k.partialPue.cooling!, 1 + coolingWh / itWh));
  }
});

test("facilityKpis refuses negative energies and reuse above the facility total, naming the field", () => {
  const base = { itWh: 1000, overheadWh: { cooling: 50 }, reuse: [] };
  assert.throws(() => facilityKpis({ ...base, itWh: -1 }), /itWh/);
  assert.throws(() => facilityKpis({ ...base, overheadWh: { cooling: NaN } }), /overheadWh\.cooling/);
  assert.throws(() => facilityKpis({ ...base, reuse: [{ name: "dh", heatWh: -5, outsideBoundary: true }] }), /reuse\[0\]\.heatWh \(dh\)/);
  assert.throws(() => facilityKpis({ ...base, reuse: [{ name: "dh", heatWh: 1051, outsideBoundary: true }] }), /exceeds/);
  // Inside reuse may exceed it: it is not counted.
  assert.is(facilityKpis({ ...base, reuse: [{ name: "office", heatWh: 5000, outsideBoundary: false }] }).erf, 0);
});

test("heatReuseAtBoundary: heat pumps inside count their output and electricity; outside, the exchanger export", () => {
  // Columns: exchanger_wh, hp_heat_wh, hp_electric_wh, inside → reuse_wh, hp_overhead_wh, then PUE/ERE with IT 1000, cooling 60.
  const rows: [number, number, number, boolean, number, number, number, number][] = [
    [300, 400, 100, true, 400, 100, 1.16, 0.76],
    [300, 400, 100, false, 300, 0, 1.06, 0.76],
    [0, 0, 0, true, 0, 0, 1.06, 1.06],
  ];
  for (const [exWh, hpWh, elWh, inside, reuseWh, overheadWh, pueX, ereX] of rows) {
    const b = heatReuseAtBoundary({ exchangerHeatWh: exWh, heatPumpHeatWh: hpWh, heatPumpElectricWh: elWh, heatPumpsInsideBoundary: inside });
    assert.is(b.reuse.heatWh, reuseWh);
    assert.is(b.reuse.outsideBoundary, true);
    assert.is(b.heatPumpOverheadWh, overheadWh);
    const k = facilityKpis({ itWh: 1000, overheadWh: { cooling: 60, heatPumps: b.heatPumpOverheadWh }, reuse: [b.reuse] });
    assert.ok(close(k.pue, pueX), `pue ${k.pue}`);
    assert.ok(close(k.ere, ereX), `ere ${k.ere}`);
  }
});

test.run();
