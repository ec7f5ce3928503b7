import { test } from "uvu";
import * as assert from "uvu/assert";
import { createRng } from "../../../models/lib/rng.js";
import { createRackBbus, nvl72Bbu, rackBbuParams } from "../../../models/storage/rack-bbu.js";
import {
  createUpsBatteries,
  setUpsBatteryParams,
  stepUpsBatteries,
  ups1MW5min,
  UPS_LOAD_DROPPED,
  UPS_LOAD_RESTORED,
  UPS_OVERLOAD,
  UPS_RETRANSFER,
  UPS_TRANSFER,
  upsAutonomyS,
  upsBatteryParamIssues,
  type UpsBatteries,
} from "../../../models/storage/ups.js";

const FIELDS = [
  "loadW", "gridOk", "gridDrawW", "servedW", "fromBatteryW", "rechargeW", "unservedW", "socFrac", "storedWh",
  "onBattery", "loadDropped", "events", "transfers", "drops", "onBatteryS", "rideThroughS", "unservedWh",
  "batteryOutWh", "rechargeWh", "chargeLossWh", "dischargeLossWh",
] as const;

/** Energy balance residual of unit i, Wh: recharge in − losses − battery out − Δstored. */
function balanceErrorWh(s: UpsBatteries, i: number): number {
  return s.rechargeWh[i] - s.chargeLossWh[i] - s.batteryOutWh[i] - s.dischargeLossWh[i] - (s.storedWh[i] - s.initialStoredWh[i]);
}

test("createUpsBatteries(n) allocates n full units with ups1MW5min params, grid healthy", () => {
  const s = createUpsBatteries(2);
  assert.is(s.count, 2);
  for (let i = 0; i < 2; i++) {
    assert.is(s.socFrac[i], 1);
    assert.is(s.gridOk[i], 1);
    assert.is(s.energyWh[i], ups1MW5min.energyWh);
  }
  assert.throws(() => createUpsBatteries(-1), /count/);
  assert.throws(() => setUpsBatteryParams(s, 2, ups1MW5min), /outside/);
});

test("stepUpsBatteries(state, 0) leaves every field unchanged", () => {
  const s = createUpsBatteries(1);
  s.loadW[0] = 5e5;
  s.gridOk[0] = 0;
  for (let k = 0; k < 10; k++) stepUpsBatteries(s, 0.04);
  const before = FIELDS.map((f) => Array.from(s[f]));
  stepUpsBatteries(s, 0);
  stepUpsBatteries(s, -1);
  stepUpsBatteries(s, NaN);
  FIELDS.forEach((f, i) => assert.equal(Array.from(s[f]), before[i], f));
});

test("stepUpsBatteries carries the load through an outage until the battery empties, then drops it", () => {
  // ups1MW5min, full: 5 min at 1 MW, so E·ηd / load of ride-through at each load.
  const table: { loadW: number; rideThroughS: number }[] = [
    { loadW: 1e6, rideThroughS: 300 },
    { loadW: 8e5, rideThroughS: 375 },
    { loadW: 2.5e5, rideThroughS: 1200 },
  ];
  for (const row of table) {
    const s = createUpsBatteries(1);
    assert.ok(Math.abs(upsAutonomyS(s, 0, row.loadW) - row.rideThroughS) < 1e-9);
    s.loadW[0] = row.loadW;
    const dtS = 0.04;
    const events: [tick: number, ev: number][] = [];
    const ticks = Math.ceil((row.rideThroughS + 20) / dtS);
    for (let k = 0; k < ticks; k++) {
      s.gridOk[0] = k * dtS >= 10 - 1e-9 ? 0 : 1; // outage from t = 10 s, for good
      stepUpsBatteries(s, dtS);
      if (s.events[0] !== 0) events.push([k, s.events[0]]);
      if (k * dtS < 10 - 1e-9) assert.is(s.gridDrawW[0], row.loadW);
      else assert.is(s.gridDrawW[0], 0);
    }
    assert.is(events.length, 2, JSON.stringify(events));
    assert.equal(events[0], [250, UPS_TRANSFER]);
    assert.is(events[1][1], UPS_LOAD_DROPPED);
    const dropS = (events[1][0] + 1) * dtS - 10; // end of the drop tick, from the outage start
    assert.ok(dropS >= row.rideThroughS && dropS < row.rideThroughS + dtS, `dropped at ${dropS} s`);
    assert.ok(Math.abs(s.rideThroughS[0] - row.rideThroughS) < 1e-6, `carried ${s.rideThroughS[0]} s`);
    assert.is(s.drops[0], 1);
    assert.is(s.loadDropped[0], 1);
    assert.is(s.storedWh[0], 0);
    assert.is(s.servedW[0], 0);
    assert.is(s.unservedW[0], row.loadW);
    // Unserved: the load × the outage time not carried.
    const outageS = (ticks - 250) * dtS;
    const expectedUnservedWh = (row.loadW * (outageS - row.rideThroughS)) / 3600;
    assert.ok(Math.abs(s.unservedWh[0] - expectedUnservedWh) < 1e-6, `unserved ${s.unservedWh[0]} Wh`);
    assert.ok(Math.abs(balanceErrorWh(s, 0)) < 1e-9 * s.energyWh[0]);
  }
});

