import { createRainflowCounter, pushRainflow, type RainflowCounter } from "../lib/rainflow.js";
import type { Batteries } from "./battery.js";

/**
 * Capacity fade of LFP-graphite cells, NREL BLAST-Lite's `Lfp_Gr_250AhPrismatic` model
 * (github.com/NREL/BLAST-Lite, BSD-3, `blast/models/lfp_gr_250AhPrismatic_2019.py`; data:
 * Gasper et al., J. Energy Storage 2023, doi:10.1016/j.est.2023.109042) [P] (docs/physics-sources.md §3, V1):
 *
 *   q = 1 − qLossCal − qLossCyc                           remaining capacity ÷ nameplate
 *   qLossCal = kcal · t^pcal,  t in days                  calendar fade
 *   kcal = |p1| · exp(p2 / T) · exp(p3 · Ua(SOC) / T),  T in K
 *   qLossCyc = kcyc · EFC^pcyc                            cycle fade
 *   kcyc = (p4 + p5 · DOD + p6 · Crate) · (exp(p7 / T) + exp(−p8 / T))
 *
 * Ua(SOC) is the graphite anode potential vs Li (Safari & Delacourt, J. Electrochem. Soc. 158(5)
 * A562, 2011, as in BLAST-Lite's `_get_Ua`). Each power law is stepped with time hardening: the state
 * y is carried to the new rate k at its equivalent x = (y/k)^(1/p), then y' = k·(x + Δx)^p. At
 * constant stressors this is exactly k·x^p at any update period; BLAST-Lite takes a forward-Euler
 * step of the same law (dy = k·p·(y/k)^((p−1)/p)·Δx), which converges to it as steps shrink.
 *
 * Stressors (BLAST-Lite `_extract_stressors`, adapted to a stream):
 * - every tick `accumulateBatteryDegradation` takes each unit's SOC (the battery's socFrac) and adds
 *   cheap sums: time, Σ|ΔSOC| (EFC = Σ|ΔSOC| / 2, exact at the tick resolution), Σ|ΔSOC| of ticks
 *   faster than 0.01 C (BLAST-Lite zeroes slower rates, storage, before averaging the C-rate),
 *   min / max SOC, and the SOC into a streaming rainflow counter (ASTM E1049-85, models/lib/rainflow);
 *   kcal and the cycle temperature factor are evaluated every `samplePeriodS` and integrated with
 *   the trapezoid rule (BLAST-Lite averages both over its input points with np.trapz);
 * - every update (the engine calls `updateBatteryDegradation` at a slow period, e.g. hourly) closes
 *   the period and ages it: calendar fade for the period's days, cycle fade for its EFC, with the
 *   rates taken over a trailing window of `windowS` (default one day, BLAST-Lite's default
 *   breakpoint), whatever the update period. The window is kept as `windowBuckets` buckets of
 *   windowS / windowBuckets (default 24 of an hour): each update adds its period to the open bucket,
 *   which closes once full; the window is the open bucket, the closed buckets before it, and the
 *   share of the oldest one that makes the window exactly windowS (its sums scaled by that share; its
 *   SOC range counted whole). With hourly updates every bucket is one update (as before):
 *     kcal, and the cycle temperature factor: time averages over the window;
 *     DOD = Σ count·range² / Σ count·range over the rainflow cycles closed in the window (each cycle
 *           weighted by its throughput, so the linear DOD term of kcyc is exact per cycle); with no
 *           closed cycle in the window, max − min SOC of the window (BLAST-Lite's chunk DOD);
 *     Crate = Σ|ΔSOC| of ticks above 0.01 C ÷ window hours (time-averaged |dSOC/dt|, rests included).
 *   The rates are averaged over the window, not the period, because a power law stepped with a rate
 *   that swings within the day ages at the mean of k^(1/p), not of k (Jensen): hourly rates over
 *   V1 case B's day would give 15 % more calendar fade than BLAST-Lite's day-long chunks. A change of
 *   stressors therefore takes one window to show fully in the rates. The window is a time, not a
 *   number of updates: a window of the last 24 updates (the model before issue #14) averaged 60 s
 *   updates over 24 minutes, so a 4 h ramp's C-rate (0.2 C, not the day's 0.067 C) drove its cycle
 *   fade and the calendar rate swung within the day: 10 years of V1 case C faded more at 60 s than
 *   at hourly updates. The test compares the two.
 *
 * Validated against BLAST-Lite's own algorithm on V1 (cases A, B, C) in
 * test/validation/battery-fade.claims.ts; figures in models/storage/README.md.
 * Limits (BLAST-Lite's): fitted on 10-45 °C, DOD 0.8-1, charge ≤ 0.65 C, discharge ≤ 1 C; the cycle
 * term extrapolates poorly outside that; packs fade ~20-30 % faster than cells (`degradationScalar`).
 */
