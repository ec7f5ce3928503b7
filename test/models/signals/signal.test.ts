import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  createSignal,
  resampleSignal,
  signalAt,
  signalAtS,
  signalMean,
  type UniformSeries,
} from "../../../models/signals/signal.js";

const T0 = Date.UTC(2020, 0, 1); // 2020-01-01T00:00Z
const HALF_HOUR_S = 1800;
const DT_S = 0.04;
const TICKS_PER_PERIOD = 45_000; // 1,800 s / 40 ms

/** Half-hourly prices, p/kWh: 10, 20, 30, 40, 50, 60. */
const prices: UniformSeries = {
  startMs: T0,
  periodS: HALF_HOUR_S,
  values: Float64Array.from([10, 20, 30, 40, 50, 60]),
  sampling: "period-mean",
  unit: "p/kWh",
};

const near = (a: number, b: number, tol = 1e-9): boolean => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

test("signalAt(step): a signal started at 01:00 reads the 01:00-01:30 price from tick 0 and switches exactly at the period boundary", () => {
  const sig = createSignal(prices, { startMs: T0 + 3600_000, dtS: DT_S });
  const rows: ReadonlyArray<{ k: number; expected: number }> = [
    { k: 0, expected: 30 },
    { k: TICKS_PER_PERIOD - 1, expected: 30 },
    { k: TICKS_PER_PERIOD, expected: 40 }, // t = 1,800 s
    { k: 2 * TICKS_PER_PERIOD, expected: 50 },
    { k: 3 * TICKS_PER_PERIOD - 1, expected: 50 },
    { k: 3 * TICKS_PER_PERIOD, expected: 60 },
  ];
  for (const { k, expected } of rows) assert.is(signalAt(sig, k), expected, `tick ${k}`);
  assert.is(sig.fromS, -3600);
  assert.is(sig.toS, 3 * 3600 - 3600);
});

test("signalAt(step) is the tick mean: a tick that straddles a period boundary blends the two prices by time", () => {
  // Start 20 ms after 00:00: tick k covers [20 ms + 40k ms, ...); the tick holding 00:30 is half in each period.
  const sig = createSignal(prices, { startMs: T0 + 20, dtS: DT_S });
  const k = TICKS_PER_PERIOD - 1; // covers 1,799.98 .. 1,800.02 s of the series
  assert.ok(near(signalAt(sig, k), 15), `${signalAt(sig, k)}`);
  assert.is(signalAt(sig, k - 1), 10);
  assert.is(signalAt(sig, k + 1), 20);
});

test("signalAt(step): Σ price × dt over every tick equals Σ price × period (cost is exact at the tick length)", () => {
  for (const dtS of [0.04, 0.1, 13.5]) { // 13.5 s ticks straddle period boundaries
    const sig = createSignal(prices, { startMs: T0, dtS });
    const ticks = Math.round((6 * HALF_HOUR_S) / dtS);
    let sum = 0;
    for (let k = 0; k < ticks; k++) sum += signalAt(sig, k) * dtS;
    const expected = (10 + 20 + 30 + 40 + 50 + 60) * HALF_HOUR_S;
    // 1e-10: the rounding of summing 10⁵ terms here, not of the lookups.
    assert.ok(near(sum, expected, 1e-10), `dt ${dtS}: ${sum} vs ${expected}`);
  }
});

