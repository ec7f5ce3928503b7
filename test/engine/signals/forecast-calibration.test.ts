import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadCarbonForecastSamples } from "../../../datasets/load-carbon-forecast.js";
import { fitForecastError, forecastErrorPoints, rmsByLead } from "../../../engine/signals/forecast-calibration.js";
import { GB_CARBON_FORECAST_ERROR, forecastErrorSd } from "../../../engine/signals/forecast-error.js";

const FIT = ["2023-03-14T0331Z", "2023-03-15T0101Z"];
const HELD_OUT = ["2023-03-14T1201Z", "2023-03-15T1201Z"];

function pointsOf(names: readonly string[]) {
  const samples = loadCarbonForecastSamples();
  return forecastErrorPoints(
    names.map((n) => samples.forecasts.get(n)!),
    samples.actual,
  );
}

/** The model's RMS over the same leads as the points (what it predicts for that sample). */
function predictedRms(points: readonly { leadS: number }[]): number {
  const { sd0Frac, sd24Frac } = GB_CARBON_FORECAST_ERROR;
  return Math.sqrt(points.reduce((s, p) => s + forecastErrorSd(sd0Frac, sd24Frac, p.leadS) ** 2, 0) / points.length);
}

test("the default forecast error is the fit on the calibration captures (GB carbon, March 2023)", () => {
  const fit = pointsOf(FIT);
  assert.is(fit.length, 96);
  const { sd0Frac, sd24Frac } = fitForecastError(fit);
  assert.ok(Math.abs(sd0Frac - GB_CARBON_FORECAST_ERROR.sd0Frac) < 0.0005, `sd0 ${sd0Frac}`);
  assert.ok(Math.abs(sd24Frac - GB_CARBON_FORECAST_ERROR.sd24Frac) < 0.0005, `sd24 ${sd24Frac}`);
});

test("held-out captures: the error grows with lead, and the model's RMS is within 35 % of what they show", () => {
  const held = pointsOf(HELD_OUT);
  assert.is(held.length, 118);
  const rows = [
    ["fit", rmsByLead(pointsOf(FIT), 12 * 3600)],
    ["held out", rmsByLead(held, 12 * 3600)],
  ] as const;
  for (const [name, buckets] of rows) {
    for (const b of buckets) {
      const model = forecastErrorSd(GB_CARBON_FORECAST_ERROR.sd0Frac, GB_CARBON_FORECAST_ERROR.sd24Frac, b.meanLeadS);
      console.log(`  ${name.padEnd(8)} lead ${b.fromS / 3600}-${b.fromS / 3600 + 12} h: n ${b.n}, RMS ${(b.rms * 100).toFixed(1)} %, model ${(model * 100).toFixed(1)} %`);
    }
    assert.ok(buckets[buckets.length - 1]!.rms > 2 * buckets[0]!.rms, `${name}: 36-48 h is at least twice as wrong as 0-12 h`);
  }
  const observed = Math.sqrt(held.reduce((s, p) => s + p.relError ** 2, 0) / held.length);
  const predicted = predictedRms(held);
  console.log(`  held out overall: RMS ${(observed * 100).toFixed(1)} %, model ${(predicted * 100).toFixed(1)} %`);
  assert.ok(Math.abs(observed / predicted - 1) < 0.35, `observed ${observed}, predicted ${predicted}`);
});

test("fitForecastError recovers a known model from its own draws", () => {
  // sd0 5 %, sd24 20 %: errors drawn deterministically from a fixed normal sequence.
  let seed = 1;
  const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) + 0.5) / 4_294_967_296;
  const points = [];
  for (let i = 0; i < 40_000; i++) {
    const leadS = (i % 96) * 1800;
    const z = Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next());
    points.push({ leadS, relError: forecastErrorSd(0.05, 0.2, leadS) * z });
  }
  const fit = fitForecastError(points);
  assert.ok(Math.abs(fit.sd24Frac - 0.2) < 0.01, `sd24 ${fit.sd24Frac}`);
  assert.ok(Math.abs(fit.sd0Frac - 0.05) < 0.02, `sd0 ${fit.sd0Frac}`);
});

test.run();
