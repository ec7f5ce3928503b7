import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadHeatDemand } from "../../../datasets/load-heat-demand.js";
import { demandAt, districtDemand, type DistrictDemand } from "../../../models/heat/district-demand.js";
import {
  createDistrictNetworks,
  districtNetworkParamIssues,
  network1000Houses,
  planDistrictNetworks,
  setDistrictNetworkParams,
  setNetworkDemandFrom,
  sizeDistrictNetwork,
  stepDistrictNetworks,
  type DistrictNetworkParams,
  type DistrictNetworks,
} from "../../../models/heat/district-network.js";
import { WATER } from "../../../models/thermal/fluids.js";

const CP = WATER.cpJpKgK;
const RHO_CP = WATER.densityKgM3 * WATER.cpJpKgK;
const house = await loadHeatDemand();
const demand1000 = districtDemand(house, { houses: 1000 }, 5);

/**
 * A test plant: puts in the heat that would hold the supply pipes at `setC` in steady state
 * (G·(set − T_r) + k_s·(set − T_ground)), capped to [0, capW]. Returns the heat written.
 */
function plantTo(net: DistrictNetworks, i: number, setC: number, capW: number): number {
  planDistrictNetworks(net);
  const g = net.flowKgS[i] * CP;
  let q = g * (setC - net.returnC[i]) + net.supplyLossWpK[i] * (setC - net.groundC[i]);
  q = q > 0 ? (q < capW ? q : capW) : 0;
  net.plantHeatW[i] = q;
  return q;
}

interface Run {
  net: DistrictNetworks;
  s0: number;
  r0: number;
}

function run(params: DistrictNetworkParams, demand: DistrictDemand, dtS: number, seconds: number, setC: number, capW: number, startS = 0): Run {
  const net = createDistrictNetworks(1);
  setDistrictNetworkParams(net, 0, params);
  const s0 = net.supplyC[0];
  const r0 = net.returnC[0];
  const steps = Math.round(seconds / dtS);
  for (let k = 0; k < steps; k++) {
    setNetworkDemandFrom(net, 0, demand, startS + k * dtS);
    plantTo(net, 0, setC, capW);
    stepDistrictNetworks(net, dtS);
  }
  return { net, s0, r0 };
}

function assertBalance(r: Run, label: string): void {
  const n = r.net;
  const supplied = n.suppliedWh[0];
  const rhs = n.deliveredWh[0] + n.storedWh[0] + n.lossWh[0];
  assert.ok(Math.abs(supplied - rhs) <= 1e-9 * supplied, `${label}: supplied ${supplied} vs ${rhs} Wh`);
  assert.ok(Math.abs(n.demandWh[0] - (n.deliveredWh[0] + n.unmetWh[0])) <= 1e-9 * n.demandWh[0], `${label}: demand`);
  // Stored heat is the change of the two water volumes' heat content.
  const storedWh = (n.supplyMassJpK[0] * (n.supplyC[0] - r.s0) + n.returnMassJpK[0] * (n.returnC[0] - r.r0)) / 3600;
  assert.ok(Math.abs(n.storedWh[0] - storedWh) <= 1e-9 * supplied, `${label}: stored ${n.storedWh[0]} vs ${storedWh} Wh`);
}

test("stepDistrictNetworks: supplied = delivered + Δstored + losses over 2019 at 1 h and a January week at 1 min", () => {
  const params = sizeDistrictNetwork(demand1000);
  const year = run(params, demand1000, 3600, 8760 * 3600, 70, 12e6);
  assertBalance(year, "2019 at 1 h");
  const week = run(params, demand1000, 60, 7 * 86400, 70, 3e6, 14 * 86400);
  assertBalance(week, "January week at 1 min");
  assert.ok(week.net.unmetWh[0] > 0, "a 3 MW plant leaves some January demand unmet");
  // Every tick: flow within its limits.
  assert.ok(week.net.flowKgS[0] <= params.flowMaxKgS && week.net.flowKgS[0] >= params.flowMinKgS);
});

