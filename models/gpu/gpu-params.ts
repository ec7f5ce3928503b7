import type { Issue } from "../lib/errors.js";

/**
 * Static parameters of one GPU's electrical power response (all per GPU, watts and seconds).
 * Power levels are fractions of the effective limit `min(limitW, capW)`, so a power cap scales the
 * sustained level and the onset overshoot together, as a lower NVML power limit does.
 *
 * Example: with h100Sxm (limitW 700, fullFrac 0.985) a cohort at utilFrac 1 settles at 689.5 W,
 * and at capW 500 W it settles at 492.5 W.
 */
export interface GpuParams {
  /** Board / total module power limit, W (the default NVML power limit; TDP). > 0. */
  readonly limitW: number;
  /** Power with a CUDA context open and no work, W. 0 ≤ idleW < fullFrac × limitW. */
  readonly idleW: number;
  /** Sustained full-load power ÷ min(limitW, capW): the power limiter's mean level. */
  readonly fullFrac: number;
  /** Onset peak target ÷ min(limitW, capW): where power heads before the limiter catches up. */
  readonly overshootFrac: number;
  /** Time constant of the overshoot's decay from its peak target to the sustained level, s (> tauS, fallTauS). */
  readonly overshootTauS: number;
  /** Pause (utilisation below 1/2) shorter than this gives no onset overshoot, s. */
  readonly overshootDelayS: number;
  /**
   * Beyond overshootDelayS, the overshoot grows linearly with the pause and is at full size after a
   * further overshootRearmS, s (0: full size after any pause longer than the delay).
   */
  readonly overshootRearmS: number;
  /** First-order time constant of a rise, s (0: instantaneous). */
  readonly tauS: number;
  /** First-order time constant of a fall, s (0: instantaneous). */
  readonly fallTauS: number;
  /** Share of a fall's swing that lingers and decays slowly (the two-stage fall tail), 0..1. */
  readonly tailFrac: number;
  /** Time constant of that tail, s (> tauS, fallTauS). */
  readonly tailTauS: number;
  /** Amplitude of the power limiter's ripple at full load ÷ min(limitW, capW) (0: flat plateau). */
  readonly rippleFrac: number;
  /** Frequency of the ripple, Hz (its phase restarts at every onset). */
  readonly rippleHz: number;
  /** Phase of the ripple at the onset, rad: ripple = rippleFrac·L·sin(2π·rippleHz·(t − onset) + phase) at u = 1. */
  readonly ripplePhaseRad: number;
}

/**
 * H100 SXM5 80 GB at its 700 W limit, fitted on part of the project's own NVML 20 ms trace and
 * checked on the rest and on a second, 100 ms trace (`datasets/gpu-power/`,
 * `datasets/gpu-power-h100-measured/`, CC0, see their SOURCE.md; the split, the fit and the errors
 * are in `models/gpu/README.md`, the fit is `test/models/gpu/gpu-fit.ts`, the checks
 * `test/models/gpu/gpu-calibration.test.ts` and `test/validation/gpu-power.claims.ts`).
 * - limitW 700 W: H100 SXM5 TDP [P] (NVIDIA H100 datasheet; Llama 3 paper, docs/physics-sources.md §1.3),
 *   the NVML limit read back in `h100-meta.json`.
 * - idleW 121 W: median of every sample in an idle phase (pre, idle, step_off, train_setup,
 *   checkpoint) is 121.2 W; idle creeps from 117 W (cold) to 122-124 W (warm). Measured, not fitted.
 * - fitted on GEMM pulses 1-2 (3 s on, 3 s off): fullFrac 0.983 (the limiter's mean, 688 W),
 *   overshootFrac 1.43 and overshootTauS 70 ms (the onset heads for 1,001 W and decays to the
 *   sustained level: 20 ms samples peak at ~870 W, ~22 J above the plateau per onset), tauS 2.6 ms,
 *   rippleFrac 0.045 at 1.04 Hz with phase −1.52 rad at the onset (the limiter's ±32 W cycle, which
 *   the trace shows at 1.0-1.1 Hz, locked to the onset);
 * - fitted on pulses 1-2 and training steps 1-75 (31 ms pauses): overshootDelayS 1.4 ms and
 *   overshootRearmS 66 ms (the overshoot is back at full size after a ~67 ms pause, at 45 % after
 *   the training steps' 31 ms pauses; the 100 ms trace's GEMM bursts after 150 ms pauses reach
 *   899 W), fallTauS 4.1 ms and a fall tail of 2.5 % of the swing decaying with 10 ms.
 * The overshoot depends on the kernel: small 2048² matmuls do not overshoot at all (the 100 ms
 * trace's inference-like phase never passes 744 W); h100Sxm is the max-power GEMM, the worst case.
 */
export const h100Sxm: GpuParams = Object.freeze({
  limitW: 700,
  idleW: 121,
  fullFrac: 0.983,
  overshootFrac: 1.43,
  overshootTauS: 0.07,
  overshootDelayS: 0.00136,
  overshootRearmS: 0.0659,
  tauS: 0.00256,
  fallTauS: 0.00409,
  tailFrac: 0.0247,
  tailTauS: 0.0102,
  rippleFrac: 0.045,
  rippleHz: 1.04,
  ripplePhaseRad: -1.52,
});

