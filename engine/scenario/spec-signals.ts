/** Grid signals on the plant port and their providers (see scenario-spec.ts, engine/signals/). */
import { GB_CARBON_FORECAST_ERROR } from "../signals/forecast-error.js";
import { bool, list, num, obj, oneOf, optionalObj, quantity, str, union } from "./spec.js";

const forecast = obj(
  {
    mode: oneOf(
      ["noisy", "perfect", "persistence"],
      "noisy: the signal's own future values with a seeded error that grows with lead time; perfect: the future values; persistence: the current value for every future period",
      "noisy",
    ),
    error0h: quantity("fraction", "noisy: standard deviation of the relative error at lead 0 (default fitted on GB carbon-intensity forecasts, docs/signals.md)", {
      min: 0,
      max: 10,
      default: GB_CARBON_FORECAST_ERROR.sd0Frac,
    }),
    error24h: quantity("fraction", "noisy: standard deviation of the relative error 24 h ahead; its variance grows linearly with the lead in between and beyond", {
      min: 0,
      max: 10,
      default: GB_CARBON_FORECAST_ERROR.sd24Frac,
    }),
    horizon: quantity("duration", "longest lead a controller may read", { above: 0, max: 14 * 86400, default: "48h" }),
  },
  "forecasts of this signal, read by controllers through the port (one value per signal period)",
);

const common = {
  // At least a minute: a signal's values are generated and recorded per period, so a 40 ms period
  // over a year-long run would allocate gigabytes before the first tick.
  period: quantity("duration", "period of the signal: it holds each value for this long from startTime (price: signals.port.marketPeriod; default 30min carbon, 5min stress)", {
    min: 60,
    max: 86400,
  }),
  forecast,
};

const dataset = obj(common, "committed data: the price named by signals.price or the carbon intensity named by signals.carbon, averaged over each period");

const synthetic = obj(
  {
    ...common,
    mean: num("level the shape is drawn around, in the signal's unit (price: currency/MWh, carbon: gCO2/kWh, stress: fraction)"),
    daily: quantity("fraction", "daily swing: cosine amplitude as a fraction of mean", { min: 0, max: 10, default: "20%" }),
    dailyPeak: quantity("duration", "UTC time of day of the daily maximum, e.g. 18h", { min: 0, max: 86400, default: "18h" }),
    weekend: quantity("fraction", "change on Saturdays and Sundays as a fraction of the weekday value (-10%: lower)", { min: -1, max: 10, default: "-10%" }),
    noise: quantity("fraction", "standard deviation of the autocorrelated noise, as a fraction of mean", { min: 0, max: 10, default: "5%" }),
    noiseTime: quantity("duration", "correlation time of the noise", { min: 0, default: "2h" }),
  },
  "a seeded curve with a daily and a weekly shape and autocorrelated noise",
  ["mean"],
);

const fixed = obj(
  {
    ...common,
    values: list(num("a value in the signal's unit"), "one value per period from startTime; the list repeats (48 half-hours make a daily tariff)", { minItems: 1 }),
  },
  "values typed into the scenario",
  ["values"],
);

const live = obj(
  {
    ...common,
    url: str("http(s) URL of the feed (or file)", { pattern: "^https?://", patternDoc: "an http:// or https:// URL" }),
    file: str("file of the feed (or url), re-read as it grows; relative to the working directory"),
    format: oneOf(["csv", "json"], "csv: a header row, then one row per sample; json: an array of records, or an object whose data is one (the GB Carbon Intensity API)", "csv"),
    timeField: str("column or dotted JSON path of each row's time (ISO 8601 UTC, or epoch ms)", { default: "time" }),
    valueField: str("column or dotted JSON path of each row's value, in the signal's unit (e.g. intensity.actual)", { default: "value" }),
  },
  "a feed read as it grows, at each period; when it lags behind, the last value holds and its quality is stale",
);

const source = union({ dataset, synthetic, static: fixed, live }, "where the signal comes from");

export const signalsPort = optionalObj(
  {
    marketPeriod: quantity("duration", "market period of the price signal: 15min, 30min or 1h", { above: 0, default: "30min" }),
    currency: oneOf(["GBP", "EUR"], "currency of synthetic, static and live prices (per MWh); dataset prices have their own (agile-2020 GBP, entsoe-de-2020 EUR)"),
    price: source,
    carbon: source,
    stress: source,
    recordForecasts: bool("write the forecasts controllers read to signal_forecasts", true),
  },
  "opt in: price, carbon intensity and grid stress as measurements on the plant port (grid.priceGbpPerMWh or grid.priceEurPerMWh, grid.carbonGPerKWh, grid.stressFrac), with forecasts; price and carbon default to the data named above; writes signal_series",
);

/** The provider spec, for filling in a default source (`{ kind: dataset }`) after validation. */
export const signalSource = source;