test("sizeDistrictNetwork: a plant holding 70 °C loses 20 % ± 2 points of its heat over 2019 (the sizing target)", () => {
  const params = sizeDistrictNetwork(demand1000);
  const { net } = run(params, demand1000, 3600, 8760 * 3600, 70, 50e6);
  const lossFrac = net.lossWh[0] / net.suppliedWh[0];
  assert.ok(Math.abs(lossFrac - 0.2) < 0.02, `loss fraction ${lossFrac}`);
  assert.ok(net.unmetWh[0] < 1e-6 * net.demandWh[0], `unmet ${net.unmetWh[0]} Wh with an unlimited plant`);
  assert.ok(Math.abs(net.deliveredWh[0] - demand1000.totalWh) <= 1e-9 * demand1000.totalWh);
});

// Hand calculation: ground 10 °C, k = 1,000 W/K each way, substations return at 40 °C, D = 1 MW.
// For a steady supply at 70 °C: G = D/(70 − 40) = 33,333.3 W/K; return pipes G·(70 − R) = D + k·(R − 10)
// → R = (70·G − D + 10·k)/(G + k) = 39.1262 °C; plant Q = D + k·(70 − 10) + k·(R − 10) = 1,089,126.2 W.
const HAND: DistrictNetworkParams = {
  supplyVolumeM3: 200, returnVolumeM3: 200, supplyLossWpK: 1000, returnLossWpK: 1000,
  returnDesignC: 40, supplyMinC: 60, flowMaxKgS: 100, flowMinKgS: 0, supplyInitC: 70, returnInitC: 39.126213592233,
};
const HAND_R = (70 * (1e6 / 30) - 1e6 + 10 * 1000) / (1e6 / 30 + 1000);
const HAND_Q = 1e6 + 1000 * 60 + 1000 * (HAND_R - 10);

test("stepDistrictNetworks steady state matches the hand calculation (supply 70 °C, return 39.126 °C)", () => {
  assert.ok(Math.abs(HAND_R - 39.126213592233) < 1e-9);
  // Starting there it stays; starting elsewhere it gets there (the slowest mode is the losses' τ = C/k ≈ 232 h).
  for (const [s, r, hours, dtS] of [[70, HAND_R, 1, 60], [62, 35, 6000, 3600]] as const) {
    const net = createDistrictNetworks(1);
    setDistrictNetworkParams(net, 0, { ...HAND, supplyInitC: s, returnInitC: r });
    net.groundC[0] = 10;
    for (let k = 0; k < (hours * 3600) / dtS; k++) {
      net.demandW[0] = 1e6;
      net.plantHeatW[0] = HAND_Q;
      stepDistrictNetworks(net, dtS);
    }
    assert.ok(Math.abs(net.supplyC[0] - 70) < 1e-6, `from ${s} °C: supply ${net.supplyC[0]}`);
    assert.ok(Math.abs(net.returnC[0] - HAND_R) < 1e-6, `from ${s} °C: return ${net.returnC[0]}`);
    assert.ok(Math.abs(net.flowKgS[0] - 1e6 / 30 / CP) < 1e-6);
    assert.ok(Math.abs(net.deliveredW[0] - 1e6) < 1e-6);
    assert.ok(Math.abs(net.lossW[0] - (HAND_Q - 1e6)) < 1e-3);
    assert.ok(Math.abs(net.consumerReturnC[0] - 40) < 1e-6, "substations return at 40 °C");
    assert.ok(Math.abs(net.plantOutC[0] - (HAND_R + HAND_Q / (1e6 / 30))) < 1e-6);
  }
});

test("stepDistrictNetworks without plant heat cools the network until demand goes unmet", () => {
  const net = createDistrictNetworks(1);
  const cap = network1000Houses.flowMaxKgS * CP * (70 - 35);
  let firstUnmetS = -1;
  for (let k = 0; k < 48 * 60; k++) {
    net.demandW[0] = 4e6;
    net.plantHeatW[0] = 0;
    stepDistrictNetworks(net, 60);
    assert.ok(Math.abs(net.deliveredW[0] + net.unmetW[0] - 4e6) < 1e-6);
    assert.ok(net.flowKgS[0] <= network1000Houses.flowMaxKgS + 1e-12);
    assert.ok(net.deliveredW[0] <= cap);
    if (firstUnmetS < 0 && net.unmetW[0] > 0) firstUnmetS = (k + 1) * 60;
  }
  // 4 MW needs T_s − 35 ≥ 4e6/(77.35·4180) = 12.4 K: once the supply falls below ~47.4 °C, delivery is flow-limited.
  assert.ok(firstUnmetS > 0, "demand goes unmet");
  assert.ok(net.supplyC[0] < 47.5, `supply ${net.supplyC[0]}`);
  assert.ok(net.unmetWh[0] > 0 && net.underTempS[0] > 0);
});

