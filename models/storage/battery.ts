import type { Issue } from "../lib/errors.js";

/**
 * Site battery (BESS) for n units, as a structure of arrays: one Float64Array per field, index i =
 * unit. Every power is in watts, every energy in watt-hours.
 *
 * Sign convention (the engine's): power is positive when drawn from the grid. A battery that is
 * charging draws from the site (+); a battery discharging into the site is negative at the PCC
 * (it reduces what the site draws). `setpointW` uses the same sign: + charge, − discharge.
 *
 * Time representation: a tick covers [t, t + dtS). `setpointW` is the command written for the tick,
 * and every power output is the MEAN over the tick, so energy = Σ P × dt exactly; `socFrac` and
 * `storedWh` are end-of-tick values.
 *
 * Power path per tick (see stepBatteries): command → latency ring (whole ticks) → power limits →
 * first-order inverter response (integrated exactly) → state-of-charge limits → energy update.
 * Energy accounting is exact to float rounding over any run:
 *   chargedWh − dischargedWh − (chargeLossWh + dischargeLossWh + selfDischargeLossWh + fadeLossWh)
 *     = storedWh − initialStoredWh,
 * and the PCC side adds the auxiliary load: Σ acPowerW × dt = chargedWh − dischargedWh + auxWh.
 */
export interface BatteryParams {
  /** Nameplate energy of the cells from SOC 0 to SOC 1, Wh (> 0); fades with capacityFrac. */
  readonly capacityWh: number;
  /** Largest charging power at the inverter's AC terminals, W (≥ 0). */
  readonly chargeMaxW: number;
  /** Largest discharging power at the inverter's AC terminals, W (≥ 0). */
  readonly dischargeMaxW: number;
  /** State-of-charge window the inverter keeps the cells in, fractions, 0 ≤ socMin < socMax ≤ 1. */
  readonly socMin: number;
  readonly socMax: number;
  /** State of charge at creation, fraction in [socMin, socMax]. */
  readonly socInit: number;
  /** One-way efficiency AC → cells while charging, in (0, 1]. */
  readonly chargeEff: number;
  /** One-way efficiency cells → AC while discharging, in (0, 1]. Round trip = chargeEff × dischargeEff. */
  readonly dischargeEff: number;
  /** Command latency (measurement → controller → inverter), s ≥ 0; rounded to whole ticks. */
  readonly latencyS: number;
  /** First-order time constant of the inverter's power response, s ≥ 0 (0: immediate). */
  readonly tauS: number;
  /** Auxiliary load (HVAC, controls, BMS), W ≥ 0, drawn from the site at all times. */
  readonly auxW: number;
  /** Cell self-discharge, fraction of the stored energy lost per day, ≥ 0 (0: none). */
  readonly selfDischargePerDay: number;
}

/**
 * A 10 MW / 10 MWh LFP site battery sized for the 72-rack hall (9.5 MW IT, docs/physics-sources.md §1.3 [D]).
 * - chargeEff = dischargeEff = √0.85 = 0.922: NREL ATB round-trip efficiency 85 % [R] (§3, V10).
 * - socMin 0.05, socMax 0.95: a common operating window [R]; the model keeps the inverter inside it.
 * - latencyS 0.12 s, tauS 0.05 s: "inverter hardware reaches full power in tens of ms; the limit is
 *   the measure → controller → inverter chain" [S] (bess.engineer, §3); GB Dynamic Containment asks
 *   for initiation within 0.5 s and full delivery within 1 s [P] (NESO, §2.3), which these meet.
 * - auxW 30 kW = 0.3 % of rated power: the standby draw that turns Hornsdale's 85 % design RTE into
 *   its apparent 79 % (§3 [S], V10): aux = in − out / 0.85 = 3.06 − 2.42 / 0.85 GWh per month
 *   ≈ 0.21 GWh / 720 h ≈ 0.30 MW for 100 MW [D].
 * - selfDischargePerDay 0: LFP cells lose ~1-3 %/month [R]; the aux load dominates standby loss.
 */
