import { test } from "uvu";
import * as assert from "uvu/assert";
import { rejects } from "../helpers.js";
import { UserError } from "../../models/lib/errors.js";
import {
  fromWeatherCsv, loadWeather, secondsFromStart, SUMMER_DAY_UTC, weatherAt, WINTER_DAY_UTC,
} from "../../datasets/load-weather.js";

const trace = await loadWeather();

test("loadWeather reads 8,760 hourly Bedford 2022 rows in SI units, first row as in SOURCE.md", () => {
  assert.is(trace.tS.length, 8_760);
  assert.is(trace.startUtc, "2022-01-01T00:00:00Z");
  assert.is(trace.tS[8_759], 8_759 * 3600);
  // 2022-01-01 00:00: 12.3 °C dry bulb, 11.6 wet bulb, 10.9 dew point, 91.1 %, 1008.7 hPa, 12 knots.
  const table: { name: string; value: number; expected: number }[] = [
    { name: "dryBulbC", value: trace.dryBulbC[0], expected: 12.3 },
    { name: "wetBulbC", value: trace.wetBulbC[0], expected: 11.6 },
    { name: "dewPointC", value: trace.dewPointC[0], expected: 10.9 },
    { name: "relHumFrac", value: trace.relHumFrac[0], expected: 0.911 },
    { name: "pressurePa", value: trace.pressurePa[0], expected: 100_870 },
    { name: "windMs", value: trace.windMs[0], expected: 12 * 0.514444 },
  ];
  for (const row of table) assert.ok(Math.abs(row.value - row.expected) < 1e-5, `${row.name}: ${row.value}`);
});

test("loadWeather: the 19 July 2022 heatwave peak and the coldest day are where SOURCE.md says", () => {
  const summer = secondsFromStart(trace, SUMMER_DAY_UTC);
  assert.is(weatherAt(trace, trace.dryBulbC, summer + 14 * 3600), 39.0);
  assert.is(weatherAt(trace, trace.wetBulbC, summer + 14 * 3600), 21.1);
  let max = -Infinity;
  for (const t of trace.dryBulbC) max = Math.max(max, t);
  assert.is(max, 39.0);
  const winter = secondsFromStart(trace, WINTER_DAY_UTC);
  let sum = 0;
  for (let h = 0; h < 24; h++) sum += weatherAt(trace, trace.dryBulbC, winter + h * 3600);
  assert.ok(Math.abs(sum / 24 - -4.1917) < 1e-3, `${sum / 24}`);
});

test("loadWeather fills every gap: 171 wet-bulb hours through the depression, never above the dry bulb", () => {
  assert.equal(trace.filled, { dryBulb: 1, wetBulb: 171, dewPoint: 171, relHum: 171, pressure: 1, wind: 1 });
  for (let i = 0; i < trace.tS.length; i++) {
    assert.ok(Number.isFinite(trace.dryBulbC[i]) && Number.isFinite(trace.wetBulbC[i]) && Number.isFinite(trace.relHumFrac[i]));
    assert.ok(trace.wetBulbC[i] <= trace.dryBulbC[i] + 0.2, `row ${i}: wet ${trace.wetBulbC[i]} > dry ${trace.dryBulbC[i]}`);
  }
});

test("weatherAt interpolates linearly between hours and holds the ends", () => {
  assert.ok(Math.abs(weatherAt(trace, trace.dryBulbC, 1800) - (12.3 + 12.9) / 2) < 1e-12);
  assert.is(weatherAt(trace, trace.dryBulbC, -100), 12.3);
  assert.is(weatherAt(trace, trace.dryBulbC, 1e9), trace.dryBulbC[8_759]);
});

test("fromWeatherCsv fills NA and names the row and column of a bad cell", async () => {
  const head = "ob_time,air_temperature,wetb_temp,dewpoint,rltv_hum,stn_pres,wind_speed\n";
  const t = await fromWeatherCsv(
    head +
      "2022-01-01 00:00:00,10,8,6,80,1000,10\n" +
      "2022-01-01 01:00:00,12,NA,NA,NA,1000,10\n" +
      "2022-01-01 02:00:00,14,10,8,70,1000,10\n",
  );
  // Depression 2 → 4 K: at 01:00 it is 3 K below the 12 °C dry bulb → 9 °C.
  assert.is(t.wetBulbC[1], 9);
  assert.is(t.relHumFrac[1], 0.75);
  await rejects(() => fromWeatherCsv(head + "2022-01-01 00:00:00,x,8,6,80,1000,10\n", "w.csv"), (e: unknown) => e instanceof UserError && /row 2, column air_temperature/.test((e as Error).message));
  await rejects(() => fromWeatherCsv("a,b\n1,2\n"), /header/);
  await rejects(() => fromWeatherCsv(head + "2022-01-01 01:00:00,1,1,1,1,1,1\n2022-01-01 00:00:00,1,1,1,1,1,1\n"), /not after/);
});

test.run();
