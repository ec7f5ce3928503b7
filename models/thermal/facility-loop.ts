import { stepSpeedFrac } from "./affinity.js";
import { chillerCop, chillerDutyW, type ChillerParams } from "./chiller.js";
import {
  coolingTowerDutyW, rateCoolingTower, towerEvaporationKgS, towerMakeupKgS,
  type CoolingTowerParams, type CoolingTowerRating,
} from "./cooling-tower.js";
import { dryCoolerDutyW, rateDryCooler, type DryCoolerParams, type DryCoolerRating } from "./dry-cooler.js";
import { WATER, type Fluid } from "./fluids.js";

/**
 * Facility water loops (the primary side of the CDUs, or the chilled water of the CRAH coils), as a
 * structure of arrays, index l = loop. Each loop has a return volume (warm: takes the heat of its
 * CDUs / CRAH coils, `heatInW`), heat rejection to the weather (dry coolers on the dry bulb, or
 * cooling towers on the wet bulb, with water use), a trim chiller in series that pulls the water down
 * to its setpoint when free cooling cannot, and a supply volume (cold: feeds the CDUs / coils).
 * Flow: return → free cooling → chiller → supply → (CDUs, via the engine) → return. A facility pump
 * sets the flow by the affinity laws.
 *
 * Heat in (`heatInW` + pump heat) leaves as free cooling (`freeCoolingW`) and chiller duty
 * (`chillerDutyW`), or is stored (facilityStoredHeatJ); energy is conserved to rounding:
 *   ∫heatInW dt + ∫pump heat dt = ∫freeCoolingW dt + ∫chillerDutyW dt + Δ(stored).
 * Heat to outdoors is freeCoolingW + chillerDutyW + chillerPowerW (`rejectedW`).
 *
 * Time: as cdu.ts, explicit substeps no longer than the shortest node time constant at rated flow,
 * inputs held over the step; temperatures at the end of the step, powers, heats and water flows
 * means over the step. Power sign: pumps, fans and chillers draw from the grid (positive).
 */
export interface FacilityLoops {
  readonly count: number;

  // Params.
  /** Capacity rate at rated pump speed, W/K; rated flow, m³/s. */
  readonly ratedWpK: Float64Array;
  readonly ratedFlowM3s: Float64Array;
  /** Water mass flow at rated pump speed, kg/s. */
  readonly ratedKgS: Float64Array;
  readonly ratedPumpPowerW: Float64Array;
  readonly pumpHeatFrac: Float64Array;
  readonly pumpRampFracPerS: Float64Array;
  readonly fanRampFracPerS: Float64Array;
  readonly supplyCapJpK: Float64Array;
  readonly returnCapJpK: Float64Array;
  /** 0 none (chiller only), 1 dry coolers, 2 cooling towers. */
  readonly rejectionKind: Int32Array;
  readonly rejectionUnits: Float64Array;
  readonly chillerUnits: Float64Array;
  /** Unit params and ratings, per loop (not per-tick data). */
  readonly dryCooler: readonly (DryCoolerParams | null)[];
  readonly dryCoolerRating: readonly (DryCoolerRating | null)[];
  readonly tower: readonly (CoolingTowerParams | null)[];
  readonly towerRating: readonly (CoolingTowerRating | null)[];
  readonly chiller: readonly ChillerParams[];

  // Inputs (boundary conditions and actuators).
  /** Heat from the loop's CDUs / coils, W (mean over the step). */
  readonly heatInW: Float64Array;
  /** Outdoor dry bulb and wet bulb, °C (weather). */
  readonly dryBulbC: Float64Array;
  readonly wetBulbC: Float64Array;
  /** Facility pump speed command, 0..1. */
  readonly pumpSpeedCmd: Float64Array;
  /** Dry cooler / tower fan speed command, 0..1 (actuator). */
  readonly fanSpeedCmd: Float64Array;
  /** Chiller enabled (1) or off (0) (actuator); leaving-water setpoint, °C (actuator). */
  readonly chillerOn: Float64Array;
  readonly chillerSetC: Float64Array;
  /** 1 while the chillers have failed (failure input), else 0. */
  readonly chillerFailed: Float64Array;

