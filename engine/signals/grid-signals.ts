import { resolve } from "node:path";
import { fetchFeed, readFeedFile } from "../../datasets/load-live-feed.js";
import { createRng } from "../../models/lib/rng.js";
import { unknownName } from "../../models/lib/errors.js";
import type { UniformSeries } from "../../models/signals/signal.js";
import { QUALITY_ERROR, QUALITY_OK, QUALITY_STALE, type ForecastReader, type Quality } from "../port.js";
import type { SignalSourceSpec, Scenario } from "../scenario/scenario-types.js";
import type { SimPort } from "../sim-port.js";
import type { Chunk } from "../sinks/sink.js";
import { f64ColumnOf, i32ColumnOf } from "../columns.js";
import { SIGNAL_FORECASTS, SIGNAL_SERIES } from "../tables.js";
import { createDatasetProvider } from "./dataset-provider.js";
import { forecastErrorSd, normalAt } from "./forecast-error.js";
import { createLiveProvider, type FeedReader } from "./live-provider.js";
import type { SignalProvider } from "./signal-provider.js";
import { createStaticProvider } from "./static-provider.js";
import { createSyntheticProvider } from "./synthetic-provider.js";

/**
 * The grid signals stage: price, carbon intensity and grid stress as measurements on the sim port
 * (scenario `signals.port`), each at its own period, with forecasts controllers read through
 * `port.forecasts`, and the tables that record both (signal_series, signal_forecasts).
 *
 * A signal holds its value over its period (a step function from startTime). The stage runs FIRST
 * in a tick (before the controllers): a signal is exogenous (nothing the plant does moves it), so,
 * unlike plant measurements, it needs no one-step delay, and a controller stepping at the start of
 * a market period sees that period's price. When the provider has no value for the period (a live
 * feed lagging behind) the last value holds and is published with quality stale; before any value,
 * NaN with quality error.
 *
 * The price and carbon values published here are the ones the energy_cost and carbon KPIs sum
 * (engine/plant/site-grid.ts reads priceNow / carbonNow), so the KPIs and what controllers see
 * have one source.
 */
export interface GridSignals {
  /** False without signals.port: then nothing is published and beginTick need not be called. */
  readonly active: boolean;
  /** Price in force, currency per MWh (NaN: no price signal, or no value yet). */
  readonly priceNow: number;
  /** Carbon intensity in force, gCO2/kWh (NaN: none). */
  readonly carbonNow: number;
  readonly hasPrice: boolean;
  readonly hasCarbon: boolean;
  /** Currency of the price: GBP or EUR. */
  readonly currency: string;
  /** Publishes every signal whose period starts at tick k. Call at the start of tick k. */
  beginTick(k: number): void;
  /** Who reads forecasts from now on (an index into the controller ids given at creation). */
  setAsker(index: number): void;
  /** Appends signal_series and signal_forecasts. */
  finish(out: Chunk[], runId: string): void;
}

/** Data and readers the stage may be given instead of reading them itself (tests, a worker's cache). */
export interface GridSignalsInputs {
  price?: UniformSeries;
  carbon?: UniformSeries;
  /** A reader per signal name for live providers (default: the spec's file or url). */
  feeds?: Partial<Record<SignalName, FeedReader>>;
}

export type SignalName = "price" | "carbon" | "stress";

interface Channel {
  readonly name: string;
  readonly provider: SignalProvider;
  readonly handle: number;
  readonly periodS: number;
  readonly periodTicks: number;
  readonly mode: "noisy" | "perfect" | "persistence";
  readonly sd0: number;
  readonly sd24: number;
  readonly horizonPeriods: number;
  readonly seed32: number;
  period: number;
  value: number;
  lastKnown: number;
  lastKnownPeriod: number;
  // Per asker: the issue period and how many leads were recorded (a forecast is recorded once per period).
  readonly recordedIssue: Int32Array;
  readonly recordedLeads: Int32Array;
}

const UNIT_SCALE_TO_PER_MWH: Record<string, number> = { "p/kWh": 10, "EUR/MWh": 1 };

