import { test } from "uvu";
import * as assert from "uvu/assert";
import { stats, rejects } from "../helpers.js";
import { UserError } from "../../models/lib/errors.js";
import { fromNesoCarbonCsv, loadCarbonIntensity } from "../../datasets/load-carbon-intensity.js";
import { createSignal, signalAt } from "../../models/signals/signal.js";

const HEADER = "datetime,Carbon Intensity [kg_CO2/kWh]";

test("loadCarbonIntensity(year) reads each committed year: hourly from 1 Jan 00:00 UTC, every hour, in gCO2/kWh", async () => {
  // Figures computed from the CSV files with awk (mean of kg × 1000).
  const rows = [
    { year: 2020, hours: 8784, first: 164, last: 179, mean: 169.937, min: 42, max: 328 },
    { year: 2022, hours: 8760, first: 72, last: 67, mean: 182.279, min: 35, max: 322 },
  ];
  for (const row of rows) {
    const s = await loadCarbonIntensity(row.year);
    assert.is(s.values.length, row.hours, `${row.year} hours`);
    assert.is(s.startMs, Date.UTC(row.year, 0, 1));
    assert.is(s.periodS, 3600);
    assert.is(s.unit, "gCO2/kWh");
    assert.is(s.sampling, "period-mean");
    assert.is(s.timeMs[s.timeMs.length - 1], Date.UTC(row.year, 11, 31, 23));
    assert.is(s.values[0], row.first, `${row.year} first`);
    assert.is(s.values[s.values.length - 1], row.last, `${row.year} last`);
    const st = stats(s.values);
    assert.ok(Math.abs(st.mean - row.mean) < 1e-3, `${row.year} mean ${st.mean}`);
    assert.is(st.min, row.min);
    assert.is(st.max, row.max);
  }
});

test("createSignal over loadCarbonIntensity(2022) started at 2022-07-19 12:00 UTC reads the 12:00 and 13:00 rows at 40 ms ticks", async () => {
  const s = await loadCarbonIntensity(2022);
  const sig = createSignal(s, { startMs: Date.UTC(2022, 6, 19, 12), dtS: 0.04 });
  assert.is(signalAt(sig, 0), 174);
  assert.is(signalAt(sig, 89_999), 174);
  assert.is(signalAt(sig, 90_000), 170); // t = 3,600 s
  assert.ok(sig.toS - sig.fromS === 8760 * 3600);
});

test("fromNesoCarbonCsv(text) converts kg to g exactly and refuses a bad header, a bad cell and a gap with the row named", async () => {
  const s = await fromNesoCarbonCsv(`${HEADER}\r\n2022-01-01 00:00:00,0.072\r\n2022-01-01 01:00:00,0.068\r\n`);
  assert.equal(Array.from(s.values), [72, 68]);
  await rejects(() => fromNesoCarbonCsv("time,ci\n2022-01-01 00:00:00,0.1"), (e: unknown) => e instanceof UserError && /header/.test(e.message));
  await rejects(() => fromNesoCarbonCsv(`${HEADER}\n2022-01-01 00:00:00,x`), /row 2, column Carbon/);
  await rejects(() => fromNesoCarbonCsv(`${HEADER}\n2022-13-01 00:00:00,0.1`), /row 2, column datetime/);
  await rejects(
    () => fromNesoCarbonCsv(`${HEADER}\n2022-01-01 00:00:00,0.1\n2022-01-01 01:00:00,0.1\n2022-01-01 03:00:00,0.1`),
    /row 4: .* 7200 s after the one before, expected 3600 s/,
  );
  await rejects(() => loadCarbonIntensity(2019), /committed years: 2020, 2022/);
});

test.run();