  // State and outputs.
  /** Supply (to the CDUs / coils) and return temperatures, °C: end of step. */
  readonly supplyC: Float64Array;
  readonly returnC: Float64Array;
  readonly pumpSpeedFrac: Float64Array;
  readonly fanSpeedFrac: Float64Array;
  /** Flow, m³/s: end of step. Flow fraction for the CDUs' facFlowFrac = pumpSpeedFrac. */
  readonly flowM3s: Float64Array;
  /** Means over the step, W. */
  readonly pumpPowerW: Float64Array;
  readonly fanPowerW: Float64Array;
  readonly freeCoolingW: Float64Array;
  readonly chillerDutyW: Float64Array;
  readonly chillerPowerW: Float64Array;
  readonly rejectedW: Float64Array;
  /** Chiller COP over the step (duty / power; NaN when the chiller did not run). */
  readonly chillerCop: Float64Array;
  /** Tower water, kg/s, means over the step: evaporation, drift, blowdown, makeup (= sum). */
  readonly evaporationKgS: Float64Array;
  readonly driftKgS: Float64Array;
  readonly blowdownKgS: Float64Array;
  readonly makeupKgS: Float64Array;

  readonly maxSubstepS: number;
  /** Scratch accumulators, per loop, J or kg over a step. */
  readonly scratch: Float64Array;
}

/** Parameters of one facility loop. */
export interface FacilityLoopParams {
  fluid: Fluid;
  ratedFlowM3s: number;
  ratedPumpPowerW: number;
  /** Share of the pump power that ends up as heat in the water. */
  pumpHeatFrac: number;
  /** Pump and fan ramps, fraction of rated speed per second. */
  pumpRampFracPerS: number;
  fanRampFracPerS: number;
  /** Supply-side and return-side water volumes (pipes, headers, tanks), m³. */
  supplyVolumeM3: number;
  returnVolumeM3: number;
  /** Heat rejection: dry coolers or towers (`units` identical units sharing the flow), or none. */
  rejection: { kind: "dry-cooler"; units: number; unit: DryCoolerParams }
    | { kind: "cooling-tower"; units: number; unit: CoolingTowerParams }
    | { kind: "none" };
  /** Trim chillers in series after free cooling. The condenser sink is the dry bulb (dry coolers / none) or the tower's rated leaving water above the wet bulb (towers). */
  chiller: ChillerParams;
  chillerUnits: number;
}

const SCRATCH_FIELDS = 8; // pump J, fan J, free-cooling J, chiller J, chiller electrical J, evaporation kg, drift kg, makeup kg

/**
 * Allocates one facility loop per entry of `loops`, water at `initialC` (°C), pumps and fans at full
 * speed (commands 1), chillers on with setpoint `initialC`, weather `initialC` dry and wet bulb, no
 * heat. Throws a RangeError on an impossible rating.
 */