export const siteBess10MWh: BatteryParams = Object.freeze({
  capacityWh: 10e6,
  chargeMaxW: 10e6,
  dischargeMaxW: 10e6,
  socMin: 0.05,
  socMax: 0.95,
  socInit: 0.5,
  chargeEff: Math.sqrt(0.85),
  dischargeEff: Math.sqrt(0.85),
  latencyS: 0.12,
  tauS: 0.05,
  auxW: 30e3,
  selfDischargePerDay: 0,
});

/**
 * Hornsdale Power Reserve as first built: 100 MW / 129 MWh [S] (§3), with the siteBess10MWh
 * efficiencies, window and dynamics; auxW 0.3 % of rated power (see siteBess10MWh). For V10.
 */
export const hornsdale: BatteryParams = Object.freeze({
  ...siteBess10MWh,
  capacityWh: 129e6,
  chargeMaxW: 100e6,
  dischargeMaxW: 100e6,
  auxW: 300e3,
});

/** Named presets, as scenario files refer to them. */
export const BATTERY_PRESETS: Readonly<Record<string, BatteryParams>> = Object.freeze({ siteBess10MWh, hornsdale });

/** limited bit: the command was outside [−dischargeMaxW, chargeMaxW]. */
export const LIMITED_POWER = 1;
/** limited bit: the delivered power was cut to keep the state of charge inside [socMin, socMax]. */
export const LIMITED_SOC = 2;

export interface Batteries {
  readonly count: number;
  /** Length of each unit's command ring: the largest latency is ringTicks − 1 ticks. */
  readonly ringTicks: number;

  // Params, per unit (copied from a BatteryParams by setBatteryParams).
  readonly capacityWh: Float64Array;
  readonly chargeMaxW: Float64Array;
  readonly dischargeMaxW: Float64Array;
  readonly socMin: Float64Array;
  readonly socMax: Float64Array;
  readonly chargeEff: Float64Array;
  readonly dischargeEff: Float64Array;
  readonly latencyS: Float64Array;
  readonly tauS: Float64Array;
  readonly auxW: Float64Array;
  readonly selfDischargePerDay: Float64Array;

  // Inputs.
  /** Power command for this tick, W (+ charge from the site, − discharge into it; NaN = 0). */
  readonly setpointW: Float64Array;
  /** Remaining capacity ÷ nameplate, 0..1 (1 new; clamped; NaN = 1); written by the degradation model. */
  readonly capacityFrac: Float64Array;

  // Outputs, mean over the last tick (W) or end-of-tick values.
  /** Power at the PCC side: inverter AC power + auxW, W. */
  readonly acPowerW: Float64Array;
  /** Power at the inverter's AC terminals (without aux), W. */
  readonly inverterPowerW: Float64Array;
  /** Power into the cells (DC), W (− when discharging). */
  readonly dcPowerW: Float64Array;
  /** Stored energy ÷ (capacityWh × capacityFrac), end of tick. */
  readonly socFrac: Float64Array;
  /** Stored energy in the cells, Wh, end of tick. */
  readonly storedWh: Float64Array;
  /** Why the last tick's power differs from its command: 0, or LIMITED_POWER | LIMITED_SOC bits. */
  readonly limited: Float64Array;

  // Counters since creation (or setBatteryParams), Wh unless stated.
  /** AC energy taken from the site to charge (inverter, without aux). */
  readonly chargedWh: Float64Array;
  /** AC energy delivered to the site by discharging. */
  readonly dischargedWh: Float64Array;
  readonly auxWh: Float64Array;
  /** Conversion loss while charging: (1 − chargeEff) × charged AC energy. */
  readonly chargeLossWh: Float64Array;
  /** Conversion loss while discharging: (1/dischargeEff − 1) × discharged AC energy. */
  readonly dischargeLossWh: Float64Array;
  readonly selfDischargeLossWh: Float64Array;
  /** Energy above SOC 1 when the capacity faded below what was stored (tiny; keeps the balance exact). */
  readonly fadeLossWh: Float64Array;
  /** DC energy into and out of the cells. */
  readonly cellInWh: Float64Array;
  readonly cellOutWh: Float64Array;
  /** Ticks in which the delivered power was limited (limited ≠ 0). */
  readonly limitedTicks: Float64Array;
  /** storedWh at creation (or setBatteryParams). */
  readonly initialStoredWh: Float64Array;

