import type { ElectricalChain } from "../../models/electrical/electrical-chain.js";
import { applyGridEvents, createGridEventSchedule, type GridEvent, type GridEventSchedule } from "../../models/grid/grid-events.js";
import {
  createSwingGrids,
  GB_GRID_200GVAS,
  ISLANDED_GENSETS_3X5MVA,
  setSwingGridParams,
  stepSwingGrids,
  type SwingGridParams,
  type SwingGrids,
} from "../../models/grid/swing-equation.js";
import { createSignal, signalAt, type Signal, type UniformSeries } from "../../models/signals/signal.js";
import { UserError } from "../../models/lib/errors.js";
import type { KpiRow } from "../kpis/kpi-row.js";
import type { FrequencySpec, Scenario } from "../scenario/scenario-types.js";
import type { SimPort } from "../sim-port.js";
import type { Chunk } from "../sinks/sink.js";
import { createRideThrough, type RideThrough } from "./site-ride-through.js";
import { GRID_SERIES } from "../tables.js";
import { f64Column } from "../columns.js";

/**
 * Frequency and voltage at the PCC (scenario section `frequency`), an optional site stage in the
 * pattern of site-grid.ts. Each tick, after the electrical chain:
 *   1. `rideThrough(k)`: grid events in effect at t = k·dt (models/grid/grid-events.ts); a voltage
 *      sag deeper than the tolerance moves the IT load to the UPS or rack BBU batteries
 *      (site-ride-through.ts), which rewrites the chain's site totals (the PCC drops by that load).
 *   2. `step(k, row, pccW)`, with the PCC power the grid sees (after storage): either the aggregate
 *      swing equation (models/grid/swing-equation.ts, docs/physics-sources.md §2.2, Kundur ch. 3 and 11 [R])
 *      driven by the site's PCC power relative to the dispatch plus trips and load steps, with an
 *      optional secondary control; or a measured trace at startTime + t (linear between samples).
 *      Publishes `grid.frequencyHz`, `grid.rocofHzps` and `grid.voltageFrac` (read by controllers at k + 1), records a
 *      grid_series row, and tracks the KPIs: nadir, zenith, max |RoCoF| per tick and over the relay
 *      window, time and excursions outside the operational and statutory bands.
 */
export interface SiteFrequency {
  /** False when the scenario has no `frequency` section: then no method need be called. */
  readonly active: boolean;
  rideThrough(k: number): void;
  /** Share of the GPUs' power that reached them this tick (1 unless a ride-through load tripped). */
  readonly gpuServedFrac: number;
  /**
   * Net energy the ride-through batteries supplied in the PCC balance so far, Wh (UPS: Σ ups battery
   * output − recharge; rack BBUs sit behind the PSUs, so 0: it_power_w is already their grid draw).
   */
  rideThroughSupplyWh(): number;
  step(k: number, row: number, pccW: number): void;
  /** Pushes the grid_series chunk of the last `length` ticks. */
  emit(out: Chunk[], length: number): void;
  /** Takes back a grid_series chunk's buffers (true when the chunk was one). */
  release(chunk: Chunk): boolean;
  finish(): void;
  kpis(): KpiRow[];
}

type EventSink = (source: string, kind: string, value: number, detail: string, tS?: number) => void;

const INACTIVE: SiteFrequency = {
  active: false,
  rideThrough() {},
  gpuServedFrac: 1,
  rideThroughSupplyWh: () => 0,
  step() {},
  emit() {},
  release: () => false,
  finish() {},
  kpis: () => [],
};

/**
 * Preset bases, so that `inertia` or `base` alone can be changed: the islanded preset is 3 × 5 MVA at
 * H = 1.5 s (★ V3); the GB preset's 200 GVA·s (NESO example [P]) is H = 8 s on 25 GVA (H ≈ 7-9 s on
 * system load, Inoue & Taniguchi 1997 [P-abs]), with d = 1 on that base (the preset's 500 MW/Hz).
 */
