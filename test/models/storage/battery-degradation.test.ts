import { test } from "uvu";
import * as assert from "uvu/assert";
import { createRng } from "../../../models/lib/rng.js";
import {
  accumulateBatteryDegradation,
  anodePotentialV,
  applyCapacityFade,
  calendarRate,
  createBatteryDegradation,
  cycleRate,
  lfpGr250AhPrismatic as lfp,
  powerLawStep,
  startBatteryDegradation,
  updateBatteryDegradation,
  type BatteryDegradation,
} from "../../../models/storage/battery-degradation.js";
import { createBatteries, setBatteryParams, siteBess10MWh, stepBatteries } from "../../../models/storage/battery.js";

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

/** V1 case B's day: 0.9 → 0.1 over 4 h, hold 8 h, 0.1 → 0.9 over 4 h, hold 8 h (SOC at each hour). */
const CYCLE_DAY = [0.9, 0.7, 0.5, 0.3, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.3, 0.5, 0.7, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9];

/**
 * Hourly driver, as BLAST-Lite's simulate_battery_life reads an hourly series: SOC point h at
 * t = h hours, one accumulate + update per hour. Returns the loss after each day in `atDays`.
 */
function runHourly(day: number[], tempC: number, atDays: number[], deg?: BatteryDegradation): number[] {
  const d = deg ?? createBatteryDegradation(1);
  d.tempC[0] = tempC;
  startBatteryDegradation(d, [day[0]]);
  const soc = new Float64Array(1);
  const out: number[] = [];
  const lastDay = Math.max(...atDays);
  for (let h = 1; h <= lastDay * 24; h++) {
    soc[0] = day[h % 24];
    accumulateBatteryDegradation(d, soc, 3600);
    updateBatteryDegradation(d);
    if (h % 24 === 0 && atDays.includes(h / 24)) out.push(1 - d.capacityFrac[0]);
  }
  return out;
}

test("anodePotentialV, calendarRate and cycleRate match BLAST-Lite's LFP-Gr 250 Ah functions", () => {
  // Reference values: BLAST-Lite _get_Ua and Lfp_Gr_250AhPrismatic.update_rates (numpy, float64).
  const ua: [soc: number, uaV: number][] = [[0, 0.68435406], [0.1, 0.2332476], [0.5, 0.12330368], [0.9, 0.08818451], [1, 0.08638231]];
  for (const [soc, v] of ua) assert.ok(Math.abs(anodePotentialV(soc) - v) < 1e-8, `Ua(${soc}) = ${anodePotentialV(soc)}`);
  const kcal: [soc: number, tempC: number, perDayPow: number][] = [
    [0.5, 25, 0.0004946233097081542],
    [0.9, 25, 0.0007522959657206932],
    [0.1, 35, 0.0002568489388821251],
    [0.5, 45, 0.0016275832749646072],
  ];
  for (const [soc, t, k] of kcal) assert.ok(rel(calendarRate(lfp, soc, t), k) < 1e-12, `kcal(${soc}, ${t})`);
  const kcyc: [dod: number, cRate: number, tempC: number, perEfcPow: number][] = [
    [0.8, 1.6 / 24, 25, 0.00010439541228852489],
    [1, 0.5, 35, 0.0001748823565874295],
  ];
  for (const [dod, c, t, k] of kcyc) assert.ok(rel(cycleRate(lfp, dod, c, t), k) < 1e-12, `kcyc(${dod}, ${c}, ${t})`);
});

test("powerLawStep follows y = k·x^p exactly at a constant rate, whatever the step", () => {
  const k = 5e-4;
  const p = 0.526;
  for (const dx of [1 / 24, 1, 7, 365]) {
    let y = 0;
    for (let x = dx; x <= 3650 + 1e-9; x += dx) y = powerLawStep(y, k, p, dx);
    const xEnd = Math.round(3650 / dx) * dx;
    assert.ok(rel(y, k * Math.pow(xEnd, p)) < 1e-10, `dx ${dx}: ${y}`);
  }
  assert.is(powerLawStep(0.01, k, p, 0), 0.01);
  assert.is(powerLawStep(0.01, 0, p, 1), 0.01);
  // A rate change continues from the equivalent x: doubling k after x0 gives 2k·(x0/2^(1/p) + dx)^p.
  const y0 = k * Math.pow(100, p);
  assert.ok(rel(powerLawStep(y0, 2 * k, p, 50), 2 * k * Math.pow(100 / Math.pow(2, 1 / p) + 50, p)) < 1e-12);
});

