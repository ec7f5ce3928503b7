import { affinityHeadFrac, stepSpeedFrac } from "./affinity.js";
import { stepPlateC, type ColdPlateParams } from "./cold-plate.js";
import { counterflowDutyW, uaFromRating } from "./effectiveness-ntu.js";
import { litresPerMinToM3s, PG25, WATER, type Fluid } from "./fluids.js";

/**
 * Coolant distribution units (CDUs) with the liquid-cooled racks on their secondary loops (the
 * technology cooling system, TCS), as a structure of arrays: index c = CDU, index r = liquid rack.
 *
 * Nodes (each a well-mixed thermal mass, temperatures in °C):
 * - per rack: one GPU / cold-plate node (per GPU; all GPUs of a rack share one trajectory) and the
 *   rack's coolant (manifolds, hoses, plates), whose temperature is the rack outlet temperature;
 * - per CDU: the supply volume (heat-exchanger outlet, tank, supply piping to the rack inlets) and the
 *   return volume (rack outlets back to the heat-exchanger inlet).
 * Flow: supply → racks (split by flowWeight) → return → heat exchanger → supply. The CDU pump sets
 * the flow by the affinity laws (flow ∝ speed; head ∝ speed²; power ∝ speed³ [R], docs/physics-sources.md §4).
 * The CDU's heat exchanger to the facility loop is counterflow, by ε-NTU (effectiveness-ntu.ts), with
 * UA fixed from a rated approach temperature (§4: 3-5 K [S]). The CDU's own controls hold the
 * secondary supply temperature at `supplySetC` with a facility-side three-way valve (modelled as
 * ideal: the exchanger moves exactly the heat that brings the secondary stream to the setpoint, up to
 * what a fully open valve can move, and never heats the secondary stream); the facility flow through
 * the CDU (its capacity rate) is unchanged by the valve, so the facility stream leaves at
 * facSupplyC + Q / C_facility.
 *
 * Heat enters the coolant as the liquid share of each rack's IT power (`liquidFrac`, the GPUs' part
 * through their cold plates) and as pump heat (`pumpHeatFrac` of the pump power); it leaves through
 * the heat exchangers (`hxDutyW`). The rest of the IT power (1 − liquidFrac) goes to the room air
 * (`airHeatW`, for air-hall.ts). Energy is conserved to rounding (tested):
 *   Σ ∫liquid heat dt + Σ ∫pump heat dt = Σ ∫hxDutyW dt + Δ(cduStoredHeatJ).
 *
 * Time: stepCduLoops advances dtS (the thermal period, 1 s by default) in equal explicit substeps no
 * longer than the shortest node time constant at rated flow (C / (ρ·cp·V̇)), which keeps every node
 * monotone and stable; each advected or exchanged joule is subtracted from one node and added to the
 * next, so the scheme conserves energy exactly and its steady state is the exact steady state. The
 * cold-plate nodes are integrated exactly within a substep. Inputs are held over the step. Temperatures
 * are values at the end of the step; heats and powers (W) are means over the step.
 *
 * Power sign: the pumps draw power from the grid (positive, `pumpPowerW`); the heat flows are
 * thermal, not electrical.
 */
export interface CduLoops {
  readonly cduCount: number;
  readonly rackCount: number;

  // CDU params (copied from CduParams).
  /** Secondary capacity rate at rated pump speed, W/K. */
  readonly secRatedWpK: Float64Array;
  /** Secondary volume flow at rated pump speed, m³/s. */
  readonly ratedFlowM3s: Float64Array;
  readonly ratedPumpPowerW: Float64Array;
  readonly ratedHeadPa: Float64Array;
  /** Thermal masses of the supply and return volumes, J/K. */
  readonly supplyCapJpK: Float64Array;
  readonly returnCapJpK: Float64Array;
  /** Heat-exchanger conductance, W/K. */
  readonly uaWpK: Float64Array;
  /** Facility-side capacity rate with the facility flow at rated, W/K. */
  readonly facRatedWpK: Float64Array;
  readonly pumpRampFracPerS: Float64Array;
  readonly pumpHalfSpeedS: Float64Array;
  readonly pumpHeatFrac: Float64Array;