test("stepUpsBatteries rides through short sags, retransfers, and recharges at the limited power", () => {
  const s = createUpsBatteries(1);
  s.loadW[0] = 6e5;
  const dtS = 0.04;
  // A 30 s outage: no drop; the battery gives 600 kW × 30 s ÷ 0.95.
  const step = (ok: number): void => {
    s.gridOk[0] = ok;
    stepUpsBatteries(s, dtS);
  };
  for (let j = 0; j < 250; j++) step(1);
  for (let j = 0; j < 750; j++) step(0);
  const usedWh = (6e5 * 30) / 3600 / 0.95;
  assert.ok(Math.abs(s.energyWh[0] - s.storedWh[0] - usedWh) < 1e-6, `used ${s.energyWh[0] - s.storedWh[0]} Wh`);
  assert.is(s.onBattery[0], 1);
  step(1);
  assert.is(s.events[0], UPS_RETRANSFER);
  assert.is(s.rechargeW[0], 1e5);
  assert.is(s.gridDrawW[0], 7e5);
  // Recharge at 100 kW (95 % into the cells) until full: deficit ÷ (0.95 × 100 kW).
  const fullAfterS = usedWh / (0.95 * 1e5) * 3600;
  let t = dtS;
  while (s.socFrac[0] < 1) {
    step(1);
    t += dtS;
  }
  assert.ok(t >= fullAfterS && t < fullAfterS + dtS, `full after ${t} s, expected ${fullAfterS} s`);
  step(1);
  assert.is(s.rechargeW[0], 0);
  assert.is(s.gridDrawW[0], 6e5);
  assert.is(s.drops[0], 0);
  assert.is(s.unservedWh[0], 0);
  assert.ok(Math.abs(balanceErrorWh(s, 0)) < 1e-9 * s.energyWh[0]);
});

test("stepUpsBatteries counts each sag of a burst as a transfer (NERC 10 Jul 2024: six faults within 82 s)", () => {
  // Six 100 ms sags, 16 s apart; the load is carried through each, with no drop.
  const s = createUpsBatteries(1);
  s.loadW[0] = 9e5;
  const dtS = 0.02;
  const sagStartsS = [0, 16, 32, 48, 64, 80];
  for (let k = 0; k < 90 / dtS; k++) {
    const tS = k * dtS;
    s.gridOk[0] = sagStartsS.some((t0) => tS >= t0 - 1e-9 && tS < t0 + 0.1 - 1e-9) ? 0 : 1;
    stepUpsBatteries(s, dtS);
  }
  assert.is(s.transfers[0], 6);
  assert.is(s.drops[0], 0);
  assert.ok(Math.abs(s.onBatteryS[0] - 0.6) < 1e-9, `${s.onBatteryS[0]} s on battery`);
  assert.ok(Math.abs(s.batteryOutWh[0] - (9e5 * 0.6) / 3600) < 1e-6);
});

test("stepUpsBatteries drops a load above powerMaxW at the transfer and restores it when the grid returns", () => {
  const s = createUpsBatteries(1);
  s.loadW[0] = 1.2e6;
  s.gridOk[0] = 1;
  stepUpsBatteries(s, 0.04);
  assert.is(s.servedW[0], 1.2e6, "the grid path carries it");
  s.gridOk[0] = 0;
  stepUpsBatteries(s, 0.04);
  assert.is(s.events[0], UPS_TRANSFER | UPS_LOAD_DROPPED | UPS_OVERLOAD);
  assert.is(s.servedW[0], 0);
  assert.is(s.socFrac[0], 1, "nothing was drawn");
  stepUpsBatteries(s, 0.04);
  assert.is(s.events[0], 0);
  s.gridOk[0] = 1;
  stepUpsBatteries(s, 0.04);
  assert.is(s.events[0], UPS_LOAD_RESTORED);
  assert.is(s.servedW[0], 1.2e6);
});