/** Everything of the H100 SXM measurement but its watts: fractions of the limit and time constants. */
const { limitW: _limitW, idleW: _idleW, ...H100_SHAPE } = h100Sxm;

/** Idle power as a fraction of the limit, from the H100 SXM measurement (121 W / 700 W). */
const H100_IDLE_FRAC = h100Sxm.idleW / h100Sxm.limitW;

/**
 * B200 in an NVL72-class liquid-cooled rack at a 1,200 W limit. B200 is quoted at ~1,000 W in
 * HGX form [S] and a GB200 superchip (1 Grace + 2 B200) at 2,700 W [S] (vendor/analyst pages and
 * hmc-tech table, docs/physics-sources.md §1.3), i.e. ~1,200 W per B200 once ~300 W goes to Grace and
 * memory [D]. No B200 trace is available: idleW, fullFrac and overshootFrac are the H100 SXM
 * measured fractions of the limit, and the time constants are the H100's. Treat as indicative.
 */
export const b200: GpuParams = Object.freeze({
  limitW: 1200,
  idleW: Math.round(H100_IDLE_FRAC * 1200),
  ...H100_SHAPE,
});

/**
 * H100 PCIe at its 350 W limit [P] (NVIDIA H100 PCIe Product Brief PB-11133-001, docs/physics-sources.md
 * §1.3), for air-cooled inference racks. No PCIe trace is available: fractions and time constants
 * are those measured on the H100 SXM.
 */
export const h100Pcie: GpuParams = Object.freeze({
  limitW: 350,
  idleW: Math.round(H100_IDLE_FRAC * 350),
  ...H100_SHAPE,
});

/** Named presets, as scenario files refer to them (`gpu: h100Sxm`). */
export const GPU_PRESETS: Readonly<Record<string, GpuParams>> = Object.freeze({ h100Sxm, b200, h100Pcie });

/**
 * Lists what is wrong with a parameter set (empty when valid), each issue under `path.<field>`.
 * Example: gpuParamIssues({ ...h100Sxm, tauS: -1 }, "gpu")[0].path === "gpu.tauS".
 */
export function gpuParamIssues(params: GpuParams, path: string): Issue[] {
  const issues: Issue[] = [];
  const at = (field: keyof GpuParams, expected: string): void => {
    issues.push({ path: path ? `${path}.${field}` : field, value: params[field], expected });
  };
  const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
  if (!finite(params.limitW) || params.limitW <= 0) at("limitW", "a power above 0 W");
  if (!finite(params.fullFrac) || params.fullFrac <= 0 || params.fullFrac > 1.5) at("fullFrac", "a fraction in (0, 1.5]");
  if (!finite(params.idleW) || params.idleW < 0) at("idleW", "a power of at least 0 W");
  else if (finite(params.limitW) && finite(params.fullFrac) && params.idleW >= params.fullFrac * params.limitW) {
    at("idleW", `less than fullFrac × limitW = ${params.fullFrac * params.limitW} W`);
  }
  if (!finite(params.overshootFrac) || params.overshootFrac < 0 || params.overshootFrac > 3) {
    at("overshootFrac", "a fraction in [0, 3]");
  }
  if (!finite(params.overshootDelayS) || params.overshootDelayS < 0) at("overshootDelayS", "a duration of at least 0 s");
  if (!finite(params.overshootRearmS) || params.overshootRearmS < 0) at("overshootRearmS", "a duration of at least 0 s");
  if (!finite(params.tauS) || params.tauS < 0) at("tauS", "a duration of at least 0 s");
  if (!finite(params.fallTauS) || params.fallTauS < 0) at("fallTauS", "a duration of at least 0 s");
  // The decaying targets (overshoot, tail) are solved in closed form against the rise / fall lag,
  // which needs their time constants to differ: they must be the slower ones.
  const lagS = finite(params.tauS) && finite(params.fallTauS) ? Math.max(params.tauS, params.fallTauS) : 0;
  if (!finite(params.overshootTauS) || params.overshootTauS <= 1.5 * lagS) at("overshootTauS", `a duration above 1.5 × max(tauS, fallTauS) = ${1.5 * lagS} s`);
  if (!finite(params.tailFrac) || params.tailFrac < 0 || params.tailFrac > 1) at("tailFrac", "a fraction in [0, 1]");
  if (!finite(params.tailTauS) || params.tailTauS <= 1.5 * lagS) at("tailTauS", `a duration above 1.5 × max(tauS, fallTauS) = ${1.5 * lagS} s`);
  if (!finite(params.rippleFrac) || params.rippleFrac < 0 || params.rippleFrac > 0.5) at("rippleFrac", "a fraction in [0, 0.5]");
  if (!finite(params.rippleHz) || params.rippleHz < 0) at("rippleHz", "a frequency of at least 0 Hz");
  if (!finite(params.ripplePhaseRad)) at("ripplePhaseRad", "a finite angle in radians");
  return issues;
}
