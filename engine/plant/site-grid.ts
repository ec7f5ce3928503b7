import { createPccMonitor, finishPccMonitor, PCC_LIMIT_KINDS, PCC_LIMIT_UNITS, stepPccMonitor, violationS, type PccMonitor } from "../../models/grid/pcc-limits.js";
import { createSignal, signalAt, type Signal, type UniformSeries } from "../../models/signals/signal.js";
import { UserError } from "../../models/lib/errors.js";
import type { KpiRow } from "../kpis/kpi-row.js";
import type { Scenario } from "../scenario/scenario-types.js";
import type { WorkloadInputs } from "./workload-factory.js";
import type { GridSignals } from "../signals/grid-signals.js";

/**
 * The site's grid connection: its limits at the point of common coupling
 * (models/grid/pcc-limits.ts; every violation becomes an event and is counted in the KPIs) and the
 * price and carbon signals from real data (models/signals/), from which the run's energy cost and
 * carbon are summed. Stepped once per tick with the PCC power, after the electrical chain.
 */
export interface SiteGrid {
  /** False when the scenario sets no limits and no signals: then step() need not be called. */
  readonly active: boolean;
  step(k: number, pccW: number): void;
  /** Closes open limit events; call once after the last tick. */
  finish(): void;
  kpis(): KpiRow[];
}

/** Price conversions to currency per joule, by signal unit. */
const CURRENCY_PER_J: Record<string, { perJ: number; currency: string }> = {
  "p/kWh": { perJ: 1 / 3.6e6 / 100, currency: "GBP" },
  "EUR/MWh": { perJ: 1 / 3.6e9, currency: "EUR" },
};

export function createSiteGrid(
  scenario: Scenario,
  inputs: WorkloadInputs,
  event: (tS: number, kind: string, value: number, detail: string) => void,
  gridSignals?: GridSignals,
): SiteGrid {
  const dtS = scenario.dtS;
  const g = scenario.grid;
  const monitor: PccMonitor | undefined =
    g === undefined
      ? undefined
      : createPccMonitor(
          {
            importCapacityW: g.importCapacity ?? Infinity,
            exportCapacityW: Infinity,
            rampLimitWps: g.rampLimit ?? Infinity,
            slowRampLimitWpmin: g.slowRampLimit === undefined ? Infinity : g.slowRampLimit * 60,
            swingLimitW: g.swingLimit ?? Infinity,
            swingWindowS: g.swingWindow,
          },
          dtS,
        );
  const onLimit = (kind: number, startS: number, endS: number, worst: number, limit: number) =>
    event(startS, "pcc_limit_violation", worst, `${PCC_LIMIT_KINDS[kind]}: worst ${worst.toPrecision(6)} ${PCC_LIMIT_UNITS[kind]} against ${limit} for ${(endS - startS).toFixed(2)} s`);

  const signal = (name: string, series: UniformSeries | undefined): Signal | undefined => {
    if (series === undefined) return undefined;
    const sig = createSignal(series, { startMs: Date.parse(scenario.startTime!), dtS, interp: "step", outside: "hold" });
    if (sig.fromS > 0 || sig.toS < scenario.horizonS) {
      const days = (series.values.length * series.periodS) / 86400;
      throw new UserError(`signals.${name}: the data covers ${days.toFixed(0)} days from ${new Date(series.startMs).toISOString()}; startTime ${scenario.startTime} plus the horizon (${scenario.horizonS} s) is not inside it`);
    }
    return sig;
  };
  // With signals.port the KPIs sum the values published on the port (engine/signals/grid-signals.ts):
  // one source for what controllers see and what the run is charged. Without it, the data directly.
  const portSignals = gridSignals?.active === true ? gridSignals : undefined;
  const portPrice = portSignals?.hasPrice === true;
  const portCarbon = portSignals?.hasCarbon === true;
  const price = portSignals === undefined ? signal("price", inputs.price) : undefined;
  const carbon = portSignals === undefined ? signal("carbon", inputs.carbon) : undefined;
  const currency = portPrice
    ? { perJ: 1 / 3.6e9, currency: portSignals!.currency }
    : inputs.price && portSignals === undefined
      ? CURRENCY_PER_J[inputs.price.unit]
      : undefined;
  if (inputs.price && portSignals === undefined && currency === undefined) throw new UserError(`signals.price: unit ${inputs.price.unit} has no currency conversion`);
  // Σ P × price and Σ P × intensity, W·(unit): a typed array, not closure variables (a double stored
  // in one is a new heap number every tick).
  const sums = new Float64Array(2);
  const COST = 0;
  const CARBON = 1;
  const hasPrice = price !== undefined || portPrice;
  const hasCarbon = carbon !== undefined || portCarbon;

  return {
    active: monitor !== undefined || hasPrice || hasCarbon,
    step(k, pccW) {
      if (monitor !== undefined) stepPccMonitor(monitor, pccW, onLimit);
      if (price !== undefined) sums[COST] += pccW * signalAt(price, k);
      if (carbon !== undefined) sums[CARBON] += pccW * signalAt(carbon, k);
      if (portSignals !== undefined) {
        // A live feed with no value yet (NaN) charges nothing rather than poisoning the sum.
        const priceNow = portSignals.priceNow;
        const carbonNow = portSignals.carbonNow;
        if (portPrice && priceNow === priceNow) sums[COST] += pccW * priceNow;
        if (portCarbon && carbonNow === carbonNow) sums[CARBON] += pccW * carbonNow;
      }
    },
    finish() {
      if (monitor !== undefined) finishPccMonitor(monitor, onLimit);
    },
    kpis() {
      const rows: KpiRow[] = [];
      if (monitor !== undefined) {
        PCC_LIMIT_KINDS.forEach((kind, i) => {
          if (!Number.isFinite(monitor.limit[i]!)) return;
          const name = kind.replaceAll("-", "_");
          rows.push(
            { name: `pcc_${name}_violations`, value: monitor.eventCount[i]!, unit: "count" },
            { name: `pcc_${name}_violation_time`, value: violationS(monitor, i), unit: "s" },
          );
        });
      }
      // Σ P × price × dt: energy cost of what the site draws (exports, if any, are credited at the same price).
      if (hasPrice) rows.push({ name: "energy_cost", value: sums[COST]! * dtS * currency!.perJ, unit: currency!.currency });
      // Σ P × intensity × dt, intensity in gCO2/kWh → kgCO2.
      if (hasCarbon) rows.push({ name: "carbon", value: (sums[CARBON]! * dtS) / 3.6e6 / 1000, unit: "kgCO2" });
      return rows;
    },
  };
}
