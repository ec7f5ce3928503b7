import { secondsFromStart, weatherAt, type WeatherTrace } from "../../datasets/load-weather.js";
import { airHallStoredHeatJ, stepAirHall } from "../../models/thermal/air-hall.js";
import { accumulateEnvelope, ASHRAE_ALLOWABLE, ASHRAE_RECOMMENDED, createEnvelopeCounters } from "../../models/thermal/ashrae.js";
import { cduStoredHeatJ, stepCduLoops } from "../../models/thermal/cdu.js";
import { facilityStoredHeatJ, stepFacilityLoops } from "../../models/thermal/facility-loop.js";
import type { ElectricalChain } from "../../models/electrical/electrical-chain.js";
import type { Plant } from "./build-plant.js";
import { UserError } from "../../models/lib/errors.js";
import type { KpiRow } from "../kpis/kpi-row.js";
import type { Scenario } from "../scenario/scenario-types.js";
import type { SimPort } from "../sim-port.js";
import type { Chunk } from "../sinks/sink.js";
import { COOLING_UNITS } from "../tables.js";
import { createGpuSlowdown } from "./thermal/gpu-slowdown.js";
import { createLimitMonitor, type LimitMonitor } from "./thermal/limit-monitor.js";
import { createThermalRecorder, newThermalSiteRow } from "./thermal/thermal-recorder.js";
import { buildThermalPlant, type ThermalPlant } from "./thermal/thermal-plant.js";
import type { WorkloadInputs } from "./workload-factory.js";
import { i32ColumnOf } from "../columns.js";

/**
 * The thermal stage: the hall's cooling plant (engine/plant/thermal/thermal-plant.ts over models/thermal/)
 * stepped every thermal period (`cooling.period`, default 1 s = 25 ticks of 40 ms).
 *
 * Per tick (cheap): `tick(k)` adds each rack class's IT power (AC, PSU input) and GPU power to
 * period sums (racks of a class draw the same power, as rack_series uses), and returns the cooling
 * plant's electrical power, which the engine adds to the PCC power of that tick: the load computed
 * at the end of thermal step n (pumps, fans, chillers, means over step n) is held over the ticks of
 * step n + 1, so the PCC, the grid limits and the signals see the cooling load one period late
 * (its first period carries the pumps' and fans' power at their initial speeds). thermal_series
 * records both: `cooling_power_w` (the plant's power over step n) and `cooling_pcc_power_w` (the load
 * the PCC carried over step n: step n − 1's power, the initial load for n = 0), which the energy
 * ledger uses (docs/energy-ledger.md). Cooling loads are
 * added at the PCC directly (a mechanical feed; the UPS and transformer losses of the IT chain are
 * not applied to them).
 *
 * Per thermal step (the period's last tick): each rack's mean IT heat splits into liquid (cold
 * plates, `captureShare` of liquid racks) and air; the CDUs step against the warm loop's supply at
 * the start of the step; the air hall steps against the chilled-water supply; each loop takes its
 * CDUs' exchanger duty or its CRAHs' coil duty and rejects heat on the weather at
 * startTime + t (Bedford 2022 hourly, interpolated) or a constant; ASHRAE counters and limit monitors
 * see the rack inlets, GPU nodes and coolant; measurements are published on the port; a row per
 * step goes to thermal_series, rack_thermal_series and cooling_unit_series.
 *
 * Heat balance (checked by tests, reported as the KPI heat_balance_residual):
 *   ∫IT heat + ∫pump and fan heat (CDU pumps, facility pumps, CRAH fans) =
 *   ∫free cooling + ∫chiller duty + ∫heat reused + Δ(stored heat in coolant, air and water).
 *
 * Heat-reuse hook (for the heat-reuse stage): `setHeatReuse(hook)` installs a heat exchanger on
 * the warm loop's return, between the CDUs and the dry coolers / towers. Each thermal step, after
 * the CDUs have stepped and before the facility loops do, the stage calls
 * `hook.takeHeatW(waterInC, waterWpK, dtS, tS)` with the warm water leaving the CDUs (mixed
 * temperature, °C, = warm supply + Σ CDU duty / C) and its capacity rate (W/K, rated × pump
 * speed); the hook returns the heat it takes from that water (W, mean over the step, ≥ 0), which is
 * subtracted from the loop's heat input, so the dry coolers and chillers only see what is left. Its
 * `powerW` (heat-pump compressors, W) is added to the held cooling load. `warmLoop()` gives the
 * warm loop's supply / return temperature, flow and heat rejected of the last step.
 */