test("signalAtS(linear) on period means passes through each value at its period's midpoint and is straight between", () => {
  const sig = createSignal(prices, { startMs: T0, dtS: DT_S, interp: "linear" });
  const rows: ReadonlyArray<{ tS: number; expected: number }> = [
    { tS: 0, expected: 10 }, // before the first midpoint: held
    { tS: 900, expected: 10 },
    { tS: 1800, expected: 15 },
    { tS: 2700, expected: 20 },
    { tS: 3150, expected: 22.5 },
    { tS: 6 * 1800 - 900, expected: 60 },
    { tS: 6 * 1800 + 5000, expected: 60 }, // after the last: held
  ];
  for (const { tS, expected } of rows) assert.ok(near(signalAtS(sig, tS), expected), `t ${tS}: ${signalAtS(sig, tS)} vs ${expected}`);
  // A tick's mean on a straight piece is the value at the tick's midpoint.
  const k = 2800 / DT_S;
  assert.ok(near(signalAt(sig, k), signalAtS(sig, (k + 0.5) * DT_S)));
  // A mean across knots (1 h from 0:30 to 1:30 spans the knots at 0:45 and 1:15).
  // Pieces: [1800, 2700] 15→20 (mean 17.5), [2700, 4500] 20→30 (mean 25), [4500, 5400] 30→35 (mean 32.5).
  const mean = signalMean(sig, 1800 / DT_S, 3600 / DT_S);
  assert.ok(near(mean, (17.5 * 900 + 25 * 1800 + 32.5 * 900) / 3600), `mean ${mean}`);
});

test("signalAtS(linear) on point samples interpolates between sample instants (a frequency trace)", () => {
  const trace: UniformSeries = { startMs: T0, periodS: 1, values: Float64Array.from([50, 49.9, 50.1]), sampling: "point", unit: "Hz" };
  const sig = createSignal(trace, { startMs: T0, dtS: DT_S, interp: "linear" });
  assert.is(signalAtS(sig, 0), 50);
  assert.ok(near(signalAtS(sig, 0.5), 49.95));
  assert.ok(near(signalAtS(sig, 1), 49.9));
  assert.ok(near(signalAtS(sig, 1.75), 50.05));
  assert.is(signalAtS(sig, 3), 50.1);
  assert.is(sig.toS, 2);
  // Tick 0 covers [0, 40 ms): mean = value at 20 ms.
  assert.ok(near(signalAt(sig, 0), 50 - 0.1 * 0.02));
});

test("createSignal(outside: wrap) repeats the data; hold keeps the edge values", () => {
  const wrap = createSignal(prices, { startMs: T0, dtS: DT_S, outside: "wrap" });
  const hold = createSignal(prices, { startMs: T0, dtS: DT_S });
  const rows: ReadonlyArray<{ period: number; wrap: number; hold: number }> = [
    { period: -1, wrap: 60, hold: 10 },
    { period: 0, wrap: 10, hold: 10 },
    { period: 6, wrap: 10, hold: 60 },
    { period: 13, wrap: 20, hold: 60 },
  ];
  for (const row of rows) {
    const k = row.period * TICKS_PER_PERIOD;
    assert.is(signalAt(wrap, k), row.wrap, `wrap, period ${row.period}`);
    assert.is(signalAt(hold, k), row.hold, `hold, period ${row.period}`);
  }
  const wrapLinear = createSignal(prices, { startMs: T0, dtS: DT_S, outside: "wrap", interp: "linear" });
  assert.ok(near(signalAtS(wrapLinear, 6 * 1800), 35), "between the last and the first value across the wrap");
});

test("resampleSignal(sig, 1 min) gives 30 equal one-minute values per half-hour", () => {
  const sig = createSignal(prices, { startMs: T0, dtS: DT_S });
  const out = resampleSignal(sig, 1500, new Float64Array(180));
  for (let j = 0; j < 180; j++) assert.is(out[j], 10 * (Math.floor(j / 30) + 1), `minute ${j}`);
});

test("createSignal refuses an empty series, a non-finite value, and dtS ≤ 0", () => {
  assert.throws(() => createSignal({ ...prices, values: new Float64Array(0) }, { startMs: T0, dtS: DT_S }), /empty/);
  assert.throws(() => createSignal({ ...prices, values: Float64Array.from([1, NaN]) }, { startMs: T0, dtS: DT_S }), /value 1/);
  assert.throws(() => createSignal(prices, { startMs: T0, dtS: 0 }), /dtS/);
});

test.run();
