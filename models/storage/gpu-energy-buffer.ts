import type { Issue } from "../lib/errors.js";

/**
 * GPU / PSU energy buffer (the capacitors of a GB300-class power shelf) for n units, as a
 * structure of arrays. One unit is one GPU's share of the buffer; every power is per GPU, in W
 * (the hall multiplies by GPU counts, as it does for GPU cohorts), every energy in J.
 *
 * What it does: the grid side (the PSU input) follows a smoothed version of the GPU-side demand,
 * and the buffer supplies or absorbs the difference within its energy and power limits:
 *   smooth  = first-order low-pass of demandW with tauS (integrated exactly over the tick)
 *   wanted  = smooth + (targetFrac × energyJ − storedJ) / recoveryS   (pulls the charge back)
 *   bufferW = clamp(wanted − demandW) to ±powerMaxW and to what the stored energy allows
 *   gridW   = demandW + bufferW
 * so the demand is always met: when the buffer is full or empty the edge passes to the grid side.
 *
 * Sign convention (the engine's): power drawn from upstream is positive; `bufferW` is positive
 * while the buffer charges. Outputs are MEANS over the tick [t, t + dtS); `storedJ` is end of tick.
 * Energy accounting is exact to float rounding: Σ gridW·dt = Σ demandW·dt + (storedJ − initial) + lossJ.
 *
 * Sizing check (docs/physics-sources.md §1.4 [D], validation ☆ V6): flattening a 50 %-duty square wave of
 * amplitude ΔP and period T needs a swing of E = ΔP·T/4, so 65 J per GPU flattens only T ≤ 4E/ΔP
 * = 0.52 s at ΔP = 500 W; 1-2 s training iterations keep nearly the full swing.
 */
export interface GpuEnergyBufferParams {
  /** Usable energy per GPU, J (> 0): ≈ 65 J per GPU in GB300 NVL72 power shelves [S] (§1.4). */
  readonly energyJ: number;
  /** Largest charge or discharge power of the buffer, W per GPU (> 0). */
  readonly powerMaxW: number;
  /** One-way efficiency into and out of the buffer (capacitor ESR, converter), in (0, 1]. */
  readonly effFrac: number;
  /** Time constant of the grid-side smoothing, s (≥ 0; 0 = no smoothing: the buffer idles). */
  readonly tauS: number;
  /** Time constant of the pull back to targetFrac, s (> 0; Infinity = no pull). */
  readonly recoveryS: number;
  /** Stored-energy target, fraction of energyJ (the buffer rests here), and the initial charge. */
  readonly targetFrac: number;
}

/**
 * GB300 NVL72-class PSU buffer: 65 J per GPU [S] (NVIDIA GB300 blog summaries, docs/physics-sources.md §1.4).
 * The rest are assumptions [R], scenario parameters: powerMaxW 1,400 W (a GB300 GPU's TDP [S], so the
 * buffer can carry a whole GPU for the ~46 ms its energy lasts), lossless (effFrac 1), grid-side
 * smoothing τ = 1 s with a 4 s pull back to half charge.
 */
export const gb300PsuBuffer: GpuEnergyBufferParams = Object.freeze({
  energyJ: 65,
  powerMaxW: 1400,
  effFrac: 1,
  tauS: 1,
  recoveryS: 4,
  targetFrac: 0.5,
});

export interface GpuEnergyBuffers {
  readonly count: number;

  // Params, per unit.
  readonly energyJ: Float64Array;
  readonly powerMaxW: Float64Array;
  readonly effFrac: Float64Array;
  readonly tauS: Float64Array;
  readonly recoveryS: Float64Array;
  readonly targetFrac: Float64Array;

  // Input.
  /** GPU-side power demand during the tick, W per GPU (NaN = 0). */
  readonly demandW: Float64Array;