  // CDU inputs (actuators and boundary conditions, written by the engine).
  /** Secondary supply temperature setpoint, °C (actuator). */
  readonly supplySetC: Float64Array;
  /** Pump speed command, 0..1 (actuator). */
  readonly pumpSpeedCmd: Float64Array;
  /** 1 while the pump has tripped (failure input: it coasts down and ignores the command), else 0. */
  readonly pumpTripped: Float64Array;
  /** Facility water temperature at the CDU's inlet, °C (from facility-loop.ts). */
  readonly facSupplyC: Float64Array;
  /** Facility flow through the CDU as a fraction of its rated flow (facility pump speed), 0..1. */
  readonly facFlowFrac: Float64Array;

  // CDU state and outputs.
  /** Secondary supply temperature (rack inlets), °C: end of step. */
  readonly supplyC: Float64Array;
  /** Secondary return temperature (heat-exchanger inlet), °C: end of step. */
  readonly returnC: Float64Array;
  /** Pump speed, fraction of rated: end of step. */
  readonly pumpSpeedFrac: Float64Array;
  /** Secondary flow, m³/s: end of step. */
  readonly flowM3s: Float64Array;
  /** Pump head, Pa: end of step. */
  readonly pumpHeadPa: Float64Array;
  /** Pump electrical power, W: mean over the step. */
  readonly pumpPowerW: Float64Array;
  /** Heat moved to the facility loop, W: mean over the step. */
  readonly hxDutyW: Float64Array;
  /** Approach: secondary supply − facility supply, K: end of step. */
  readonly approachK: Float64Array;
  /** Facility water leaving the CDU, °C: facSupplyC + mean duty / facility capacity rate. */
  readonly facReturnC: Float64Array;
  /** Share of the CDU flow that bypasses the racks (1 for a CDU without racks, else 0). */
  readonly bypassShare: Float64Array;

  // Rack params.
  /** CDU of each liquid rack. */
  readonly rackCdu: Int32Array;
  readonly liquidFrac: Float64Array;
  readonly gpus: Float64Array;
  readonly plateRKpW: Float64Array;
  readonly plateCJpK: Float64Array;
  /** Thermal mass of the rack's coolant, J/K. */
  readonly rackCapJpK: Float64Array;
  /** Share of its CDU's flow (flowWeight normalised over the CDU's racks). */
  readonly flowShare: Float64Array;

  // Rack inputs.
  /** Rack IT power (PSU input, all of it becomes heat), W, mean over the step. */
  readonly itHeatW: Float64Array;
  /** Mean power of one GPU of the rack, W (its heat goes through its cold plate; part of the liquid share). */
  readonly gpuPowerW: Float64Array;

  // Rack state and outputs.
  /** GPU / cold-plate temperature, °C: end of step. */
  readonly gpuTempC: Float64Array;
  /** Coolant at the rack outlet, °C: end of step. */
  readonly outletC: Float64Array;
  /** Coolant at the rack inlet (its CDU's supply), °C: end of step. */
  readonly inletC: Float64Array;
  /** Coolant flow through the rack, m³/s: end of step. */
  readonly rackFlowM3s: Float64Array;
  /** Heat captured by the liquid, liquidFrac × itHeatW, W: mean over the step. */
  readonly liquidHeatW: Float64Array;
  /** Heat that enters the rack's coolant (captured heat less what the cold plates stored), W: mean. */
  readonly coolantHeatW: Float64Array;
  /** Heat to the room air, (1 − liquidFrac) × itHeatW, W: mean over the step. */
  readonly airHeatW: Float64Array;

  /** Longest stable substep, s (from the rated flows). */
  readonly maxSubstepS: number;
  /** Scratch, per CDU: secondary capacity rate (W/K) and pump power (W) of the substep, energies accumulated over a step (J); per rack, heat into its coolant (J). */
  readonly scratchSecWpK: Float64Array;
  readonly scratchReturnInJ: Float64Array;
  readonly scratchPumpJ: Float64Array;
  readonly scratchPumpW: Float64Array;
  readonly scratchHxJ: Float64Array;
  readonly scratchRackCoolantJ: Float64Array;
}