const PRESETS: Record<FrequencySpec["preset"], { params: SwingGridParams; inertiaS: number; baseVA: number; loadDampingPu: number }> = {
  "islanded-3x5mva": { params: ISLANDED_GENSETS_3X5MVA, inertiaS: 1.5, baseVA: 15e6, loadDampingPu: 0 },
  "gb-200gvas": { params: GB_GRID_200GVAS, inertiaS: 8, baseVA: 25e9, loadDampingPu: 1 },
};

/** Swing-equation parameters of a scenario section: the preset's, with the fields it sets. */
export function swingParamsOf(f: FrequencySpec): SwingGridParams {
  const preset = PRESETS[f.preset];
  const p = preset.params;
  const f0Hz = f.nominal ?? p.f0Hz;
  const inertiaS = f.inertia ?? preset.inertiaS;
  const baseVA = f.base ?? preset.baseVA;
  return {
    f0Hz,
    kineticEnergyWs: inertiaS * baseVA,
    dampingWPerHz: ((f.loadDamping ?? preset.loadDampingPu) * baseVA) / f0Hz,
    droopFrac: f.droop ?? p.droopFrac,
    droopBaseW: f.droopBase ?? p.droopBaseW,
    governorTauS: f.governorTime ?? p.governorTauS,
    headroomUpW: f.headroomUp ?? p.headroomUpW,
    headroomDownW: f.headroomDown ?? p.headroomDownW,
    deadbandHz: f.deadband ?? p.deadbandHz,
  };
}

function gridEventsOf(f: FrequencySpec): GridEvent[] {
  return f.events.map((e) =>
    e.kind === "voltage-sag"
      ? { kind: e.kind, atS: e.at, depthFrac: e.depth, durationS: e.duration }
      : e.kind === "load-step"
        ? { kind: e.kind, atS: e.at, powerW: e.power, ...(e.duration === undefined ? {} : { durationS: e.duration }) }
        : { kind: e.kind, atS: e.at, powerW: e.power },
  );
}

/** A band excursion tracker: a maximal run of ticks with |Δf| above the half-width. */
interface Band {
  readonly name: string;
  readonly halfWidthHz: number;
  ticks: number;
  count: number;
  startK: number;
  worstHz: number;
}