export interface HeatReuseHook {
  takeHeatW(waterInC: number, waterWpK: number, dtS: number, tS: number): number;
  /** Electrical power of the reuse plant over the last step, W (added to the PCC with the cooling load). */
  readonly powerW: number;
}

export interface WarmLoopState {
  supplyC: number;
  returnC: number;
  flowM3s: number;
  /** Heat rejected outdoors by the loop (free cooling + chiller duty + chiller power), W, mean over the last step. */
  rejectedW: number;
}

export interface SiteThermal {
  /** False when the scenario has no cooling section: then no other method need be called. */
  readonly active: boolean;
  readonly plant: ThermalPlant | undefined;
  /** Ticks per thermal step. */
  readonly periodTicks: number;
  /** Accumulates tick k's rack powers, steps the plant at the period's end; returns the cooling load for tick k, W. */
  tick(k: number): number;
  /** Moves the rows recorded since the last call into chunks. */
  emit(out: Chunk[]): void;
  /** Closes open violation episodes and emits the cooling_units table. */
  finish(tEndS: number, out: Chunk[]): void;
  /** Cooling electrical energy the PCC carried so far (the held load, tick by tick), J. */
  coolingEnergyJ(): number;
  kpis(pccWh: number, itWh: number): KpiRow[];
  setHeatReuse(hook: HeatReuseHook): void;
  warmLoop(): WarmLoopState | undefined;
}

const INACTIVE: SiteThermal = {
  active: false,
  plant: undefined,
  periodTicks: 0,
  tick: () => 0,
  emit: () => {},
  finish: () => {},
  coolingEnergyJ: () => 0,
  kpis: () => [],
  setHeatReuse: () => {
    throw new UserError("heat reuse needs a cooling section in the scenario (the warm facility loop)");
  },
  warmLoop: () => undefined,
};