  // Internal state.
  /** Instantaneous inverter power at the end of the last tick, W. */
  readonly levelW: Float64Array;
  /** Command ring, unit i at [i × ringTicks, (i + 1) × ringTicks). */
  readonly ring: Float64Array;
  /** Ring slot the next command goes to (shared: every unit steps together). */
  ringHead: number;
  /** Cached e^(−dt/τ) and τ/dt × (1 − e^(−dt/τ)) for cachedDtS. */
  readonly decay: Float64Array;
  readonly meanGain: Float64Array;
  readonly cachedDtS: Float64Array;
}

/**
 * Allocates `count` units (an integer ≥ 0) with siteBess10MWh params, each with a command ring of
 * `ringTicks` slots (an integer ≥ 1; a latency of up to ringTicks − 1 ticks; default 64, 2.52 s at
 * 40 ms ticks). Example: createBatteries(1).socFrac → Float64Array [0.5].
 */
export function createBatteries(count: number, ringTicks = 64): Batteries {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`createBatteries: count must be an integer ≥ 0, got ${count}`);
  if (!Number.isInteger(ringTicks) || ringTicks < 1) {
    throw new RangeError(`createBatteries: ringTicks must be an integer ≥ 1, got ${ringTicks}`);
  }
  const f = (): Float64Array => new Float64Array(count);
  const state: Batteries = {
    count, ringTicks,
    capacityWh: f(), chargeMaxW: f(), dischargeMaxW: f(), socMin: f(), socMax: f(), chargeEff: f(), dischargeEff: f(),
    latencyS: f(), tauS: f(), auxW: f(), selfDischargePerDay: f(),
    setpointW: f(), capacityFrac: f(),
    acPowerW: f(), inverterPowerW: f(), dcPowerW: f(), socFrac: f(), storedWh: f(), limited: f(),
    chargedWh: f(), dischargedWh: f(), auxWh: f(), chargeLossWh: f(), dischargeLossWh: f(), selfDischargeLossWh: f(),
    fadeLossWh: f(), cellInWh: f(), cellOutWh: f(), limitedTicks: f(), initialStoredWh: f(),
    levelW: f(), ring: new Float64Array(count * ringTicks), ringHead: 0, decay: f(), meanGain: f(), cachedDtS: f(),
  };
  for (let i = 0; i < count; i++) setBatteryParams(state, i, siteBess10MWh);
  return state;
}

/**
 * (Re)initialises unit i: copies `params`, sets capacityFrac 1, SOC socInit, command and inverter
 * power 0 (the whole ring too), and zeroes its counters. Throws a RangeError when i is not a unit.
 */
export function setBatteryParams(state: Batteries, i: number, params: BatteryParams): void {
  if (!Number.isInteger(i) || i < 0 || i >= state.count) {
    throw new RangeError(`setBatteryParams: unit ${i} is outside 0..${state.count - 1}`);
  }
  state.capacityWh[i] = params.capacityWh;
  state.chargeMaxW[i] = params.chargeMaxW;
  state.dischargeMaxW[i] = params.dischargeMaxW;
  state.socMin[i] = params.socMin;
  state.socMax[i] = params.socMax;
  state.chargeEff[i] = params.chargeEff;
  state.dischargeEff[i] = params.dischargeEff;
  state.latencyS[i] = params.latencyS;
  state.tauS[i] = params.tauS;
  state.auxW[i] = params.auxW;
  state.selfDischargePerDay[i] = params.selfDischargePerDay;
  state.setpointW[i] = 0;
  state.capacityFrac[i] = 1;
  const storedWh = params.socInit * params.capacityWh;
  state.storedWh[i] = storedWh;
  state.initialStoredWh[i] = storedWh;
  state.socFrac[i] = params.socInit;
  state.acPowerW[i] = 0;
  state.inverterPowerW[i] = 0;
  state.dcPowerW[i] = 0;
  state.limited[i] = 0;
  state.chargedWh[i] = 0;
  state.dischargedWh[i] = 0;
  state.auxWh[i] = 0;
  state.chargeLossWh[i] = 0;
  state.dischargeLossWh[i] = 0;
  state.selfDischargeLossWh[i] = 0;
  state.fadeLossWh[i] = 0;
  state.cellInWh[i] = 0;
  state.cellOutWh[i] = 0;
  state.limitedTicks[i] = 0;
  state.levelW[i] = 0;
  state.ring.fill(0, i * state.ringTicks, (i + 1) * state.ringTicks);
  state.cachedDtS[i] = NaN; // forces the decay factors to be computed at the first step
}

