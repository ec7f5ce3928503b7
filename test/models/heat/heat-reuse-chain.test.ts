import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadHeatDemand } from "../../../datasets/load-heat-demand.js";
import { districtDemand } from "../../../models/heat/district-demand.js";
import {
  createDistrictNetworks,
  planDistrictNetworks,
  setDistrictNetworkParams,
  setNetworkDemandFrom,
  sizeDistrictNetwork,
  stepDistrictNetworks,
} from "../../../models/heat/district-network.js";
import { facilityKpis, heatReuseAtBoundary } from "../../../models/heat/facility-kpis.js";
import { createHeatPumps, odenseHeatPump, setHeatPumpParams, stepHeatPumps } from "../../../models/heat/heat-pump.js";
import {
  createReuseExchangers,
  reuseExchangerConductanceWpK,
  stepReuseExchangers,
} from "../../../models/heat/reuse-exchanger.js";
import { WATER } from "../../../models/thermal/fluids.js";

// The pieces composed as the engine will step them at the 1-min heat period: facility water (40 °C,
// 800 kW/K: 8 MW at a 10 K range) → reuse exchanger → one 15 MW heat pump → a network of 2,500
// houses (the 2019 house, 5-hour smoothing). The dispatcher here is a stand-in for the controller:
// it asks for the heat that holds the supply pipes at 75 °C, switching off above 77 °C when that is below
// the unit's minimum load and on again below 73 °C.
const house = await loadHeatDemand();
const demand = districtDemand(house, { houses: 2500 }, 5);
const FACILITY_C = 8e5;
const FACILITY_IN_C = 40;
const LOOP_C = 8e5;
const SET_C = 75;

interface DayTotals {
  exchangerWh: number;
  heatPumpWh: number;
  electricWh: number;
  suppliedWh: number;
  deliveredWh: number;
  storedWh: number;
  lossWh: number;
  unmetWh: number;
  demandWh: number;
  underTempS: number;
  starts: number;
}

function day(startS: number): DayTotals {
  const hx = createReuseExchangers(1);
  const hp = createHeatPumps(1);
  setHeatPumpParams(hp, 0, { ...odenseHeatPump, capacityW: 15e6 });
  const net = createDistrictNetworks(1);
  const params = sizeDistrictNetwork(demand, { supplyDesignC: SET_C });
  setDistrictNetworkParams(net, 0, params);
  const baseMinKgS = params.flowMinKgS;
  const dtS = 60;
  const minW = 15e6 * odenseHeatPump.minPartLoadFrac;
  let on = 1;
  for (let k = 0; k < 1440; k++) {
    setNetworkDemandFrom(net, 0, demand, startS + k * dtS);
    // Bypass: enough flow for the unit's minimum load to leave below SET_C + 10 °C.
    const bypassKgS = minW / (WATER.cpJpKgK * (SET_C + 10 - net.returnC[0]));
    net.flowMinKgS[0] = bypassKgS > baseMinKgS ? bypassKgS : baseMinKgS;
    planDistrictNetworks(net);
    const g = net.flowKgS[0] * WATER.cpJpKgK;
    const need = g * (SET_C - net.returnC[0]) + net.supplyLossWpK[0] * (SET_C - net.groundC[0]);
    hx.hotInC[0] = FACILITY_IN_C;
    hx.hotCWpK[0] = FACILITY_C;
    hx.coldCWpK[0] = LOOP_C;
    // On/off with a ±2 K band around the target: below the minimum load the unit heats the pipes' water and rests.
    if (net.supplyC[0] < SET_C - 2) on = 1;
    else if (net.supplyC[0] > SET_C + 2 && need < minW) on = 0;
    hp.onCmd[0] = on;
    hp.heatRequestW[0] = need;
    hp.sourceInC[0] = FACILITY_IN_C;
    hp.sourceCWpK[0] = reuseExchangerConductanceWpK(hx.uaWpK[0], FACILITY_C, LOOP_C);
    hp.sinkInC[0] = net.returnC[0];
    hp.sinkCWpK[0] = g;
    hp.sinkOutSetC[0] = SET_C + 10; // the dispatcher already sized the heat; allow the outlet above the pipes' target
    stepHeatPumps(hp, dtS);
    hx.coldInC[0] = hp.running[0] > 0 ? hp.sourceOutC[0] : FACILITY_IN_C;
    if (hp.running[0] === 0) hx.coldCWpK[0] = 0; // source loop pump off with the heat pump
    stepReuseExchangers(hx, dtS);
    net.plantHeatW[0] = hp.heatW[0];
    stepDistrictNetworks(net, dtS);
  }
  return {
    exchangerWh: hx.heatWh[0],
    heatPumpWh: hp.heatWh[0],
    electricWh: hp.electricWh[0],
    suppliedWh: net.suppliedWh[0],
    deliveredWh: net.deliveredWh[0],
    storedWh: net.storedWh[0],
    lossWh: net.lossWh[0],
    unmetWh: net.unmetWh[0],
    demandWh: net.demandWh[0],
    underTempS: net.underTempS[0],
    starts: hp.starts[0],
  };
}