export interface BlastLfpParams {
  readonly p1: number;
  readonly p2: number;
  readonly p3: number;
  readonly pcal: number;
  readonly p4: number;
  readonly p5: number;
  readonly p6: number;
  readonly p7: number;
  readonly p8: number;
  readonly pcyc: number;
}

/** BLAST-Lite `Lfp_Gr_250AhPrismatic._params_life` at commit 039b74d [P] (docs/physics-sources.md §3). */
export const lfpGr250AhPrismatic: BlastLfpParams = Object.freeze({
  p1: 8.37e4,
  p2: -5.21e3,
  p3: -3.56e3,
  pcal: 0.526,
  p4: 4.38e-8,
  p5: 1.55e-8,
  p6: 1.68e-7,
  p7: 2.19e3,
  p8: 1.55e5,
  pcyc: 0.828,
});

/** Rates below this |dSOC/dt| (per hour, i.e. C-rate) count as storage in the C-rate average (BLAST-Lite). */
const STORAGE_CRATE = 1e-2;
const KELVIN = 273.15;

/**
 * Graphite anode potential vs Li, V, at state of charge socFrac (BLAST-Lite `_get_Ua`, after Safari &
 * Delacourt 2011; lithiation Xa = 0.0085 + SOC × (0.78 − 0.0085)). Example: anodePotentialV(0.5) ≈ 0.123.
 */
export function anodePotentialV(socFrac: number): number {
  const xa = 8.5e-3 + socFrac * (0.78 - 8.5e-3);
  return (
    0.6379 +
    0.5416 * Math.exp(-305.5309 * xa) +
    0.044 * Math.tanh(-(xa - 0.1958) / 0.1088) -
    0.1978 * Math.tanh((xa - 1.0571) / 0.0854) -
    0.6875 * Math.tanh((xa + 0.0117) / 0.0529) -
    0.0175 * Math.tanh((xa - 0.5692) / 0.0875)
  );
}

/** Calendar rate kcal (fraction of capacity per day^pcal) at socFrac and tempC. */
export function calendarRate(params: BlastLfpParams, socFrac: number, tempC: number): number {
  const tK = tempC + KELVIN;
  return Math.abs(params.p1) * Math.exp((params.p2 + params.p3 * anodePotentialV(socFrac)) / tK);
}

/** Temperature factor of the cycle rate, exp(p7/T) + exp(−p8/T), at tempC. */
export function cycleTempFactor(params: BlastLfpParams, tempC: number): number {
  const tK = tempC + KELVIN;
  return Math.exp(params.p7 / tK) + Math.exp(-params.p8 / tK);
}

/** Cycle rate kcyc (fraction of capacity per EFC^pcyc) for a DOD, a C-rate (1/h) and tempC. */
export function cycleRate(params: BlastLfpParams, dodFrac: number, cRate: number, tempC: number): number {
  return (params.p4 + params.p5 * dodFrac + params.p6 * cRate) * cycleTempFactor(params, tempC);
}

