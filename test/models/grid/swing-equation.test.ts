import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  GB_GRID_200GVAS,
  ISLANDED_GENSETS_3X5MVA,
  createSwingGrids,
  kineticEnergyWs,
  loadDampingWPerHz,
  setSwingGridParams,
  stepSwingGrids,
  type SwingGridParams,
  type SwingGrids,
} from "../../../models/grid/swing-equation.js";
import { applyGridEvents, createGridEventSchedule } from "../../../models/grid/grid-events.js";

const DT_S = 0.04;

/** One grid with `params`, balanced at a 10 MW site load (the first step captures the reference). */
function grid(params: SwingGridParams): SwingGrids {
  const g = createSwingGrids(1);
  setSwingGridParams(g, 0, params);
  g.pccPowerW[0] = 10e6;
  stepSwingGrids(g, DT_S);
  return g;
}

/** Steps `ticks` ticks and returns Δf at the end of each (end-of-tick state). */
function run(g: SwingGrids, ticks: number, dtS = DT_S): Float64Array {
  const out = new Float64Array(ticks);
  for (let k = 0; k < ticks; k++) {
    stepSwingGrids(g, dtS);
    out[k] = g.deltaFHz[0];
  }
  return out;
}

test("kineticEnergyWs(H, S) and loadDampingWPerHz(d, P, f0) give the ★ V3 islanded E_kin and D = d·P/f₀", () => {
  assert.is(kineticEnergyWs(1.5, 15e6), 22.5e6);
  assert.is(ISLANDED_GENSETS_3X5MVA.kineticEnergyWs, 22.5e6);
  assert.is(loadDampingWPerHz(1, 30e9, 50), 6e8);
});

test("stepSwingGrids: the initial RoCoF after a step ΔP equals f₀·ΔP/(2·E_kin) within 1 % (★ V3 cases)", () => {
  const rows: ReadonlyArray<{ name: string; params: SwingGridParams; stepW: number; tableHzps: number }> = [
    { name: "GB 200 GVA·s, 1,000 MW", params: GB_GRID_200GVAS, stepW: 1000e6, tableHzps: 0.125 },
    { name: "GB 200 GVA·s, 10 MW", params: GB_GRID_200GVAS, stepW: 10e6, tableHzps: 0.00125 },
    { name: "islanded 22.5 MVA·s, 5 MW", params: ISLANDED_GENSETS_3X5MVA, stepW: 5e6, tableHzps: 5.6 },
  ];
  for (const { name, params, stepW, tableHzps } of rows) {
    const closed = (params.f0Hz * stepW) / (2 * params.kineticEnergyWs);
    // The published table rounds 5.556 to 5.6: both within 1 %.
    assert.ok(Math.abs(closed - tableHzps) / tableHzps < 0.01, `${name}: closed form ${closed} vs table ${tableHzps}`);
    for (const dtS of [0.04, 0.001]) {
      const g = grid(params);
      g.lostGenW[0] = stepW; // a generator trip
      stepSwingGrids(g, dtS);
      const rocof = -g.rocofHzps[0];
      const err = Math.abs(rocof - closed) / closed;
      // Over the first tick the governor has barely moved: 1 % at 40 ms, 0.1 % at 1 ms.
      assert.ok(err < (dtS === 0.04 ? 0.01 : 0.001), `${name}, dt ${dtS} s: RoCoF ${rocof.toFixed(6)} Hz/s vs ${closed.toFixed(6)} (${(100 * err).toFixed(3)} %)`);
    }
  }
});

test("stepSwingGrids: a rise of the PCC power is a load step (same trajectory as an equal load-step event)", () => {
  const a = grid(ISLANDED_GENSETS_3X5MVA);
  const b = grid(ISLANDED_GENSETS_3X5MVA);
  a.pccPowerW[0] = 13e6;
  b.loadStepW[0] = 3e6;
  const fa = run(a, 250);
  const fb = run(b, 250);
  for (let k = 0; k < 250; k++) assert.ok(Math.abs(fa[k] - fb[k]) < 1e-12, `tick ${k}`);
  assert.ok(fa[0] < 0, "frequency falls when the site draws more");
  // A battery exporting 1 MW (PCC falls by 1 MW below the reference) raises the frequency.
  const c = grid(ISLANDED_GENSETS_3X5MVA);
  c.pccPowerW[0] = 9e6;
  run(c, 5);
  assert.ok(c.deltaFHz[0] > 0);
});