/**
 * Advances every unit by dtS seconds (allocation-free). Per unit, with C = capacityWh × capacityFrac
 * and E the stored energy at the tick start:
 * 1. Latency: the command of d = round(latencyS / dtS) ticks ago is applied (a ring written every
 *    tick; d = 0 applies this tick's setpointW). Throws a RangeError when d ≥ ringTicks.
 * 2. Power limits: the command is clamped to [−dischargeMaxW, chargeMaxW] (limited |= LIMITED_POWER).
 * 3. Inverter response: first order with tauS toward the clamped command, integrated exactly over the
 *    tick (mean = target + (level − target)·τ/dt·(1 − e^(−dt/τ))).
 * 4. Self-discharge: E × (1 − e^(−selfDischargePerDay × dt/86,400 s)) leaves the cells.
 * 5. SOC limits: the tick's mean power is cut so that E ends inside [socMin·C, socMax·C]
 *    (limited |= LIMITED_SOC; the inverter's level follows the cut). A unit already outside the window
 *    (after a fade or self-discharge) may only move back toward it.
 * 6. Energy: charging, the cells get chargeEff × AC energy; discharging, they give AC ÷ dischargeEff.
 *    If the capacity faded below E, the excess over SOC 1 is booked as fadeLossWh.
 * acPowerW = inverterPowerW + auxW. dtS ≤ 0 (or NaN) leaves the state unchanged.
 */
