import { test } from "uvu";
import * as assert from "uvu/assert";
import { stats, rejects } from "../helpers.js";
import { fromAgileCsv, fromEntsoeDayAheadCsv, loadAgilePrices, loadEntsoeDayAhead, ukOffsetMin } from "../../datasets/load-prices.js";
import { createSignal, signalAt, signalMean } from "../../models/signals/signal.js";

test("loadAgilePrices() reads 2020 region A: 17,568 half-hours from 2020-01-01T00:00Z in p/kWh inc VAT, with the SOURCE.md figures", async () => {
  const s = await loadAgilePrices();
  assert.is(s.values.length, 17_568);
  assert.is(s.startMs, Date.UTC(2020, 0, 1));
  assert.is(s.periodS, 1800);
  assert.is(s.unit, "p/kWh");
  assert.is(s.values[0], 9.4815);
  assert.is(s.values[s.values.length - 1], 13.3875);
  const st = stats(s.values);
  assert.is(st.min, -10.7835);
  assert.is(st.max, 34.9965);
  assert.ok(Math.abs(st.mean - 9.46213) < 1e-5, `mean ${st.mean}`);
  // The negative price sits at 2020-05-23 13:30 UTC (14:30 BST).
  const i = (Date.UTC(2020, 4, 23, 13, 30) - s.startMs) / 1_800_000;
  assert.is(s.values[i], -10.7835);
});

test("loadEntsoeDayAhead('DE') reads 2020 DE-LU: 8,784 hours from 2020-01-01T00:00Z in EUR/MWh, with the SOURCE.md figures", async () => {
  const s = await loadEntsoeDayAhead("DE");
  assert.is(s.values.length, 8784);
  assert.is(s.startMs, Date.UTC(2020, 0, 1));
  assert.is(s.periodS, 3600);
  assert.is(s.unit, "EUR/MWh");
  assert.is(s.values[0], 38.6);
  assert.is(s.values[8783], 50.87);
  const st = stats(s.values);
  assert.is(st.min, -83.94);
  assert.is(st.max, 200.04);
  assert.ok(Math.abs(st.mean - 30.4717) < 1e-4, `mean ${st.mean}`);
});

test("createSignal(step) over the real prices at 40 ms: the Agile 16:00 UTC price holds for 45,000 ticks; one DE hour spans two Agile periods", async () => {
  const startMs = Date.UTC(2020, 5, 1, 16); // 2020-06-01 16:00 UTC = 17:00 BST
  const agile = createSignal(await loadAgilePrices(), { startMs, dtS: 0.04 });
  const de = createSignal(await loadEntsoeDayAhead(), { startMs, dtS: 0.04 });
  const rows: ReadonlyArray<{ k: number; agile: number; de: number }> = [
    { k: 0, agile: 20.0865, de: 16.57 },
    { k: 44_999, agile: 20.0865, de: 16.57 },
    { k: 45_000, agile: 20.706, de: 16.57 },
  ];
  for (const row of rows) {
    assert.is(signalAt(agile, row.k), row.agile, `agile tick ${row.k}`);
    assert.is(signalAt(de, row.k), row.de, `DE tick ${row.k}`);
  }
  // Mean over the hour: the two half-hour prices averaged.
  assert.ok(Math.abs(signalMean(agile, 0, 90_000) - (20.0865 + 20.706) / 2) < 1e-12);
});

test("ukOffsetMin(utc) switches to BST at 01:00 UTC on the last Sunday of March and back on the last Sunday of October", () => {
  const rows: ReadonlyArray<{ utc: number; offsetMin: number }> = [
    { utc: Date.UTC(2020, 2, 29, 0, 59), offsetMin: 0 },
    { utc: Date.UTC(2020, 2, 29, 1, 0), offsetMin: 60 },
    { utc: Date.UTC(2020, 9, 25, 0, 59), offsetMin: 60 },
    { utc: Date.UTC(2020, 9, 25, 1, 0), offsetMin: 0 },
    { utc: Date.UTC(2022, 2, 27, 1, 0), offsetMin: 60 },
    { utc: Date.UTC(2022, 9, 30, 1, 0), offsetMin: 0 },
  ];
  for (const { utc, offsetMin } of rows) assert.is(ukOffsetMin(utc), offsetMin, new Date(utc).toISOString());
});

test("fromAgileCsv(text) refuses a local time that disagrees with UTC + the UK offset, a second region and a gap, naming the row", async () => {
  const good = "2020-03-29T00:30:00Z,00:30,A,Eastern_England,9\n2020-03-29T01:00:00Z,02:00,A,Eastern_England,8\n";
  assert.equal(Array.from((await fromAgileCsv(good)).values), [9, 8]);
  await rejects(() => fromAgileCsv("2020-03-29T00:30:00Z,00:30,A,Eastern_England,9\n2020-03-29T01:00:00Z,01:00,A,Eastern_England,8"), /row 2, column 2 \(UK local time\): got "01:00", expected "02:00"/);
  await rejects(() => fromAgileCsv("2020-01-01T00:00:00Z,00:00,A,Eastern_England,9\n2020-01-01T00:30:00Z,00:30,B,East_Midlands,8"), /row 2, column 3/);
  await rejects(
    () => fromAgileCsv("2020-01-01T00:00:00Z,00:00,A,E,9\n2020-01-01T00:30:00Z,00:30,A,E,9\n2020-01-01T01:30:00Z,01:30,A,E,9"),
    /row 3: .* 3600 s after the one before, expected 1800 s/,
  );
  await rejects(() => fromAgileCsv("2020-01-01T00:00:00Z,00:00,A,E"), /row 1: 4 columns/);
});

test("fromEntsoeDayAheadCsv(text, zone) keeps one zone and refuses a missing zone or another unit", async () => {
  const text = [
    "time,item,unit,bidding_zone,value",
    "2020-01-01T00:00:00Z,Day-ahead Price,[EUR/MWh],DE,38.6",
    "2020-01-01T00:00:00Z,Day-ahead Price,[EUR/MWh],FR,40",
    "2020-01-01T01:00:00Z,Day-ahead Price,[EUR/MWh],DE,36.55",
  ].join("\n");
  assert.equal(Array.from((await fromEntsoeDayAheadCsv(text, "DE")).values), [38.6, 36.55]);
  assert.equal(Array.from((await fromEntsoeDayAheadCsv(text, "FR")).values), [40]);
  await rejects(() => fromEntsoeDayAheadCsv(text, "NL"), /no rows for bidding zone "NL"/);
  await rejects(() => fromEntsoeDayAheadCsv(text.replace("[EUR/MWh],FR", "[GBP/MWh],FR"), "FR"), /row 3, column unit/);
});

test.run();