export function createFacilityLoops(loops: readonly FacilityLoopParams[], initialC = 30): FacilityLoops {
  const n = loops.length;
  const f = (): Float64Array => new Float64Array(n);
  const dryCooler: (DryCoolerParams | null)[] = [];
  const dryCoolerRating: (DryCoolerRating | null)[] = [];
  const tower: (CoolingTowerParams | null)[] = [];
  const towerRating: (CoolingTowerRating | null)[] = [];
  const chiller: ChillerParams[] = [];
  const s = {
    count: n,
    ratedWpK: f(), ratedFlowM3s: f(), ratedKgS: f(), ratedPumpPowerW: f(), pumpHeatFrac: f(), pumpRampFracPerS: f(), fanRampFracPerS: f(),
    supplyCapJpK: f(), returnCapJpK: f(), rejectionKind: new Int32Array(n), rejectionUnits: f(), chillerUnits: f(),
    dryCooler, dryCoolerRating, tower, towerRating, chiller,
    heatInW: f(), dryBulbC: f(), wetBulbC: f(), pumpSpeedCmd: f(), fanSpeedCmd: f(), chillerOn: f(), chillerSetC: f(), chillerFailed: f(),
    supplyC: f(), returnC: f(), pumpSpeedFrac: f(), fanSpeedFrac: f(), flowM3s: f(),
    pumpPowerW: f(), fanPowerW: f(), freeCoolingW: f(), chillerDutyW: f(), chillerPowerW: f(), rejectedW: f(), chillerCop: f(),
    evaporationKgS: f(), driftKgS: f(), blowdownKgS: f(), makeupKgS: f(),
    maxSubstepS: Infinity,
    scratch: new Float64Array(n * SCRATCH_FIELDS),
  };
  let maxSubstepS = Infinity;
  for (let l = 0; l < n; l++) {
    const p = loops[l];
    const wpK = p.fluid.densityKgM3 * p.fluid.cpJpKgK * p.ratedFlowM3s;
    if (!(wpK > 0)) throw new RangeError(`createFacilityLoops: loop ${l} needs a positive rated flow`);
    s.ratedWpK[l] = wpK;
    s.ratedFlowM3s[l] = p.ratedFlowM3s;
    s.ratedKgS[l] = p.fluid.densityKgM3 * p.ratedFlowM3s;
    s.ratedPumpPowerW[l] = p.ratedPumpPowerW;
    s.pumpHeatFrac[l] = p.pumpHeatFrac;
    s.pumpRampFracPerS[l] = p.pumpRampFracPerS;
    s.fanRampFracPerS[l] = p.fanRampFracPerS;
    s.supplyCapJpK[l] = p.fluid.densityKgM3 * p.fluid.cpJpKgK * p.supplyVolumeM3;
    s.returnCapJpK[l] = p.fluid.densityKgM3 * p.fluid.cpJpKgK * p.returnVolumeM3;
    const rej = p.rejection;
    if (rej.kind === "dry-cooler") {
      s.rejectionKind[l] = 1;
      s.rejectionUnits[l] = rej.units;
      dryCooler.push(rej.unit); dryCoolerRating.push(rateDryCooler(rej.unit)); tower.push(null); towerRating.push(null);
    } else if (rej.kind === "cooling-tower") {
      s.rejectionKind[l] = 2;
      s.rejectionUnits[l] = rej.units;
      dryCooler.push(null); dryCoolerRating.push(null); tower.push(rej.unit); towerRating.push(rateCoolingTower(rej.unit, p.fluid.cpJpKgK));
    } else {
      s.rejectionKind[l] = 0;
      dryCooler.push(null); dryCoolerRating.push(null); tower.push(null); towerRating.push(null);
    }
    chiller.push(p.chiller);
    s.chillerUnits[l] = p.chillerUnits;
    s.pumpSpeedCmd[l] = 1;
    s.fanSpeedCmd[l] = 1;
    s.chillerOn[l] = 1;
    s.chillerSetC[l] = initialC;
    s.dryBulbC[l] = initialC;
    s.wetBulbC[l] = initialC;
    s.supplyC[l] = initialC;
    s.returnC[l] = initialC;
    s.pumpSpeedFrac[l] = 1;
    s.fanSpeedFrac[l] = 1;
    s.flowM3s[l] = p.ratedFlowM3s;
    s.chillerCop[l] = NaN;
    const tauS = Math.min(s.supplyCapJpK[l], s.returnCapJpK[l]) / wpK;
    if (tauS < maxSubstepS) maxSubstepS = tauS;
  }
  s.maxSubstepS = maxSubstepS;
  return s;
}

/**
 * Advances every loop by dtS seconds (allocation-free), in ceil(dtS / maxSubstepS) equal substeps.
 * Per substep h, with inputs held and C = C_rated × pump speed:
 * 1. pump and fan speeds (stepSpeedFrac with their ramps); pump power rated × s³, fan power
 *    units × rated × s³;
 * 2. free cooling on the return temperature: units × dry-cooler or tower duty with C / units each;
 * 3. chiller (on and not failed): duty to bring T_return − free / C down to the setpoint, up to
 *    units × capacity, power duty / COP;
 * 4. return node gains heatInW + pump heat + C·T_supply, loses C·T_return; supply node gains
 *    C·T_return − free − chiller, loses C·T_supply.
 * dtS ≤ 0 (or NaN) leaves the state unchanged.
 */
