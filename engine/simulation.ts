import { stepGpuCohorts } from "../models/gpu/gpu-cohorts.js";
import { stepElectricalChain } from "../models/electrical/electrical-chain.js";
import { buildPlant, type Plant } from "./plant/build-plant.js";
import type { Controller, ControllerContext } from "./controller.js";
import { createDecisionLog } from "./audit/decision-log.js";
import { createController } from "./controller-factory.js";
import { createSignalKpis } from "./kpis/signal-kpis.js";
import type { KpiRow } from "./kpis/kpi-row.js";
import { createRng } from "../models/lib/rng.js";
import type { Scenario } from "./scenario/scenario-types.js";
import { createSimPort, type SimPort } from "./sim-port.js";
import { createCompositePort } from "./composite-port.js";
import type { PlantPort } from "./port.js";
import { createDemandResponseMeter } from "./plant/demand-response-meter.js";
import { createGpuBufferStage } from "./plant/gpu-buffers.js";
import { createSiteFrequency } from "./plant/site-frequency.js";
import { createSiteGrid } from "./plant/site-grid.js";
import { createGridSignals, type GridSignalsInputs } from "./signals/grid-signals.js";
import { createSiteStorage } from "./plant/site-storage.js";
import { createSiteHeat } from "./plant/site-heat.js";
import { createSiteJobs } from "./plant/site-jobs.js";
import { createSiteThermal, type SiteThermal } from "./plant/site-thermal.js";
import type { Chunk } from "./sinks/sink.js";
import { EVENTS, HEAT_SERIES, KPIS, RACKS, RACK_SERIES, RUN_TABLES, SITE_SERIES } from "./tables.js";
import type { WorkloadInputs } from "./plant/workload-factory.js";
import { f32Column, f64Column, f64ColumnOf, i32Column, i32ColumnOf } from "./columns.js";

/**
 * One run of the hall twin, advanced chunk by chunk. Pure apart from its own state: no I/O, no
 * clock, no global randomness (every stream derives from the scenario seed, the run id and the
 * component id), so the same scenario, seed and run id give byte-identical chunks.
 *
 * Order within tick k (fixed; docs/architecture.md draws it). Each plant stage lives in
 * engine/plant/ and its header says what it does inside its step; a stage whose scenario section is
 * absent is skipped and costs nothing.
 *   0. grid signals (engine/signals/grid-signals.ts, with signals.port): price, carbon and stress of
 *      the period that starts at k are published first (exogenous: no feedback delay needed)
 *   1. controllers due at k: read measurements of tick k−1, write setpoints
 *   2. setpoints due at k take effect (writes of tick k − latency); then the jobs stage
 *      (plant/site-jobs.ts, with jobs): lifecycle and the commands just applied, so a pause or
 *      resume reaches the job's GPUs in this tick
 *   3. workloads: utilisation of every GPU cohort
 *   4. IT power: GPU cohorts (cap, overshoot, smoothing), then the PSU energy buffers
 *      (plant/gpu-buffers.ts)
 *   5. electrical chain: racks → PSUs → rows → UPS → transformers; a voltage sag first moves the IT
 *      load to the UPS / rack BBU batteries (plant/site-ride-through.ts)
 *   6. site loads on top of the chain's PCC sum: the cooling plant's load (plant/site-thermal.ts),
 *      then the heat pumps' power (plant/site-heat.ts; with a cooling plant, the power in force
 *      before the thermal step, so a heat step's power holds over the next step); the sum is the
 *      site load. Every term is recorded: docs/energy-ledger.md
 *   7. site batteries (plant/site-storage.ts): PCC = site load + Σ battery AC power
 *   8. what watches the PCC power: grid limits, prices and carbon (plant/site-grid.ts), the
 *      demand-response meter (plant/demand-response-meter.ts), grid frequency (plant/site-frequency.ts)
 *   9. recording: series row k, rack windows, KPI inputs; measurements of k published for k+1
 */