test("stepSwingGrids: the settled deviation equals the closed form −ΔP/(D + K), or −(ΔP − headroom)/D when the headroom runs out", () => {
  const base: SwingGridParams = { ...ISLANDED_GENSETS_3X5MVA, dampingWPerHz: 0.3e6, headroomUpW: 10e6 };
  const kWPerHz = base.droopBaseW / (base.droopFrac * base.f0Hz); // 7.5 MW/Hz
  const rows: ReadonlyArray<{ case: string; params: SwingGridParams; stepW: number; expectedHz: number }> = [
    { case: "droop, T_g 0.5 s", params: base, stepW: 3e6, expectedHz: -3e6 / (0.3e6 + kWPerHz) },
    { case: "droop, T_g 0 (instant)", params: { ...base, governorTauS: 0 }, stepW: 3e6, expectedHz: -3e6 / (0.3e6 + kWPerHz) },
    { case: "droop, 20 mHz deadband", params: { ...base, deadbandHz: 0.02 }, stepW: 3e6, expectedHz: -(3e6 + kWPerHz * 0.02) / (0.3e6 + kWPerHz) },
    { case: "headroom 2 MW binding", params: { ...base, headroomUpW: 2e6 }, stepW: 3e6, expectedHz: -(3e6 - 2e6) / 0.3e6 },
    { case: "no governor", params: { ...base, droopFrac: Infinity }, stepW: 1e6, expectedHz: -1e6 / 0.3e6 },
    { case: "load lost (over-frequency)", params: base, stepW: -4e6, expectedHz: 4e6 / (0.3e6 + kWPerHz) },
  ];
  for (const row of rows) {
    const g = grid(row.params);
    g.loadStepW[0] = row.stepW;
    run(g, 120 / DT_S); // 120 s: D/M gives a 3 s time constant without a governor
    const got = g.deltaFHz[0];
    assert.ok(Math.abs(got - row.expectedHz) < 1e-6 * Math.max(1, Math.abs(row.expectedHz)), `${row.case}: ${got} Hz, closed form ${row.expectedHz} Hz`);
    assert.ok(Math.abs(g.imbalanceW[0]) < 1, `${row.case}: imbalance ${g.imbalanceW[0]} W at rest`);
    assert.ok(g.govPowerW[0] <= row.params.headroomUpW + 1e-6 && g.govPowerW[0] >= -row.params.headroomDownW - 1e-6);
  }
});

/** Nadir of the linear second-order system (no saturation), closed form. */
function analyticNadir(p: SwingGridParams, stepW: number): { nadirHz: number; tS: number } {
  const m = (2 * p.kineticEnergyWs) / p.f0Hz;
  const k = p.droopBaseW / (p.droopFrac * p.f0Hz);
  const d = p.dampingWPerHz;
  const t = p.governorTauS;
  // Characteristic polynomial M·T·s² + (M + D·T)·s + (D + K) = 0 (underdamped here).
  const a2 = m * t;
  const a1 = m + d * t;
  const a0 = d + k;
  const alpha = -a1 / (2 * a2);
  const beta = Math.sqrt(a0 / a2 - alpha * alpha);
  const xSs = -stepW / (d + k);
  // x(t) = xSs + e^{αt}(A cos βt + B sin βt), x(0) = 0, x'(0) = −ΔP/M.
  const A = -xSs;
  const B = (-stepW / m - alpha * A) / beta;
  // x'(t) = e^{αt}[(αA + βB) cos βt + (αB − βA) sin βt] = 0.
  let tn = Math.atan2(-(alpha * A + beta * B), alpha * B - beta * A) / beta;
  while (tn <= 0) tn += Math.PI / beta;
  const x = xSs + Math.exp(alpha * tn) * (A * Math.cos(beta * tn) + B * Math.sin(beta * tn));
  return { nadirHz: x, tS: tn };
}