export function stepFacilityLoops(state: FacilityLoops, dtS: number): void {
  if (!(dtS > 0)) return;
  const n = state.count;
  const substeps = state.maxSubstepS < dtS ? Math.ceil(dtS / state.maxSubstepS) : 1;
  const h = dtS / substeps;
  const { ratedWpK, ratedFlowM3s, ratedPumpPowerW, pumpHeatFrac, pumpRampFracPerS, fanRampFracPerS, supplyCapJpK, returnCapJpK } = state;
  const { rejectionKind, rejectionUnits, chillerUnits, dryCooler, dryCoolerRating, tower, towerRating, chiller } = state;
  const { heatInW, dryBulbC, wetBulbC, pumpSpeedCmd, fanSpeedCmd, chillerOn, chillerSetC, chillerFailed } = state;
  const { supplyC, returnC, pumpSpeedFrac, fanSpeedFrac, flowM3s, scratch } = state;

  for (let l = 0; l < n; l++) {
    const o = l * SCRATCH_FIELDS;
    for (let i = 0; i < SCRATCH_FIELDS; i++) scratch[o + i] = 0;
    const kind = rejectionKind[l];
    const units = rejectionUnits[l];
    const dc = dryCooler[l];
    const dcRating = dryCoolerRating[l];
    const tw = tower[l];
    const twRating = towerRating[l];
    const ch = chiller[l];
    const running = chillerOn[l] > 0 && !(chillerFailed[l] > 0);
    // Condenser sink: dry bulb, or the tower's leaving water at its rated approach above the wet bulb.
    const sinkC = kind === 2 && tw !== null ? wetBulbC[l] + (tw.ratedWaterOutC - tw.ratedWetBulbC) : dryBulbC[l];
    const cop = chillerCop(ch, chillerSetC[l], sinkC);
    for (let k = 0; k < substeps; k++) {
      const ps = stepSpeedFrac(pumpSpeedFrac[l], pumpSpeedCmd[l], pumpRampFracPerS[l], 0, 0, h);
      pumpSpeedFrac[l] = ps;
      const fs = stepSpeedFrac(fanSpeedFrac[l], fanSpeedCmd[l], fanRampFracPerS[l], 0, 0, h);
      fanSpeedFrac[l] = fs;
      const pumpW = ratedPumpPowerW[l] * ps * ps * ps;
      scratch[o] += pumpW * h;
      const c = ratedWpK[l] * ps;
      const tRet = returnC[l];
      const tSup = supplyC[l];
      let freeW = 0;
      let fanW = 0;
      if (c > 0 && units > 0) {
        if (kind === 1 && dc !== null && dcRating !== null) {
          freeW = units * dryCoolerDutyW(dc, dcRating, fs, c / units, tRet, dryBulbC[l]);
          fanW = units * dc.ratedFanPowerW * fs * fs * fs;
        } else if (kind === 2 && tw !== null && twRating !== null) {
          freeW = units * coolingTowerDutyW(tw, twRating, fs, c / units, tRet, wetBulbC[l]);
          fanW = units * tw.ratedFanPowerW * fs * fs * fs;
          const evapKgS = towerEvaporationKgS(tw, freeW);
          scratch[o + 5] += evapKgS * h;
          scratch[o + 6] += tw.driftFrac * state.ratedKgS[l] * ps * h;
          scratch[o + 7] += towerMakeupKgS(tw, evapKgS) * h;
        }
      } else if (units > 0) {
        // No water flow: the fans still turn (and draw power) if commanded.
        if (kind === 1 && dc !== null) fanW = units * dc.ratedFanPowerW * fs * fs * fs;
        else if (kind === 2 && tw !== null) fanW = units * tw.ratedFanPowerW * fs * fs * fs;
      }
      scratch[o + 1] += fanW * h;
      scratch[o + 2] += freeW * h;
      let chW = 0;
      if (running && c > 0) chW = chillerDutyW(ch, chillerUnits[l], c, tRet - freeW / c, chillerSetC[l]);
      scratch[o + 3] += chW * h;
      scratch[o + 4] += (chW / cop) * h;
      returnC[l] = tRet + ((heatInW[l] + pumpHeatFrac[l] * pumpW) * h + c * (tSup - tRet) * h) / returnCapJpK[l];
      supplyC[l] = tSup + (c * (tRet - tSup) * h - (freeW + chW) * h) / supplyCapJpK[l];
    }
    flowM3s[l] = ratedFlowM3s[l] * pumpSpeedFrac[l];
    state.pumpPowerW[l] = scratch[o] / dtS;
    state.fanPowerW[l] = scratch[o + 1] / dtS;
    state.freeCoolingW[l] = scratch[o + 2] / dtS;
    state.chillerDutyW[l] = scratch[o + 3] / dtS;
    state.chillerPowerW[l] = scratch[o + 4] / dtS;
    state.rejectedW[l] = state.freeCoolingW[l] + state.chillerDutyW[l] + state.chillerPowerW[l];
    state.chillerCop[l] = scratch[o + 4] > 0 ? scratch[o + 3] / scratch[o + 4] : NaN;
    state.evaporationKgS[l] = scratch[o + 5] / dtS;
    state.driftKgS[l] = scratch[o + 6] / dtS;
    // Makeup covers evaporation and drift at least (drift above E / (COC − 1) leaves no blowdown).
    const makeupKgS = scratch[o + 7] / dtS;
    const lossKgS = state.evaporationKgS[l] + state.driftKgS[l];
    state.makeupKgS[l] = makeupKgS > lossKgS ? makeupKgS : lossKgS;
    const bd = state.makeupKgS[l] - state.evaporationKgS[l] - state.driftKgS[l];
    state.blowdownKgS[l] = bd > 0 ? bd : 0;
  }
}