/** Parameters of one CDU and its secondary loop. */
export interface CduParams {
  /** Secondary (TCS) fluid. */
  fluid: Fluid;
  /** Secondary flow at rated pump speed, m³/s. */
  ratedFlowM3s: number;
  /** Pump electrical power at rated speed, W. */
  ratedPumpPowerW: number;
  /** Pump head at rated speed, Pa. */
  ratedHeadPa: number;
  /** Supply-side and return-side coolant volumes of the CDU and its piping, m³. */
  supplyVolumeM3: number;
  returnVolumeM3: number;
  /** Rating of the heat exchanger: approach (secondary supply − facility supply), K, at rated flows on both sides when the secondary stream is cooled by ratedRangeK, K. */
  ratedApproachK: number;
  ratedRangeK: number;
  /** Facility fluid and its flow through the CDU at rated, m³/s. */
  facFluid: Fluid;
  facRatedFlowM3s: number;
  /** Pump speed ramp, fraction of rated speed per second (VFD acceleration). */
  pumpRampFracPerS: number;
  /** Coast-down after a trip: time from rated speed to half speed, s (affinity.ts stepSpeedFrac). */
  pumpHalfSpeedS: number;
  /** Share of the pump's electrical power that ends up as heat in the coolant, 0..1. */
  pumpHeatFrac: number;
}

/**
 * An in-row CDU for 8 NVL72-class racks (~8 × 132 kW × 0.85 ≈ 0.9 MW to liquid, docs/physics-sources.md §4:
 * in-row CDUs 70-600 kW, facility CDUs 2-4 MW [S]):
 * - flow 1,600 L/min of PG25: the 1.5 L/min per kW cold-plate guidance [S] for 8 × 132 kW = 1,584 L/min;
 * - pump 8.8 kW at 2 bar: hydraulic 0.0267 m³/s × 2 bar = 5.3 kW at ~60 % wire-to-water efficiency
 *   [D]; 2 bar is inside the 0.5-3 bar CDU dP [S]; Frontier's CDU pumps draw 8.47 kW for 1.1 MW [P];
 * - approach 3 K at a 10 K range (Boyd 3 °C, CoolIT 5 °C [S]);
 * - facility flow giving the same capacity rate as the secondary (balanced exchanger);
 * - 150 L supply and 150 L return volume, 10 %/s pump ramp, 2 s to half speed after a trip, all pump
 *   power to the coolant: assumptions (no published figure found).
 */
export const IN_ROW_CDU: CduParams = Object.freeze({
  fluid: PG25,
  ratedFlowM3s: litresPerMinToM3s(1_600),
  ratedPumpPowerW: 8_800,
  ratedHeadPa: 200_000,
  supplyVolumeM3: 0.15,
  returnVolumeM3: 0.15,
  ratedApproachK: 3,
  ratedRangeK: 10,
  facFluid: WATER,
  facRatedFlowM3s: (litresPerMinToM3s(1_600) * PG25.densityKgM3 * PG25.cpJpKgK) / (WATER.densityKgM3 * WATER.cpJpKgK),
  pumpRampFracPerS: 0.1,
  pumpHalfSpeedS: 2,
  pumpHeatFrac: 1,
});

/** One liquid rack: its cold-plate params and the CDU it hangs on. */
export interface LiquidRackSpec extends ColdPlateParams {
  cdu: number;
}

/**
 * Allocates the CDUs (one per entry of `cdus`) and liquid racks (one per entry of `racks`, each naming
 * its CDU), with every temperature at `initialC` (°C), pumps at rated speed (command 1, not tripped),
 * setpoints `initialC`, facility water at `initialC` with rated flow, and no heat.
 * Throws a RangeError on an impossible rating or a rack naming a missing CDU.
 * Example: createCduLoops([IN_ROW_CDU], [{ ...NVL72_COLD_PLATE, cdu: 0 }], 30).
 */
