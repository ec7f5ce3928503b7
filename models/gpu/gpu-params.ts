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
  /** Sustained full-load power ÷ min(limitW, capW); the power limiter holds it just under 1. */
  readonly fullFrac: number;
  /** Onset peak ÷ min(limitW, capW): power before the limiter catches up after a sharp rise. */
  readonly overshootFrac: number;
  /** How long the onset overshoot target holds after the onset tick starts, s (includes the rise). */
  readonly overshootS: number;
  /**
   * Low-utilisation time after which the onset overshoot is back at full size, s; after a shorter
   * pause it scales with pauseS / overshootRearmS (0 or less: always full size).
   */
  readonly overshootRearmS: number;
  /** First-order time constant of every transition, s (0: instantaneous). */
  readonly tauS: number;
}

/**
 * H100 SXM5 80 GB at its 700 W limit, calibrated on the project's own NVML 20 ms trace
 * (`datasets/gpu-power/h100-train-steps-20ms.csv`, CC0, see its SOURCE.md; fit and figures in
 * `models/gpu/README.md`, checked by `test/models/gpu/gpu-calibration.test.ts`).
 * - limitW 700 W: H100 SXM5 TDP [P] (NVIDIA H100 datasheet; Llama 3 paper, docs/physics-sources.md §1.3),
 *   the NVML limit read back in `h100-meta.json`.
 * - idleW 121 W: median of every sample in an idle phase (pre, idle, step_off, train_setup,
 *   checkpoint) is 121.2 W; idle creeps from 117 W (cold) to 122-124 W (warm).
 * - fullFrac 0.985: mean power of the three 3 s bf16 GEMM pulses from 0.5 s after onset is
 *   689-690 W (the mean, not the median, so energy is right; the median is ~695 W).
 * - overshootFrac 1.25 / overshootS 0.08 s: the pulses peak at 854-893 W (122-128 %) and stay at
 *   or above the half-height between the limit and the peak for 43-80 ms (mean 62 ms); an 80 ms
 *   target from the onset (the first ~20 ms of it spent rising) gives 60-75 ms at 20 ms ticks.
 * - overshootRearmS 1 s: the pulses, after 3 s of idle, overshoot fully; training steps after
 *   31 ms pauses peak at 693-800 W (median 735 W) and the one after a 140 ms pause at 764 W, i.e.
 *   no full overshoot. The data bound a hard re-arm time to (0.14 s, 3 s]; the linear re-arm is a
 *   modelling choice. The overshoot also depends on the kernel: training steps after 5.6-6.9 s
 *   checkpoints peak at only 717-728 W, so h100Sxm (a max-power GEMM) is the worst case.
 * - tauS 0.004 s: the first 20 ms sample after a fall holds 17-23 % of the swing and the first
 *   sample after a rise already exceeds 90 % of it; a first-order tail of 4 ms gives 20 %.
 */
export const h100Sxm: GpuParams = Object.freeze({
  limitW: 700,
  idleW: 121,
  fullFrac: 0.985,
  overshootFrac: 1.25,
  overshootS: 0.08,
  overshootRearmS: 1,
  tauS: 0.004,
});

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
  fullFrac: h100Sxm.fullFrac,
  overshootFrac: h100Sxm.overshootFrac,
  overshootS: h100Sxm.overshootS,
  overshootRearmS: h100Sxm.overshootRearmS,
  tauS: h100Sxm.tauS,
});

/**
 * H100 PCIe at its 350 W limit [P] (NVIDIA H100 PCIe Product Brief PB-11133-001, docs/physics-sources.md
 * §1.3), for air-cooled inference racks. No PCIe trace is available: fractions and time constants
 * are those measured on the H100 SXM.
 */
export const h100Pcie: GpuParams = Object.freeze({
  limitW: 350,
  idleW: Math.round(H100_IDLE_FRAC * 350),
  fullFrac: h100Sxm.fullFrac,
  overshootFrac: h100Sxm.overshootFrac,
  overshootS: h100Sxm.overshootS,
  overshootRearmS: h100Sxm.overshootRearmS,
  tauS: h100Sxm.tauS,
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
  if (!finite(params.overshootS) || params.overshootS < 0) at("overshootS", "a duration of at least 0 s");
  if (!finite(params.overshootRearmS) || params.overshootRearmS < 0) at("overshootRearmS", "a duration of at least 0 s");
  if (!finite(params.tauS) || params.tauS < 0) at("tauS", "a duration of at least 0 s");
  return issues;
}