export function stepBatteries(state: Batteries, dtS: number): void {
  if (!(dtS > 0)) return;
  const n = state.count;
  const dtH = dtS / 3600;
  const ringTicks = state.ringTicks;
  const head = state.ringHead;
  const { capacityWh, chargeMaxW, dischargeMaxW, socMin, socMax, chargeEff, dischargeEff, latencyS, tauS, auxW } = state;
  const { selfDischargePerDay, setpointW, capacityFrac, acPowerW, inverterPowerW, dcPowerW, socFrac, storedWh, limited } = state;
  const { chargedWh, dischargedWh, auxWh, chargeLossWh, dischargeLossWh, selfDischargeLossWh, fadeLossWh } = state;
  const { cellInWh, cellOutWh, limitedTicks, levelW, ring, decay, meanGain, cachedDtS } = state;

  for (let i = 0; i < n; i++) {
    // 1. Latency ring.
    const base = i * ringTicks;
    const sp = setpointW[i];
    ring[base + head] = sp === sp ? sp : 0;
    const delayTicks = Math.round(latencyS[i] / dtS);
    if (!(delayTicks < ringTicks)) {
      throw new RangeError(
        `stepBatteries: unit ${i} latency ${latencyS[i]} s is ${delayTicks} ticks at dt ${dtS} s; the ring holds ${ringTicks - 1}`,
      );
    }
    const command = ring[base + ((head - delayTicks + ringTicks) % ringTicks)];

    // 2. Power limits.
    const maxChargeW = chargeMaxW[i];
    const maxDischargeW = dischargeMaxW[i];
    let flags = 0;
    let target = command;
    if (target > maxChargeW) {
      target = maxChargeW;
      flags = LIMITED_POWER;
    } else if (target < -maxDischargeW) {
      target = -maxDischargeW;
      flags = LIMITED_POWER;
    }

    // 3. First-order inverter response, exact within the tick.
    if (cachedDtS[i] !== dtS) {
      const tau = tauS[i];
      decay[i] = tau > 0 ? Math.exp(-dtS / tau) : 0;
      meanGain[i] = tau > 0 ? (tau / dtS) * (1 - decay[i]) : 0;
      cachedDtS[i] = dtS;
    }
    const level = levelW[i];
    let meanW = target + (level - target) * meanGain[i];
    let levelEndW = target + (level - target) * decay[i];
    // A limit lowered mid-run must bind at once, not after the lag.
    if (meanW > maxChargeW) meanW = maxChargeW;
    else if (meanW < -maxDischargeW) meanW = -maxDischargeW;
    if (levelEndW > maxChargeW) levelEndW = maxChargeW;
    else if (levelEndW < -maxDischargeW) levelEndW = -maxDischargeW;

    // 4. Self-discharge, and the capacity (which the degradation model may have lowered).
    let q = capacityFrac[i];
    q = q >= 0 ? (q < 1 ? q : 1) : q < 0 ? 0 : 1; // NaN counts as 1 (no fade)
    const capWh = capacityWh[i] * q;
    let e = storedWh[i];
    if (e > capWh) {
      fadeLossWh[i] += e - capWh;
      e = capWh;
    }
    const sd = selfDischargePerDay[i];
    const selfWh = sd > 0 ? e * -Math.expm1((-sd * dtS) / 86400) : 0;
    e -= selfWh;
    selfDischargeLossWh[i] += selfWh;
    const eMaxWh = socMax[i] * capWh;
    const eMinWh = socMin[i] * capWh;

    // 5-6. SOC limits and the energy update.
    const etaC = chargeEff[i];
    const etaD = dischargeEff[i];
    let dcWh = 0;
    if (meanW > 0) {
      const headroomWh = eMaxWh - e;
      if (!(meanW * etaC * dtH <= headroomWh)) {
        meanW = headroomWh > 0 ? headroomWh / (etaC * dtH) : 0;
        levelEndW = meanW;
        flags |= LIMITED_SOC;
      }
      const acWh = meanW * dtH;
      dcWh = etaC * acWh;
      chargedWh[i] += acWh;
      chargeLossWh[i] += acWh - dcWh;
      cellInWh[i] += dcWh;
      e += dcWh;
      if (e > eMaxWh && headroomWh >= 0) e = eMaxWh; // float rounding at the edge only
    } else if (meanW < 0) {
      const availableWh = e - eMinWh;
      if (!(-meanW * dtH <= availableWh * etaD)) {
        meanW = availableWh > 0 ? -(availableWh * etaD) / dtH : 0;
        levelEndW = meanW;
        flags |= LIMITED_SOC;
      }
      const acWh = -meanW * dtH;
      const outWh = acWh / etaD;
      dcWh = -outWh;
      dischargedWh[i] += acWh;
      dischargeLossWh[i] += outWh - acWh;
      cellOutWh[i] += outWh;
      e -= outWh;
      if (e < eMinWh && availableWh >= 0) e = eMinWh; // float rounding at the edge only
    }
    levelW[i] = levelEndW;
    storedWh[i] = e;
    socFrac[i] = capWh > 0 ? e / capWh : 0;
    inverterPowerW[i] = meanW;
    acPowerW[i] = meanW + auxW[i];
    dcPowerW[i] = dcWh / dtH;
    auxWh[i] += auxW[i] * dtH;
    limited[i] = flags;
    if (flags !== 0) limitedTicks[i]++;
  }
  state.ringHead = (head + 1) % ringTicks;
}

