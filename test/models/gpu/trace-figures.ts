import type { GpuPowerTrace } from "../../../datasets/load-gpu-power.js";
import { createGpuCohorts, setCohortParams, stepGpuCohorts } from "../../../models/gpu/gpu-cohorts.js";
import type { GpuParams } from "../../../models/gpu/gpu-params.js";

/**
 * Test helpers for the GPU calibration: turn the measured trace into model inputs on a tick grid,
 * resample it, replay the model, and read the same figures off a measured and a modelled series.
 *
 * Conventions (see models/gpu/README.md):
 * - A sample's phase label holds from its timestamp to the next sample's (the label is the phase
 *   in force at the sample time).
 * - A measured sample is the mean power over the interval that ends at its timestamp (capped at
 *   50 ms, so the 8 s gaps in the idle section count as one 20 ms sample).
 * - A tick [edge[k], edge[k+1]) is labelled with the phase in force at its end, which reproduces
 *   the per-sample labels of the CSV when the ticks are the sample intervals.
 */

/** A series on a tick grid: `edgesS` has one more entry than `valueW` and `phase`. */
export interface TickSeries {
  readonly edgesS: Float64Array;
  readonly valueW: Float64Array;
  readonly phase: Uint8Array;
}

const MAX_COVER_S = 0.05;