/**
 * One time-hardening step of y = k·x^p: the state y continues at rate k from its equivalent
 * x = (y/k)^(1/p) for dx more. Returns y unchanged when dx ≤ 0 or k ≤ 0; from y = 0 it is k·dx^p.
 */
export function powerLawStep(y: number, k: number, p: number, dx: number): number {
  if (!(dx > 0) || !(k > 0)) return y;
  if (!(y > 0)) return k * Math.pow(dx, p);
  return k * Math.pow(Math.pow(y / k, 1 / p) + dx, p);
}

export interface BatteryDegradationOptions {
  /** Model constants (default lfpGr250AhPrismatic). */
  params?: BlastLfpParams;
  /** Period at which kcal and the cycle temperature factor are evaluated, s (default 60). */
  samplePeriodS?: number;
  /** Length of the trailing window the rates are averaged over, s (default 86,400: a day). */
  windowS?: number;
  /** Buckets the window is kept in (default 24: hourly buckets of a day). */
  windowBuckets?: number;
  /** Stack capacity of each unit's rainflow counter (default 128). */
  rainflowCapacity?: number;
}

export interface BatteryDegradation {
  readonly count: number;
  readonly params: BlastLfpParams;
  readonly samplePeriodS: number;
  readonly windowS: number;
  readonly windowBuckets: number;

  // Params and inputs, per unit.
  /** Multiplies every fade rate (1 = cells as tested; packs ~1.2-1.3, BLAST-Lite README). */
  readonly degradationScalar: Float64Array;
  /** Cell temperature, °C (default 25); written by the engine (ambient, HVAC or a thermal model). */
  readonly tempC: Float64Array;

  // Outputs, per unit (end of the last update).
  /** Remaining capacity ÷ nameplate, 1 − qLossCal − qLossCyc, ≥ 0: write it to Batteries.capacityFrac. */
  readonly capacityFrac: Float64Array;
  readonly qLossCal: Float64Array;
  readonly qLossCyc: Float64Array;
  /** Days and equivalent full cycles (Σ|ΔSOC| / 2) aged so far. */
  readonly days: Float64Array;
  readonly efc: Float64Array;
  /** Stressors and rates of the last update. */
  readonly dodFrac: Float64Array;
  readonly cRate: Float64Array;
  readonly socMean: Float64Array;
  readonly tempMeanC: Float64Array;
  readonly kcal: Float64Array;
  readonly kcyc: Float64Array;

  // Accumulators of the open period.
  readonly lastSoc: Float64Array;
  readonly periodS: Float64Array;
  readonly absDsoc: Float64Array;
  readonly rateDsoc: Float64Array;
  readonly minSoc: Float64Array;
  readonly maxSoc: Float64Array;
  readonly cycleCr: Float64Array;
  readonly cycleCr2: Float64Array;
  readonly socS: Float64Array;
  readonly tempS: Float64Array;
  readonly sinceSampleS: Float64Array;
  readonly sampleKcal: Float64Array;
  readonly sampleTfac: Float64Array;
  readonly kcalS: Float64Array;
  readonly tfacS: Float64Array;

  // Window buckets (windowBuckets + 1 slots: the open one and the closed ones before it), unit i at
  // [i × slots, (i + 1) × slots); winHead is the open bucket, bucketS its time so far.
  readonly winS: Float64Array;
  readonly winRateDsoc: Float64Array;
  readonly winMin: Float64Array;
  readonly winMax: Float64Array;
  readonly winCr: Float64Array;
  readonly winCr2: Float64Array;
  readonly winKcalS: Float64Array;
  readonly winTfacS: Float64Array;
  winHead: number;
  winFilled: number;
  bucketS: number;

  readonly rainflow: readonly RainflowCounter[];
}

/**
 * Allocates degradation state for `count` units (an integer ≥ 0): new cells (capacityFrac 1) at
 * 25 °C, scalar 1. Example: createBatteryDegradation(1).capacityFrac → Float64Array [1].
 */