test("stepDistrictNetworks with only losses decays at τ = C/k, as the closed form e^(−t/τ) (within 0.1 %)", () => {
  // Equal volumes and conductances, no demand, minimum flow: the mean excess over ground decays with τ = ρ·cp·V/k.
  const params: DistrictNetworkParams = { ...HAND, flowMinKgS: 5, supplyInitC: 70, returnInitC: 40 };
  const net = createDistrictNetworks(1);
  setDistrictNetworkParams(net, 0, params);
  net.groundC[0] = 10;
  const tau = (RHO_CP * params.supplyVolumeM3) / params.supplyLossWpK; // 836,000 s ≈ 9.7 days
  const dtS = 60;
  const hours = 48;
  for (let k = 0; k < hours * 60; k++) stepDistrictNetworks(net, dtS);
  const excess = (net.supplyC[0] + net.returnC[0]) / 2 - 10;
  const expected = 45 * Math.exp(-(hours * 3600) / tau);
  assert.ok(Math.abs(excess / expected - 1) < 1e-3, `excess ${excess} vs ${expected}`);
});

test("stepDistrictNetworks converges with the tick: 10 min and 1 min agree with 10 s to 0.05 K over a January day", () => {
  const params = sizeDistrictNetwork(demand1000);
  const start = 14 * 86400;
  const ref = run(params, demand1000, 10, 86400, 70, 6e6, start).net;
  for (const dtS of [60, 600]) {
    const n = run(params, demand1000, dtS, 86400, 70, 6e6, start).net;
    assert.ok(Math.abs(n.supplyC[0] - ref.supplyC[0]) < 0.05, `${dtS} s: supply ${n.supplyC[0]} vs ${ref.supplyC[0]}`);
    assert.ok(Math.abs(n.returnC[0] - ref.returnC[0]) < 0.05, `${dtS} s: return ${n.returnC[0]} vs ${ref.returnC[0]}`);
    assert.ok(Math.abs(n.deliveredWh[0] / ref.deliveredWh[0] - 1) < 1e-3);
  }
});

test("stepDistrictNetworks(state, 0) changes no state or totals; setNetworkDemandFrom writes demandAt", () => {
  const net = createDistrictNetworks(2);
  assert.is(setNetworkDemandFrom(net, 1, demand1000, 7200), demandAt(demand1000, 7200));
  assert.is(net.demandW[1], demand1000.demandW[2]);
  net.plantHeatW[1] = 1e6;
  stepDistrictNetworks(net, 60);
  const snapshot = [net.supplyC[1], net.returnC[1], net.deliveredWh[1], net.suppliedWh[1], net.lossWh[1], net.storedWh[1]];
  stepDistrictNetworks(net, 0);
  stepDistrictNetworks(net, NaN);
  assert.equal([net.supplyC[1], net.returnC[1], net.deliveredWh[1], net.suppliedWh[1], net.lossWh[1], net.storedWh[1]], snapshot);
});

test("sizeDistrictNetwork(1,000 houses) gives network1000Houses; districtNetworkParamIssues names fields", () => {
  const sized = sizeDistrictNetwork(districtDemand(house, { houses: 1000 }));
  for (const key of Object.keys(network1000Houses) as (keyof DistrictNetworkParams)[]) {
    const a = sized[key];
    const b = network1000Houses[key];
    assert.ok(Math.abs(a - b) <= 1e-4 * Math.abs(b), `${key}: ${a} vs ${b}`);
  }
  assert.equal(districtNetworkParamIssues(network1000Houses, "net"), []);
  const issues = districtNetworkParamIssues({ ...network1000Houses, supplyVolumeM3: 0, flowMinKgS: 100 }, "net");
  assert.equal(issues.map((i) => i.path).sort(), ["net.flowMinKgS", "net.supplyVolumeM3"]);
  assert.throws(() => sizeDistrictNetwork(demand1000, { supplyDesignC: 30 }), /supply > return > ground/);
  assert.throws(() => createDistrictNetworks(-2), /count/);
});

test.run();