function nadirOf(trace: Float64Array): { nadirHz: number; tS: number } {
  let min = 0;
  let at = -1;
  for (let k = 0; k < trace.length; k++) {
    if (trace[k] < min) {
      min = trace[k];
      at = k;
    }
  }
  return { nadirHz: min, tS: (at + 1) * DT_S };
}

test("stepSwingGrids: the nadir matches the second-order closed form (within 0.5 %, time within a tick) and moves as expected with inertia and governor speed", () => {
  // Headroom wide enough that the governor target −K·Δf never reaches it: the system stays linear.
  const base: SwingGridParams = { ...ISLANDED_GENSETS_3X5MVA, dampingWPerHz: 0.3e6, headroomUpW: 20e6 };
  const cases: ReadonlyArray<{ name: string; params: SwingGridParams }> = [
    { name: "islanded", params: base },
    { name: "2 × inertia", params: { ...base, kineticEnergyWs: 2 * base.kineticEnergyWs } },
    { name: "governor 4 × slower", params: { ...base, governorTauS: 4 * base.governorTauS } },
  ];
  const found = cases.map(({ name, params }) => {
    const g = grid(params);
    g.lostGenW[0] = 2e6;
    const got = nadirOf(run(g, 10 / DT_S));
    const want = analyticNadir(params, 2e6);
    assert.ok(Math.abs(got.nadirHz - want.nadirHz) / -want.nadirHz < 0.005, `${name}: nadir ${got.nadirHz} Hz vs closed form ${want.nadirHz} Hz`);
    assert.ok(Math.abs(got.tS - want.tS) <= DT_S, `${name}: nadir at ${got.tS} s vs ${want.tS} s`);
    // The nadir is below the settled value (governor lag makes it overshoot).
    const settled = -2e6 / (0.3e6 + 7.5e6);
    assert.ok(got.nadirHz < settled, `${name}: nadir ${got.nadirHz} not below settled ${settled}`);
    return got;
  });
  const [islanded, heavy, slow] = found as [typeof found[0], typeof found[0], typeof found[0]];
  assert.ok(heavy.nadirHz > islanded.nadirHz && heavy.tS > islanded.tS, "more inertia: shallower, later nadir");
  assert.ok(slow.nadirHz < islanded.nadirHz, "slower governor: deeper nadir");

  // With the islanded 5 MW headroom the slow governor's target saturates (K·|Δf| > 5 MW near the
  // nadir): the nadir is deeper than the linear closed form.
  const limited = grid({ ...base, governorTauS: 2, headroomUpW: 5e6 });
  limited.lostGenW[0] = 2e6;
  const limitedNadir = nadirOf(run(limited, 10 / DT_S));
  assert.ok(limitedNadir.nadirHz < analyticNadir({ ...base, governorTauS: 2 }, 2e6).nadirHz - 0.01, `saturated nadir ${limitedNadir.nadirHz}`);

  // An instantaneous governor gives a first-order fall: no overshoot below the settled value.
  const g = grid({ ...base, governorTauS: 0 });
  g.lostGenW[0] = 2e6;
  const trace = run(g, 10 / DT_S);
  for (let k = 1; k < trace.length; k++) assert.ok(trace[k] <= trace[k - 1] + 1e-15, `T_g = 0 not monotonic at ${k}`);
});

