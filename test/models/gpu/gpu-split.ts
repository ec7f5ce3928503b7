import type { GpuPowerTrace, GpuStepMarks } from "../../../datasets/load-gpu-power.js";
import type { GpuParams } from "../../../models/gpu/gpu-params.js";
import { replay } from "./trace-figures.js";

/**
 * The fit / validation split of the 20 ms NVML trace (datasets/gpu-power) and the error of a
 * parameter set on each part. Used by the fit (`node dist/test/models/gpu/gpu-fit.js`) and by the
 * calibration test, which reports both errors and checks the held-out one.
 *
 * Input: utilisation 1 inside the GEMM pulses (3 s from 3, 9 and 15 s: the schedule the trace was
 * recorded with, marked every 3.000 s) and `trainUtil` inside each training step's compute marks
 * (`h100-train-step-marks.csv`, compute_start to compute_end), 0 elsewhere. The transformer step
 * is a lighter load than the max-power GEMM (its median is ~662 W against ~694 W), which is the
 * workload's utilisation, not the GPU's shape: it is fitted with the shape and reported; each model tick is one
 * measured sample interval [t_i, t_i+1), compared with sample i+1 (NVML's mean over that interval).
 *
 * Split (by time, so neither part sees the other's pulses or steps):
 * - fit: GEMM pulses 1 and 2 with their idle before and after (t < 12.5 s), training steps 1-75
 *   (with the first checkpoint pause);
 * - held out: GEMM pulse 3 (12.5 s ≤ t < 20 s) and training steps 76-150 (with the second
 *   checkpoint pause).
 * Ticks over the 8 s gaps between idle samples are stepped but not scored.
 */
export interface SplitError {
  /** Mean absolute error per scored sample, W. */
  maeW: number;
  /** Energy of the model ÷ measured − 1 over the scored samples. */
  energyErr: number;
  /** Mean absolute error over the first 0.3 s after each pulse onset (the overshoot), W. */
  onsetMaeW: number;
  /** Mean over the pulses of (model − measured) highest sample within 0.3 s of the onset, W (NaN without pulses). */
  peakErrW: number;
  /** Mean over the pulses of the measured highest sample within 0.3 s of the onset, W. */
  peakMeasuredW: number;
  /** Energy of the model and of the measurement over the scored samples, J. */
  modelJ: number;
  measuredJ: number;
  samples: number;
}

/** Errors of the fit and held-out parts, each over the GEMM pulses and over the training steps. */
export interface SplitResult {
  fit: { pulses: SplitError; training: SplitError };
  heldOut: { pulses: SplitError; training: SplitError };
}

export const PULSE_ONSETS_S = [3, 9, 15];
export const PULSE_S = 3;
const FIT_PULSES_END_S = 12.5;
const PULSES_END_S = 20;
const FIT_STEPS = 75;

export interface SplitInput {
  edgesS: Float64Array;
  util: Float64Array;
  measuredW: Float64Array;
  /** 1: fit pulses, 2: fit training, 3: held-out pulses, 4: held-out training, 0: not scored. */
  part: Uint8Array;
  /** 1 + the pulse's index in the first 0.3 s after a pulse onset, else 0. */
  onset: Uint8Array;
}

/** Utilisation of the training compute phases, fitted with h100Sxm (gpu-fit.ts). */
export const TRAIN_UTIL = 0.818;
/**
 * How late the GEMM pulses start and end after their 3.000 s schedule, s (the host launches the
 * first kernel and the last one drains after the schedule's marks), fitted with h100Sxm: without
 * it, the fit would take the offset for a slower rise and fall, which costs energy at fast cycles.
 */
export const PULSE_DELAY_S = 0.00525;