test("updateBatteryDegradation gives the same calendar fade at any update period (constant stressors)", () => {
  // 60 days at SOC 0.5, 25 °C: hourly, 6-hourly and daily updates, and the closed form kcal·t^pcal.
  const expected = calendarRate(lfp, 0.5, 25) * Math.pow(60, lfp.pcal);
  for (const periodH of [1, 6, 24]) {
    const deg = createBatteryDegradation(1);
    startBatteryDegradation(deg, [0.5]);
    const soc = Float64Array.of(0.5);
    for (let h = 1; h <= 60 * 24; h++) {
      accumulateBatteryDegradation(deg, soc, 3600);
      if (h % periodH === 0) updateBatteryDegradation(deg);
    }
    assert.ok(rel(deg.qLossCal[0], expected) < 1e-10, `every ${periodH} h: ${deg.qLossCal[0]} vs ${expected}`);
    assert.is(deg.qLossCyc[0], 0);
    assert.ok(Math.abs(deg.days[0] - 60) < 1e-9);
  }
});

// V1 cases A, B and C against BLAST-Lite, and 60 s vs hourly updates over 10 years: validation
// claims in test/validation/battery-fade.claims.ts.

test("updateBatteryDegradation takes DOD from rainflow cycles and C-rate from the trailing day (case B)", () => {
  const deg = createBatteryDegradation(1);
  runHourly(CYCLE_DAY, 25, [10], deg);
  assert.ok(Math.abs(deg.dodFrac[0] - 0.8) < 1e-12, `DOD ${deg.dodFrac[0]}`);
  assert.ok(Math.abs(deg.cRate[0] - 1.6 / 24) < 1e-12, `C-rate ${deg.cRate[0]}`);
  assert.ok(Math.abs(deg.efc[0] - 8) < 1e-9, `EFC ${deg.efc[0]}`);
  assert.ok(Math.abs(deg.days[0] - 10) < 1e-9);
  assert.ok(rel(deg.kcyc[0], cycleRate(lfp, 0.8, 1.6 / 24, 25)) < 1e-12);
  // Mixed duty: the daily swing plus 100 small ±0.02 wiggles a day. The throughput-weighted DOD lies
  // between the two ranges: (0.8·1.6 + 0.04·100·0.04·2 …) computed from the counted cycles.
  const mixed = createBatteryDegradation(1);
  startBatteryDegradation(mixed, [0.9]);
  const soc = new Float64Array(1);
  let cr = 0;
  let cr2 = 0;
  for (let day = 0; day < 3; day++) {
    for (let h = 1; h <= 24; h++) {
      const base = CYCLE_DAY[h % 24];
      for (let m = 0; m < 4; m++) {
        // 4 wiggles per hour of amplitude 0.02 (range 0.04) on top of the hourly path.
        soc[0] = base + (m % 2 === 0 ? 0.02 : -0.02);
        accumulateBatteryDegradation(mixed, soc, 900);
      }
      updateBatteryDegradation(mixed);
    }
  }
  // The window is the last 24 closed hourly buckets (the open one is empty after a whole hour).
  const slots = mixed.windowBuckets + 1;
  for (let j = 1; j <= 24; j++) {
    const k = (mixed.winHead - j + slots) % slots;
    cr += mixed.winCr[k];
    cr2 += mixed.winCr2[k];
  }
  assert.ok(mixed.dodFrac[0] > 0.1 && mixed.dodFrac[0] < 0.8, `mixed DOD ${mixed.dodFrac[0]}`);
  assert.ok(Math.abs(mixed.dodFrac[0] - cr2 / cr) < 1e-12);
});