test("stepUpsBatteries keeps SOC in [0, 1] and the energy balance exact (random outages, seeded)", () => {
  const rng = createRng(3, "ups", "random");
  const n = 5;
  const s = createUpsBatteries(n);
  for (let i = 0; i < n; i++) {
    setUpsBatteryParams(s, i, {
      energyWh: 100 + 1e4 * rng.uniform(),
      powerMaxW: 1e5 + 1e5 * rng.uniform(),
      dischargeEff: 0.85 + 0.15 * rng.uniform(),
      chargeEff: 0.85 + 0.15 * rng.uniform(),
      rechargeMaxW: 1e4 * rng.uniform(),
      socInit: rng.uniform(),
    });
  }
  for (let k = 0; k < 20000; k++) {
    for (let i = 0; i < n; i++) {
      if (rng.uniform() < 0.002) s.gridOk[i] = 1 - s.gridOk[i];
      s.loadW[i] = rng.uniform() < 0.001 ? NaN : 1.5e5 * rng.uniform();
    }
    stepUpsBatteries(s, 0.1);
    for (let i = 0; i < n; i++) {
      assert.ok(s.socFrac[i] >= 0 && s.socFrac[i] <= 1, `unit ${i}: SOC ${s.socFrac[i]}`);
      assert.ok(s.servedW[i] >= 0 && s.unservedW[i] >= -1e-9);
      assert.ok(s.rechargeW[i] <= s.rechargeMaxW[i]);
      assert.ok(s.fromBatteryW[i] <= s.powerMaxW[i]);
    }
  }
  for (let i = 0; i < n; i++) {
    const scale = s.rechargeWh[i] + s.batteryOutWh[i] + s.energyWh[i];
    assert.ok(Math.abs(balanceErrorWh(s, i)) < 1e-11 * scale, `unit ${i}: ${balanceErrorWh(s, i)} Wh`);
    assert.ok(s.transfers[i] > 0);
  }
});

test("rackBbuParams sizes a rack BBU for its holdup; createRackBbus steps like a UPS battery", () => {
  const table: { rackW: number; holdupS: number; energyWh: number }[] = [
    { rackW: 132e3, holdupS: 90, energyWh: (132e3 * 90) / 3600 / 0.97 },
    { rackW: 12e3, holdupS: 240, energyWh: (12e3 * 240) / 3600 / 0.97 },
  ];
  for (const row of table) {
    const p = rackBbuParams(row.rackW, row.holdupS);
    assert.ok(Math.abs(p.energyWh - row.energyWh) < 1e-9);
    assert.equal(upsBatteryParamIssues(p, "bbu"), []);
    const b = createRackBbus(1, p);
    assert.ok(Math.abs(upsAutonomyS(b, 0, row.rackW) - row.holdupS) < 1e-9);
  }
  assert.ok(Math.abs(nvl72Bbu.energyWh - 3402.06) < 0.01, `${nvl72Bbu.energyWh}`);
  const bbus = createRackBbus(72);
  bbus.loadW.fill(120e3);
  bbus.gridOk.fill(0);
  for (let k = 0; k < 50; k++) stepUpsBatteries(bbus, 0.04); // 2 s sag
  assert.ok(Math.abs(bbus.rideThroughS[71] - 2) < 1e-9);
  assert.throws(() => rackBbuParams(0), /rackPowerW/);
  assert.throws(() => rackBbuParams(1e5, -1), /holdupS/);
});

test("upsBatteryParamIssues names each invalid field", () => {
  assert.equal(upsBatteryParamIssues(ups1MW5min, "ups"), []);
  const bad = upsBatteryParamIssues({ ...ups1MW5min, energyWh: 0, chargeEff: 1.2, socInit: -0.1 }, "ups");
  assert.equal(bad.map((x) => x.path), ["ups.energyWh", "ups.chargeEff", "ups.socInit"]);
});

test.run();