  // Outputs (tick means; storedJ end of tick).
  /** Power drawn on the grid side of the buffer, W per GPU. */
  readonly gridW: Float64Array;
  /** Power into the buffer, W (+ charging, − supplying the GPU). */
  readonly bufferW: Float64Array;
  readonly storedJ: Float64Array;
  /** 1 when the buffer could not give what the smoothing wanted this tick (empty, full or power limit). */
  readonly limited: Float64Array;

  // Counters.
  /** Energy into and out of the buffer at its terminals, J; losses (1 − effFrac), J. */
  readonly inJ: Float64Array;
  readonly outJ: Float64Array;
  readonly lossJ: Float64Array;
  readonly limitedTicks: Float64Array;
  readonly initialStoredJ: Float64Array;

  // Internal.
  /** Low-pass state (instantaneous, end of tick), W; NaN until the first step. */
  readonly smoothW: Float64Array;
  readonly decay: Float64Array;
  readonly meanGain: Float64Array;
  readonly cachedDtS: Float64Array;
}

/**
 * Allocates `count` units (an integer ≥ 0) with `params` (default gb300PsuBuffer), charged to
 * targetFrac. The low-pass starts at the first tick's demand. Example: createGpuEnergyBuffers(1).storedJ → [32.5].
 */
export function createGpuEnergyBuffers(count: number, params: GpuEnergyBufferParams = gb300PsuBuffer): GpuEnergyBuffers {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`createGpuEnergyBuffers: count must be an integer ≥ 0, got ${count}`);
  }
  const f = (): Float64Array => new Float64Array(count);
  const state: GpuEnergyBuffers = {
    count,
    energyJ: f(), powerMaxW: f(), effFrac: f(), tauS: f(), recoveryS: f(), targetFrac: f(),
    demandW: f(),
    gridW: f(), bufferW: f(), storedJ: f(), limited: f(),
    inJ: f(), outJ: f(), lossJ: f(), limitedTicks: f(), initialStoredJ: f(),
    smoothW: f(), decay: f(), meanGain: f(), cachedDtS: f(),
  };
  for (let i = 0; i < count; i++) setGpuEnergyBufferParams(state, i, params);
  return state;
}

/** (Re)initialises unit i with `params`: charged to targetFrac, counters zero. Throws a RangeError when i is not a unit. */
export function setGpuEnergyBufferParams(state: GpuEnergyBuffers, i: number, params: GpuEnergyBufferParams): void {
  if (!Number.isInteger(i) || i < 0 || i >= state.count) {
    throw new RangeError(`setGpuEnergyBufferParams: unit ${i} is outside 0..${state.count - 1}`);
  }
  state.energyJ[i] = params.energyJ;
  state.powerMaxW[i] = params.powerMaxW;
  state.effFrac[i] = params.effFrac;
  state.tauS[i] = params.tauS;
  state.recoveryS[i] = params.recoveryS;
  state.targetFrac[i] = params.targetFrac;
  state.demandW[i] = 0;
  const storedJ = params.targetFrac * params.energyJ;
  state.storedJ[i] = storedJ;
  state.initialStoredJ[i] = storedJ;
  state.gridW[i] = 0;
  state.bufferW[i] = 0;
  state.limited[i] = 0;
  state.inJ[i] = 0;
  state.outJ[i] = 0;
  state.lossJ[i] = 0;
  state.limitedTicks[i] = 0;
  state.smoothW[i] = NaN;
  state.cachedDtS[i] = NaN;
}

/**
 * Advances every unit by dtS seconds (allocation-free): the smoothing law of the module note, then
 * the limits: |bufferW| ≤ powerMaxW; charging stores effFrac × bufferW·dt and never above energyJ;
 * supplying takes bufferW·dt ÷ effFrac and never below 0. gridW = demandW + bufferW.
 * dtS ≤ 0 (or NaN) leaves the state unchanged.
 */
