import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  PCC_EXPORT,
  PCC_IMPORT,
  PCC_LIMIT_KINDS,
  PCC_RAMP,
  PCC_SLOW_RAMP,
  PCC_SWING,
  createPccMonitor,
  finishPccMonitor,
  stepPccMonitor,
  violationS,
  type PccLimits,
  type PccMonitor,
} from "../../../models/grid/pcc-limits.js";

const DT_S = 0.04;
const NONE: PccLimits = {
  importCapacityW: Infinity,
  exportCapacityW: Infinity,
  rampLimitWps: Infinity,
  slowRampLimitWpmin: Infinity,
  swingLimitW: Infinity,
};

interface Event {
  kind: string;
  startS: number;
  endS: number;
  worst: number;
  limit: number;
}

/** Feeds `power(k)` for k in [0, ticks), finishes, and returns the events. */
function monitor(limits: PccLimits, ticks: number, power: (k: number) => number): { m: PccMonitor; events: Event[] } {
  const m = createPccMonitor(limits, DT_S);
  const events: Event[] = [];
  const onEvent = (kind: number, startS: number, endS: number, worst: number, limit: number): void => {
    events.push({ kind: PCC_LIMIT_KINDS[kind]!, startS, endS, worst, limit });
  };
  for (let k = 0; k < ticks; k++) stepPccMonitor(m, power(k), onEvent);
  finishPccMonitor(m, onEvent);
  return { m, events };
}

const near = (a: number, b: number, tol = 1e-9): boolean => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

test("stepPccMonitor: a ramp at 0.99 × the 1 s limit raises no event; at 1.01 × it raises one from 1 s after the ramp starts to the tick after it ends", () => {
  const limitWps = 2e6;
  const k0 = 100; // ramp start tick
  const k1 = 600; // last ramping tick (20 s of ramp)
  const ramp = (slope: number) => (k: number): number => 5e6 + slope * DT_S * (Math.min(Math.max(k, k0), k1) - k0);
  const under = monitor({ ...NONE, rampLimitWps: limitWps }, 1000, ramp(0.99 * limitWps));
  assert.equal(under.events, []);
  assert.is(under.m.eventCount[PCC_RAMP], 0);
  assert.ok(near(under.m.peakValue[PCC_RAMP], 0.99 * limitWps, 1e-9));

  const over = monitor({ ...NONE, rampLimitWps: limitWps }, 1000, ramp(1.01 * limitWps));
  assert.is(over.events.length, 1);
  const e = over.events[0]!;
  // Ticks k0 + 25 .. k1 see the full 1 s difference (25 ticks of 1.01 L × 40 ms); tick k1 + 1 sees 24.
  assert.is(e.kind, "ramp");
  assert.ok(near(e.startS, (k0 + 25) * DT_S), `start ${e.startS}`);
  assert.ok(near(e.endS, (k1 + 1) * DT_S), `end ${e.endS}`);
  assert.ok(near(e.worst, 1.01 * limitWps, 1e-9), `worst ${e.worst}`);
  assert.is(e.limit, limitWps);
  assert.ok(near(violationS(over.m, PCC_RAMP), (k1 - k0 - 24) * DT_S));
});

test("stepPccMonitor: a ramp needs its window of history (a slow ramp is first judged 60 s after the start)", () => {
  // A 3 MW step 20 s in: the 1 s ramp sees it, the 60 s ramp compares tick 1,500 with tick 0.
  const { events } = monitor({ ...NONE, rampLimitWps: 2e6, slowRampLimitWpmin: 2.5e6 }, 3000, (k) => (k < 500 ? 10e6 : 13e6));
  assert.equal(
    events.map((e) => [e.kind, +e.startS.toFixed(6), +e.endS.toFixed(6)]),
    [
      ["ramp", 20, 21],
      ["slow-ramp", 60, 80],
    ],
  );
});

test("stepPccMonitor: a falling step is one ramp event of exactly 1 s (signed worst), one slow-ramp event of 60 s and no capacity event", () => {
  const stepW = -3e6; // the site drops 3 MW at tick 2,500 (t = 100 s, after 60 s of history exist)
  const limits: PccLimits = { ...NONE, importCapacityW: 12e6, rampLimitWps: 2e6, slowRampLimitWpmin: 2.5e6 };
  const { m, events } = monitor(limits, 5000, (k) => (k < 2500 ? 10e6 : 10e6 + stepW));
  const rows: ReadonlyArray<{ kind: string; startS: number; endS: number; worst: number }> = [
    { kind: "ramp", startS: 100, endS: 101, worst: stepW / 1 }, // W/s over 1 s
    { kind: "slow-ramp", startS: 100, endS: 160, worst: stepW }, // W/min over 60 s: ΔP × 60 / 60
  ];
  assert.is(events.length, rows.length);
  rows.forEach((row, i) => {
    const e = events[i]!;
    assert.is(e.kind, row.kind);
    assert.ok(near(e.startS, row.startS) && near(e.endS, row.endS), `${row.kind}: ${e.startS}-${e.endS} s`);
    assert.ok(near(e.worst, row.worst), `${row.kind}: worst ${e.worst}`);
  });
  assert.ok(near(violationS(m, PCC_RAMP), 1));
  assert.ok(near(violationS(m, PCC_SLOW_RAMP), 60));
  assert.is(m.eventCount[PCC_IMPORT], 0);
});