export function createGridSignals(scenario: Scenario, port: SimPort, askerIds: readonly string[], inputs: GridSignalsInputs = {}): GridSignals {
  const spec = scenario.signals?.port;
  const inactive: GridSignals = {
    active: false,
    priceNow: Number.NaN,
    carbonNow: Number.NaN,
    hasPrice: false,
    hasCarbon: false,
    currency: "",
    beginTick() {},
    setAsker() {},
    finish() {},
  };
  if (spec === undefined) return inactive;
  const dtS = scenario.dtS;
  const startMs = Date.parse(scenario.startTime!);
  const currency = spec.price?.kind === "dataset" ? (scenario.signals.price === "entsoe-de-2020" ? "EUR" : "GBP") : (spec.currency ?? "GBP");
  const priceName = currency === "EUR" ? "grid.priceEurPerMWh" : "grid.priceGbpPerMWh";
  const meta: Record<SignalName, { point: string; unit: string; description: string; defaultPeriodS: number; min: number; max: number }> = {
    price: { point: priceName, unit: `${currency}/MWh`, description: "energy price of the current market period", defaultPeriodS: spec.marketPeriod, min: -Infinity, max: Infinity },
    carbon: { point: "grid.carbonGPerKWh", unit: "gCO2/kWh", description: "carbon intensity of grid electricity in the current period", defaultPeriodS: 1800, min: 0, max: Infinity },
    stress: { point: "grid.stressFrac", unit: "fraction", description: "grid stress: 0 relaxed, 1 the grid operator's most severe signal", defaultPeriodS: 300, min: 0, max: 1 },
  };

  const providerOf = (name: SignalName, src: SignalSourceSpec, periodS: number, periods: number): SignalProvider => {
    switch (src.kind) {
      case "dataset": {
        const series = name === "price" ? inputs.price : name === "carbon" ? inputs.carbon : undefined;
        if (series === undefined) throw new Error(`signals.port.${name}: dataset provider without loaded data`);
        return createDatasetProvider(series, startMs, periodS, name === "price" ? (UNIT_SCALE_TO_PER_MWH[series.unit] ?? 1) : 1);
      }
      case "static":
        return createStaticProvider(src.values);
      case "synthetic":
        return createSyntheticProvider(
          {
            mean: src.mean,
            dailyFrac: src.daily,
            dailyPeakS: src.dailyPeak,
            weekendFrac: src.weekend,
            noiseFrac: src.noise,
            noiseTimeS: src.noiseTime,
            min: meta[name].min,
            max: meta[name].max,
          },
          startMs,
          periodS,
          periods,
          createRng(scenario.seed, `signal/${name}`),
        );
      case "live": {
        const reader: FeedReader =
          inputs.feeds?.[name] ??
          (src.file !== undefined ? { sync: () => readFeedFile(resolve(src.file!)) } : { async: () => fetchFeed(src.url!) });
        return createLiveProvider({ reader, format: src.format, timeField: src.timeField, valueField: src.valueField, startMs, periodS });
      }
    }
  };

  const channels: Channel[] = [];
  for (const name of ["price", "carbon", "stress"] as const) {
    const src = spec[name];
    if (src === undefined) continue;
    const m = meta[name];
    const periodS = name === "price" ? spec.marketPeriod : (src.period ?? m.defaultPeriodS);
    const horizonPeriods = Math.max(0, Math.floor(src.forecast.horizon / periodS + 1e-9));
    const runPeriods = Math.ceil(scenario.horizonS / periodS - 1e-9);
    const handle = port.addMeasurement({ name: m.point, unit: m.unit, description: `${m.description} (${src.kind}, held over ${periodS} s)`, initial: Number.NaN });
    channels.push({
      name: m.point,
      provider: providerOf(name, src, periodS, runPeriods + horizonPeriods + 1),
      handle,
      periodS,
      periodTicks: Math.round(periodS / dtS),
      mode: src.forecast.mode,
      sd0: src.forecast.error0h,
      sd24: src.forecast.error24h,
      horizonPeriods,
      seed32: createRng(scenario.seed, `signal/${name}/forecast`).int(4_294_967_296),
      period: -1,
      value: Number.NaN,
      lastKnown: Number.NaN,
      lastKnownPeriod: -1,
      recordedIssue: new Int32Array(Math.max(1, askerIds.length)).fill(-1),
      recordedLeads: new Int32Array(Math.max(1, askerIds.length)),
    });
  }
  const price = channels.find((c) => c.name === priceName);
  const carbon = channels.find((c) => c.name === "grid.carbonGPerKWh");

  // signal_series rows (one per signal per period) and signal_forecasts rows (one per lead read).
  const series = { t: [] as number[], signal: [] as number[], value: [] as number[], quality: [] as number[] };
  const record = spec.recordForecasts;
  const fc = { t: [] as number[], asker: [] as number[], signal: [] as number[], lead: [] as number[], target: [] as number[], value: [] as number[] };
  let nowK = 0;
  let asker = 0;

  /** The provider's value of period p, or the value a forecast falls back on when it has none. */
  const valueOr = (c: Channel, p: number, fallback: number): number => {
    const v = c.provider.valueAt(p);
    return Number.isFinite(v) ? v : fallback;
  };

  const stage: GridSignals & ForecastReader = {
    active: true,
    get priceNow() {
      return price === undefined ? Number.NaN : price.value;
    },
    get carbonNow() {
      return carbon === undefined ? Number.NaN : carbon.value;
    },
    hasPrice: price !== undefined,
    hasCarbon: carbon !== undefined,
    currency,
    beginTick(k) {
      nowK = k;
      for (let i = 0; i < channels.length; i++) {
        const c = channels[i]!;
        const p = Math.floor(k / c.periodTicks);
        if (p === c.period) continue;
        c.period = p;
        c.provider.refresh?.(p);
        const v = c.provider.valueAt(p);
        let q: Quality = QUALITY_OK;
        if (Number.isFinite(v)) {
          c.value = v;
          c.lastKnown = v;
          c.lastKnownPeriod = p;
        } else {
          // The feed lags: hold the latest value it has (rows of past periods may have landed late).
          for (let q = p - 1; q > c.lastKnownPeriod; q--) {
            const late = c.provider.valueAt(q);
            if (Number.isFinite(late)) {
              c.lastKnown = late;
              c.lastKnownPeriod = q;
              break;
            }
          }
          c.value = c.lastKnown;
          q = Number.isFinite(c.lastKnown) ? QUALITY_STALE : QUALITY_ERROR;
        }
        port.publish(c.handle, c.value, k, q);
        series.t.push(p * c.periodS);
        series.signal.push(i);
        series.value.push(c.value);
        series.quality.push(q);
      }
    },
    setAsker(index) {
      asker = index;
    },
    names: channels.map((c) => c.name),
    handle(name) {
      const i = channels.findIndex((c) => c.name === name);
      if (i < 0) throw unknownName("signal point with a forecast", name, channels.map((c) => c.name));
      return i;
    },
    periodS: (handle) => channels[handle]!.periodS,
    read(handle, hours, out) {
      const c = channels[handle]!;
      const p = c.period < 0 ? 0 : c.period;
      const asked = Math.floor((hours * 3600) / c.periodS + 1e-9);
      const n = Math.max(0, Math.min(out.length, asked, c.horizonPeriods));
      let held = c.value;
      if (c.mode === "persistence") {
        for (let j = 0; j < n; j++) out[j] = held;
      } else if (c.mode === "perfect") {
        for (let j = 0; j < n; j++) out[j] = held = valueOr(c, p + 1 + j, held);
      } else {
        // A random walk along the leads: each step adds the variance the error gains over one period.
        let e = 0;
        let variance = 0;
        for (let j = 0; j < n; j++) {
          const sd = forecastErrorSd(c.sd0, c.sd24, (j + 1) * c.periodS);
          const v2 = sd * sd;
          e += Math.sqrt(v2 > variance ? v2 - variance : 0) * normalAt(c.seed32, p, j);
          variance = v2 > variance ? v2 : variance;
          held = valueOr(c, p + 1 + j, held);
          out[j] = held * (1 + e);
        }
      }
      if (record) {
        const from = c.recordedIssue[asker] === p ? c.recordedLeads[asker]! : 0;
        if (n > from) {
          const tS = nowK * dtS;
          for (let j = from; j < n; j++) {
            fc.t.push(tS);
            fc.asker.push(asker);
            fc.signal.push(handle);
            fc.lead.push((j + 1) * c.periodS);
            fc.target.push((p + 1 + j) * c.periodS);
            fc.value.push(out[j]!);
          }
          c.recordedIssue[asker] = p;
          c.recordedLeads[asker] = n;
        }
      }
      return n;
    },
    finish(out, runId) {
      out.push({
        table: SIGNAL_SERIES.name,
        runId,
        length: series.t.length,
        columns: [f64ColumnOf(series.t), series.signal.map((i) => channels[i]!.name), f64ColumnOf(series.value), i32ColumnOf(series.quality)],
      });
      out.push({
        table: SIGNAL_FORECASTS.name,
        runId,
        length: fc.t.length,
        columns: [
          f64ColumnOf(fc.t),
          fc.asker.map((i) => askerIds[i] ?? ""),
          fc.signal.map((i) => channels[i]!.name),
          f64ColumnOf(fc.lead),
          f64ColumnOf(fc.target),
          f64ColumnOf(fc.value),
        ],
      });
    },
  };
  port.setForecasts(stage);
  return stage;
}