test("accumulateBatteryDegradation on a 40 ms battery run counts the battery's own cycles", () => {
  // Two units of siteBess10MWh for 2 h at 40 ms: one following a ±5 MW 1-minute square wave, one idle.
  const bess = createBatteries(2);
  setBatteryParams(bess, 0, siteBess10MWh);
  setBatteryParams(bess, 1, siteBess10MWh);
  const deg = createBatteryDegradation(2);
  startBatteryDegradation(deg, bess.socFrac);
  const dtS = 0.04;
  let sumDsoc = 0;
  let last = bess.socFrac[0];
  for (let k = 0; k < (2 * 3600) / dtS; k++) {
    bess.setpointW[0] = Math.floor((k * dtS) / 60) % 2 === 0 ? 5e6 : -5e6;
    stepBatteries(bess, dtS);
    accumulateBatteryDegradation(deg, bess.socFrac, dtS);
    sumDsoc += Math.abs(bess.socFrac[0] - last);
    last = bess.socFrac[0];
    if ((k + 1) % 90000 === 0) updateBatteryDegradation(deg); // hourly
  }
  assert.ok(rel(deg.efc[0], sumDsoc / 2) < 1e-12, `EFC ${deg.efc[0]} vs ${sumDsoc / 2}`);
  // Each minute moves the SOC by ≈ 5 MW × 1/60 h × η / 10 MWh: the rainflow DOD is that swing.
  const swing = (5e6 / 60) * Math.sqrt(0.85) / 10e6;
  assert.ok(Math.abs(deg.dodFrac[0] - swing) < 0.1 * swing, `DOD ${deg.dodFrac[0]} vs ≈${swing}`);
  assert.is(deg.efc[1], 0);
  assert.is(deg.qLossCyc[1], 0);
  assert.ok(deg.qLossCal[1] > 0 && deg.qLossCyc[0] > 0);
  assert.ok(Math.abs(deg.days[0] - 2 / 24) < 1e-9);
});

test("applyCapacityFade shrinks the battery's usable energy by capacityFrac", () => {
  const deg = createBatteryDegradation(1);
  runHourly(CYCLE_DAY, 25, [3650], deg);
  const q = deg.capacityFrac[0];
  const bess = createBatteries(1);
  applyCapacityFade(deg, bess);
  assert.is(bess.capacityFrac[0], q);
  bess.setpointW[0] = 1e7;
  for (let k = 0; k < 3600; k++) stepBatteries(bess, 2);
  assert.ok(rel(bess.storedWh[0], 0.95 * q * 10e6) < 1e-12, `full at ${bess.storedWh[0]} Wh, q ${q}`);
});

test("degradationScalar and temperature scale the fade as the model says", () => {
  const deg = createBatteryDegradation(3);
  deg.degradationScalar[1] = 1.25; // a pack fading 25 % faster than cells (BLAST-Lite README)
  deg.tempC[2] = 45;
  startBatteryDegradation(deg, [0.5, 0.5, 0.5]);
  const soc = Float64Array.of(0.5, 0.5, 0.5);
  for (let h = 0; h < 24 * 30; h++) {
    accumulateBatteryDegradation(deg, soc, 3600);
    updateBatteryDegradation(deg);
  }
  assert.ok(rel(deg.qLossCal[1], 1.25 * deg.qLossCal[0]) < 1e-10);
  const ratio = calendarRate(lfp, 0.5, 45) / calendarRate(lfp, 0.5, 25);
  assert.ok(rel(deg.qLossCal[2], ratio * deg.qLossCal[0]) < 1e-10, `45 °C ratio ${deg.qLossCal[2] / deg.qLossCal[0]}`);
  assert.throws(() => createBatteryDegradation(-1), /count/);
  assert.throws(() => createBatteryDegradation(1, { windowBuckets: 0 }), /windowBuckets/);
  assert.throws(() => createBatteryDegradation(1, { windowS: 0 }), /windowS/);
});

test("accumulateBatteryDegradation ignores NaN SOCs and dtS ≤ 0", () => {
  const rng = createRng(1, "degradation", "nan");
  const deg = createBatteryDegradation(1);
  const soc = new Float64Array(1);
  for (let k = 0; k < 100; k++) {
    soc[0] = rng.uniform() < 0.2 ? NaN : 0.5 + 0.1 * rng.uniform();
    accumulateBatteryDegradation(deg, soc, k % 10 === 0 ? 0 : 1);
  }
  updateBatteryDegradation(deg);
  assert.ok(Number.isFinite(deg.capacityFrac[0]) && deg.capacityFrac[0] < 1);
  assert.ok(deg.days[0] > 0 && deg.days[0] <= 90 / 86400 + 1e-12);
});

test.run();