export function createSiteThermal(
  scenario: Scenario,
  runId: string,
  plantInfo: Plant,
  port: SimPort,
  inputs: WorkloadInputs,
  event: (tS: number, source: string, kind: string, value: number, detail: string) => void,
): SiteThermal {
  const spec = scenario.cooling;
  if (spec === undefined) return INACTIVE;
  const dtS = scenario.dtS;
  const periodTicks = Math.round(spec.period / dtS);
  const periodS = periodTicks * dtS;
  const { rows, racksPerRow } = scenario.hall;
  const tp = buildThermalPlant(spec, plantInfo.racks, rows, racksPerRow);
  const { cdu, air, fac, warm, chilled, liquidIndex, liquidRack } = tp;
  const chain: ElectricalChain = plantInfo.chain;
  const rackCount = plantInfo.racks.length;
  const classCount = chain.classCount;
  const rackClass = chain.rackClass;
  const rackGpus = Float64Array.from(plantInfo.racks, (r) => r.gpus);
  const cduCount = cdu.cduCount;
  const crahCount = air.crahCount;
  const loopCount = fac.count;
  const liquidCount = cdu.rackCount;

  // Weather.
  let weather: WeatherTrace | undefined;
  let weatherT0S = 0;
  if (spec.weather === "bedford-2022") {
    // The caller loads it (engine/plant/load-inputs.ts, async: fast-csv parses the file).
    weather = inputs.weather;
    if (weather === undefined) throw new UserError("cooling.weather: the Bedford weather was not loaded (engine/plant/load-inputs.ts)");
    weatherT0S = secondsFromStart(weather, scenario.startTime!);
    const last = weather.tS[weather.tS.length - 1]!;
    if (weatherT0S < 0 || weatherT0S + scenario.horizonS > last + 3600) {
      throw new UserError(`startTime: the Bedford weather covers ${weather.startUtc} to one hour after its last observation (2022); startTime ${scenario.startTime} plus the horizon (${scenario.horizonS} s) is not inside it`);
    }
  }

  // Failures.
  const failures = spec.failures.map((f, i) => {
    const path = `cooling.failures[${i}].unit`;
    const index = f.kind === "cdu-pump-trip" ? tp.cduIds.indexOf(f.unit) : f.kind === "crah-failure" ? tp.crahIds.indexOf(f.unit) : tp.loopIds.indexOf(f.unit);
    if (index < 0) {
      const known = f.kind === "cdu-pump-trip" ? tp.cduIds : f.kind === "crah-failure" ? tp.crahIds : tp.loopIds;
      throw new UserError(`${path}: got "${f.unit}", expected one of ${known.join(", ") || "(none: no such units)"}`);
    }
    const target = f.kind === "cdu-pump-trip" ? cdu.pumpTripped : f.kind === "crah-failure" ? air.crahFailed : fac.chillerFailed;
    const source = f.kind === "cdu-pump-trip" ? `cdu.${f.unit}` : f.kind === "crah-failure" ? `crah.${f.unit}` : `chiller.${f.unit}`;
    return { at: f.at, until: f.duration === undefined ? Infinity : f.at + f.duration, kind: f.kind, target, index, source, active: false };
  });

  // Port: measurements (published each thermal step) and setpoints.
  const m = (name: string, unit: string, description: string, initial: number) => port.addMeasurement({ name, unit, description, initial });
  const hCooling = m("cooling.powerW", "W", "electrical power of the cooling plant, mean over the last thermal step", 0);
  const hInletMax = m("cooling.inletTempMaxC", "°C", "hottest rack inlet", spec.air.supplyTemp);
  const hGpuMax = m("cooling.gpuTempMaxC", "°C", "hottest GPU cold-plate node", spec.liquid.supplyTemp);
  const hDryBulb = m("weather.dryBulbC", "°C", "outdoor dry bulb", spec.dryBulb);
  const hWetBulb = m("weather.wetBulbC", "°C", "outdoor wet bulb", spec.wetBulb);
  const cduH = tp.cduIds.map((id, c) => ({
    supply: m(`cdu.${id}.supplyTempC`, "°C", "CDU secondary supply (rack inlet coolant)", cdu.supplyC[c]!),
    ret: m(`cdu.${id}.returnTempC`, "°C", "CDU secondary return", cdu.returnC[c]!),
    coolantMax: m(`cdu.${id}.coolantTempMaxC`, "°C", "hottest rack coolant outlet on the CDU", cdu.supplyC[c]!),
    gpuMax: m(`cdu.${id}.gpuTempMaxC`, "°C", "hottest GPU node on the CDU", cdu.supplyC[c]!),
    speed: m(`cdu.${id}.pumpSpeedFrac`, "fraction", "CDU pump speed", cdu.pumpSpeedFrac[c]!),
    power: m(`cdu.${id}.pumpPowerW`, "W", "CDU pump power", 0),
    duty: m(`cdu.${id}.dutyW`, "W", "heat moved to the facility water", 0),
  }));
  const crahH = tp.crahIds.map((id, u) => ({
    supply: m(`crah.${id}.supplyTempC`, "°C", "CRAH supply air", air.crahSupplyC[u]!),
    speed: m(`crah.${id}.fanSpeedFrac`, "fraction", "CRAH fan speed", air.crahFanSpeedFrac[u]!),
    power: m(`crah.${id}.fanPowerW`, "W", "CRAH fan power", 0),
    duty: m(`crah.${id}.dutyW`, "W", "CRAH coil duty", 0),
  }));
  const rowH = tp.rowIds.map((letter) => ({
    inletMax: m(`row.${letter.toLowerCase()}.inletTempMaxC`, "°C", "hottest rack inlet of the row", spec.air.supplyTemp),
    inletMin: m(`row.${letter.toLowerCase()}.inletTempMinC`, "°C", "coldest rack inlet of the row", spec.air.supplyTemp),
    hotAisle: m(`row.${letter.toLowerCase()}.hotAisleTempC`, "°C", "row hot-aisle (return) air", spec.air.supplyTemp),
  }));
  const loopH = tp.loopIds.map((id, l) => ({
    supply: m(`facility.${id}.supplyTempC`, "°C", "facility loop supply water", fac.supplyC[l]!),
    ret: m(`facility.${id}.returnTempC`, "°C", "facility loop return water", fac.returnC[l]!),
    fan: m(`facility.${id}.fanSpeedFracMeasured`, "fraction", "dry-cooler / tower fan speed", fac.fanSpeedFrac[l]!),
    chiller: m(`facility.${id}.chillerPowerW`, "W", "trim chiller power", 0),
  }));
  const sp = (name: string, unit: string, description: string, min: number, max: number, initial: number, apply: (v: number) => void) =>
    port.addSetpoint({ name, unit, description, min, max, initial }, apply);
  tp.cduIds.forEach((id, c) => {
    sp(`cdu.${id}.supplyTempSetC`, "°C", "CDU secondary supply setpoint", 15, 50, cdu.supplySetC[c]!, (v) => { cdu.supplySetC[c] = v; });
    sp(`cdu.${id}.pumpSpeedCmd`, "fraction", "CDU pump speed command", 0.1, 1, cdu.pumpSpeedCmd[c]!, (v) => { cdu.pumpSpeedCmd[c] = v; });
  });
  tp.crahIds.forEach((id, u) => {
    sp(`crah.${id}.supplyTempSetC`, "°C", "CRAH supply-air setpoint", 12, 30, air.crahSupplySetC[u]!, (v) => { air.crahSupplySetC[u] = v; });
    sp(`crah.${id}.fanSpeedCmd`, "fraction", "CRAH fan speed command", 0.1, 1, air.crahFanSpeedCmd[u]!, (v) => { air.crahFanSpeedCmd[u] = v; });
  });
  tp.loopIds.forEach((id, l) => {
    sp(`facility.${id}.fanSpeedCmd`, "fraction", "dry-cooler / tower fan speed command", 0, 1, fac.fanSpeedCmd[l]!, (v) => { fac.fanSpeedCmd[l] = v; });
    sp(`facility.${id}.pumpSpeedCmd`, "fraction", "facility pump speed command", 0.2, 1, fac.pumpSpeedCmd[l]!, (v) => { fac.pumpSpeedCmd[l] = v; });
    sp(`chiller.${id}.on`, "bool", "trim chillers enabled (1) or off (0)", 0, 1, fac.chillerOn[l]!, (v) => { fac.chillerOn[l] = v >= 0.5 ? 1 : 0; });
    sp(`chiller.${id}.supplyTempSetC`, "°C", "trim chiller leaving-water setpoint", 4, 45, fac.chillerSetC[l]!, (v) => { fac.chillerSetC[l] = v; });
  });

  // Monitors.
  const report = (source: string) => (tS: number, kind: string, value: number, detail: string) => event(tS, source, kind, value, detail);
  const rowNames = tp.rowIds.map((l) => `row ${l}`);
  const allowable = ASHRAE_ALLOWABLE[spec.air.envelope];
  const inletAboveRec = createLimitMonitor(rowNames, ASHRAE_RECOMMENDED.maxC, true, "inlet_above_recommended", "°C", report("cooling"));
  const inletBelowRec = createLimitMonitor(rowNames, ASHRAE_RECOMMENDED.minC, false, "inlet_below_recommended", "°C", report("cooling"));
  const inletAboveAllow = createLimitMonitor(rowNames, allowable.maxC, true, `inlet_above_allowable_${spec.air.envelope}`, "°C", report("cooling"));
  const gpuAbove = createLimitMonitor(tp.cduIds.map((id) => `cdu ${id}`), spec.liquid.gpuLimit, true, "gpu_above_limit", "°C", report("cooling"));
  const monitors: LimitMonitor[] = [inletAboveRec, inletBelowRec, inletAboveAllow, gpuAbove];
  // The GPUs' own thermal slowdown (firmware): power limits fall while a group's GPUs are too hot.
  const slowdown = createGpuSlowdown(plantInfo.gpu, plantInfo.groups, plantInfo.racks, liquidRack, spec.liquid.gpuSlowdown, event);
  const inletCounters = createEnvelopeCounters(rackCount, ASHRAE_RECOMMENDED, allowable);

  // Period sums per rack class.
  const sumAcW = new Float64Array(classCount);
  const sumGpuW = new Float64Array(classCount);
  let ticksInPeriod = 0;
  let reuse: HeatReuseHook | undefined;

  // Scratch per row.
  const rowInletMax = new Float64Array(rows);
  const rowInletMin = new Float64Array(rows);
  const cduGpuMax = new Float64Array(cduCount);
  const cduCoolantMax = new Float64Array(cduCount);
  const rowFanJ = new Float64Array(rows);
  const rowCoilJ = new Float64Array(rows);

  // Held cooling load: initially the pumps and fans at their initial speeds (chillers off).
  const initialLoadW = (): number => {
    let w = 0;
    for (let c = 0; c < cduCount; c++) w += cdu.ratedPumpPowerW[c]! * cdu.pumpSpeedFrac[c]! ** 3;
    for (let u = 0; u < crahCount; u++) w += air.crahFanPowerRatedW[u]! * air.crahFanSpeedFrac[u]! ** 3;
    for (let l = 0; l < loopCount; l++) {
      w += fac.ratedPumpPowerW[l]! * fac.pumpSpeedFrac[l]! ** 3;
      const unitFanW = fac.dryCooler[l]?.ratedFanPowerW ?? fac.tower[l]?.ratedFanPowerW ?? 0;
      w += fac.rejectionUnits[l]! * unitFanW * fac.fanSpeedFrac[l]! ** 3;
    }
    return w;
  };
  let coolingW = initialLoadW();

  // Totals over the run, J (or kg).
  // pccCoolingJ: the held load the PCC received (Σ over ticks); coolingJ: the plant's own steps.
  let pccCoolingJ = 0;
  const tot = { itJ: 0, liquidJ: 0, airJ: 0, coolingJ: 0, cduPumpJ: 0, crahFanJ: 0, facPumpJ: 0, rejFanJ: 0, chillerJ: 0, freeJ: 0, chillerDutyJ: 0, reusedJ: 0, pumpFanHeatJ: 0, waterKg: 0, residualJ: 0, reusePowerJ: 0 };
  const stored = () => cduStoredHeatJ(cdu) + airHallStoredHeatJ(air) + facilityStoredHeatJ(fac);
  const stored0J = stored();
  let storedPrevJ = stored0J;
  const peaks = { inletC: -Infinity, coolantC: -Infinity, gpuC: -Infinity, warmSupplyC: -Infinity };
  let lastWarmRejectedW = 0;

  // Recording: the thermal tables, one row (per rack, per unit) per step.
  const recorder = createThermalRecorder(tp, rackCount, spec.rackSeries, runId);
  const row = newThermalSiteRow();

  const stepPlant = (k: number) => {
    const tS = (k + 1 - periodTicks) * dtS;
    // Failures starting or ending at this step.
    for (const f of failures) {
      const on = tS >= f.at && tS < f.until;
      if (on !== f.active) {
        f.active = on;
        f.target[f.index] = on ? 1 : 0;
        event(tS, f.source, on ? f.kind : `${f.kind}-cleared`, on ? 1 : 0, on ? `${f.source}: ${f.kind}` : `${f.source}: back in service`);
      }
    }
    let dryBulbC = spec.dryBulb;
    let wetBulbC = spec.wetBulb;
    if (weather !== undefined) {
      dryBulbC = weatherAt(weather, weather.dryBulbC, weatherT0S + tS);
      wetBulbC = weatherAt(weather, weather.wetBulbC, weatherT0S + tS);
    }
    // Rack heat: means over the period.
    const inv = 1 / periodTicks;
    let itW = 0;
    for (let r = 0; r < rackCount; r++) {
      const c = rackClass[r]!;
      const acW = sumAcW[c]! * inv;
      itW += acW;
      const l = liquidIndex[r]!;
      if (l >= 0) {
        cdu.itHeatW[l] = acW;
        cdu.gpuPowerW[l] = rackGpus[r]! > 0 ? (sumGpuW[c]! * inv) / rackGpus[r]! : 0;
      } else {
        air.heatW[r] = acW;
      }
    }
    sumAcW.fill(0);
    sumGpuW.fill(0);
    // Liquid side against the warm loop at the start of the step.
    if (warm >= 0) {
      cdu.facSupplyC.fill(fac.supplyC[warm]!);
      cdu.facFlowFrac.fill(fac.pumpSpeedFrac[warm]!);
      stepCduLoops(cdu, periodS);
    }
    let liquidW = 0;
    for (let l = 0; l < liquidCount; l++) {
      air.heatW[liquidRack[l]!] = cdu.airHeatW[l]!;
      liquidW += cdu.liquidHeatW[l]!;
    }
    air.crahChwC.fill(fac.supplyC[chilled]!);
    stepAirHall(air, periodS);
    // Facility loops.
    let cduDutyW = 0;
    let cduPumpW = 0;
    let cduPumpHeatW = 0;
    for (let c = 0; c < cduCount; c++) {
      cduDutyW += cdu.hxDutyW[c]!;
      cduPumpW += cdu.pumpPowerW[c]!;
      cduPumpHeatW += cdu.pumpHeatFrac[c]! * cdu.pumpPowerW[c]!;
    }
    let reusedW = 0;
    let reusePowerW = 0;
    if (warm >= 0) {
      let heatInW = cduDutyW;
      if (reuse !== undefined) {
        const waterWpK = fac.ratedWpK[warm]! * fac.pumpSpeedFrac[warm]!;
        const waterInC = waterWpK > 0 ? fac.supplyC[warm]! + cduDutyW / waterWpK : fac.returnC[warm]!;
        reusedW = reuse.takeHeatW(waterInC, waterWpK, periodS, tS);
        if (!(reusedW > 0)) reusedW = 0;
        reusePowerW = reuse.powerW;
        heatInW -= reusedW;
      }
      fac.heatInW[warm] = heatInW;
    }
    let crahDutyW = 0;
    let crahFanW = 0;
    let crahFanHeatW = 0;
    for (let u = 0; u < crahCount; u++) {
      crahDutyW += air.crahDutyW[u]!;
      crahFanW += air.crahFanPowerW[u]!;
      crahFanHeatW += air.crahFanHeatFrac[u]! * air.crahFanPowerW[u]!;
      rowFanJ[air.crahRow[u]!] += air.crahFanPowerW[u]! * periodS;
      rowCoilJ[air.crahRow[u]!] += air.crahDutyW[u]! * periodS;
    }
    fac.heatInW[chilled] = crahDutyW;
    for (let l = 0; l < loopCount; l++) {
      fac.dryBulbC[l] = dryBulbC;
      fac.wetBulbC[l] = wetBulbC;
    }
    stepFacilityLoops(fac, periodS);
    let facPumpW = 0, facPumpHeatW = 0, rejFanW = 0, chillerW = 0, freeW = 0, chillerDutyW = 0, waterKgS = 0;
    for (let l = 0; l < loopCount; l++) {
      facPumpW += fac.pumpPowerW[l]!;
      facPumpHeatW += fac.pumpHeatFrac[l]! * fac.pumpPowerW[l]!;
      rejFanW += fac.fanPowerW[l]!;
      chillerW += fac.chillerPowerW[l]!;
      freeW += fac.freeCoolingW[l]!;
      chillerDutyW += fac.chillerDutyW[l]!;
      waterKgS += fac.makeupKgS[l]!;
    }
    if (warm >= 0) lastWarmRejectedW = fac.rejectedW[warm]!;
    // The load the PCC carried over this step (held from the last one); this step's is held over the next.
    row.coolingPccPowerW = coolingW;
    coolingW = cduPumpW + crahFanW + facPumpW + rejFanW + chillerW + reusePowerW;

    // Balance and totals.
    const storedJ = stored();
    const pumpFanHeatW = cduPumpHeatW + crahFanHeatW + facPumpHeatW;
    tot.residualJ += (itW + pumpFanHeatW - freeW - chillerDutyW - reusedW) * periodS - (storedJ - storedPrevJ);
    storedPrevJ = storedJ;
    tot.itJ += itW * periodS;
    tot.liquidJ += liquidW * periodS;
    tot.airJ += (itW - liquidW) * periodS;
    tot.coolingJ += coolingW * periodS;
    tot.cduPumpJ += cduPumpW * periodS;
    tot.crahFanJ += crahFanW * periodS;
    tot.facPumpJ += facPumpW * periodS;
    tot.rejFanJ += rejFanW * periodS;
    tot.chillerJ += chillerW * periodS;
    tot.freeJ += freeW * periodS;
    tot.chillerDutyJ += chillerDutyW * periodS;
    tot.reusedJ += reusedW * periodS;
    tot.reusePowerJ += reusePowerW * periodS;
    tot.pumpFanHeatJ += pumpFanHeatW * periodS;
    tot.waterKg += waterKgS * periodS;

    // Temperatures, envelopes, limits.
    accumulateEnvelope(inletCounters, air.inletC, periodS);
    rowInletMax.fill(-Infinity);
    rowInletMin.fill(Infinity);
    let inletMax = -Infinity;
    for (let r = 0; r < rackCount; r++) {
      const t = air.inletC[r]!;
      const j = air.rackRow[r]!;
      if (t > rowInletMax[j]!) rowInletMax[j] = t;
      if (t < rowInletMin[j]!) rowInletMin[j] = t;
      if (t > inletMax) inletMax = t;
    }
    cduGpuMax.fill(-Infinity);
    cduCoolantMax.fill(-Infinity);
    let gpuMax = -Infinity;
    let coolantMax = -Infinity;
    for (let l = 0; l < liquidCount; l++) {
      const c = cdu.rackCdu[l]!;
      const g = cdu.gpuTempC[l]!;
      const o = cdu.outletC[l]!;
      if (g > cduGpuMax[c]!) cduGpuMax[c] = g;
      if (o > cduCoolantMax[c]!) cduCoolantMax[c] = o;
      if (g > gpuMax) gpuMax = g;
      if (o > coolantMax) coolantMax = o;
    }
    for (let j = 0; j < rows; j++) {
      inletAboveRec.check(j, rowInletMax[j]!, tS, periodS);
      inletBelowRec.check(j, rowInletMin[j]!, tS, periodS);
      inletAboveAllow.check(j, rowInletMax[j]!, tS, periodS);
    }
    for (let c = 0; c < cduCount; c++) gpuAbove.check(c, cduGpuMax[c]!, tS, periodS);
    if (liquidCount > 0) slowdown.step(cdu.gpuTempC, tS, periodS);
    if (inletMax > peaks.inletC) peaks.inletC = inletMax;
    if (gpuMax > peaks.gpuC) peaks.gpuC = gpuMax;
    if (coolantMax > peaks.coolantC) peaks.coolantC = coolantMax;
    if (warm >= 0 && fac.supplyC[warm]! > peaks.warmSupplyC) peaks.warmSupplyC = fac.supplyC[warm]!;

    // Measurements.
    port.publish(hCooling, coolingW, k);
    port.publish(hInletMax, inletMax, k);
    port.publish(hGpuMax, liquidCount > 0 ? gpuMax : NaN, k);
    port.publish(hDryBulb, dryBulbC, k);
    port.publish(hWetBulb, wetBulbC, k);
    for (let c = 0; c < cduCount; c++) {
      const h = cduH[c]!;
      port.publish(h.supply, cdu.supplyC[c]!, k);
      port.publish(h.ret, cdu.returnC[c]!, k);
      port.publish(h.coolantMax, cduCoolantMax[c]!, k);
      port.publish(h.gpuMax, cduGpuMax[c]!, k);
      port.publish(h.speed, cdu.pumpSpeedFrac[c]!, k);
      port.publish(h.power, cdu.pumpPowerW[c]!, k);
      port.publish(h.duty, cdu.hxDutyW[c]!, k);
    }
    for (let u = 0; u < crahCount; u++) {
      const h = crahH[u]!;
      port.publish(h.supply, air.crahSupplyC[u]!, k);
      port.publish(h.speed, air.crahFanSpeedFrac[u]!, k);
      port.publish(h.power, air.crahFanPowerW[u]!, k);
      port.publish(h.duty, air.crahDutyW[u]!, k);
    }
    for (let j = 0; j < rows; j++) {
      const h = rowH[j]!;
      port.publish(h.inletMax, rowInletMax[j]!, k);
      port.publish(h.inletMin, rowInletMin[j]!, k);
      port.publish(h.hotAisle, air.hotAisleC[j]!, k);
    }
    for (let l = 0; l < loopCount; l++) {
      const h = loopH[l]!;
      port.publish(h.supply, fac.supplyC[l]!, k);
      port.publish(h.ret, fac.returnC[l]!, k);
      port.publish(h.fan, fac.fanSpeedFrac[l]!, k);
      port.publish(h.chiller, fac.chillerPowerW[l]!, k);
    }

    // Recording.
    row.itHeatW = itW;
    row.liquidHeatW = liquidW;
    row.coolingPowerW = coolingW;
    row.cduPumpPowerW = cduPumpW;
    row.crahFanPowerW = crahFanW;
    row.facilityPumpPowerW = facPumpW;
    row.rejectionFanPowerW = rejFanW;
    row.chillerPowerW = chillerW;
    row.freeCoolingW = freeW;
    row.chillerDutyW = chillerDutyW;
    row.heatReusedW = reusedW;
    row.storedHeatJ = storedJ - stored0J;
    row.waterKgS = waterKgS;
    row.dryBulbC = dryBulbC;
    row.wetBulbC = wetBulbC;
    row.inletMaxC = inletMax;
    row.coolantMaxC = liquidCount > 0 ? coolantMax : NaN;
    row.gpuMaxC = liquidCount > 0 ? gpuMax : NaN;
    recorder.record(tS, row);
  };

  const wh = (j: number) => j / 3600;
  return {
    active: true,
    plant: tp,
    periodTicks,
    tick(k) {
      const held = coolingW;
      pccCoolingJ += held * dtS;
      const acW = chain.classAcW;
      const gpuW = chain.classGpuW;
      for (let c = 0; c < classCount; c++) {
        sumAcW[c] += acW[c]!;
        sumGpuW[c] += gpuW[c]!;
      }
      if (++ticksInPeriod === periodTicks) {
        ticksInPeriod = 0;
        stepPlant(k);
      }
      return held;
    },
    emit(out) {
      recorder.emit(out);
    },
    finish(tEndS, out) {
      for (const mon of monitors) mon.finish(tEndS);
      slowdown.finish(tEndS);
      const ids = [...tp.cduIds.map((id) => `cdu.${id}`), ...tp.crahIds.map((id) => `crah.${id}`), ...tp.loopIds.map((id) => `facility.${id}`)];
      const kinds = [...tp.cduIds.map(() => "cdu"), ...tp.crahIds.map(() => "crah"), ...tp.loopIds.map(() => "loop")];
      const rowsOf = [...Array.from(tp.cduRow, (j) => tp.rowIds[j]!), ...Array.from(air.crahRow, (j) => tp.rowIds[j]!), ...tp.loopIds.map(() => "")];
      out.push({ table: COOLING_UNITS.name, runId, length: ids.length, columns: [i32ColumnOf(ids.map((_, i) => i)), ids, kinds, rowsOf] });
    },
    coolingEnergyJ: () => pccCoolingJ,
    kpis(pccWh, itWh) {
      const rowsOut: KpiRow[] = [];
      const k = (name: string, value: number, unit: string) => rowsOut.push({ name, value, unit });
      // PUE = total facility energy / IT energy (The Green Grid; docs/physics-sources.md §5.2): PCC energy, which
      // includes the cooling load, over IT energy (rack PSU input). Partial PUE of cooling: (IT + cooling) / IT.
      k("pue", itWh > 0 ? pccWh / itWh : 0, "ratio");
      // Cooling energy is what the PCC carried (thermal_series.cooling_pcc_power_w: each step's load
      // one step late); the parts below are the plant's own steps, so their sum differs from it by
      // the last step's load less the first step's initial one.
      k("ppue_cooling", tot.itJ > 0 ? (tot.itJ + pccCoolingJ) / tot.itJ : 0, "ratio");
      k("cooling_energy", wh(pccCoolingJ), "Wh");
      k("cdu_pump_energy", wh(tot.cduPumpJ), "Wh");
      k("crah_fan_energy", wh(tot.crahFanJ), "Wh");
      k("facility_pump_energy", wh(tot.facPumpJ), "Wh");
      k("rejection_fan_energy", wh(tot.rejFanJ), "Wh");
      k("chiller_energy", wh(tot.chillerJ), "Wh");
      k("water_use", tot.waterKg, "L");
      k("it_heat", wh(tot.itJ), "Wh");
      k("heat_to_liquid", wh(tot.liquidJ), "Wh");
      k("heat_to_air", wh(tot.airJ), "Wh");
      k("liquid_heat_fraction", tot.itJ > 0 ? tot.liquidJ / tot.itJ : 0, "fraction");
      k("free_cooling_heat", wh(tot.freeJ), "Wh");
      k("chiller_heat", wh(tot.chillerDutyJ), "Wh");
      k("heat_reused_from_cooling", wh(tot.reusedJ), "Wh");
      k("stored_heat_change", wh(storedPrevJ - stored0J), "Wh");
      k("heat_balance_residual", wh(tot.residualJ), "Wh");
      k("peak_inlet_temp", peaks.inletC, "°C");
      k("peak_coolant_temp", liquidCount > 0 ? peaks.coolantC : NaN, "°C");
      k("peak_gpu_temp", liquidCount > 0 ? peaks.gpuC : NaN, "°C");
      k("peak_warm_supply_temp", warm >= 0 ? peaks.warmSupplyC : NaN, "°C");
      let recS = 0, allowS = 0;
      for (let r = 0; r < rackCount; r++) { recS += inletCounters.belowS[r]! + inletCounters.aboveS[r]!; allowS += inletCounters.outsideAllowableS[r]!; }
      // Rack-minutes: Σ over racks of the minutes each rack's inlet spent outside the envelope.
      k("inlet_outside_recommended", recS / 60, "rack-min");
      k(`inlet_outside_allowable_${spec.air.envelope}`, allowS / 60, "rack-min");
      k("gpu_above_limit_time", gpuAbove.beyondS / 60, "CDU-min");
      k("thermal_violation_events", monitors.reduce((a, mon) => a + mon.episodes, 0), "count");
      rowsOut.push(...slowdown.kpis());
      for (let j = 0; j < rows; j++) {
        const id = tp.rowIds[j]!.toLowerCase();
        let peak = -Infinity, rec = 0;
        for (let r = j * racksPerRow; r < (j + 1) * racksPerRow; r++) {
          if (inletCounters.peakC[r]! > peak) peak = inletCounters.peakC[r]!;
          rec += inletCounters.belowS[r]! + inletCounters.aboveS[r]!;
        }
        k(`row_${id}_peak_inlet_temp`, peak, "°C");
        k(`row_${id}_inlet_outside_recommended`, rec / 60, "rack-min");
        k(`row_${id}_crah_fan_energy`, wh(rowFanJ[j]!), "Wh");
        k(`row_${id}_crah_coil_heat`, wh(rowCoilJ[j]!), "Wh");
      }
      return rowsOut;
    },
    setHeatReuse(hook) {
      if (warm < 0) throw new UserError("heat reuse needs liquid-cooled racks (the warm facility loop)");
      reuse = hook;
    },
    warmLoop() {
      if (warm < 0) return undefined;
      return { supplyC: fac.supplyC[warm]!, returnC: fac.returnC[warm]!, flowM3s: fac.flowM3s[warm]!, rejectedW: lastWarmRejectedW };
    },
  };
}
