import type { HouseHeatDemand } from "../../datasets/load-heat-demand.js";
import { districtDemand, type DistrictDemand } from "../../models/heat/district-demand.js";
import {
  createDistrictNetworks,
  planDistrictNetworks,
  setDistrictNetworkParams,
  setNetworkDemandFrom,
  sizeDistrictNetwork,
  stepDistrictNetworks,
} from "../../models/heat/district-network.js";
import { facilityKpis, heatReuseAtBoundary } from "../../models/heat/facility-kpis.js";
import { createHeatPumps, setHeatPumpParams, stepHeatPumps, type HeatPumpParams } from "../../models/heat/heat-pump.js";
import { createReuseExchangers, reuseExchangerConductanceWpK, setReuseExchangerParams, stepReuseExchangers } from "../../models/heat/reuse-exchanger.js";
import { uaFromApproach } from "../../models/thermal/effectiveness-ntu.js";
import { WATER } from "../../models/thermal/fluids.js";
import { UserError } from "../../models/lib/errors.js";
import type { KpiRow } from "../kpis/kpi-row.js";
import type { Scenario } from "../scenario/scenario-types.js";
import type { SimPort } from "../sim-port.js";
import type { HeatReuseHook } from "./site-thermal.js";
import type { Chunk } from "../sinks/sink.js";
import { HEAT_SERIES } from "../tables.js";
import type { WorkloadInputs } from "./workload-factory.js";
import { f64Column, i32Column } from "../columns.js";

/**
 * The heat-reuse stage (scenario `heatReuse`): a reuse heat exchanger on the facility water, electric
 * heat pumps on its source loop, and a district-heating network whose demand is the 2019 Danish house
 * (datasets/heat-demand-dk) scaled to `network.houses`, looked up at the same calendar time as
 * startTime + t. Pure models from models/heat/ (see their README), composed without lag or iteration:
 *
 *   per heat step [k, k + P):  demand → network plan (flow, delivery) → exchanger conductance ε·Cmin
 *   into the heat pumps' source → heat pumps → exchanger duty (= Σ source heat, to rounding) →
 *   network (supplied = delivered + Δstored + losses).
 *
 * Facility-water interface (the seam to the cooling plant): `step(k, waterInC, waterCWpK)` takes the
 * temperature and capacity rate ṁ·cp of the facility water arriving at the exchanger, and returns the
 * heat taken from it (W, mean over the step), which the cooling plant must then not reject. With a
 * cooling section the thermal stage calls it through `reuseHook` (engine/plant/site-thermal.ts
 * setHeatReuse) with the warm loop's water leaving the CDUs, before the dry coolers / towers. Without a
 * cooling plant, `stepStandIn` feeds it from `heatReuse.facilityWater`: water at a fixed temperature
 * whose flow carries the liquid share of the IT heat over `range` kelvin (mean IT power of the
 * previous step); the evaporators may not cool their loop below temp − range, so at most the liquid
 * IT heat is recovered.
 *
 * Parallel units: the exchanger's duty and the network's flow are shared equally by the units
 * commanded on, as N identical trains (each unit sees the exchanger conductance / N and the network
 * flow / N); with the equal loads the dispatcher sets this is exact.
 *
 * Electricity: inside the boundary (default) the heat pumps' power is a site load drawn at the PCC
 * (`sitePowerW`, which the engine adds to the PCC power every tick; not part of the cooling load);
 * outside it is the utility's and not added. Without a cooling plant a step's power covers its own
 * heat period; with one, the stage steps at the thermal period's last tick, so a step's power is
 * drawn over the next step (from the tick after, one period late, as the cooling load: the engine
 * reads `sitePowerW` before the thermal stage steps). heat_series.hp_pcc_power_w records what the
 * PCC carried over each step (docs/energy-ledger.md). The exchanger and the
 * network draw no power here (their pumps belong to the cooling plant / the utility).
 *
 * Port points (controllers, e.g. controllers/heat-pump-dispatch.ts):
 * - measurements `heat.network.{supplyC, returnC, demandW, deliveredW, unmetW, flowKgS, supplyTargetC}`,
 *   `heat.source.tempC`, `heat.hp.{heatW, powerW}`, `heat.hp.<i>.{running, heatW, limit}`, and the
 *   nameplate `heat.hp.{count, capacityW, minLoadW, maxSupplyC}`;
 * - setpoints `heat.hp.<i>.on` (0/1), `heat.hp.<i>.heatRequestW`, `heat.hp.<i>.outletSetC`,
 *   `heat.network.bypassKgS` (the network's smallest flow: bypasses that let a unit at its minimum
 *   load run in summer).
 */