export function createCduLoops(cdus: readonly CduParams[], racks: readonly LiquidRackSpec[], initialC = 30): CduLoops {
  const m = cdus.length;
  const n = racks.length;
  const fm = (): Float64Array => new Float64Array(m);
  const fn = (): Float64Array => new Float64Array(n);
  const s = {
    cduCount: m, rackCount: n,
    secRatedWpK: fm(), ratedFlowM3s: fm(), ratedPumpPowerW: fm(), ratedHeadPa: fm(), supplyCapJpK: fm(), returnCapJpK: fm(),
    uaWpK: fm(), facRatedWpK: fm(), pumpRampFracPerS: fm(), pumpHalfSpeedS: fm(), pumpHeatFrac: fm(),
    supplySetC: fm(), pumpSpeedCmd: fm(), pumpTripped: fm(), facSupplyC: fm(), facFlowFrac: fm(),
    supplyC: fm(), returnC: fm(), pumpSpeedFrac: fm(), flowM3s: fm(), pumpHeadPa: fm(), pumpPowerW: fm(), hxDutyW: fm(),
    approachK: fm(), facReturnC: fm(), bypassShare: fm(),
    rackCdu: new Int32Array(n), liquidFrac: fn(), gpus: fn(), plateRKpW: fn(), plateCJpK: fn(), rackCapJpK: fn(), flowShare: fn(),
    itHeatW: fn(), gpuPowerW: fn(),
    gpuTempC: fn(), outletC: fn(), inletC: fn(), rackFlowM3s: fn(), liquidHeatW: fn(), coolantHeatW: fn(), airHeatW: fn(),
    maxSubstepS: Infinity,
    scratchSecWpK: fm(), scratchReturnInJ: fm(), scratchPumpJ: fm(), scratchPumpW: fm(), scratchHxJ: fm(), scratchRackCoolantJ: fn(),
  };
  const weightSum = new Float64Array(m);
  let maxSubstepS = Infinity;
  for (let c = 0; c < m; c++) {
    const p = cdus[c];
    const secWpK = p.fluid.densityKgM3 * p.fluid.cpJpKgK * p.ratedFlowM3s;
    const facWpK = p.facFluid.densityKgM3 * p.facFluid.cpJpKgK * p.facRatedFlowM3s;
    if (!(secWpK > 0) || !(facWpK > 0)) throw new RangeError(`createCduLoops: CDU ${c} needs positive rated flows`);
    // Rated point: secondary in at set + range, out at set; facility in at set − approach.
    const ratedDutyW = secWpK * p.ratedRangeK;
    s.uaWpK[c] = uaFromRating(ratedDutyW, p.ratedRangeK, -p.ratedApproachK, secWpK, facWpK);
    s.secRatedWpK[c] = secWpK;
    s.ratedFlowM3s[c] = p.ratedFlowM3s;
    s.ratedPumpPowerW[c] = p.ratedPumpPowerW;
    s.ratedHeadPa[c] = p.ratedHeadPa;
    s.supplyCapJpK[c] = p.fluid.densityKgM3 * p.fluid.cpJpKgK * p.supplyVolumeM3;
    s.returnCapJpK[c] = p.fluid.densityKgM3 * p.fluid.cpJpKgK * p.returnVolumeM3;
    s.facRatedWpK[c] = facWpK;
    s.pumpRampFracPerS[c] = p.pumpRampFracPerS;
    s.pumpHalfSpeedS[c] = p.pumpHalfSpeedS;
    s.pumpHeatFrac[c] = p.pumpHeatFrac;
    s.supplySetC[c] = initialC;
    s.pumpSpeedCmd[c] = 1;
    s.facSupplyC[c] = initialC;
    s.facFlowFrac[c] = 1;
    s.supplyC[c] = initialC;
    s.returnC[c] = initialC;
    s.pumpSpeedFrac[c] = 1;
    s.flowM3s[c] = p.ratedFlowM3s;
    s.pumpHeadPa[c] = p.ratedHeadPa;
    s.facReturnC[c] = initialC;
    const tauS = Math.min(s.supplyCapJpK[c], s.returnCapJpK[c]) / secWpK;
    if (tauS < maxSubstepS) maxSubstepS = tauS;
  }
  for (let r = 0; r < n; r++) {
    const p = racks[r];
    if (!Number.isInteger(p.cdu) || p.cdu < 0 || p.cdu >= m) throw new RangeError(`createCduLoops: rack ${r} names CDU ${p.cdu}, outside 0..${m - 1}`);
    if (!(p.flowWeight > 0)) throw new RangeError(`createCduLoops: rack ${r} needs flowWeight > 0, got ${p.flowWeight}`);
    s.rackCdu[r] = p.cdu;
    s.liquidFrac[r] = p.liquidFrac > 0 ? (p.liquidFrac < 1 ? p.liquidFrac : 1) : 0;
    s.gpus[r] = p.gpus;
    s.plateRKpW[r] = p.plateRKpW;
    s.plateCJpK[r] = p.plateCJpK;
    s.rackCapJpK[r] = cdus[p.cdu].fluid.densityKgM3 * cdus[p.cdu].fluid.cpJpKgK * p.coolantVolumeM3;
    weightSum[p.cdu] += p.flowWeight;
    s.gpuTempC[r] = initialC;
    s.outletC[r] = initialC;
    s.inletC[r] = initialC;
  }
  for (let c = 0; c < m; c++) s.bypassShare[c] = weightSum[c] > 0 ? 0 : 1;
  for (let r = 0; r < n; r++) {
    const c = s.rackCdu[r];
    s.flowShare[r] = racks[r].flowWeight / weightSum[c];
    s.rackFlowM3s[r] = s.ratedFlowM3s[c] * s.flowShare[r];
    const tauS = s.rackCapJpK[r] / (s.secRatedWpK[c] * s.flowShare[r]);
    if (tauS < maxSubstepS) maxSubstepS = tauS;
  }
  s.maxSubstepS = maxSubstepS;
  return s;
}

