import { test } from "uvu";
import * as assert from "uvu/assert";
import { createRng } from "../../../models/lib/rng.js";
import {
  carnotCop,
  createHeatPumps,
  HeatPumpLimit,
  heatPumpCop,
  heatPumpParamIssues,
  odenseHeatPump,
  setHeatPumpParams,
  stepHeatPumps,
  type HeatPumps,
} from "../../../models/heat/heat-pump.js";

const K = 273.15;

function rel(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

/** One running unit with an ideal (non-cooling) source and a sink flow that leaves at `sinkOutC` for `heatW`. */
function unitAt(sourceC: number, sinkInC: number, sinkOutC: number, heatW: number, carnotFrac = 0.5, pinchK = 0): HeatPumps {
  const hp = createHeatPumps(1);
  setHeatPumpParams(hp, 0, { ...odenseHeatPump, carnotFrac, pinchK, minPartLoadFrac: 0 });
  hp.onCmd[0] = 1;
  hp.heatRequestW[0] = heatW;
  hp.sourceInC[0] = sourceC;
  hp.sourceCWpK[0] = Infinity;
  hp.sinkInC[0] = sinkInC;
  hp.sinkCWpK[0] = heatW / (sinkOutC - sinkInC);
  hp.sinkOutSetC[0] = sinkOutC + 1; // the setpoint does not bind
  stepHeatPumps(hp, 60);
  return hp;
}

// docs/physics-sources.md §5.1, worked Carnot and real-COP values [D].
const WORKED = [
  { sourceC: 27, sinkC: 75, copCarnot: 7.25, cop050: 3.6, cop055: 4.0 },
  { sourceC: 30, sinkC: 70, copCarnot: 8.58, cop050: 4.3, cop055: 4.7 },
  { sourceC: 45, sinkC: 80, copCarnot: 10.1, cop050: 5.0, cop055: 5.5 },
  { sourceC: 50, sinkC: 90, copCarnot: 9.1, cop050: 4.5, cop055: 5.0 },
];

test("heatPumpCop at Carnot fraction 0.55 matches the §5.1 worked table within 1 % (0.5: a validation claim)", () => {
  // Carnot COP and COP at 0.5 against the table: test/validation/published-curves.claims.ts.
  for (const row of WORKED) assert.ok(rel(heatPumpCop(0.55, 0, row.sourceC, row.sinkC), row.cop055) < 0.01, `${row.sourceC}→${row.sinkC} ×0.55`);
});

test("carnotCop(source, sink) is T_sink/(T_sink − T_source) in kelvin", () => {
  assert.ok(Math.abs(carnotCop(27, 75) - (75 + K) / 48) < 1e-12);
  assert.ok(Math.abs(carnotCop(-10, 35) - (35 + K) / 45) < 1e-12);
  // Lifts under 1 K are evaluated at 1 K (a guard, not a physical claim).
  assert.is(carnotCop(50, 50), 50 + K);
  assert.is(carnotCop(60, 50), 50 + K);
});

test("stepHeatPumps reproduces the worked table on a running unit within 1 %", () => {
  for (const row of WORKED) {
    const hp = unitAt(row.sourceC, 40, row.sinkC, 2e6);
    assert.is(hp.running[0], 1);
    assert.ok(Math.abs(hp.sourceOutC[0] - row.sourceC) < 1e-9, `source out ${hp.sourceOutC[0]}`);
    assert.ok(Math.abs(hp.sinkOutC[0] - row.sinkC) < 1e-9, `sink out ${hp.sinkOutC[0]}`);
    assert.ok(rel(hp.copCarnot[0], row.copCarnot) < 0.01);
    assert.ok(rel(hp.cop[0], row.cop050) < 0.01, `${row.sourceC}→${row.sinkC}: COP ${hp.cop[0]} vs ${row.cop050}`);
    assert.ok(Math.abs(hp.powerW[0] - 2e6 / hp.cop[0]) < 1e-6);
  }
});

test("stepHeatPumps COP is carnotFrac × T_cond/(T_cond − T_evap) at the outlet temperatures ± pinch", () => {
  // Columns: source in °C, source W/K, sink in °C, sink W/K, heat W, carnotFrac, pinch K.
  const cases = [
    [35, 2e5, 40, 1e5, 3e6, 0.5, 0],
    [35, 2e5, 40, 1e5, 3e6, 0.55, 3],
    [45, 5e4, 55, 2e5, 4e6, 0.45, 2],
    [27, 1e6, 38, 6e4, 2.5e6, 0.6, 5],
  ];
  for (const [srcIn, srcC, sinkIn, sinkC, heatW, eta, pinch] of cases) {
    const hp = createHeatPumps(1);
    setHeatPumpParams(hp, 0, { ...odenseHeatPump, carnotFrac: eta, pinchK: pinch });
    hp.onCmd[0] = 1;
    hp.heatRequestW[0] = heatW;
    hp.sourceInC[0] = srcIn;
    hp.sourceCWpK[0] = srcC;
    hp.sinkInC[0] = sinkIn;
    hp.sinkCWpK[0] = sinkC;
    hp.sinkOutSetC[0] = 90;
    stepHeatPumps(hp, 60);
    const evapK = hp.sourceOutC[0] - pinch + K;
    const condK = hp.sinkOutC[0] + pinch + K;
    const expected = (eta * condK) / (condK - evapK);
    assert.is(hp.running[0], 1);
    assert.ok(rel(hp.cop[0], expected) < 1e-12, `COP ${hp.cop[0]} vs ${expected}`);
    // The outlets follow from the flows: source cooled by sourceHeat/C, sink heated by heat/C.
    assert.ok(Math.abs(hp.sourceOutC[0] - (srcIn - hp.sourceHeatW[0] / srcC)) < 1e-9);
    assert.ok(Math.abs(hp.sinkOutC[0] - (sinkIn + hp.heatW[0] / sinkC)) < 1e-9);
    assert.ok(hp.heatW[0] <= heatW);
  }
});

test("stepHeatPumps closes the heat balance: heatW = sourceHeatW + powerW, and in energy totals", () => {
  const rng = createRng(7, "heat-pump-test", "balance");
  const hp = createHeatPumps(8);
  for (let step = 0; step < 200; step++) {
    for (let i = 0; i < hp.count; i++) {
      hp.onCmd[i] = rng.uniform() < 0.9 ? 1 : 0;
      hp.heatRequestW[i] = rng.uniform() * 6e6;
      hp.sourceInC[i] = 25 + 25 * rng.uniform();
      hp.sourceCWpK[i] = 2e4 + 5e5 * rng.uniform();
      hp.sinkInC[i] = 30 + 15 * rng.uniform();
      hp.sinkCWpK[i] = 2e4 + 2e5 * rng.uniform();
      hp.sinkOutSetC[i] = 70 + 20 * rng.uniform();
    }
    stepHeatPumps(hp, 60);
    for (let i = 0; i < hp.count; i++) {
      const sum = hp.sourceHeatW[i] + hp.powerW[i];
      assert.ok(Math.abs(hp.heatW[i] - sum) <= 1e-9 * Math.max(1, hp.heatW[i]), `unit ${i}: ${hp.heatW[i]} vs ${sum}`);
      assert.ok(hp.powerW[i] >= 0 && hp.sourceHeatW[i] >= 0);
      assert.ok(hp.sourceOutC[i] >= hp.sourceOutMinC[i] - 1e-9);
      assert.ok(hp.sinkOutC[i] <= hp.sinkOutMaxC[i] + 1e-9);
    }
  }
  let running = 0;
  for (let i = 0; i < hp.count; i++) {
    running += hp.runS[i];
    assert.ok(Math.abs(hp.heatWh[i] - (hp.sourceWh[i] + hp.electricWh[i])) <= 1e-9 * Math.max(1, hp.heatWh[i]));
  }
  assert.ok(running > 0, "some units ran");
});

test("stepHeatPumps limits: capacity, minimum part load, off, setpoint (table)", () => {
  // Columns: onCmd, request W, sink W/K, setpoint °C → running, heat W, limit. Sink in 40 °C, ideal source at 35 °C.
  const cap = odenseHeatPump.capacityW;
  const min = odenseHeatPump.minPartLoadFrac * cap;
  const rows: [number, number, number, number, number, number, number][] = [
    [1, 3e6, 1e5, 75, 1, 3e6, HeatPumpLimit.None],
    [1, 9e6, 1e6, 75, 1, cap, HeatPumpLimit.Capacity],
    [1, 1e5, 1e5, 75, 1, min, HeatPumpLimit.MinLoad],
    [1, NaN, 1e5, 75, 1, min, HeatPumpLimit.MinLoad],
    [0, 3e6, 1e5, 75, 0, 0, HeatPumpLimit.Off],
    [1, 4e6, 1e5, 75, 1, 3.5e6, HeatPumpLimit.Setpoint], // 1e5 W/K × (75 − 40) K
    [1, 4e6, 4e4, 75, 1, min, HeatPumpLimit.Setpoint], // 1.4 MW to the setpoint < 1.5 MW minimum: runs at the minimum
    [1, 4e6, 2e4, 75, 0, 0, HeatPumpLimit.SinkMax], // the minimum would leave at 40 + 75 = 115 °C > 90 °C
    [1, 4e6, 0, 75, 0, 0, HeatPumpLimit.NoFlow],
  ];
  for (const [on, req, sinkC, set, running, heatW, limit] of rows) {
    const hp = createHeatPumps(1);
    hp.onCmd[0] = on;
    hp.heatRequestW[0] = req;
    hp.sinkInC[0] = 40;
    hp.sinkCWpK[0] = sinkC;
    hp.sinkOutSetC[0] = set;
    stepHeatPumps(hp, 60);
    const label = `on ${on}, request ${req}, sink ${sinkC} W/K`;
    assert.is(hp.running[0], running, label);
    assert.ok(Math.abs(hp.heatW[0] - heatW) < 1e-6, `${label}: heat ${hp.heatW[0]} vs ${heatW}`);
    assert.is(hp.limit[0], limit, label);
    if (running === 0) {
      assert.is(hp.powerW[0], 0);
      assert.is(hp.sinkOutC[0], hp.sinkInC[0]);
      assert.is(hp.sourceOutC[0], hp.sourceInC[0]);
    }
  }
});

test("stepHeatPumps caps the heat so that the source leaves at sourceOutMinC", () => {
  const hp = createHeatPumps(1);
  hp.onCmd[0] = 1;
  hp.heatRequestW[0] = 5e6;
  hp.sourceInC[0] = 20;
  hp.sourceCWpK[0] = 2e5; // at most 2e5 × (20 − 5) = 3 MW from the source
  hp.sinkInC[0] = 40;
  hp.sinkCWpK[0] = 2e5;
  hp.sinkOutSetC[0] = 75;
  stepHeatPumps(hp, 60);
  assert.is(hp.running[0], 1);
  assert.is(hp.limit[0], HeatPumpLimit.Source);
  assert.ok(Math.abs(hp.sourceOutC[0] - 5) < 1e-6, `source out ${hp.sourceOutC[0]}`);
  assert.ok(Math.abs(hp.sourceHeatW[0] - 3e6) < 1, `source heat ${hp.sourceHeatW[0]}`);
  assert.ok(hp.heatW[0] < 5e6 && hp.heatW[0] > 3e6);
  // A source too cold to run at the minimum stops the unit.
  hp.sourceInC[0] = 5.5;
  stepHeatPumps(hp, 60);
  assert.is(hp.running[0], 0);
  assert.is(hp.limit[0], HeatPumpLimit.Source);
});

test("stepHeatPumps stops a unit whose lift would give COP ≤ 1", () => {
  const hp = createHeatPumps(1);
  setHeatPumpParams(hp, 0, { ...odenseHeatPump, carnotFrac: 0.2, sourceOutMinC: -50 });
  hp.onCmd[0] = 1;
  hp.heatRequestW[0] = 2e6;
  hp.sourceInC[0] = -40; // COP_C to 80 °C: 353 / 120 = 2.9; × 0.2 = 0.59
  hp.sinkInC[0] = 40;
  hp.sinkCWpK[0] = 5e4;
  hp.sinkOutSetC[0] = 80;
  stepHeatPumps(hp, 60);
  assert.is(hp.running[0], 0);
  assert.is(hp.limit[0], HeatPumpLimit.Lift);
});

test("stepHeatPumps totals: 1 h at 2 MW adds 2 MWh of heat, 3,600 s running and one start", () => {
  const hp = unitAt(35, 40, 75, 2e6);
  for (let k = 1; k < 60; k++) stepHeatPumps(hp, 60);
  assert.ok(Math.abs(hp.heatWh[0] - 2e6) < 1e-6);
  assert.ok(Math.abs(hp.electricWh[0] - 2e6 / hp.cop[0]) < 1e-6);
  assert.is(hp.runS[0], 3600);
  assert.is(hp.starts[0], 1);
  hp.onCmd[0] = 0;
  stepHeatPumps(hp, 60);
  hp.onCmd[0] = 1;
  stepHeatPumps(hp, 60);
  assert.is(hp.starts[0], 2);
});

test("stepHeatPumps(state, 0) leaves every field unchanged", () => {
  const hp = unitAt(35, 40, 75, 2e6);
  const before = JSON.stringify(Object.entries(hp).map(([k, v]) => [k, Array.from(v as Float64Array)]).filter(([k]) => k !== "count"));
  stepHeatPumps(hp, 0);
  stepHeatPumps(hp, -60);
  stepHeatPumps(hp, NaN);
  const after = JSON.stringify(Object.entries(hp).map(([k, v]) => [k, Array.from(v as Float64Array)]).filter(([k]) => k !== "count"));
  assert.is(after, before);
});

test("createHeatPumps / setHeatPumpParams validate counts and indexes; heatPumpParamIssues names fields", () => {
  assert.is(createHeatPumps(0).count, 0);
  assert.throws(() => createHeatPumps(-1), /count/);
  assert.throws(() => setHeatPumpParams(createHeatPumps(1), 1, odenseHeatPump), /outside/);
  assert.equal(heatPumpParamIssues(odenseHeatPump, "hp"), []);
  const issues = heatPumpParamIssues({ ...odenseHeatPump, carnotFrac: 1.2, capacityW: 0, sourceOutMinC: 95 }, "hp");
  assert.equal(issues.map((i) => i.path).sort(), ["hp.capacityW", "hp.carnotFrac", "hp.sourceOutMinC"]);
});

test.run();