/** Heat held by the loops' water relative to 0 °C, J: Σ C·T over the supply and return volumes. */
export function facilityStoredHeatJ(state: FacilityLoops): number {
  let sumJ = 0;
  for (let l = 0; l < state.count; l++) sumJ += state.supplyCapJpK[l] * state.supplyC[l] + state.returnCapJpK[l] * state.returnC[l];
  return sumJ;
}

/**
 * A warm-water facility loop for a hall of `itW` (W) of liquid heat, sized at a 10 K rise of water
 * (flow = heat / (ρ·cp·10 K)), a 3 % margin rounded up to whole 1 MW dry-cooler and chiller units;
 * pump power at 2.5 bar and 70 % wire-to-water efficiency [assumption]; 3 m³ + 3 m³ of water per MW
 * (pipes and headers) [assumption]; pump ramp 10 %/s, fan ramp 5 %/s.
 */
export function warmWaterLoopParams(heatW: number, dryCooler: DryCoolerParams, chiller: ChillerParams): FacilityLoopParams {
  const flowM3s = heatW / (WATER.densityKgM3 * WATER.cpJpKgK * 10);
  const units = Math.ceil((heatW * 1.03) / dryCooler.ratedDutyW);
  return {
    fluid: WATER,
    ratedFlowM3s: flowM3s,
    ratedPumpPowerW: (flowM3s * 250_000) / 0.7,
    pumpHeatFrac: 1,
    pumpRampFracPerS: 0.1,
    fanRampFracPerS: 0.05,
    supplyVolumeM3: 3 * (heatW / 1e6),
    returnVolumeM3: 3 * (heatW / 1e6),
    rejection: { kind: "dry-cooler", units, unit: dryCooler },
    chiller,
    chillerUnits: Math.ceil((heatW * 1.03) / chiller.capacityW),
  };
}