/**
 * Advances every CDU and liquid rack by dtS seconds (allocation-free), in ceil(dtS / maxSubstepS)
 * equal substeps. Per substep h, with inputs held:
 * 1. pump speed: stepSpeedFrac (command with ramp, or coast-down when tripped); secondary capacity
 *    rate C = C_rated × speed (affinity: flow ∝ speed); pump power = rated × speed³;
 * 2. each rack (flow C × flowShare): GPU node q = min(gpuPowerW, liquid heat / gpus) exact over h
 *    against the rack coolant; the rest of the liquid heat goes straight to the coolant; coolant node
 *    C_r·ΔT = (plate heat + other heat + C·share·(T_supply − T_rack))·h;
 * 3. heat exchanger on the return temperature: Q = min(C·(T_return − set)⁺, ε·Cmin·(T_return − T_facility)⁺);
 * 4. return node gains the rack outflows and the pump heat, loses C·T_return; supply node gains
 *    C·T_return − Q and loses C·T_supply.
 * dtS ≤ 0 (or NaN) leaves the state unchanged.
 */
export function stepCduLoops(state: CduLoops, dtS: number): void {
  if (!(dtS > 0)) return;
  const m = state.cduCount;
  const n = state.rackCount;
  const substeps = state.maxSubstepS < dtS ? Math.ceil(dtS / state.maxSubstepS) : 1;
  const h = dtS / substeps;
  const { secRatedWpK, ratedFlowM3s, ratedPumpPowerW, ratedHeadPa, supplyCapJpK, returnCapJpK, uaWpK, facRatedWpK } = state;
  const { pumpRampFracPerS, pumpHalfSpeedS, pumpHeatFrac, supplySetC, pumpSpeedCmd, pumpTripped, facSupplyC, facFlowFrac } = state;
  const { supplyC, returnC, pumpSpeedFrac, flowM3s, pumpHeadPa, pumpPowerW, hxDutyW, approachK, facReturnC, bypassShare } = state;
  const { rackCdu, liquidFrac, gpus, plateRKpW, plateCJpK, rackCapJpK, flowShare, itHeatW, gpuPowerW } = state;
  const { gpuTempC, outletC, inletC, rackFlowM3s, liquidHeatW, coolantHeatW, airHeatW } = state;
  const { scratchSecWpK: secWpK, scratchReturnInJ: returnInJ, scratchPumpJ: pumpJ, scratchPumpW: pumpW, scratchHxJ: hxJ, scratchRackCoolantJ: rackJ } = state;

  for (let c = 0; c < m; c++) { pumpJ[c] = 0; hxJ[c] = 0; }
  for (let r = 0; r < n; r++) rackJ[r] = 0;

  for (let k = 0; k < substeps; k++) {
    // 1. Pumps.
    for (let c = 0; c < m; c++) {
      const speed = stepSpeedFrac(pumpSpeedFrac[c], pumpSpeedCmd[c], pumpRampFracPerS[c], pumpTripped[c], pumpHalfSpeedS[c], h);
      pumpSpeedFrac[c] = speed;
      secWpK[c] = secRatedWpK[c] * speed;
      pumpW[c] = ratedPumpPowerW[c] * speed * speed * speed;
      pumpJ[c] += pumpW[c] * h;
      // Flow that bypasses the racks (a CDU without racks) goes straight to the return.
      returnInJ[c] = bypassShare[c] * secWpK[c] * supplyC[c] * h;
    }
    // 2. Racks, against the supply temperature at the start of the substep.
    for (let r = 0; r < n; r++) {
      const c = rackCdu[r];
      const rackWpK = secWpK[c] * flowShare[r];
      const liquidW = liquidFrac[r] * itHeatW[r];
      const g = gpus[r];
      let plateJ = 0;
      let otherW = liquidW;
      const rackC = outletC[r];
      if (g > 0) {
        const perGpuMaxW = liquidW / g;
        const q = gpuPowerW[r] < perGpuMaxW ? (gpuPowerW[r] > 0 ? gpuPowerW[r] : 0) : perGpuMaxW;
        const before = gpuTempC[r];
        const after = stepPlateC(before, rackC, q, plateRKpW[r], plateCJpK[r], h);
        gpuTempC[r] = after;
        plateJ = g * (q * h - plateCJpK[r] * (after - before));
        otherW = liquidW - g * q;
      }
      const inJ = plateJ + otherW * h;
      rackJ[r] += inJ;
      const outJ = rackWpK * rackC * h;
      returnInJ[c] += outJ;
      outletC[r] = rackC + (inJ + rackWpK * supplyC[c] * h - outJ) / rackCapJpK[r];
    }
    // 3-4. Heat exchangers and the CDU volumes.
    for (let c = 0; c < m; c++) {
      const cSec = secWpK[c];
      const tRet = returnC[c];
      const tSup = supplyC[c];
      let dutyW = 0;
      if (cSec > 0) {
        const needW = cSec * (tRet - supplySetC[c]);
        if (needW > 0) {
          const fac = facFlowFrac[c] > 0 ? (facFlowFrac[c] < 1 ? facFlowFrac[c] : 1) : 0;
          const maxW = counterflowDutyW(uaWpK[c], cSec, facRatedWpK[c] * fac, tRet, facSupplyC[c]);
          dutyW = needW < maxW ? needW : maxW > 0 ? maxW : 0;
        }
      }
      hxJ[c] += dutyW * h;
      const advJ = cSec * tRet * h;
      returnC[c] = tRet + (returnInJ[c] + pumpHeatFrac[c] * pumpW[c] * h - advJ) / returnCapJpK[c];
      supplyC[c] = tSup + (advJ - dutyW * h - cSec * tSup * h) / supplyCapJpK[c];
    }
  }

  for (let c = 0; c < m; c++) {
    const speed = pumpSpeedFrac[c];
    flowM3s[c] = ratedFlowM3s[c] * speed;
    pumpHeadPa[c] = ratedHeadPa[c] * affinityHeadFrac(speed);
    pumpPowerW[c] = pumpJ[c] / dtS;
    hxDutyW[c] = hxJ[c] / dtS;
    approachK[c] = supplyC[c] - facSupplyC[c];
    const fac = facFlowFrac[c] > 0 ? (facFlowFrac[c] < 1 ? facFlowFrac[c] : 1) : 0;
    const facWpK = facRatedWpK[c] * fac;
    facReturnC[c] = facWpK > 0 ? facSupplyC[c] + hxDutyW[c] / facWpK : facSupplyC[c];
  }
  for (let r = 0; r < n; r++) {
    const c = rackCdu[r];
    inletC[r] = supplyC[c];
    rackFlowM3s[r] = flowM3s[c] * flowShare[r];
    liquidHeatW[r] = liquidFrac[r] * itHeatW[r];
    airHeatW[r] = itHeatW[r] - liquidHeatW[r];
    coolantHeatW[r] = rackJ[r] / dtS;
  }
}

/**
 * Heat held by the CDU loops relative to 0 °C, J: Σ C·T over every node (supply, return, rack
 * coolant, and gpus × plate node). Differences of it over a run close the heat balance.
 */
export function cduStoredHeatJ(state: CduLoops): number {
  let sumJ = 0;
  for (let c = 0; c < state.cduCount; c++) sumJ += state.supplyCapJpK[c] * state.supplyC[c] + state.returnCapJpK[c] * state.returnC[c];
  for (let r = 0; r < state.rackCount; r++) sumJ += state.rackCapJpK[r] * state.outletC[r] + state.gpus[r] * state.plateCJpK[r] * state.gpuTempC[r];
  return sumJ;
}