export function stepGpuEnergyBuffers(state: GpuEnergyBuffers, dtS: number): void {
  if (!(dtS > 0)) return;
  const n = state.count;
  const { energyJ, powerMaxW, effFrac, tauS, recoveryS, targetFrac, demandW, gridW, bufferW, storedJ, limited } = state;
  const { inJ, outJ, lossJ, limitedTicks, smoothW, decay, meanGain, cachedDtS } = state;
  for (let i = 0; i < n; i++) {
    const dRaw = demandW[i];
    const demand = dRaw === dRaw ? dRaw : 0;
    if (cachedDtS[i] !== dtS) {
      const tau = tauS[i];
      decay[i] = tau > 0 ? Math.exp(-dtS / tau) : 0;
      meanGain[i] = tau > 0 ? (tau / dtS) * (1 - decay[i]) : 0;
      cachedDtS[i] = dtS;
    }
    let s = smoothW[i];
    if (s !== s) s = demand;
    const smoothMeanW = demand + (s - demand) * meanGain[i];
    smoothW[i] = demand + (s - demand) * decay[i];

    const e = storedJ[i];
    const full = energyJ[i];
    const wantedW = smoothMeanW + (targetFrac[i] * full - e) / recoveryS[i];
    const wantW = wantedW - demand;
    let b = wantW;
    const pMax = powerMaxW[i];
    if (b > pMax) b = pMax;
    else if (b < -pMax) b = -pMax;
    const eta = effFrac[i];
    let eNew = e;
    if (b > 0) {
      const roomJ = full - e;
      if (!(b * eta * dtS <= roomJ)) b = roomJ > 0 ? roomJ / (eta * dtS) : 0;
      const inE = b * dtS;
      const storedE = eta * inE;
      inJ[i] += inE;
      lossJ[i] += inE - storedE;
      eNew = e + storedE;
      if (eNew > full) eNew = full; // float rounding at the top only
    } else if (b < 0) {
      if (!(-b * dtS <= e * eta)) b = e > 0 ? -(e * eta) / dtS : 0;
      const outE = -b * dtS;
      const takenE = outE / eta;
      outJ[i] += outE;
      lossJ[i] += takenE - outE;
      eNew = e - takenE;
      if (eNew < 0) eNew = 0; // float rounding at the bottom only
    }
    storedJ[i] = eNew;
    bufferW[i] = b;
    gridW[i] = demand + b;
    const lim = b !== wantW ? 1 : 0;
    limited[i] = lim;
    if (lim) limitedTicks[i]++;
  }
}

/**
 * Lists what is wrong with a parameter set (empty when valid), each issue under `path.<field>`.
 * Example: gpuEnergyBufferParamIssues({ ...gb300PsuBuffer, energyJ: 0 }, "buffer")[0].path === "buffer.energyJ".
 */
export function gpuEnergyBufferParamIssues(params: GpuEnergyBufferParams, path: string): Issue[] {
  const issues: Issue[] = [];
  const at = (field: keyof GpuEnergyBufferParams, expected: string): void => {
    issues.push({ path: path ? `${path}.${field}` : field, value: params[field], expected });
  };
  const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
  if (!finite(params.energyJ) || params.energyJ <= 0) at("energyJ", "an energy above 0 J");
  if (!finite(params.powerMaxW) || params.powerMaxW <= 0) at("powerMaxW", "a power above 0 W");
  if (!finite(params.effFrac) || params.effFrac <= 0 || params.effFrac > 1) at("effFrac", "a fraction in (0, 1]");
  if (!finite(params.tauS) || params.tauS < 0) at("tauS", "a duration of at least 0 s");
  if (typeof params.recoveryS !== "number" || !(params.recoveryS > 0)) at("recoveryS", "a duration above 0 s (Infinity: no pull)");
  if (!finite(params.targetFrac) || params.targetFrac < 0 || params.targetFrac > 1) at("targetFrac", "a fraction in [0, 1]");
  return issues;
}
