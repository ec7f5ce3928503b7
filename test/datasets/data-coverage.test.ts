import { test } from "uvu";
import * as assert from "uvu/assert";
import { SIGNAL_COVERAGE, WEATHER_COVERAGE } from "../../datasets/data-coverage.js";
import { loadCarbonIntensity } from "../../datasets/load-carbon-intensity.js";
import { loadAgilePrices, loadEntsoeDayAhead } from "../../datasets/load-prices.js";
import { loadWeather } from "../../datasets/load-weather.js";
import { createSignal, type UniformSeries } from "../../models/signals/signal.js";

/** The span a signal over `series` has real data for, as createSignal computes it. */
function span(series: UniformSeries): { fromUtc: string; toUtc: string } {
  const sig = createSignal(series, { startMs: series.startMs, dtS: 1 });
  const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
  return { fromUtc: iso(series.startMs + sig.fromS * 1000), toUtc: iso(series.startMs + sig.toS * 1000) };
}

test("SIGNAL_COVERAGE and WEATHER_COVERAGE are the spans of the loaded data", async () => {
  assert.equal(span(await loadAgilePrices()), SIGNAL_COVERAGE.price["agile-2020"]);
  assert.equal(span(await loadEntsoeDayAhead("DE")), SIGNAL_COVERAGE.price["entsoe-de-2020"]);
  assert.equal(span(await loadCarbonIntensity(2020)), SIGNAL_COVERAGE.carbon["gb-2020"]);
  assert.equal(span(await loadCarbonIntensity(2022)), SIGNAL_COVERAGE.carbon["gb-2022"]);
  const weather = await loadWeather();
  const lastS = weather.tS[weather.tS.length - 1]!;
  assert.is(Date.parse(weather.startUtc), Date.parse(WEATHER_COVERAGE["bedford-2022"]!.fromUtc));
  assert.is(Date.parse(weather.startUtc) + (lastS + 3600) * 1000, Date.parse(WEATHER_COVERAGE["bedford-2022"]!.toUtc));
});

test.run();