export function createBatteryDegradation(count: number, options: BatteryDegradationOptions = {}): BatteryDegradation {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`createBatteryDegradation: count must be an integer ≥ 0, got ${count}`);
  }
  const samplePeriodS = options.samplePeriodS ?? 60;
  const windowS = options.windowS ?? 86_400;
  const windowBuckets = options.windowBuckets ?? 24;
  if (!(samplePeriodS > 0)) throw new RangeError(`createBatteryDegradation: samplePeriodS must be > 0, got ${samplePeriodS}`);
  if (!(windowS > 0) || !Number.isFinite(windowS)) throw new RangeError(`createBatteryDegradation: windowS must be a duration > 0 s, got ${windowS}`);
  if (!Number.isInteger(windowBuckets) || windowBuckets < 1) {
    throw new RangeError(`createBatteryDegradation: windowBuckets must be an integer ≥ 1, got ${windowBuckets}`);
  }
  const f = (): Float64Array => new Float64Array(count);
  const w = (): Float64Array => {
    const a = new Float64Array(count * (windowBuckets + 1));
    return a;
  };
  const rainflow: RainflowCounter[] = [];
  for (let i = 0; i < count; i++) rainflow.push(createRainflowCounter(options.rainflowCapacity ?? 128));
  const deg: BatteryDegradation = {
    count,
    params: options.params ?? lfpGr250AhPrismatic,
    samplePeriodS,
    windowS,
    windowBuckets,
    degradationScalar: f().fill(1),
    tempC: f().fill(25),
    capacityFrac: f().fill(1), qLossCal: f(), qLossCyc: f(), days: f(), efc: f(),
    dodFrac: f(), cRate: f(), socMean: f().fill(NaN), tempMeanC: f().fill(NaN), kcal: f(), kcyc: f(),
    lastSoc: f().fill(NaN), periodS: f(), absDsoc: f(), rateDsoc: f(), minSoc: f(), maxSoc: f(),
    cycleCr: f(), cycleCr2: f(), socS: f(), tempS: f(), sinceSampleS: f(), sampleKcal: f(), sampleTfac: f(),
    kcalS: f(), tfacS: f(),
    winS: w(), winRateDsoc: w(), winMin: w(), winMax: w(), winCr: w(), winCr2: w(), winKcalS: w(), winTfacS: w(),
    winHead: 0, winFilled: 1, bucketS: 0,
    rainflow,
  };
  deg.winMin.fill(Infinity);
  deg.winMax.fill(-Infinity);
  return deg;
}

/** Starts unit i's history at socFrac (its first point): evaluates the rates there and opens a period. */
function startUnit(deg: BatteryDegradation, i: number, socFrac: number): void {
  deg.lastSoc[i] = socFrac;
  deg.minSoc[i] = socFrac;
  deg.maxSoc[i] = socFrac;
  deg.sampleKcal[i] = calendarRate(deg.params, socFrac, deg.tempC[i]);
  deg.sampleTfac[i] = cycleTempFactor(deg.params, deg.tempC[i]);
  pushRainflow(deg.rainflow[i], socFrac);
}

/**
 * Sets each unit's starting SOC (the first point of its history), e.g. from Batteries.socFrac after
 * creation. Optional: without it, a unit's first accumulate call starts the history at its SOC.
 */
export function startBatteryDegradation(deg: BatteryDegradation, socFrac: ArrayLike<number>): void {
  for (let i = 0; i < deg.count; i++) if (socFrac[i] === socFrac[i]) startUnit(deg, i, socFrac[i]);
}

/** Closes unit i's current sample at its latest SOC and temperature (trapezoid rule). */
function closeSample(deg: BatteryDegradation, i: number): void {
  const spanS = deg.sinceSampleS[i];
  if (!(spanS > 0)) return;
  const k = calendarRate(deg.params, deg.lastSoc[i], deg.tempC[i]);
  const tf = cycleTempFactor(deg.params, deg.tempC[i]);
  deg.kcalS[i] += 0.5 * (deg.sampleKcal[i] + k) * spanS;
  deg.tfacS[i] += 0.5 * (deg.sampleTfac[i] + tf) * spanS;
  deg.sampleKcal[i] = k;
  deg.sampleTfac[i] = tf;
  deg.sinceSampleS[i] = 0;
}