/** Index of the last sample with tS ≤ x (−1 when none). */
function lastAtOrBefore(tS: Float64Array, x: number): number {
  let lo = 0;
  let hi = tS.length - 1;
  if (tS.length === 0 || tS[0] > x) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (tS[mid] <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Phase label of each tick: the phase in force at the tick's end. */
export function phasesOnGrid(trace: GpuPowerTrace, edgesS: Float64Array): Uint8Array {
  const out = new Uint8Array(edgesS.length - 1);
  for (let k = 0; k < out.length; k++) out[k] = trace.phase[Math.max(0, lastAtOrBefore(trace.tS, edgesS[k + 1]))];
  return out;
}

/** Fraction of each tick spent in one of `onCodes`, labels holding from each sample to the next. */
export function utilOnGrid(trace: GpuPowerTrace, onCodes: ReadonlySet<number>, edgesS: Float64Array): Float64Array {
  const { tS, phase } = trace;
  const util = new Float64Array(edgesS.length - 1);
  for (let i = 0; i < tS.length; i++) {
    if (!onCodes.has(phase[i])) continue;
    const a = tS[i];
    const b = i + 1 < tS.length ? tS[i + 1] : tS[i] + 0.02;
    let k = Math.max(0, lastAtOrBefore(edgesS, a));
    for (; k < util.length && edgesS[k] < b; k++) {
      const overlapS = Math.min(b, edgesS[k + 1]) - Math.max(a, edgesS[k]);
      if (overlapS > 0) util[k] += overlapS / (edgesS[k + 1] - edgesS[k]);
    }
  }
  for (let k = 0; k < util.length; k++) util[k] = Math.min(1, util[k]);
  return util;
}

/** Measured power averaged over each tick (NaN where samples cover less than half the tick). */
export function resampleMeasured(trace: GpuPowerTrace, edgesS: Float64Array): Float64Array {
  const { tS, powerW } = trace;
  const sumJ = new Float64Array(edgesS.length - 1);
  const coverS = new Float64Array(edgesS.length - 1);
  for (let i = 0; i < tS.length; i++) {
    const b = tS[i];
    const a = b - Math.min(i > 0 ? b - tS[i - 1] : 0.02, MAX_COVER_S);
    let k = Math.max(0, lastAtOrBefore(edgesS, a));
    for (; k < sumJ.length && edgesS[k] < b; k++) {
      const overlapS = Math.min(b, edgesS[k + 1]) - Math.max(a, edgesS[k]);
      if (overlapS > 0) {
        sumJ[k] += overlapS * powerW[i];
        coverS[k] += overlapS;
      }
    }
  }
  const out = new Float64Array(sumJ.length);
  for (let k = 0; k < out.length; k++) {
    out[k] = coverS[k] >= 0.5 * (edgesS[k + 1] - edgesS[k]) ? sumJ[k] / coverS[k] : NaN;
  }
  return out;
}

/** Replays one cohort with `params` over the grid; returns powerW per tick (mean over the tick). */
export function replay(params: GpuParams, edgesS: Float64Array, util: Float64Array): Float64Array {
  const state = createGpuCohorts(1);
  setCohortParams(state, 0, params);
  const out = new Float64Array(util.length);
  for (let k = 0; k < util.length; k++) {
    state.utilFrac[0] = util[k];
    stepGpuCohorts(state, edgesS[k + 1] - edgesS[k]);
    out[k] = state.powerW[0];
  }
  return out;
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : 0.5 * (s[mid - 1] + s[mid]);
}

/** Figures of one onset / end of a full-load pulse. */
export interface PulseFigures {
  /** Highest tick within 0.3 s of the onset, W. */
  peakW: number;
  /** Time spent at or above the half-height between the limit and the peak, s. */
  overshootS: number;
  /** Ticks from the last tick ≤ 10 % to the first ≥ 90 % of the idle→sustained swing. */
  riseTicks: number;
  /** Ticks from the last tick ≥ 90 % to the first ≤ 10 % of the swing at the end of the pulse. */
  fallTicks: number;
}

/** Figures read off a series; both the measurement and the model go through the same code. */
export interface SeriesFigures {
  /** Median of ticks labelled idle, W. */
  idleW: number;
  /** Median of step_on ticks starting ≥ 0.2 s after their pulse's onset, W. */
  sustainedW: number;
  /** Median of train_compute ticks, W. */
  trainComputeW: number;
  /** Median of checkpoint ticks, W. */
  checkpointW: number;
  pulses: PulseFigures[];
  /** Energy over the ticks where `include` is set, J. */
  energyJ: number;
}

export interface PhaseCodes {
  idle: number;
  stepOn: number;
  stepOff: number;
  trainCompute: number;
  checkpoint: number;
}

/** Reads the figures off `series` over the ticks where include[k] is 1. */
export function figuresOf(series: TickSeries, codes: PhaseCodes, limitW: number, include: Uint8Array): SeriesFigures {
  const { edgesS, valueW, phase } = series;
  const n = valueW.length;
  const pick = (code: number, extra: (k: number) => boolean = () => true): number[] => {
    const out: number[] = [];
    for (let k = 0; k < n; k++) if (include[k] && phase[k] === code && extra(k)) out.push(valueW[k]);
    return out;
  };
  const onsets: number[] = [];
  const ends: number[] = [];
  for (let k = 1; k < n; k++) {
    if (phase[k] === codes.stepOn && phase[k - 1] !== codes.stepOn) onsets.push(k);
    if (phase[k] === codes.stepOff && phase[k - 1] === codes.stepOn) ends.push(k);
  }
  const onsetOf = (k: number): number => {
    let best = -1;
    for (const o of onsets) if (o <= k) best = o;
    return best;
  };
  const idleW = median(pick(codes.idle));
  const sustainedW = median(pick(codes.stepOn, (k) => edgesS[k] - edgesS[onsetOf(k)] >= 0.2));
  const lo = idleW + 0.1 * (sustainedW - idleW);
  const hi = idleW + 0.9 * (sustainedW - idleW);
  const pulses = onsets.map((o, p): PulseFigures => {
    let j = o;
    for (let k = o; k < n && edgesS[k] < edgesS[o] + 0.3; k++) if (valueW[k] > valueW[j]) j = k;
    const peakW = valueW[j];
    const halfW = 0.5 * (peakW + limitW);
    let a = j;
    while (a > 0 && valueW[a - 1] >= halfW) a--;
    let b = j;
    while (b + 1 < n && valueW[b + 1] >= halfW) b++;
    const overshootS = peakW > limitW ? edgesS[b + 1] - edgesS[a] : 0;
    let up = o - 2;
    while (valueW[up] < hi) up++;
    let below = up;
    while (valueW[below] > lo) below--;
    const e = ends[p];
    let down = e - 2;
    while (valueW[down] > lo) down++;
    let above = down;
    while (valueW[above] < hi) above--;
    return { peakW, overshootS, riseTicks: up - below, fallTicks: down - above };
  });
  let energyJ = 0;
  for (let k = 0; k < n; k++) if (include[k]) energyJ += valueW[k] * (edgesS[k + 1] - edgesS[k]);
  return {
    idleW,
    sustainedW,
    trainComputeW: median(pick(codes.trainCompute)),
    checkpointW: median(pick(codes.checkpoint)),
    pulses,
    energyJ,
  };
}