test("stepSwingGrids: a 40 ms and a 10 ms tick give the same trajectory (Δf and tick means within 5e-5 Hz across the headroom clamp)", () => {
  const a = grid(ISLANDED_GENSETS_3X5MVA);
  const b = grid(ISLANDED_GENSETS_3X5MVA);
  // 4 MW: the governor target reaches the 5 MW headroom (K·|Δf| > 5 MW), a kink where RK4 loses order.
  a.lostGenW[0] = 4e6;
  b.lostGenW[0] = 4e6;
  for (let k = 0; k < 200; k++) {
    stepSwingGrids(a, 0.04);
    let meanB = 0;
    for (let s = 0; s < 4; s++) {
      stepSwingGrids(b, 0.01);
      meanB += b.freqHz[0] / 4;
    }
    assert.ok(Math.abs(a.deltaFHz[0] - b.deltaFHz[0]) < 5e-5, `tick ${k}: ${a.deltaFHz[0]} vs ${b.deltaFHz[0]}`);
    assert.ok(Math.abs(a.freqHz[0] - meanB) < 5e-5, `tick ${k} mean: ${a.freqHz[0]} vs ${meanB}`);
  }
  assert.ok(a.minFreqHz[0] < 50 && a.maxAbsRocofHzps[0] > 4, "extremes recorded");
});

test("stepSwingGrids(dtS ≤ 0) changes nothing; the first step captures pccRefW and stays at f₀", () => {
  const g = createSwingGrids(1);
  g.pccPowerW[0] = 7e6;
  stepSwingGrids(g, 0);
  assert.ok(Number.isNaN(g.pccRefW[0]));
  stepSwingGrids(g, DT_S);
  assert.is(g.pccRefW[0], 7e6);
  assert.is(g.deltaFHz[0], 0);
  assert.is(g.freqHz[0], 50);
  assert.throws(() => setSwingGridParams(g, 0, { ...ISLANDED_GENSETS_3X5MVA, kineticEnergyWs: 0 }), /kineticEnergyWs/);
  assert.throws(() => setSwingGridParams(g, 1, ISLANDED_GENSETS_3X5MVA), /outside/);
});

test("applyGridEvents(schedule, t): a trip lasts, a load step holds for its duration, a sag sets its depth only while it lasts", () => {
  const schedule = createGridEventSchedule([
    { kind: "generator-trip", atS: 1, powerW: 2e6 },
    { kind: "load-step", atS: 2, powerW: 1e6, durationS: 0.2 },
    { kind: "voltage-sag", atS: 2, durationS: 0.12, depthFrac: 0.3 },
    { kind: "voltage-sag", atS: 2.04, durationS: 0.04, depthFrac: 0.5 },
  ]);
  const g = createSwingGrids(1);
  const rows: ReadonlyArray<{ k: number; lostW: number; loadW: number; sag: number }> = [
    { k: 24, lostW: 0, loadW: 0, sag: 0 },
    { k: 25, lostW: 2e6, loadW: 0, sag: 0 }, // t = 1.00 s
    { k: 50, lostW: 2e6, loadW: 1e6, sag: 0.3 }, // t = 2.00 s
    { k: 51, lostW: 2e6, loadW: 1e6, sag: 0.5 }, // t = 2.04 s: the deeper sag
    { k: 52, lostW: 2e6, loadW: 1e6, sag: 0.3 },
    { k: 53, lostW: 2e6, loadW: 1e6, sag: 0 }, // t = 2.12 s: sag over
    { k: 54, lostW: 2e6, loadW: 1e6, sag: 0 },
    { k: 55, lostW: 2e6, loadW: 0, sag: 0 }, // t = 2.20 s: load step over
  ];
  for (const { k, lostW, loadW, sag } of rows) {
    const sagOn = applyGridEvents(schedule, k * DT_S, g, 0);
    assert.is(g.lostGenW[0], lostW, `tick ${k} lost`);
    assert.is(g.loadStepW[0], loadW, `tick ${k} load`);
    assert.is(g.sagDepthFrac[0], sag, `tick ${k} sag`);
    assert.is(sagOn, sag > 0);
  }
  assert.throws(() => createGridEventSchedule([{ kind: "generator-trip", atS: 1, powerW: -1 }]), /gridEvents\[0\]\.powerW/);
  assert.throws(() => createGridEventSchedule([{ kind: "voltage-sag", atS: 1, depthFrac: 0.3 }]), /gridEvents\[0\]\.durationS/);
  assert.throws(() => createGridEventSchedule([{ kind: "voltage-sag", atS: 1, durationS: 1, depthFrac: 1.3 }]), /depthFrac/);
});

test.run();