export interface Simulation {
  readonly runId: string;
  readonly totalTicks: number;
  /** Ticks done so far. */
  readonly k: number;
  readonly done: boolean;
  readonly plant: Plant;
  readonly port: SimPort;
  /** The cooling plant stage (inactive without a cooling section). */
  readonly thermal: SiteThermal;
  /**
   * Runs up to the next chunk boundary (or the end) and returns the chunks completed on the way.
   * The last call also returns the racks, events, decisions and kpis chunks.
   */
  advance(): Chunk[];
  /**
   * Runs at most `ticks` ticks (never past the next chunk boundary) and returns the chunks completed
   * on the way (often none: then a shared, frozen empty array): the real-time loop of hardware in
   * the loop advances one controller period at a time with it. Same results as advance().
   */
  advanceBy(ticks: number): Chunk[];
  /**
   * Ends the run at the current tick (a HIL run stopped by Ctrl-C or its duration): returns the last
   * chunks, racks, events, decisions and KPIs as the horizon's end would. The thermal and storage
   * stages still close their open episodes at the scenario's horizon.
   */
  stop(): Chunk[];
  /**
   * Hands back chunks the caller has finished with (a sink copied them): their buffers are reused
   * for later chunks, so a long run allocates no new series buffers and memory stays flat.
   */
  release(chunks: readonly Chunk[]): void;
  /** KPIs of the run, once done. */
  kpis(): KpiRow[];
}

export interface SimulationOptions {
  inputs?: WorkloadInputs;
  /** Ticks per site_series chunk (default 65,536: ~5 MB per chunk). */
  chunkTicks?: number;
  /**
   * The tick that reaches the horizon does not close the run (KPIs, spectra, last racks: tens of
   * ms); stop() does. The real-time loop closes the run after its last cycle's timing.
   */
  deferFinish?: boolean;
  /**
   * Hardware in the loop: the devices' side of the plant (hil/device-port.ts). Controllers then see
   * a composite port (engine/composite-port.ts): points the devices declare go to them, the rest to
   * the twin; external batteries take their AC power from it. Absent: the sim port alone.
   */
  devicePort?: PlantPort;
  /** Live-feed readers for signals.port (tests; default: the scenario's file or url). */
  signalFeeds?: GridSignalsInputs["feeds"];
  /** Test hook: called with (role, k) each time a role steps. Slows the loop; off by default. */
  trace?: (role: string, k: number) => void;
}

const DEFAULT_CHUNK_TICKS = 65_536;