test("stepPccMonitor: capacity events for import above importCapacityW and export above exportCapacityW, with counts and seconds", () => {
  // 10 MW, then 13 MW for 2 s (t 4-6 s), back, then exporting 3 MW for 1 s (t 8-9 s), then 12 MW exactly.
  const power = (k: number): number => {
    const t = k * DT_S;
    if (t >= 4 - 1e-9 && t < 6 - 1e-9) return 13e6;
    if (t >= 8 - 1e-9 && t < 9 - 1e-9) return -3e6;
    if (t >= 9 - 1e-9) return 12e6;
    return 10e6;
  };
  const { m, events } = monitor({ ...NONE, importCapacityW: 12e6, exportCapacityW: 2e6 }, 500, power);
  assert.equal(
    events.map((e) => [e.kind, +e.startS.toFixed(6), +e.endS.toFixed(6), e.worst]),
    [
      ["import-capacity", 4, 6, 13e6],
      ["export-capacity", 8, 9, 3e6],
    ],
  );
  assert.is(m.eventCount[PCC_IMPORT], 1);
  assert.is(m.eventCount[PCC_EXPORT], 1);
  assert.ok(near(violationS(m, PCC_IMPORT), 2));
  assert.ok(near(violationS(m, PCC_EXPORT), 1));
  assert.is(m.peakValue[PCC_IMPORT], 13e6);
});

test("stepPccMonitor: a square wave of 8 MW peak-to-peak breaks a 2 MW swing limit in one long event with a 5 s window, and in one event per edge with a 0.4 s window", () => {
  const periodTicks = 50; // 2 s square wave, 1 s high, 1 s low
  const square = (k: number): number => (Math.floor(k / (periodTicks / 2)) % 2 === 0 ? 10e6 : 2e6);
  const ticks = 1000; // 40 s: 39 edges (at k = 25, 50, ..., 975)
  const wide = monitor({ ...NONE, swingLimitW: 2e6, swingWindowS: 5 }, ticks, square);
  assert.is(wide.events.length, 1);
  const e = wide.events[0]!;
  assert.is(e.kind, "swing");
  assert.ok(near(e.startS, 25 * DT_S) && near(e.endS, ticks * DT_S), `${e.startS}-${e.endS}`);
  assert.is(e.worst, 8e6);

  // A 10-tick window holds both levels for 9 ticks after each edge (the edge tick and 8 more).
  const narrow = monitor({ ...NONE, swingLimitW: 2e6, swingWindowS: 0.4 }, ticks, square);
  assert.is(narrow.events.length, 39);
  assert.is(narrow.m.eventCount[PCC_SWING], 39);
  for (const [i, ev] of narrow.events.entries()) {
    const edge = 25 * (i + 1);
    assert.ok(near(ev.startS, edge * DT_S) && near(ev.endS, (edge + 9) * DT_S), `event ${i}: ${ev.startS}-${ev.endS}`);
    assert.is(ev.worst, 8e6);
  }
  assert.ok(near(violationS(narrow.m, PCC_SWING), 39 * 9 * DT_S));
  // Below the limit: no event.
  assert.equal(monitor({ ...NONE, swingLimitW: 8e6, swingWindowS: 5 }, ticks, square).events, []);
});

test("stepPccMonitor: the sliding swing equals a brute-force max − min over the window on a random walk", () => {
  let seed = 12345;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const p = new Float64Array(3000);
  for (let k = 1; k < p.length; k++) p[k] = p[k - 1]! + (rand() - 0.5) * 1e5;
  const m = createPccMonitor({ ...NONE, swingWindowS: 2 }, DT_S);
  const w = 50;
  for (let k = 0; k < p.length; k++) {
    stepPccMonitor(m, p[k]!);
    let max = -Infinity;
    let min = Infinity;
    for (let j = Math.max(0, k - w + 1); j <= k; j++) {
      max = Math.max(max, p[j]!);
      min = Math.min(min, p[j]!);
    }
    assert.is(m.value[PCC_SWING], max - min, `tick ${k}`);
  }
});

test("createPccMonitor refuses windows that are not whole ticks and negative limits; stepPccMonitor refuses NaN power", () => {
  assert.throws(() => createPccMonitor({ ...NONE, rampWindowS: 0.05 }, DT_S), /rampWindowS/);
  assert.throws(() => createPccMonitor({ ...NONE, swingLimitW: -1 }, DT_S), /swing/);
  const m = createPccMonitor(NONE, DT_S);
  assert.is(m.rampTicks, 25);
  assert.is(m.slowRampTicks, 1500);
  assert.is(m.swingTicks, 125);
  assert.throws(() => stepPccMonitor(m, NaN), /tick 0/);
});

test.run();