export function createSiteFrequency(
  scenario: Scenario,
  chain: ElectricalChain,
  port: SimPort,
  runId: string,
  chunkTicks: number,
  traceSeries: UniformSeries | undefined,
  event: EventSink,
): SiteFrequency {
  const f = scenario.frequency;
  if (f === undefined) return INACTIVE;
  const dtS = scenario.dtS;
  const swing = f.source === "swing";
  const params = swingParamsOf(f);
  const f0Hz = params.f0Hz;
  const grids: SwingGrids = createSwingGrids(1);
  try {
    setSwingGridParams(grids, 0, params);
  } catch (error) {
    throw new UserError(`frequency: ${(error as Error).message}`);
  }
  if (f.dispatch !== undefined) grids.pccRefW[0] = f.dispatch;
  const schedule: GridEventSchedule = createGridEventSchedule(gridEventsOf(f));
  // β = D + K: the frequency bias of secondary control (Kundur ch. 11, AGC [R]).
  const biasWPerHz = grids.dampingWPerHz[0]! + grids.govGainWPerHz[0]!;
  const secondaryGain = f.secondaryTime > 0 ? (biasWPerHz * dtS) / f.secondaryTime : 0;

  let trace: Signal | undefined;
  if (!swing) {
    if (traceSeries === undefined) throw new UserError("frequency.trace: no trace loaded (set frequency.trace to a CSV file)");
    trace = createSignal(traceSeries, { startMs: Date.parse(scenario.startTime!), dtS, interp: "linear", outside: "hold" });
    if (trace.fromS > 0 || trace.toS < scenario.horizonS) {
      throw new UserError(
        `frequency.trace: the trace covers ${new Date(traceSeries.startMs).toISOString()} + ${((traceSeries.values.length - 1) * traceSeries.periodS).toFixed(0)} s; startTime ${scenario.startTime} plus the horizon (${scenario.horizonS} s) is not inside it`,
      );
    }
  }

  const ride: RideThrough = createRideThrough(f.rideThrough, chain, dtS, (source, kind, value, detail) => event(source, kind, value, detail));
  const hasSags = f.events.some((e) => e.kind === "voltage-sag");

  const hFreq = port.addMeasurement({ name: "grid.frequencyHz", unit: "Hz", description: "grid frequency at the PCC (tick mean)", initial: f0Hz });
  const hRocof = port.addMeasurement({ name: "grid.rocofHzps", unit: "Hz/s", description: "rate of change of frequency over the tick", initial: 0 });
  const hVoltage = port.addMeasurement({ name: "grid.voltageFrac", unit: "fraction", description: "PCC voltage as a fraction of nominal (1 − the depth of a voltage sag in effect)", initial: 1 });

  // grid_series buffers, recycled through release().
  const rows = Math.max(1, Math.min(chunkTicks, scenario.ticks));
  const newColumns = () => GRID_SERIES.columns.map(() => f64Column(rows));
  const free: Float64Array[][] = [];
  let cols = newColumns();

  // KPI state.
  const bands: Band[] = [
    { name: "operational", halfWidthHz: f.operationalBand, ticks: 0, count: 0, startK: -1, worstHz: 0 },
    { name: "statutory", halfWidthHz: f.statutoryBand, ticks: 0, count: 0, startK: -1, worstHz: 0 },
  ];
  const windowTicks = Math.max(1, Math.round(f.rocofWindow / dtS));
  const ring = new Float64Array(windowTicks + 1).fill(f0Hz);
  let nadirHz = Infinity;
  let nadirS = 0;
  let zenithHz = -Infinity;
  let maxAbsRocof = 0;
  let maxAbsRocofWindow = 0;
  let prevHz = f0Hz;
  let ticks = 0;
  let sagOn = false;
  let sagDepth = 0;

  const closeBand = (b: Band, endK: number) => {
    if (b.startK < 0) return;
    const durS = (endK - b.startK) * dtS;
    event("frequency", `frequency_${b.name}_excursion`, b.worstHz, `outside ${f0Hz} ± ${b.halfWidthHz} Hz (${b.name} band) for ${durS.toFixed(2)} s; furthest ${b.worstHz.toFixed(4)} Hz`, b.startK * dtS);
    b.startK = -1;
    b.worstHz = 0;
  };

  const byUps = f.rideThrough.by === "ups";
  let rideThroughSupplyJ = 0;
  return {
    active: true,
    get gpuServedFrac() {
      return ride.gpuServedFrac;
    },
    rideThroughSupplyWh: () => rideThroughSupplyJ / 3600,
    rideThrough(k) {
      const tS = k * dtS;
      applyGridEvents(schedule, tS, grids, 0);
      sagDepth = grids.sagDepthFrac[0]!;
      // Event starts (a handful of events: a scan per tick is cheaper than bookkeeping).
      for (let e = 0; e < schedule.count; e++) {
        const at = schedule.atS[e]!;
        if (at < tS - 1e-9 || at >= tS + dtS - 1e-9) continue;
        const kind = schedule.kind[e]!;
        if (kind === 0) event("grid", "generator_trip", schedule.powerW[e]!, `${(schedule.powerW[e]! / 1e6).toFixed(3)} MW of generation tripped`);
        else if (kind === 1) event("grid", "load_step", schedule.powerW[e]!, `${(schedule.powerW[e]! / 1e6).toFixed(3)} MW of other load switched in`);
        else event("grid", "voltage_sag", schedule.depthFrac[e]!, `voltage sag to ${(100 * (1 - schedule.depthFrac[e]!)).toFixed(0)} % for ${(schedule.endS[e]! - at).toFixed(3)} s`);
      }
      if (sagOn && sagDepth === 0) event("grid", "voltage_restored", 0, "voltage back to nominal");
      sagOn = sagDepth > 0;
      if (hasSags) {
        ride.step(sagDepth);
        if (byUps) rideThroughSupplyJ += ride.batteryW * dtS;
      }
    },
    step(k, row, pccW) {
      let hz: number;
      let rocof: number;
      let govW = 0;
      if (swing) {
        grids.pccPowerW[0] = pccW;
        stepSwingGrids(grids, dtS);
        hz = grids.freqHz[0]!;
        rocof = grids.rocofHzps[0]!;
        govW = grids.govPowerW[0]!;
        if (secondaryGain > 0) grids.pccRefW[0] = grids.pccRefW[0]! - secondaryGain * (hz - f0Hz);
      } else {
        hz = signalAt(trace!, k);
        rocof = k === 0 ? 0 : (hz - prevHz) / dtS;
      }
      prevHz = hz;
      ticks++;
      port.publish(hFreq, hz, k);
      port.publish(hRocof, rocof, k);
      port.publish(hVoltage, 1 - sagDepth, k);

      const c = cols;
      c[0]![row] = k * dtS;
      c[1]![row] = hz;
      c[2]![row] = rocof;
      c[3]![row] = govW;
      c[4]![row] = swing ? grids.pccRefW[0]! : NaN;
      c[5]![row] = sagDepth;
      c[6]![row] = ride.batteryW;
      c[7]![row] = ride.socMinFrac;
      c[8]![row] = ride.unservedW;

      if (hz < nadirHz) {
        nadirHz = hz;
        nadirS = k * dtS;
      }
      if (hz > zenithHz) zenithHz = hz;
      const absRocof = rocof < 0 ? -rocof : rocof;
      if (absRocof > maxAbsRocof) maxAbsRocof = absRocof;
      // RoCoF over the relay window: (f_k − f_{k−w}) / (w·dt), once the window has history.
      const slot = k % (windowTicks + 1);
      ring[slot] = hz;
      if (k >= windowTicks) {
        const past = ring[(k - windowTicks) % (windowTicks + 1)]!;
        const r = Math.abs(hz - past) / (windowTicks * dtS);
        if (r > maxAbsRocofWindow) maxAbsRocofWindow = r;
      }
      const dev = hz - f0Hz;
      const absDev = dev < 0 ? -dev : dev;
      for (let b = 0; b < bands.length; b++) {
        const band = bands[b]!;
        if (absDev > band.halfWidthHz) {
          band.ticks++;
          if (band.startK < 0) {
            band.startK = k;
            band.count++;
          }
          if (absDev > Math.abs(band.worstHz - f0Hz) || band.worstHz === 0) band.worstHz = hz;
        } else if (band.startK >= 0) {
          closeBand(band, k);
        }
      }
    },
    emit(out, length) {
      out.push({ table: GRID_SERIES.name, runId, length, columns: cols });
      cols = free.pop() ?? newColumns();
    },
    release(chunk) {
      if (chunk.table !== GRID_SERIES.name) return false;
      const c = chunk.columns as Float64Array<ArrayBuffer>[];
      if (c[0]!.length === rows) free.push(c);
      return true;
    },
    finish() {
      for (const band of bands) closeBand(band, scenario.ticks);
    },
    kpis() {
      const rows: KpiRow[] = [
        { name: "frequency_nadir", value: ticks > 0 ? nadirHz : NaN, unit: "Hz" },
        { name: "frequency_nadir_time", value: ticks > 0 ? nadirS : NaN, unit: "s" },
        { name: "frequency_zenith", value: ticks > 0 ? zenithHz : NaN, unit: "Hz" },
        { name: "frequency_max_abs_rocof", value: maxAbsRocof, unit: "Hz/s" },
        { name: "frequency_max_abs_rocof_window", value: maxAbsRocofWindow, unit: "Hz/s" },
      ];
      for (const band of bands) {
        rows.push(
          { name: `frequency_outside_${band.name}_time`, value: band.ticks * dtS, unit: "s" },
          { name: `frequency_${band.name}_excursions`, value: band.count, unit: "count" },
        );
      }
      rows.push({ name: "grid_events", value: schedule.count, unit: "count" });
      if (hasSags) rows.push(...ride.kpis());
      return rows;
    },
  };
}