/** The measurement's utilisation on any tick grid: GEMM pulses at 1, training compute at trainUtil. */
export function utilOnEdges(edgesS: Float64Array, marks: GpuStepMarks, trainUtil = TRAIN_UTIL, pulseDelayS = PULSE_DELAY_S): Float64Array {
  const n = edgesS.length - 1;
  const util = new Float64Array(n);
  const cover = (a: number, b: number, u: number): void => {
    for (let k = 0; k < n; k++) {
      const overlapS = Math.min(b, edgesS[k + 1]) - Math.max(a, edgesS[k]);
      if (overlapS > 0) util[k] += (u * overlapS) / (edgesS[k + 1] - edgesS[k]);
    }
  };
  for (const t0 of PULSE_ONSETS_S) cover(t0 + pulseDelayS, t0 + PULSE_S + pulseDelayS, 1);
  for (let s = 0; s < marks.step.length; s++) cover(marks.computeStartS[s], marks.computeEndS[s], trainUtil);
  for (let k = 0; k < n; k++) util[k] = Math.min(1, util[k]);
  return util;
}

export function splitInput(trace: GpuPowerTrace, marks: GpuStepMarks, trainUtil = TRAIN_UTIL, pulseDelayS = PULSE_DELAY_S): SplitInput {
  const edgesS = trace.tS;
  const n = edgesS.length - 1;
  const util = utilOnEdges(edgesS, marks, trainUtil, pulseDelayS);
  const splitS = marks.computeStartS[FIT_STEPS];
  const part = new Uint8Array(n);
  const onset = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    if (edgesS[k + 1] - edgesS[k] > 0.05) continue;
    const t = edgesS[k];
    if (t < FIT_PULSES_END_S) part[k] = 1;
    else if (t < PULSES_END_S) part[k] = 3;
    else if (t >= marks.computeStartS[0] - 0.5) part[k] = t < splitS ? 2 : 4;
    PULSE_ONSETS_S.forEach((t0, i) => {
      if (t >= t0 - 0.02 && t < t0 + 0.3) onset[k] = 1 + i;
    });
  }
  return { edgesS, util, measuredW: trace.powerW.subarray(1), part, onset };
}

export function splitErrors(params: GpuParams, input: SplitInput): SplitResult {
  const modelW = replay(params, input.edgesS, input.util);
  const of = (which: number): SplitError => {
    let abs = 0, model = 0, measured = 0, samples = 0, onsetAbs = 0, onsetN = 0;
    const peakModel = PULSE_ONSETS_S.map(() => -Infinity);
    const peakMeasured = PULSE_ONSETS_S.map(() => -Infinity);
    for (let k = 0; k < modelW.length; k++) {
      if (input.part[k] !== which) continue;
      const dt = input.edgesS[k + 1] - input.edgesS[k];
      const e = Math.abs(modelW[k] - input.measuredW[k]);
      abs += e;
      model += modelW[k] * dt;
      measured += input.measuredW[k] * dt;
      samples++;
      const pulse = input.onset[k];
      if (pulse > 0) {
        onsetAbs += e;
        onsetN++;
        peakModel[pulse - 1] = Math.max(peakModel[pulse - 1], modelW[k]);
        peakMeasured[pulse - 1] = Math.max(peakMeasured[pulse - 1], input.measuredW[k]);
      }
    }
    let peakErr = 0;
    let peakSum = 0;
    let pulses = 0;
    for (let i = 0; i < peakModel.length; i++) {
      if (peakModel[i] === -Infinity) continue;
      peakErr += peakModel[i] - peakMeasured[i];
      peakSum += peakMeasured[i];
      pulses++;
    }
    return {
      maeW: abs / samples,
      energyErr: model / measured - 1,
      onsetMaeW: onsetN > 0 ? onsetAbs / onsetN : NaN,
      peakErrW: pulses > 0 ? peakErr / pulses : NaN,
      peakMeasuredW: pulses > 0 ? peakSum / pulses : NaN,
      modelJ: model,
      measuredJ: measured,
      samples,
    };
  };
  return { fit: { pulses: of(1), training: of(2) }, heldOut: { pulses: of(3), training: of(4) } };
}
