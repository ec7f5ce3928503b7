import { test } from "uvu";
import * as assert from "uvu/assert";
import { createHeatPumps, stepHeatPumps } from "../../../models/heat/heat-pump.js";
import {
  createReuseExchangers,
  reuseExchanger10MW,
  reuseExchangerConductanceWpK,
  reuseExchangerParamIssues,
  setReuseExchangerParams,
  stepReuseExchangers,
} from "../../../models/heat/reuse-exchanger.js";
import { uaFromApproach } from "../../../models/thermal/effectiveness-ntu.js";

/** Counterflow ε in closed form (Incropera eq. 11.30a), written out here independently of the model. */
function epsClosedForm(ntu: number, cr: number): number {
  if (cr === 1) return ntu / (1 + ntu);
  const e = Math.exp(-ntu * (1 - cr));
  return (1 - e) / (1 - cr * e);
}

test("stepReuseExchangers duty matches the counterflow ε-NTU closed form (table)", () => {
  // Columns: UA W/K, C_hot W/K, C_cold W/K, hot in °C, cold in °C.
  const rows = [
    [2e5, 1e5, 1e5, 45, 30], // Cr 1, NTU 2: ε = 2/3, Q = 1 MW
    [1e5, 1e5, 2e5, 40, 30], // Cr 0.5, NTU 1
    [1e5, 4e5, 1e5, 40, 30], // Cmin on the cold side
    [5e5, 1e5, 1e9, 35, 20], // Cr ≈ 0: ε ≈ 1 − e^(−5)
    [3.333e6, 1e6, 1e6, 40, 27],
  ];
  const hx = createReuseExchangers(rows.length);
  rows.forEach(([ua, ch, cc, th, tc], i) => {
    setReuseExchangerParams(hx, i, { uaWpK: ua });
    hx.hotCWpK[i] = ch;
    hx.coldCWpK[i] = cc;
    hx.hotInC[i] = th;
    hx.coldInC[i] = tc;
  });
  stepReuseExchangers(hx, 60);
  rows.forEach(([ua, ch, cc, th, tc], i) => {
    const cMin = Math.min(ch, cc);
    const eps = epsClosedForm(ua / cMin, cMin / Math.max(ch, cc));
    const q = eps * cMin * (th - tc);
    assert.ok(Math.abs(hx.dutyW[i] - q) <= 1e-9 * q, `row ${i}: ${hx.dutyW[i]} vs ${q}`);
    assert.ok(Math.abs(hx.effectiveness[i] - eps) < 1e-12);
    // Energy: what the hot stream loses the cold stream gains.
    assert.ok(Math.abs(ch * (th - hx.hotOutC[i]) - q) <= 1e-9 * q);
    assert.ok(Math.abs(cc * (hx.coldOutC[i] - tc) - q) <= 1e-9 * q);
  });
  assert.ok(Math.abs(hx.dutyW[0] - 1e6) < 1e-6, "Cr 1, NTU 2 → 1 MW");
});

test("reuseExchanger10MW moves 10 MW at a 3 K approach with 10 K range on 1 MW/K streams", () => {
  assert.ok(Math.abs(reuseExchanger10MW.uaWpK - uaFromApproach(1e6, 10, 3)) < 1e-6);
  const hx = createReuseExchangers(1);
  hx.hotCWpK[0] = 1e6;
  hx.coldCWpK[0] = 1e6;
  hx.hotInC[0] = 40;
  hx.coldInC[0] = 27;
  stepReuseExchangers(hx, 60);
  assert.ok(Math.abs(hx.dutyW[0] - 10e6) < 1e-3, `${hx.dutyW[0]}`);
  assert.ok(Math.abs(hx.hotOutC[0] - 30) < 1e-9, "hot out 30 °C = cold in + 3 K approach");
  assert.ok(Math.abs(hx.coldOutC[0] - 37) < 1e-9, "cold out 37 °C = hot in − 3 K");
});