/**
 * Adds one tick of history (allocation-free, no transcendental functions except every samplePeriodS):
 * socFrac[i] is unit i's SOC at the end of the tick (e.g. Batteries.socFrac), tempC[i] its temperature
 * during it, dtS the tick length. NaN SOCs and dtS ≤ 0 are ignored.
 */
export function accumulateBatteryDegradation(deg: BatteryDegradation, socFrac: ArrayLike<number>, dtS: number): void {
  if (!(dtS > 0)) return;
  const n = deg.count;
  const rateThreshold = STORAGE_CRATE * (dtS / 3600);
  const { lastSoc, periodS, absDsoc, rateDsoc, minSoc, maxSoc, cycleCr, cycleCr2, socS, tempS, sinceSampleS, tempC } = deg;
  for (let i = 0; i < n; i++) {
    const soc = socFrac[i];
    if (soc !== soc) continue;
    if (lastSoc[i] !== lastSoc[i]) startUnit(deg, i, soc);
    const d = soc > lastSoc[i] ? soc - lastSoc[i] : lastSoc[i] - soc;
    periodS[i] += dtS;
    absDsoc[i] += d;
    if (d >= rateThreshold) rateDsoc[i] += d;
    if (soc < minSoc[i]) minSoc[i] = soc;
    if (soc > maxSoc[i]) maxSoc[i] = soc;
    socS[i] += 0.5 * (soc + lastSoc[i]) * dtS;
    tempS[i] += tempC[i] * dtS;
    if (d > 0) {
      const rf = deg.rainflow[i];
      const closed = pushRainflow(rf, soc);
      for (let j = 0; j < closed; j++) {
        const cr = rf.outCount[j] * rf.outRange[j];
        cycleCr[i] += cr;
        cycleCr2[i] += cr * rf.outRange[j];
      }
    }
    lastSoc[i] = soc;
    sinceSampleS[i] += dtS;
    if (sinceSampleS[i] >= deg.samplePeriodS) closeSample(deg, i);
  }
}

/**
 * Closes the current period of every unit and ages it (calendar and cycle fade, see the module
 * note), then sets capacityFrac. Call at a slow period (e.g. hourly). A unit with no time in the
 * period is left unchanged.
 */