/** Figures derived from a unit's counters (allocates; for reports and KPIs, not per tick). */
export interface BatteryFigures {
  /** Cell-side throughput, (DC in + DC out) / 2, Wh. */
  throughputWh: number;
  /** Equivalent full cycles: throughputWh ÷ capacityWh (nameplate, SOC 0 → 1 → 0 = 1 cycle). */
  equivalentFullCycles: number;
  /** AC energy out ÷ AC energy in (without aux); equals chargeEff × dischargeEff over whole cycles. */
  roundTripEff: number;
  /** AC energy out ÷ (AC energy in + aux energy): the apparent efficiency a site meter sees. */
  roundTripEffWithAux: number;
  /** storedWh − initialStoredWh: round-trip figures are exact only when this is 0. */
  storedChangeWh: number;
  /** Σ of all losses (conversion, self-discharge, fade), Wh, without aux. */
  lossWh: number;
  /** (charged − discharged − losses) − storedChange: 0 to float rounding. */
  balanceErrorWh: number;
}

/** Derived figures of unit i (NaN efficiencies while nothing has been charged). */
export function batteryFigures(state: Batteries, i: number): BatteryFigures {
  const throughputWh = 0.5 * (state.cellInWh[i] + state.cellOutWh[i]);
  const lossWh = state.chargeLossWh[i] + state.dischargeLossWh[i] + state.selfDischargeLossWh[i] + state.fadeLossWh[i];
  const storedChangeWh = state.storedWh[i] - state.initialStoredWh[i];
  const inWh = state.chargedWh[i];
  return {
    throughputWh,
    equivalentFullCycles: throughputWh / state.capacityWh[i],
    roundTripEff: inWh > 0 ? state.dischargedWh[i] / inWh : NaN,
    roundTripEffWithAux: inWh + state.auxWh[i] > 0 ? state.dischargedWh[i] / (inWh + state.auxWh[i]) : NaN,
    storedChangeWh,
    lossWh,
    balanceErrorWh: inWh - state.dischargedWh[i] - lossWh - storedChangeWh,
  };
}

/**
 * Lists what is wrong with a parameter set (empty when valid), each issue under `path.<field>`.
 * Example: batteryParamIssues({ ...siteBess10MWh, socMax: 1.2 }, "battery")[0].path === "battery.socMax".
 */
export function batteryParamIssues(params: BatteryParams, path: string): Issue[] {
  const issues: Issue[] = [];
  const at = (field: keyof BatteryParams, expected: string): void => {
    issues.push({ path: path ? `${path}.${field}` : field, value: params[field], expected });
  };
  const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
  const fraction = (v: unknown): boolean => finite(v) && v >= 0 && v <= 1;
  if (!finite(params.capacityWh) || params.capacityWh <= 0) at("capacityWh", "an energy above 0 Wh");
  if (!finite(params.chargeMaxW) || params.chargeMaxW < 0) at("chargeMaxW", "a power of at least 0 W");
  if (!finite(params.dischargeMaxW) || params.dischargeMaxW < 0) at("dischargeMaxW", "a power of at least 0 W");
  if (!fraction(params.socMin)) at("socMin", "a fraction in [0, 1]");
  if (!fraction(params.socMax)) at("socMax", "a fraction in [0, 1]");
  else if (fraction(params.socMin) && params.socMax <= params.socMin) at("socMax", `more than socMin = ${params.socMin}`);
  if (!fraction(params.socInit) || params.socInit < params.socMin || params.socInit > params.socMax) {
    at("socInit", `a fraction in [socMin, socMax] = [${params.socMin}, ${params.socMax}]`);
  }
  if (!finite(params.chargeEff) || params.chargeEff <= 0 || params.chargeEff > 1) at("chargeEff", "a fraction in (0, 1]");
  if (!finite(params.dischargeEff) || params.dischargeEff <= 0 || params.dischargeEff > 1) {
    at("dischargeEff", "a fraction in (0, 1]");
  }
  if (!finite(params.latencyS) || params.latencyS < 0) at("latencyS", "a duration of at least 0 s");
  if (!finite(params.tauS) || params.tauS < 0) at("tauS", "a duration of at least 0 s");
  if (!finite(params.auxW) || params.auxW < 0) at("auxW", "a power of at least 0 W");
  if (!finite(params.selfDischargePerDay) || params.selfDischargePerDay < 0 || params.selfDischargePerDay >= 1) {
    at("selfDischargePerDay", "a fraction per day in [0, 1)");
  }
  return issues;
}