test("stepReuseExchangers with a stream bypassed (0 W/K) moves no heat and passes inlets through", () => {
  const hx = createReuseExchangers(2);
  hx.hotInC[0] = 40; hx.coldInC[0] = 30; hx.hotCWpK[0] = 0; hx.coldCWpK[0] = 1e5;
  hx.hotInC[1] = 40; hx.coldInC[1] = 30; hx.hotCWpK[1] = 1e5; hx.coldCWpK[1] = 0;
  stepReuseExchangers(hx, 60);
  for (let i = 0; i < 2; i++) {
    assert.is(hx.dutyW[i], 0);
    assert.is(hx.hotOutC[i], 40);
    assert.is(hx.coldOutC[i], 30);
  }
});

test("stepReuseExchangers totals heat in Wh and leaves the state alone at dtS ≤ 0", () => {
  const hx = createReuseExchangers(1);
  hx.hotCWpK[0] = 1e6; hx.coldCWpK[0] = 1e6; hx.hotInC[0] = 40; hx.coldInC[0] = 27;
  for (let k = 0; k < 60; k++) stepReuseExchangers(hx, 60);
  assert.ok(Math.abs(hx.heatWh[0] - 10e6) < 1e-3);
  const before = hx.heatWh[0];
  hx.coldInC[0] = 0;
  stepReuseExchangers(hx, 0);
  stepReuseExchangers(hx, NaN);
  assert.is(hx.heatWh[0], before);
  assert.ok(Math.abs(hx.dutyW[0] - 10e6) < 1e-3);
});

test("exchanger + heat pump: with the exchanger's ε·Cmin as the source, duty = the heat pump's source heat", () => {
  // Facility water at 40 °C, 600 kW/K; source loop 500 kW/K; network return 40 °C at 100 kW/K, 75 °C setpoint.
  const cases = [[40, 6e5, 5e5, 4e6], [32, 3e5, 3e5, 5e6], [45, 1e6, 2e5, 2e6]];
  for (const [hotIn, cHot, cLoop, request] of cases) {
    const hx = createReuseExchangers(1);
    const hp = createHeatPumps(1);
    hx.hotInC[0] = hotIn; hx.hotCWpK[0] = cHot; hx.coldCWpK[0] = cLoop;
    hp.sourceInC[0] = hotIn;
    hp.sourceCWpK[0] = reuseExchangerConductanceWpK(hx.uaWpK[0], cHot, cLoop);
    hp.onCmd[0] = 1; hp.heatRequestW[0] = request;
    hp.sinkInC[0] = 40; hp.sinkCWpK[0] = 1e5; hp.sinkOutSetC[0] = 75;
    stepHeatPumps(hp, 60);
    hx.coldInC[0] = hp.sourceOutC[0];
    stepReuseExchangers(hx, 60);
    assert.is(hp.running[0], 1);
    assert.ok(Math.abs(hx.dutyW[0] - hp.sourceHeatW[0]) <= 1e-9 * hp.sourceHeatW[0], `${hx.dutyW[0]} vs ${hp.sourceHeatW[0]}`);
    // Network heat = facility heat + electricity, to rounding.
    assert.ok(Math.abs(hp.heatW[0] - (hx.dutyW[0] + hp.powerW[0])) <= 1e-9 * hp.heatW[0]);
    assert.ok(Math.abs(hx.hotOutC[0] - (hotIn - hx.dutyW[0] / cHot)) < 1e-9);
  }
});

test("reuseExchangerConductanceWpK is ε·Cmin and 0 without flow; reuseExchangerParamIssues names uaWpK", () => {
  assert.ok(Math.abs(reuseExchangerConductanceWpK(2e5, 1e5, 1e5) - 2e5 / 3) < 1e-6);
  assert.is(reuseExchangerConductanceWpK(2e5, 0, 1e5), 0);
  assert.equal(reuseExchangerParamIssues(reuseExchanger10MW, "hx"), []);
  assert.is(reuseExchangerParamIssues({ uaWpK: -1 }, "hx")[0]!.path, "hx.uaWpK");
  assert.throws(() => createReuseExchangers(1.5), /count/);
  assert.throws(() => setReuseExchangerParams(createReuseExchangers(1), 3, reuseExchanger10MW), /outside/);
});

test.run();