export function createSimulation(scenario: Scenario, runId: string, options: SimulationOptions = {}): Simulation {
  const dtS = scenario.dtS;
  const totalTicks = scenario.ticks;
  const chunkTicks = options.chunkTicks ?? DEFAULT_CHUNK_TICKS;
  const deferFinish = options.deferFinish === true;
  /** Set by stop(): the run closes at the current tick even with deferFinish. */
  let closing = false;
  const trace = options.trace;
  const port = createSimPort(dtS);
  const plant = buildPlant(scenario, port, options.inputs ?? {});
  const { gpu, chain, workloads, groups, cohortGpus } = plant;
  const cohortCount = cohortGpus.length;
  const rackCount = chain.rackCount;

  const hPcc = port.addMeasurement({ name: "pcc.powerW", unit: "W", description: "power at the point of common coupling", initial: 0 });
  const hLoad = port.addMeasurement({ name: "site.loadW", unit: "W", description: "site load at the PCC without storage (the electrical chain's PCC power)", initial: 0 });
  const hIt = port.addMeasurement({ name: "it.powerW", unit: "W", description: "IT power (rack PSU input)", initial: 0 });
  const hGpu = port.addMeasurement({ name: "gpu.powerW", unit: "W", description: "power of all GPUs", initial: 0 });
  const hBurn = port.addMeasurement({ name: "gpu.burnW", unit: "W", description: "GPU power burned by smoothing", initial: 0 });
  // Meter registers: energy through the PCC since the start, each direction (what a site meter counts).
  const hImportWh = port.addMeasurement({ name: "pcc.energyImportedWh", unit: "Wh", description: "energy drawn from the grid since the start", initial: 0 });
  const hExportWh = port.addMeasurement({ name: "pcc.energyExportedWh", unit: "Wh", description: "energy fed to the grid since the start", initial: 0 });
  // Running sums and the current time, in a typed array: a double in a closure variable is a new
  // heap number on every store, which per tick was garbage (issue #17).
  const acc = new Float64Array(4);
  const IMPORTED_WH = 0;
  const EXPORTED_WH = 1;
  const NOW_S = 2;
  const HEAT_SITE_J = 3;
  const outputHandles = workloads.map((w) => w.outputs.map((o) => port.measurement(`workload.${w.id}.${o.name}`)));

  // Events and decisions: rare, kept as plain arrays and emitted at the end.
  const events = { t: [] as number[], source: [] as string[], kind: [] as string[], value: [] as number[], detail: [] as string[] };
  const decisions = createDecisionLog();
  const pushEvent = (source: string, kind: string, value: number, detail: string) => {
    events.t.push(acc[NOW_S]!);
    events.source.push(source);
    events.kind.push(kind);
    events.value.push(value);
    events.detail.push(detail);
  };
  /** An event at time tS (stages report events of their own time, e.g. a closed violation episode). */
  const pushEventAt = (tS: number, source: string, kind: string, value: number, detail: string) => {
    const saved = acc[NOW_S]!;
    acc[NOW_S] = tS;
    pushEvent(source, kind, value, detail);
    acc[NOW_S] = saved;
  };
  const gridSignals = createGridSignals(
    scenario,
    port,
    scenario.controllers.map((c) => c.id),
    { ...(options.inputs?.price ? { price: options.inputs.price } : {}), ...(options.inputs?.carbon ? { carbon: options.inputs.carbon } : {}), ...(options.signalFeeds ? { feeds: options.signalFeeds } : {}) },
  );
  const signalsActive = gridSignals.active;
  const siteGrid = createSiteGrid(scenario, options.inputs ?? {}, (tS, kind, value, detail) => pushEventAt(tS, "grid", kind, value, detail), gridSignals);
  const gridActive = siteGrid.active;
  const siteStorage = createSiteStorage(scenario, runId, port, chunkTicks, pushEvent, options.devicePort);
  const storageActive = siteStorage.active;
  const gpuBuffers = createGpuBufferStage(scenario, cohortGpus);
  const buffersActive = gpuBuffers.active;
  const drMeter = createDemandResponseMeter(scenario, port, pushEventAt);
  const drActive = drMeter.active;
  const siteFrequency = createSiteFrequency(scenario, chain, port, runId, chunkTicks, options.inputs?.frequency, (source, kind, value, detail, tS) =>
    pushEventAt(tS ?? acc[NOW_S]!, source, kind, value, detail),
  );
  const frequencyActive = siteFrequency.active;
  // Heat reuse (engine/plant/site-heat.ts): heat pumps' electricity is a site load added at the PCC.
  const siteHeat = createSiteHeat(scenario, port, options.inputs ?? {}, (tS, kind, value, detail) => pushEventAt(tS, "heat", kind, value, detail), chunkTicks);
  const heatActive = siteHeat.active;
  // Cooling plant (engine/plant/site-thermal.ts): stepped every cooling.period; its load is added at the PCC.
  const thermal = createSiteThermal(scenario, runId, plant, port, options.inputs ?? {}, pushEventAt);
  const thermalActive = thermal.active;
  // With a cooling plant the reuse exchanger sits on its warm loop (before the dry coolers / towers).
  if (heatActive && thermalActive) thermal.setHeatReuse(siteHeat.reuseHook);
  const workloadCtx = workloads.map((w) => ({
    dtS,
    rng: createRng(scenario.seed, `workload/${w.id}`),
    event: (kind: string, value: number, detail: string) => pushEvent(w.id, kind, value, detail),
  }));

  // The grid signals in force go into every decision's inputs (the audit: what it saw).
  const signalPoints = port.points.filter((p) => p.kind === "measurement" && SIGNAL_POINTS.includes(p.name)).map((p) => ({ name: p.name, handle: port.measurement(p.name) }));
  const signalsSeen = (): Record<string, number> | undefined => {
    if (signalPoints.length === 0) return undefined;
    const seen: Record<string, number> = {};
    for (const p of signalPoints) seen[p.name] = port.read(p.handle);
    return seen;
  };

  // The latest audit reason per job subject (job:<id>): the jobs stage records it with a state change.
  const jobReasons = new Map<string, { tS: number; reason: string }>();
  const siteJobs = createSiteJobs(
    scenario,
    plant,
    port,
    gridSignals,
    scenario.controllers.some((c) => JOB_SCHEDULERS.includes(c.kind)),
    (subject, tS) => {
      const last = jobReasons.get(subject);
      return last !== undefined && last.tS === tS ? last.reason : undefined;
    },
    pushEventAt,
  );
  const jobsActive = siteJobs.active;

  const controllers: Controller[] = scenario.controllers.map(createController);
  const periodTicks = Int32Array.from(scenario.controllers, (c) => Math.round(c.period / dtS));
  const latencyTicks = Int32Array.from(scenario.controllers, (c) => Math.round(c.actuationLatency / dtS));
  const controllerCtx: ControllerContext[] = controllers.map((c, i) => {
    const ctx: ControllerContext = {
      k: 0,
      tS: 0,
      dtS,
      periodS: periodTicks[i]! * dtS,
      rng: createRng(scenario.seed, `controller/${c.id}`),
      decide(action, value, reason, detail) {
        decisions.append(ctx.tS, c.id, action, value, reason, detail, signalsSeen());
        if (jobsActive && detail?.subject?.startsWith("job:")) jobReasons.set(detail.subject, { tS: ctx.tS, reason });
      },
    };
    return ctx;
  });
  const controllerRole = controllers.map((c) => `controller:${c.id}`);

  // Recording state.
  const siteKpis = {
    pcc: createSignalKpis("pcc", dtS, { swingWindowS: scenario.outputs.swingWindow, segmentLength: scenario.outputs.spectrumSegment }),
    it: createSignalKpis("it", dtS, { swingWindowS: scenario.outputs.swingWindow, segmentLength: scenario.outputs.spectrumSegment }),
  };
  const energyJ = { gpu: 0, demand: 0, burn: 0, psu: 0, busway: 0, ups: 0, transformer: 0 };
  const siteTicks = Math.min(chunkTicks, totalTicks);
  const freeSite: SiteColumns[] = [];
  const freeRack: RackColumns[] = [];
  const takeSite = () => freeSite.pop() ?? newSiteColumns(siteTicks);
  let site = takeSite();
  let chunkStartK = 0;
  const aggTicks = Math.round(scenario.outputs.rackAggregation / dtS);
  // Rack windows are accumulated per rack class (racks of a class draw the same power).
  const classCount = chain.classCount;
  const rackClass = chain.rackClass;
  const rackSum = new Float64Array(classCount);
  const rackMin = new Float64Array(classCount).fill(Infinity);
  const rackMax = new Float64Array(classCount).fill(-Infinity);
  let windowStartK = 0;
  const rackChunkRows = rackCount * Math.max(1, Math.floor(chunkTicks / aggTicks));
  const takeRack = () => freeRack.pop() ?? newRackColumns(rackChunkRows);
  let rack = takeRack();
  let rackRows = 0;

  let k = 0;
  let done = totalTicks === 0;
  // The last tick + 1: the horizon, or earlier when a HIL run is stopped (stop()).
  let endK = totalTicks;
  let finalKpis: KpiRow[] = [];

  // What controllers see: the sim port, or the twin and the devices behind one composite port.
  const controllerPort: PlantPort = options.devicePort === undefined ? port : createCompositePort(port, options.devicePort);
  port.beginTick(0);
  // Signals of period 0 are on the port before controllers start (they may read a forecast there).
  if (signalsActive) gridSignals.beginTick(0);
  controllers.forEach((c, i) => {
    port.setLatencyTicks(latencyTicks[i]!);
    gridSignals.setAsker(i);
    c.start(controllerPort, controllerCtx[i]!);
  });

  const flushRackWindow = (startK: number, ticks: number, out: Chunk[]) => {
    const tS = startK * dtS;
    for (let r = 0; r < rackCount; r++) {
      const row = rackRows++;
      const c = rackClass[r]!;
      rack.t[row] = tS;
      rack.rack[row] = r;
      rack.mean[row] = rackSum[c]! / ticks;
      rack.min[row] = rackMin[c]!;
      rack.max[row] = rackMax[c]!;
    }
    rackSum.fill(0);
    rackMin.fill(Infinity);
    rackMax.fill(-Infinity);
    if (rackRows + rackCount > rackChunkRows) emitRacks(out);
  };
  const emitRacks = (out: Chunk[]) => {
    if (rackRows === 0) return;
    if (scenario.outputs.rackSeries) {
      out.push({ table: RACK_SERIES.name, runId, length: rackRows, columns: [rack.t, rack.rack, rack.mean, rack.min, rack.max] });
    }
    rack = takeRack();
    rackRows = 0;
  };

  const runTicks = (kEnd: number) => {
    const util = gpu.utilFrac;
    const siteTotals = chain.site;
    for (; k < kEnd; k++) {
      const tS = k * dtS;
      acc[NOW_S] = tS;
      port.beginTick(k);
      if (signalsActive) gridSignals.beginTick(k);
      if (trace !== undefined && signalsActive) trace("signals", k);
      for (let i = 0; i < controllers.length; i++) {
        if (k % periodTicks[i]! !== 0) continue;
        const ctx = controllerCtx[i]!;
        ctx.k = k;
        ctx.tS = tS;
        port.setLatencyTicks(latencyTicks[i]!);
        if (signalsActive) gridSignals.setAsker(i);
        controllers[i]!.step(controllerPort, ctx);
        if (trace !== undefined) trace(controllerRole[i]!, k);
      }
      port.applyDue(k);
      if (jobsActive) siteJobs.step(k, tS);
      for (let w = 0; w < workloads.length; w++) workloads[w]!.step(k, tS, util, workloadCtx[w]!);
      if (trace !== undefined) trace("workloads", k);
      stepGpuCohorts(gpu, dtS);
      if (trace !== undefined) trace("gpu", k);
      stepElectricalChain(chain, buffersActive ? gpuBuffers.step(gpu.powerW) : gpu.powerW);
      if (frequencyActive) siteFrequency.rideThrough(k);
      if (jobsActive) siteJobs.account();
      // Heat pumps with a cooling plant: the power in force is read before the thermal step (which
      // steps the heat stage at the period's last tick): a step's power holds over the next period.
      let heatPumpW = heatActive && thermalActive ? siteHeat.sitePowerW : 0;
      if (thermalActive) siteTotals.pccPowerW += thermal.tick(k);
      if (heatActive) {
        if (!thermalActive) {
          siteHeat.stepStandIn(k, siteTotals.itPowerW);
          heatPumpW = siteHeat.sitePowerW;
        }
        siteTotals.pccPowerW += heatPumpW;
        acc[HEAT_SITE_J] += heatPumpW * dtS;
      }
      const row = k - chunkStartK;
      const loadW = siteTotals.pccPowerW;
      const pccW = storageActive ? siteStorage.step(k, row, loadW) : loadW;
      if (gridActive) siteGrid.step(k, pccW);
      if (drActive) drMeter.step(k, pccW);
      if (frequencyActive) siteFrequency.step(k, row, pccW);
      if (trace !== undefined) trace("electrical", k);

      // Recording. A tripped load (ride-through) draws nothing: GPU figures are the served share.
      const servedFrac = frequencyActive ? siteFrequency.gpuServedFrac : 1;
      let demandW = 0;
      let burnW = 0;
      for (let c = 0; c < cohortCount; c++) {
        demandW += cohortGpus[c]! * gpu.demandW[c]!;
        burnW += cohortGpus[c]! * gpu.burnW[c]!;
      }
      demandW *= servedFrac;
      burnW *= servedFrac;
      let gpuW = siteTotals.gpuPowerW;
      if (buffersActive) {
        // The chain saw the buffers' PSU side; the GPUs themselves drew this.
        gpuW = 0;
        for (let c = 0; c < cohortCount; c++) gpuW += cohortGpus[c]! * gpu.powerW[c]!;
        gpuW *= servedFrac;
      }
      site.t[row] = tS;
      site.pcc[row] = pccW;
      site.it[row] = siteTotals.itPowerW;
      site.gpu[row] = gpuW;
      site.demand[row] = demandW;
      site.burn[row] = burnW;
      site.psu[row] = siteTotals.psuLossW;
      site.busway[row] = siteTotals.buswayLossW;
      site.ups[row] = siteTotals.upsLossW;
      site.transformer[row] = siteTotals.transformerLossW;
      const acW = chain.classAcW;
      for (let c = 0; c < classCount; c++) {
        const v = acW[c]!;
        rackSum[c] += v;
        if (v < rackMin[c]!) rackMin[c] = v;
        if (v > rackMax[c]!) rackMax[c] = v;
      }
      port.publish(hPcc, pccW, k);
      if (pccW >= 0) acc[IMPORTED_WH] += (pccW * dtS) / 3600;
      else acc[EXPORTED_WH] -= (pccW * dtS) / 3600;
      port.publish(hImportWh, acc[IMPORTED_WH]!, k);
      port.publish(hExportWh, acc[EXPORTED_WH]!, k);
      port.publish(hLoad, loadW, k);
      port.publish(hIt, siteTotals.itPowerW, k);
      port.publish(hGpu, gpuW, k);
      port.publish(hBurn, burnW, k);
      for (let g = 0; g < groups.length; g++) {
        const group = groups[g]!;
        let powerW = 0;
        let groupDemandW = 0;
        const end = group.firstCohort + group.cohortCount;
        for (let c = group.firstCohort; c < end; c++) {
          powerW += cohortGpus[c]! * gpu.powerW[c]!;
          groupDemandW += cohortGpus[c]! * gpu.demandW[c]!;
        }
        port.publish(group.powerHandle, group.gpus > 0 ? (servedFrac * powerW) / group.gpus : 0, k);
        port.publish(group.demandHandle, group.gpus > 0 ? (servedFrac * groupDemandW) / group.gpus : 0, k);
        // Constant, but published like the others: a never-published measurement reads as absent (age ∞).
        port.publish(group.gpusHandle, group.gpus, k);
      }
      for (let w = 0; w < workloads.length; w++) {
        const outputs = workloads[w]!.outputs;
        const handles = outputHandles[w]!;
        for (let o = 0; o < outputs.length; o++) port.publish(handles[o]!, outputs[o]!.value(), k);
      }
      if (jobsActive) siteJobs.publish(k);
      if (trace !== undefined) trace("record", k);
    }
  };

  const finish = (out: Chunk[]) => {
    acc[NOW_S] = endK * dtS;
    port.beginTick(endK);
    controllers.forEach((c, i) => {
      const ctx = controllerCtx[i]!;
      ctx.k = endK;
      ctx.tS = endK * dtS;
      gridSignals.setAsker(i);
      c.finish(controllerPort, ctx);
    });
    siteGrid.finish();
    siteStorage.finish();
    drMeter.finish();
    siteFrequency.finish();
    siteHeat.finish();
    if (thermalActive) thermal.finish(endK * dtS, out);
    if (signalsActive) gridSignals.finish(out, runId);
    if (endK > windowStartK) flushRackWindow(windowStartK, endK - windowStartK, out);
    emitRacks(out);
    const r = plant.racks;
    out.push({
      table: RACKS.name,
      runId,
      length: r.length,
      columns: [i32ColumnOf(r.map((x) => x.index)), r.map((x) => x.id), r.map((x) => x.row), r.map((x) => x.preset), i32ColumnOf(r.map((x) => x.gpus)), r.map((x) => x.workload)],
    });
    for (const [name, writes] of port.clampedWrites()) pushEvent("port", "setpoint_clamped", writes, name);
    siteJobs.finish(endK * dtS, out, runId);
    const audit = decisions.emit(runId);
    // The chain's head as an event: a verifier also notices rows cut from the end of the chain.
    if (decisions.length > 0) pushEvent("audit", "audit_head", decisions.length, audit.head);
    out.push({ table: EVENTS.name, runId, length: events.t.length, columns: [f64ColumnOf(events.t), events.source, events.kind, f64ColumnOf(events.value), events.detail] });
    out.push(audit.chunk);
    finalKpis = collectKpis();
    out.push({ table: KPIS.name, runId, length: finalKpis.length, columns: [finalKpis.map((x) => x.name), f64ColumnOf(finalKpis.map((x) => x.value)), finalKpis.map((x) => x.unit)] });
  };

  const collectKpis = (): KpiRow[] => {
    const wh = (joules: number) => joules / 3600;
    const rows: KpiRow[] = [...siteKpis.pcc.finish(), ...siteKpis.it.finish()];
    const pccWh = rows.find((x) => x.name === "pcc_energy")?.value ?? 0;
    const itWh = rows.find((x) => x.name === "it_energy")?.value ?? 0;
    // What the electrical chain drew: the PCC without the site batteries, the cooling load and the
    // heat pumps, plus what the UPS batteries supplied to it during sags (docs/energy-ledger.md).
    const chainWh = pccWh - siteStorage.netEnergyWh() - wh(thermal.coolingEnergyJ()) - wh(acc[HEAT_SITE_J]!) + siteFrequency.rideThroughSupplyWh();
    rows.push(
      { name: "gpu_energy", value: wh(energyJ.gpu), unit: "Wh" },
      { name: "gpu_demand_energy", value: wh(energyJ.demand), unit: "Wh" },
      { name: "gpu_burn_energy", value: wh(energyJ.burn), unit: "Wh" },
      { name: "gpu_energy_overhead", value: energyJ.demand > 0 ? energyJ.gpu / energyJ.demand - 1 : 0, unit: "fraction" },
      { name: "psu_loss_energy", value: wh(energyJ.psu), unit: "Wh" },
      { name: "busway_loss_energy", value: wh(energyJ.busway), unit: "Wh" },
      { name: "ups_loss_energy", value: wh(energyJ.ups), unit: "Wh" },
      { name: "transformer_loss_energy", value: wh(energyJ.transformer), unit: "Wh" },
      // IT ÷ what the electrical chain draws: the PCC without the batteries' net energy, the cooling
      // load and the heat pumps (all added at the PCC), none of which is a loss of the chain.
      { name: "electrical_efficiency", value: chainWh > 0 ? itWh / chainWh : 0, unit: "fraction" },
      { name: "gpus", value: cohortGpus.reduce((a, b) => a + b, 0), unit: "count" },
    );
    rows.push(...siteGrid.kpis());
    rows.push(...siteStorage.kpis());
    rows.push(...gpuBuffers.kpis());
    rows.push(...drMeter.kpis());
    rows.push(...siteFrequency.kpis());
    rows.push(...siteHeat.kpis(pccWh, itWh, thermalActive ? wh(thermal.coolingEnergyJ()) : undefined));
    rows.push(...thermal.kpis(pccWh, itWh));
    rows.push(...siteJobs.kpis());
    for (const c of controllers) if (c.kpis) rows.push(...c.kpis());
    for (const w of workloads) if (w.kpis) rows.push(...w.kpis());
    return rows;
  };

  // What one advance completes is gathered here and handed over as a new array, or as NO_CHUNKS
  // when it completes none (most one-period advances of a HIL run: no array per call, issue #11).
  const completed: Chunk[] = [];
  const handOver = (): Chunk[] => {
    if (completed.length === 0) return NO_CHUNKS;
    const chunks = completed.slice();
    completed.length = 0;
    return chunks;
  };
  const advanceUntil = (kLimit: number): Chunk[] => {
    if (done) return NO_CHUNKS;
    const out = completed;
    out.length = 0;
    const chunkEndK = Math.min(endK, chunkStartK + chunkTicks);
    const kEnd = Math.min(chunkEndK, kLimit);
    // Rack windows close inside the chunk: run window by window.
    while (k < kEnd) {
      const windowEndK = Math.min(kEnd, windowStartK + aggTicks);
      runTicks(windowEndK);
      if (k === windowStartK + aggTicks) {
        flushRackWindow(windowStartK, aggTicks, out);
        windowStartK = k;
      }
    }
    if (k < chunkEndK) return handOver();
    const length = kEnd - chunkStartK;
    siteKpis.pcc.add(site.pcc, length);
    siteKpis.it.add(site.it, length);
    for (let i = 0; i < length; i++) {
      energyJ.gpu += site.gpu[i]! * dtS;
      energyJ.demand += site.demand[i]! * dtS;
      energyJ.burn += site.burn[i]! * dtS;
      energyJ.psu += site.psu[i]! * dtS;
      energyJ.busway += site.busway[i]! * dtS;
      energyJ.ups += site.ups[i]! * dtS;
      energyJ.transformer += site.transformer[i]! * dtS;
    }
    if (scenario.outputs.siteSeries) {
      out.push({
        table: SITE_SERIES.name,
        runId,
        length,
        columns: [site.t, site.pcc, site.it, site.gpu, site.demand, site.burn, site.psu, site.busway, site.ups, site.transformer],
      });
      site = takeSite();
    }
    if (storageActive) siteStorage.emit(out, length);
    if (frequencyActive) siteFrequency.emit(out, length);
    siteHeat.emit(out, runId);
    if (thermalActive) thermal.emit(out);
    chunkStartK = kEnd;
    if (k >= endK && (!deferFinish || closing)) {
      finish(out);
      done = true;
    }
    return handOver();
  };

  const sim: Simulation = {
    runId,
    totalTicks,
    plant,
    port,
    thermal,
    get k() {
      return k;
    },
    get done() {
      return done;
    },
    advance: () => advanceUntil(totalTicks),
    advanceBy: (ticks: number) => advanceUntil(k + ticks),
    stop() {
      if (done) return [];
      if (k >= endK && k > 0) {
        // The horizon was reached with deferFinish: close the run now.
        completed.length = 0;
        finish(completed);
        done = true;
        return handOver();
      }
      endK = k;
      closing = true;
      if (k === 0) {
        done = true;
        return [];
      }
      return advanceUntil(k);
    },
    release(chunks) {
      for (const chunk of chunks) {
        if (siteStorage.release(chunk)) continue;
        if (siteFrequency.release(chunk)) continue;
        const c = chunk.columns;
        if (chunk.table === SITE_SERIES.name && (c[0] as Float64Array).length === siteTicks) {
          const [t, pcc, it, gpu, demand, burn, psu, busway, ups, transformer] = c as Float64Array[];
          freeSite.push({ t: t!, pcc: pcc!, it: it!, gpu: gpu!, demand: demand!, burn: burn!, psu: psu!, busway: busway!, ups: ups!, transformer: transformer! });
        } else if (chunk.table === HEAT_SERIES.name) {
          siteHeat.release(chunk);
        } else if (chunk.table === RACK_SERIES.name && (c[0] as Float64Array).length === rackChunkRows) {
          freeRack.push({ t: c[0] as Float64Array, rack: c[1] as Int32Array, mean: c[2] as Float32Array, min: c[3] as Float32Array, max: c[4] as Float32Array });
        }
      }
    },
    kpis: () => finalKpis,
  };
  return sim;
}