export function updateBatteryDegradation(deg: BatteryDegradation): void {
  const n = deg.count;
  const slots = deg.windowBuckets + 1;
  const head = deg.winHead;
  const bucketFullS = deg.windowS / deg.windowBuckets;
  // The update's time (units with no history this period have none).
  let spanMaxS = 0;
  for (let i = 0; i < n; i++) if (deg.periodS[i] > spanMaxS) spanMaxS = deg.periodS[i];
  const bucketS = deg.bucketS + spanMaxS;
  const closedBuckets = deg.winFilled - 1;
  // The oldest bucket counts for the share that makes the window windowS long (0 once the open one is full).
  let oldestShare = 1 - bucketS / bucketFullS;
  if (oldestShare < 0) oldestShare = 0;
  const p = deg.params;
  for (let i = 0; i < n; i++) {
    const spanS = deg.periodS[i];
    if (!(spanS > 0)) continue;
    closeSample(deg, i);
    const base = i * slots;
    const h = base + head;
    deg.winS[h] += spanS;
    deg.winRateDsoc[h] += deg.rateDsoc[i];
    if (deg.minSoc[i] < deg.winMin[h]) deg.winMin[h] = deg.minSoc[i];
    if (deg.maxSoc[i] > deg.winMax[h]) deg.winMax[h] = deg.maxSoc[i];
    deg.winCr[h] += deg.cycleCr[i];
    deg.winCr2[h] += deg.cycleCr2[i];
    deg.winKcalS[h] += deg.kcalS[i];
    deg.winTfacS[h] += deg.tfacS[i];
    let winS = 0;
    let winRate = 0;
    let winMin = Infinity;
    let winMax = -Infinity;
    let winCr = 0;
    let winCr2 = 0;
    let winKcalS = 0;
    let winTfacS = 0;
    // The open bucket, the closed ones before it (the oldest at its share), newest first.
    for (let j = 0; j <= closedBuckets; j++) {
      const oldest = j === deg.windowBuckets;
      const share = oldest ? oldestShare : 1;
      if (share === 0) break;
      const k = base + ((head - j + slots) % slots);
      winS += share * deg.winS[k];
      winRate += share * deg.winRateDsoc[k];
      if (deg.winMin[k] < winMin) winMin = deg.winMin[k];
      if (deg.winMax[k] > winMax) winMax = deg.winMax[k];
      winCr += share * deg.winCr[k];
      winCr2 += share * deg.winCr2[k];
      winKcalS += share * deg.winKcalS[k];
      winTfacS += share * deg.winTfacS[k];
    }
    const dod = winCr > 0 ? winCr2 / winCr : winMax - winMin;
    const cRate = winS > 0 ? winRate / (winS / 3600) : 0;
    const kcal = winKcalS / winS;
    const kcyc = (p.p4 + p.p5 * dod + p.p6 * cRate) * (winTfacS / winS);
    const scalar = deg.degradationScalar[i];
    const dDays = spanS / 86400;
    const dEfc = 0.5 * deg.absDsoc[i];
    deg.qLossCal[i] = powerLawStep(deg.qLossCal[i], scalar * kcal, p.pcal, dDays);
    deg.qLossCyc[i] = powerLawStep(deg.qLossCyc[i], scalar * kcyc, p.pcyc, dEfc);
    const q = 1 - deg.qLossCal[i] - deg.qLossCyc[i];
    deg.capacityFrac[i] = q > 0 ? q : 0;
    deg.days[i] += dDays;
    deg.efc[i] += dEfc;
    deg.dodFrac[i] = dod;
    deg.cRate[i] = cRate;
    deg.socMean[i] = deg.socS[i] / spanS;
    deg.tempMeanC[i] = deg.tempS[i] / spanS;
    deg.kcal[i] = kcal;
    deg.kcyc[i] = kcyc;
    // Open the next period at the latest point.
    deg.periodS[i] = 0;
    deg.absDsoc[i] = 0;
    deg.rateDsoc[i] = 0;
    deg.minSoc[i] = deg.lastSoc[i];
    deg.maxSoc[i] = deg.lastSoc[i];
    deg.cycleCr[i] = 0;
    deg.cycleCr2[i] = 0;
    deg.socS[i] = 0;
    deg.tempS[i] = 0;
    deg.kcalS[i] = 0;
    deg.tfacS[i] = 0;
  }
  deg.bucketS = bucketS;
  if (bucketS >= bucketFullS - 1e-6) {
    // The open bucket is full: it closes and a new, empty one opens (over the oldest slot).
    const next = (head + 1) % slots;
    for (let i = 0; i < n; i++) {
      const k = i * slots + next;
      deg.winS[k] = 0;
      deg.winRateDsoc[k] = 0;
      deg.winMin[k] = Infinity;
      deg.winMax[k] = -Infinity;
      deg.winCr[k] = 0;
      deg.winCr2[k] = 0;
      deg.winKcalS[k] = 0;
      deg.winTfacS[k] = 0;
    }
    deg.winHead = next;
    deg.winFilled = deg.winFilled < slots ? deg.winFilled + 1 : slots;
    deg.bucketS = 0;
  }
}

/** Copies each unit's capacityFrac into the batteries (same unit indices). */
export function applyCapacityFade(deg: BatteryDegradation, batteries: Batteries): void {
  const n = deg.count < batteries.count ? deg.count : batteries.count;
  for (let i = 0; i < n; i++) batteries.capacityFrac[i] = deg.capacityFrac[i];
}