export interface SiteHeat {
  /** False when the scenario has no heatReuse: then nothing else need be called. */
  readonly active: boolean;
  /** Heat step, in ticks. */
  readonly periodTicks: number;
  /** Heat pumps' electricity counted as a site load (0 outside the boundary), W, held over the heat step. */
  readonly sitePowerW: number;
  /**
   * Advances the stage over [k, k + periodTicks) with the facility water arriving at the exchanger
   * (°C, and its capacity rate in W/K); returns the heat taken from that water, W (mean over the step).
   */
  step(k: number, waterInC: number, waterCWpK: number): number;
  /**
   * Stand-in facility water (heatReuse.facilityWater): call every tick after the electrical chain with
   * the IT power; steps the stage when k is a heat step, on the mean IT power of the previous step.
   */
  stepStandIn(k: number, itPowerW: number): void;
  /** Appends the heat_series rows completed so far to `out` (no chunk when there are none). */
  emit(out: Chunk[], runId: string): void;
  /** Takes back a heat_series chunk's buffers for reuse. */
  release(chunk: Chunk): void;
  /** Closes open events; call once after the last tick. */
  finish(): void;
  /** The reuse exchanger on the cooling plant's warm loop (engine/plant/site-thermal.ts setHeatReuse). */
  readonly reuseHook: HeatReuseHook;
  /**
   * Heat-reuse KPIs, with ERE / ERF (and PUE unless `coolingWh` is given: the thermal stage reports
   * it) on the run's PCC and IT energy and the cooling plant's energy (Wh).
   */
  kpis(pccWh: number, itWh: number, coolingWh?: number): KpiRow[];
}

/** Unmet demand below this share of the demand (and below UNMET_MIN_W) is rounding, not an event. */
const UNMET_FRAC = 0.01;
const UNMET_MIN_W = 1_000;

type EventSink = (tS: number, kind: string, value: number, detail: string) => void;

const INACTIVE: SiteHeat = {
  active: false,
  periodTicks: 1,
  sitePowerW: 0,
  step: () => 0,
  stepStandIn: () => {},
  emit: () => {},
  release: () => {},
  finish: () => {},
  kpis: () => [],
  reuseHook: { takeHeatW: () => 0, powerW: 0 },
};

/**
 * Seconds from 1 January 00:00 UTC of startTime's year: where the 2019 profile is read (same month,
 * day and hour; a leap year's 29 February reads 1 March, and weekdays do not line up).
 */
export function calendarOffsetS(startTime: string): number {
  const t = Date.parse(startTime);
  const year = new Date(t).getUTCFullYear();
  return (t - Date.UTC(year, 0, 1)) / 1000;
}

/** The heat pumps' params from the scenario section (SI). */
export function heatPumpParamsOf(h: NonNullable<Scenario["heatReuse"]>): HeatPumpParams {
  const p = h.heatPumps;
  return {
    capacityW: p.capacity,
    minPartLoadFrac: p.minPartLoad,
    carnotFrac: p.carnotFraction,
    pinchK: p.pinch,
    sinkOutMaxC: p.maxSupply,
    sourceOutMinC: p.minSourceOut,
  };
}