const winter = day(14 * 86400); // 2019-01-15 UTC
const summer = day(195 * 86400); // 2019-07-15 UTC

test("reuse chain: facility heat + heat-pump electricity = network heat = delivered + stored + losses (winter, summer)", () => {
  for (const [label, t] of [["winter", winter], ["summer", summer]] as const) {
    const tol = 1e-9 * t.heatPumpWh;
    assert.ok(t.heatPumpWh > 0, `${label}: the heat pump ran`);
    assert.ok(Math.abs(t.exchangerWh + t.electricWh - t.heatPumpWh) <= tol, `${label}: ${t.exchangerWh} + ${t.electricWh} vs ${t.heatPumpWh}`);
    assert.ok(Math.abs(t.suppliedWh - t.heatPumpWh) <= tol, `${label}: network supplied`);
    assert.ok(Math.abs(t.suppliedWh - (t.deliveredWh + t.storedWh + t.lossWh)) <= tol, `${label}: network balance`);
    assert.ok(Math.abs(t.demandWh - (t.deliveredWh + t.unmetWh)) <= 1e-9 * t.demandWh, `${label}: demand`);
  }
  // Winter demand (2,500 houses, ~9 MW) is far above summer's (~1 MW); both are met at ≥ 60 °C supply.
  assert.ok(winter.demandWh > 4 * summer.demandWh);
  for (const t of [winter, summer]) {
    assert.is(t.unmetWh, 0);
    assert.is(t.underTempS, 0);
  }
  // Summer needs less than the unit's 4.5 MW minimum: it cycles on and off against the pipes' thermal mass.
  assert.is(winter.starts, 1);
  assert.ok(summer.starts > 1, `summer starts ${summer.starts}`);
});

test("reuse chain KPIs: ERE = (1 − ERF)·PUE under either boundary; heat pumps inside raise PUE, not ERE", () => {
  const itWh = 8e6 * 24; // the 8 MW hall of this test for the day
  for (const t of [winter, summer]) {
    const inside = heatReuseAtBoundary({ exchangerHeatWh: t.exchangerWh, heatPumpHeatWh: t.heatPumpWh, heatPumpElectricWh: t.electricWh, heatPumpsInsideBoundary: true });
    const outside = heatReuseAtBoundary({ ...{ exchangerHeatWh: t.exchangerWh, heatPumpHeatWh: t.heatPumpWh, heatPumpElectricWh: t.electricWh }, heatPumpsInsideBoundary: false });
    const kIn = facilityKpis({ itWh, overheadWh: { heatPumps: inside.heatPumpOverheadWh }, reuse: [inside.reuse] });
    const kOut = facilityKpis({ itWh, overheadWh: { heatPumps: outside.heatPumpOverheadWh }, reuse: [outside.reuse] });
    for (const k of [kIn, kOut]) assert.ok(Math.abs(k.ere - (1 - k.erf) * k.pue) < 1e-12);
    assert.ok(kIn.pue > kOut.pue);
    // The heat pump's output is its source heat plus its electricity, so both accountings give the same ERE.
    assert.ok(Math.abs(kIn.ere - kOut.ere) < 1e-9, `${kIn.ere} vs ${kOut.ere}`);
  }
});

test.run();