/** Controller kinds that dispatch jobs: with one, jobs wait for its commands (engine/plant/site-jobs.ts). */
const JOB_SCHEDULERS: readonly string[] = ["carbon-aware-scheduler"];

/** Signal points whose values every decision records as inputs. */
const SIGNAL_POINTS: readonly string[] = ["grid.priceGbpPerMWh", "grid.priceEurPerMWh", "grid.carbonGPerKWh", "grid.stressFrac"];

/** What an advance returns when it completed no chunk: shared, so frozen. */
const NO_CHUNKS: Chunk[] = Object.freeze([]) as unknown as Chunk[];

/** Every table a run writes, in the order sinks should create them. */
export const SIMULATION_TABLES = RUN_TABLES;

interface SiteColumns {
  t: Float64Array;
  pcc: Float64Array;
  it: Float64Array;
  gpu: Float64Array;
  demand: Float64Array;
  burn: Float64Array;
  psu: Float64Array;
  busway: Float64Array;
  ups: Float64Array;
  transformer: Float64Array;
}

interface RackColumns {
  t: Float64Array;
  rack: Int32Array;
  mean: Float32Array;
  min: Float32Array;
  max: Float32Array;
}

function newSiteColumns(n: number): SiteColumns {
  const f = () => f64Column(Math.max(n, 0));
  return { t: f(), pcc: f(), it: f(), gpu: f(), demand: f(), burn: f(), psu: f(), busway: f(), ups: f(), transformer: f() };
}

function newRackColumns(n: number): RackColumns {
  return { t: f64Column(n), rack: i32Column(n), mean: f32Column(n), min: f32Column(n), max: f32Column(n) };
}