export function createSiteHeat(scenario: Scenario, port: SimPort, inputs: WorkloadInputs, event: EventSink, chunkTicks: number): SiteHeat {
  const h = scenario.heatReuse;
  if (h === undefined) return INACTIVE;
  const house: HouseHeatDemand | undefined = inputs.heatDemand;
  if (house === undefined) throw new UserError("heatReuse: the heat demand data was not loaded (engine/plant/load-inputs.ts)");
  const dtS = scenario.dtS;
  const periodTicks = Math.max(1, Math.round(h.period / dtS));
  const periodS = periodTicks * dtS;
  const units = h.heatPumps.units;
  const cp = WATER.cpJpKgK;

  // Demand and network: the house scaled and smoothed, the network sized from it (models/heat README).
  const demand: DistrictDemand = districtDemand(house, { houses: h.network.houses }, h.network.smoothing);
  const offsetS = calendarOffsetS(scenario.startTime!);
  const net = createDistrictNetworks(1);
  const netParams = sizeDistrictNetwork(demand, {
    supplyDesignC: h.network.supplyTarget,
    returnDesignC: h.network.returnDesign,
    supplyMinC: h.network.supplyMin,
    groundC: h.network.ground,
    lossFrac: h.network.lossFraction,
    flowMargin: h.network.flowMargin,
  });
  setDistrictNetworkParams(net, 0, netParams);
  net.groundC[0] = h.network.ground;
  const baseFlowMinKgS = netParams.flowMinKgS;

  // Exchanger rated by approach on equal streams; the source loop carries the rated duty over the range.
  const loopCWpK = h.exchanger.ratedDuty / h.exchanger.range;
  const hx = createReuseExchangers(1);
  setReuseExchangerParams(hx, 0, { uaWpK: uaFromApproach(loopCWpK, h.exchanger.range, h.exchanger.approach) });
  const uaWpK = hx.uaWpK[0]!;

  const hpParams = heatPumpParamsOf(h);
  const hp = createHeatPumps(units);
  for (let i = 0; i < units; i++) setHeatPumpParams(hp, i, hpParams);
  const inside = h.boundary === "inside";
  const standIn = h.facilityWater;
  // Stand-in water is a fixed temperature: the evaporators may not cool their loop below the
  // facility supply (temp − range), so the exchanger never takes more than the liquid IT heat
  // (duty = ε·Cmin·(temp − loop) ≤ C_facility·range).
  if (standIn !== undefined) hp.sourceOutMinC.fill(Math.max(hpParams.sourceOutMinC, standIn.temp - standIn.range));

  // Port points.
  const m = (name: string, unit: string, description: string, initial = 0) => port.addMeasurement({ name, unit, description, initial });
  const mSupply = m("heat.network.supplyC", "°C", "district network supply temperature", net.supplyC[0]);
  const mReturn = m("heat.network.returnC", "°C", "district network return temperature", net.returnC[0]);
  const mDemand = m("heat.network.demandW", "W", "heat the consumers ask for");
  const mDelivered = m("heat.network.deliveredW", "W", "heat the consumers get");
  const mUnmet = m("heat.network.unmetW", "W", "demand not met");
  const mFlow = m("heat.network.flowKgS", "kg/s", "network loop flow", baseFlowMinKgS);
  m("heat.network.supplyTargetC", "°C", "supply temperature the network operator asks for", h.network.supplyTarget);
  const mSource = m("heat.source.tempC", "°C", "facility water arriving at the reuse exchanger", NaN);
  const mHeat = m("heat.hp.heatW", "W", "heat delivered by all heat pumps");
  const mPower = m("heat.hp.powerW", "W", "electricity drawn by all heat pumps");
  m("heat.hp.count", "count", "heat pumps installed (nameplate)", units);
  m("heat.hp.capacityW", "W", "heat output of one unit at full load (nameplate)", hpParams.capacityW);
  m("heat.hp.minLoadW", "W", "smallest heat output of a running unit (nameplate)", hpParams.capacityW * hpParams.minPartLoadFrac);
  m("heat.hp.maxSupplyC", "°C", "highest condenser outlet (nameplate)", hpParams.sinkOutMaxC);
  const mRunning: number[] = [];
  const mUnitHeat: number[] = [];
  const mLimit: number[] = [];
  for (let i = 0; i < units; i++) {
    mRunning.push(m(`heat.hp.${i}.running`, "bool", `heat pump ${i} running`));
    mUnitHeat.push(m(`heat.hp.${i}.heatW`, "W", `heat delivered by heat pump ${i}`));
    mLimit.push(m(`heat.hp.${i}.limit`, "", `why heat pump ${i} delivers what it does (models/heat/heat-pump.ts HeatPumpLimit)`, 1));
    port.addSetpoint({ name: `heat.hp.${i}.on`, unit: "bool", description: `run (1) or stop (0) heat pump ${i}`, min: 0, max: 1, initial: 0 }, (v) => {
      hp.onCmd[i] = v;
    });
    port.addSetpoint({ name: `heat.hp.${i}.heatRequestW`, unit: "W", description: `heat wanted from heat pump ${i}`, min: 0, max: hpParams.capacityW, initial: 0 }, (v) => {
      hp.heatRequestW[i] = v;
    });
    port.addSetpoint(
      { name: `heat.hp.${i}.outletSetC`, unit: "°C", description: `condenser outlet setpoint of heat pump ${i}`, min: h.network.returnDesign, max: hpParams.sinkOutMaxC, initial: h.network.supplyTarget },
      (v) => {
        hp.sinkOutSetC[i] = v;
      },
    );
    hp.sinkOutSetC[i] = h.network.supplyTarget;
  }
  port.addSetpoint(
    { name: "heat.network.bypassKgS", unit: "kg/s", description: "smallest network flow (bypasses open)", min: baseFlowMinKgS, max: netParams.flowMaxKgS, initial: baseFlowMinKgS },
    (v) => {
      net.flowMinKgS[0] = v;
    },
  );

  // Events: intervals of unmet demand and of low supply temperature, raised when they close.
  const targetLowC = h.network.supplyTarget - h.network.targetTolerance;
  const interval = (kind: string, describe: (startS: number, endS: number, worst: number, sum: number) => [number, string]) => {
    let startS = -1;
    let worst = 0;
    let sum = 0;
    return {
      update(tS: number, on: boolean, value: number, add: number, lowest: boolean) {
        if (on) {
          if (startS < 0) {
            startS = tS;
            worst = value;
            sum = 0;
          } else if (lowest ? value < worst : value > worst) worst = value;
          sum += add;
        } else if (startS >= 0) {
          this.close(tS);
        }
      },
      close(endS: number) {
        if (startS < 0) return;
        const [value, detail] = describe(startS, endS, worst, sum);
        event(startS, kind, value, detail);
        startS = -1;
      },
    };
  };
  const unmetEvents = interval("heat_demand_unmet", (a, b, worst, wh) => [wh, `${(wh / 1e6).toFixed(3)} MWh unmet over ${((b - a) / 60).toFixed(1)} min, worst ${(worst / 1e6).toFixed(3)} MW`]);
  const targetEvents = interval("supply_below_target", (a, b, worst) => [worst, `supply below ${targetLowC} °C (target ${h.network.supplyTarget} − ${h.network.targetTolerance} K) for ${((b - a) / 60).toFixed(1)} min, lowest ${worst.toFixed(2)} °C`]);
  const minEvents = interval("supply_below_min", (a, b, worst) => [worst, `supply below the consumers' minimum ${h.network.supplyMin} °C for ${((b - a) / 60).toFixed(1)} min, lowest ${worst.toFixed(2)} °C`]);
  let underTargetS = 0;

  // heat_series rows, recycled chunk buffers.
  const rowsPerChunk = Math.max(1, Math.ceil(chunkTicks / periodTicks));
  const free: HeatColumns[] = [];
  const take = () => free.pop() ?? newHeatColumns(rowsPerChunk);
  let cols = take();
  let rows = 0;

  let sitePowerW = 0;
  let itSumW = 0;
  let itTicks = 0;
  let lastEndS = 0;

  /** heldOver: the step's power is drawn over the next step (with a cooling plant), else over its own. */
  const step = (k: number, tS: number, waterInC: number, waterCWpK: number, heldOver: boolean): number => {
    lastEndS = tS + periodS;
    setNetworkDemandFrom(net, 0, demand, offsetS + tS);
    planDistrictNetworks(net);
    let on = 0;
    for (let i = 0; i < units; i++) if (hp.onCmd[i]! > 0) on++;
    const g = reuseExchangerConductanceWpK(uaWpK, waterCWpK, loopCWpK);
    const share = on > 0 ? 1 / on : 0;
    const sinkCWpK = net.flowKgS[0]! * cp * share;
    for (let i = 0; i < units; i++) {
      hp.sourceInC[i] = waterInC;
      hp.sourceCWpK[i] = g * share;
      hp.sinkInC[i] = net.returnC[0]!;
      hp.sinkCWpK[i] = sinkCWpK;
    }
    stepHeatPumps(hp, periodS);
    // The exchanger's cold inlet is the mixed evaporator outlet of the trains commanded on.
    let srcOutSum = 0;
    let heatW = 0;
    let powerW = 0;
    let running = 0;
    let sinkOutSum = 0;
    for (let i = 0; i < units; i++) {
      if (hp.onCmd[i]! > 0) srcOutSum += hp.sourceOutC[i]!;
      if (hp.running[i]! > 0) sinkOutSum += hp.sinkOutC[i]!;
      heatW += hp.heatW[i]!;
      powerW += hp.powerW[i]!;
      running += hp.running[i]!;
    }
    hx.hotInC[0] = waterInC;
    hx.hotCWpK[0] = waterCWpK;
    hx.coldCWpK[0] = on > 0 ? loopCWpK : 0; // the source-loop pump runs with the heat pumps
    hx.coldInC[0] = on > 0 ? srcOutSum * share : waterInC;
    stepReuseExchangers(hx, periodS);
    net.plantHeatW[0] = heatW;
    stepDistrictNetworks(net, periodS);
    const previousSiteW = sitePowerW;
    sitePowerW = inside ? powerW : 0;

    const supplyC = net.supplyC[0]!;
    const demandW = net.demandW[0]!;
    const unmetW = net.unmetW[0]!;
    unmetEvents.update(tS, unmetW > UNMET_FRAC * demandW && unmetW > UNMET_MIN_W, unmetW, (unmetW * periodS) / 3600, false);
    targetEvents.update(tS, supplyC < targetLowC, supplyC, 0, true);
    minEvents.update(tS, supplyC < net.supplyMinC[0]!, supplyC, 0, true);
    if (supplyC < targetLowC) underTargetS += periodS;

    const r = rows++;
    cols.t[r] = tS;
    cols.waterIn[r] = waterInC;
    cols.waterOut[r] = hx.hotOutC[0]!;
    cols.recovered[r] = hx.dutyW[0]!;
    cols.loop[r] = hx.coldInC[0]!;
    cols.running[r] = running;
    cols.hpHeat[r] = heatW;
    cols.hpPower[r] = powerW;
    cols.hpPcc[r] = heldOver ? previousSiteW : sitePowerW;
    cols.cop[r] = powerW > 0 ? heatW / powerW : 0;
    cols.outlet[r] = running > 0 ? sinkOutSum / running : hp.sinkInC[0]!;
    cols.supply[r] = supplyC;
    cols.ret[r] = net.returnC[0]!;
    cols.flow[r] = net.flowKgS[0]!;
    cols.demand[r] = demandW;
    cols.delivered[r] = net.deliveredW[0]!;
    cols.unmet[r] = unmetW;
    cols.loss[r] = net.lossW[0]!;

    port.publish(mSupply, supplyC, k);
    port.publish(mReturn, net.returnC[0]!, k);
    port.publish(mDemand, demandW, k);
    port.publish(mDelivered, net.deliveredW[0]!, k);
    port.publish(mUnmet, unmetW, k);
    port.publish(mFlow, net.flowKgS[0]!, k);
    port.publish(mSource, waterInC, k);
    port.publish(mHeat, heatW, k);
    port.publish(mPower, powerW, k);
    for (let i = 0; i < units; i++) {
      port.publish(mRunning[i]!, hp.running[i]!, k);
      port.publish(mUnitHeat[i]!, hp.heatW[i]!, k);
      port.publish(mLimit[i]!, hp.limit[i]!, k);
    }
    return hx.dutyW[0]!;
  };

  const totals = () => {
    let heatWh = 0;
    let electricWh = 0;
    let starts = 0;
    let runS = 0;
    for (let i = 0; i < units; i++) {
      heatWh += hp.heatWh[i]!;
      electricWh += hp.electricWh[i]!;
      starts += hp.starts[i]!;
      runS += hp.runS[i]!;
    }
    return { heatWh, electricWh, starts, runS, exchangerWh: hx.heatWh[0]! };
  };

  return {
    active: true,
    periodTicks,
    get sitePowerW() {
      return sitePowerW;
    },
    step: (k, waterInC, waterCWpK) => step(k, k * dtS, waterInC, waterCWpK, false),
    reuseHook: {
      // Called by the thermal stage at its step's last tick with the step's start time.
      takeHeatW: (waterInC, waterWpK, _dtS, tS) => step(Math.round(tS / dtS) + periodTicks - 1, tS, waterInC, waterWpK, true),
      // The heat pumps' power goes to the PCC through sitePowerW, not into the cooling load.
      powerW: 0,
    },
    stepStandIn(k, itPowerW) {
      if (k % periodTicks === 0) {
        const itMeanW = itTicks > 0 ? itSumW / itTicks : 0;
        itSumW = 0;
        itTicks = 0;
        // Facility water carries the liquid share of the IT heat over `range` kelvin.
        const waterCWpK = standIn === undefined ? 0 : (standIn.liquidFraction * itMeanW) / standIn.range;
        step(k, k * dtS, standIn?.temp ?? 0, waterCWpK, false);
      }
      itSumW += itPowerW;
      itTicks++;
    },
    emit(out, runId) {
      if (rows === 0) return;
      out.push({
        table: HEAT_SERIES.name,
        runId,
        length: rows,
        columns: [cols.t, cols.waterIn, cols.waterOut, cols.recovered, cols.loop, cols.running, cols.hpHeat, cols.hpPower, cols.hpPcc, cols.cop, cols.outlet, cols.supply, cols.ret, cols.flow, cols.demand, cols.delivered, cols.unmet, cols.loss],
      });
      cols = take();
      rows = 0;
    },
    release(chunk) {
      const c = chunk.columns as (Float64Array | Int32Array)[];
      if (c[0]!.length !== rowsPerChunk) return;
      const f = c as Float64Array[];
      free.push({
        t: f[0]!, waterIn: f[1]!, waterOut: f[2]!, recovered: f[3]!, loop: f[4]!, running: c[5] as Int32Array, hpHeat: f[6]!, hpPower: f[7]!, hpPcc: f[8]!, cop: f[9]!,
        outlet: f[10]!, supply: f[11]!, ret: f[12]!, flow: f[13]!, demand: f[14]!, delivered: f[15]!, unmet: f[16]!, loss: f[17]!,
      });
    },
    finish() {
      unmetEvents.close(lastEndS);
      targetEvents.close(lastEndS);
      minEvents.close(lastEndS);
    },
    kpis(pccWh, itWh, coolingWh) {
      const t = totals();
      const boundary = heatReuseAtBoundary({
        exchangerHeatWh: t.exchangerWh,
        heatPumpHeatWh: t.heatWh,
        heatPumpElectricWh: t.electricWh,
        heatPumpsInsideBoundary: inside,
      });
      // Total facility energy is what the PCC metered: IT, electrical losses, heat pumps (inside the
      // boundary) and, with a cooling plant, its pumps, fans and chillers. Subsystems: heat pumps,
      // cooling, and the rest (electrical chain losses). PCC energy carries the heat pumps' power one
      // heat step late with a cooling plant (as the cooling load), so it may differ from
      // heat_pump_energy by the last step's share; the rest is clamped at 0.
      const cooling = coolingWh ?? 0;
      const hpWh = boundary.heatPumpOverheadWh;
      const f = itWh > 0 && pccWh > 0
        ? facilityKpis({
          itWh,
          overheadWh: { heatPumps: hpWh, cooling, electrical: Math.max(0, pccWh - itWh - hpWh - cooling) },
          reuse: [boundary.reuse],
        })
        : undefined;
      return [
        { name: "heat_demand", value: net.demandWh[0]!, unit: "Wh" },
        { name: "heat_delivered", value: net.deliveredWh[0]!, unit: "Wh" },
        { name: "heat_unmet", value: net.unmetWh[0]!, unit: "Wh" },
        { name: "heat_recovered", value: t.exchangerWh, unit: "Wh" },
        { name: "heat_pump_heat", value: t.heatWh, unit: "Wh" },
        { name: "heat_pump_energy", value: t.electricWh, unit: "Wh" },
        { name: "heat_pump_scop", value: t.electricWh > 0 ? t.heatWh / t.electricWh : NaN, unit: "ratio" },
        { name: "heat_pump_starts", value: t.starts, unit: "count" },
        { name: "heat_pump_run_time", value: t.runS, unit: "s" },
        { name: "heat_network_loss", value: net.lossWh[0]!, unit: "Wh" },
        { name: "heat_network_stored", value: net.storedWh[0]!, unit: "Wh" },
        { name: "heat_supply_under_target", value: underTargetS, unit: "s" },
        { name: "heat_supply_under_min", value: net.underTempS[0]!, unit: "s" },
        { name: "heat_reuse", value: boundary.reuse.heatWh, unit: "Wh" },
        { name: "erf", value: f?.erf ?? NaN, unit: "fraction" },
        { name: "ere", value: f?.ere ?? NaN, unit: "ratio" },
        { name: "ppue_heat_pumps", value: f?.partialPue.heatPumps ?? NaN, unit: "ratio" },
        ...(coolingWh === undefined ? [{ name: "pue", value: f?.pue ?? NaN, unit: "ratio" }] : []),
      ];
    },
  };
}

interface HeatColumns {
  t: Float64Array;
  waterIn: Float64Array;
  waterOut: Float64Array;
  recovered: Float64Array;
  loop: Float64Array;
  running: Int32Array;
  hpHeat: Float64Array;
  hpPower: Float64Array;
  hpPcc: Float64Array;
  cop: Float64Array;
  outlet: Float64Array;
  supply: Float64Array;
  ret: Float64Array;
  flow: Float64Array;
  demand: Float64Array;
  delivered: Float64Array;
  unmet: Float64Array;
  loss: Float64Array;
}

function newHeatColumns(n: number): HeatColumns {
  const f = () => f64Column(n);
  return {
    t: f(), waterIn: f(), waterOut: f(), recovered: f(), loop: f(), running: i32Column(n), hpHeat: f(), hpPower: f(), hpPcc: f(), cop: f(), outlet: f(),
    supply: f(), ret: f(), flow: f(), demand: f(), delivered: f(), unmet: f(), loss: f(),
  };
}
