/**
 * Frequency of a weak or islanded grid from the aggregate swing equation, as a structure of arrays
 * (index i = one independent grid; a run normally has one).
 *
 * Model (all powers in W, Δf = f − f₀ in Hz):
 *   (2·E_kin / f₀) · dΔf/dt = P_gov − D·Δf − ΔP_load − P_lost                       (1)
 *   T_g · dP_gov/dt = clamp(−K·db(Δf), −headroomDownW, headroomUpW) − P_gov        (2)
 * (1) is the aggregate swing equation 2H/f₀ · df/dt = (P_m − P_e)/S with E_kin = Σ Hᵢ·Sᵢ (W·s),
 * linearised about f₀ (docs/physics-sources.md §2.2 [R]; Kundur, Power System Stability and Control, ch. 3
 * equations of motion, ch. 11 frequency control). Its initial rate of change of frequency after a
 * step ΔP is f₀·ΔP / (2·E_kin) (★ V3).
 * D (W/Hz) is the load's frequency sensitivity ("load damping", Kundur ch. 11 [R]: typically 1-2 %
 * of load per 1 % of frequency, i.e. D = d·P_load/f₀ with d = 1-2). Power-electronic IT load is
 * constant-power (d ≈ 0), so an AI hall on an island adds almost no damping.
 * (2) is primary response: governors with droop R (K = droopBaseW / (R·f₀), W/Hz), a first-order
 * time constant T_g, a governor deadband db(Δf) = sign(Δf)·max(0, |Δf| − deadbandHz) and a headroom
 * limit (Kundur ch. 11 [R]). The target is clamped, so P_gov never leaves the headroom (no wind-up).
 * T_g = 0 makes the governor instantaneous (algebraic).
 * The settled deviation after a load step ΔP is −ΔP / (D + K) while the headroom holds, and
 * −(ΔP − headroomUpW) / D when it does not (with D = 0 and no headroom left: no equilibrium).
 *
 * Inputs, written each tick by the engine: `pccPowerW` (the site's power at the PCC, positive drawn
 * from the grid: a battery discharging into the site lowers it) — its change from `pccRefW` is a
 * load change; `lostGenW` (generation tripped, W ≥ 0) and `loadStepW` (other load switched in, W)
 * from grid events (see grid-events.ts). `sagDepthFrac` is carried for the UPS model only: a voltage
 * sag does not change frequency here.
 *
 * Time: a tick covers [t, t + dtS) with inputs constant over it. The ODEs are integrated with
 * classical RK4 on equal sub-steps chosen so that h·λ ≤ 0.1 for the fastest rate of the linear
 * system, and the tick mean of Δf is integrated as a third state. Error against a 0.5 ms reference:
 * 7e-9 Hz while linear (2 MW trip, islanded), 1.3e-5 Hz when a headroom clamp engages (4 MW trip).
 * Outputs: `freqHz` = f₀ + mean Δf over the tick (like a meter's average), `deltaFHz` = Δf at the
 * tick's end (the state), `rocofHzps` = (Δf_end − Δf_start)/dtS, `govPowerW` = P_gov at the end.
 */
export interface SwingGrids {
  readonly count: number;

  // Params (setSwingGridParams copies them).
  readonly f0Hz: Float64Array;
  readonly kineticEnergyWs: Float64Array;
  readonly dampingWPerHz: Float64Array;
  /** K = droopBaseW / (droopFrac · f0Hz), W/Hz (0 when there is no primary response). */
  readonly govGainWPerHz: Float64Array;
  readonly governorTauS: Float64Array;
  readonly headroomUpW: Float64Array;
  readonly headroomDownW: Float64Array;
  readonly deadbandHz: Float64Array;

  // Inputs.
  /** Site power at the PCC this tick, W (positive drawn from the grid). */
  readonly pccPowerW: Float64Array;
  /** PCC power at which the grid is balanced at Δf = 0, W; NaN = take the first tick's pccPowerW. */
  readonly pccRefW: Float64Array;
  /** Generation lost to trips, W ≥ 0 (cumulative, from grid events). */
  readonly lostGenW: Float64Array;
  /** Other load switched in, W (cumulative, from grid events; negative = load lost). */
  readonly loadStepW: Float64Array;
  /** Voltage sag depth, fraction of nominal voltage lost (0 = none); passed through for the UPS. */
  readonly sagDepthFrac: Float64Array;

  // State and outputs.
  /** Δf at the end of the last tick, Hz (state; set it before the first step to start off nominal). */
  readonly deltaFHz: Float64Array;
  /** Primary response at the end of the last tick, W (state). */
  readonly govPowerW: Float64Array;
  /** f₀ + mean Δf over the last tick, Hz. */
  readonly freqHz: Float64Array;
  /** Mean rate of change of frequency over the last tick, Hz/s. */
  readonly rocofHzps: Float64Array;
  /** Net power surplus driving (1) at the end of the last tick (P_gov − D·Δf − ΔP_load − P_lost), W. */
  readonly imbalanceW: Float64Array;
  /** Lowest and highest tick-mean frequency and largest |RoCoF| since creation (or reset), Hz, Hz/s. */
  readonly minFreqHz: Float64Array;
  readonly maxFreqHz: Float64Array;
  readonly maxAbsRocofHzps: Float64Array;
}

/** Parameters of one aggregate grid. Every power in W, frequency in Hz, time in s. */
export interface SwingGridParams {
  /** Nominal frequency f₀, Hz (50 in GB and the EU). */
  readonly f0Hz: number;
  /** Stored kinetic energy at f₀, E_kin = Σ Hᵢ·Sᵢ, W·s (VA·s). See kineticEnergyWs(). */
  readonly kineticEnergyWs: number;
  /** Load frequency sensitivity D, W/Hz (≥ 0). See loadDampingWPerHz(). */
  readonly dampingWPerHz: number;
  /** Governor droop R, per unit (e.g. 0.04); Infinity or ≤ 0 = no primary response. */
  readonly droopFrac: number;
  /** Generation capacity the droop refers to, W (online rating of the responding units). */
  readonly droopBaseW: number;
  /** Governor / turbine first-order time constant T_g, s (≥ 0; 0 = instantaneous). */
  readonly governorTauS: number;
  /** Largest increase of generation from primary response, W (spinning reserve; ≥ 0). */
  readonly headroomUpW: number;
  /** Largest decrease of generation from primary response, W (≥ 0). */
  readonly headroomDownW: number;
  /** Governor deadband, Hz (≥ 0). */
  readonly deadbandHz: number;
}

/** E_kin = H·S_base: inertia constant H (s) on a base S_base (VA) → W·s. Example: kineticEnergyWs(1.5, 15e6) → 22.5e6. */
export function kineticEnergyWs(inertiaH: number, sBaseVA: number): number {
  return inertiaH * sBaseVA;
}

/**
 * D = d·P_load/f₀: load damping d (per unit change of load per unit change of frequency; Kundur
 * ch. 11 [R]: 1-2 for mixed load, ≈ 0 for power-electronic load) → W/Hz.
 * Example: loadDampingWPerHz(1, 30e9, 50) → 6e8 W/Hz.
 */
export function loadDampingWPerHz(dampingPu: number, loadW: number, f0Hz: number): number {
  return (dampingPu * loadW) / f0Hz;
}

/**
 * GB-scale grid, for checking RoCoF against ★ V3: E_kin 200 GVA·s (NESO "GB System Inertia" example
 * value, docs/physics-sources.md §2.2 [P]). The rest are illustrative [R] values, not a GB calibration: load
 * damping d = 1 on 25 GW, droop 4 % on 20 GW of responding plant with T_g = 5 s and 1 GW headroom.
 */
export const GB_GRID_200GVAS: SwingGridParams = Object.freeze({
  f0Hz: 50,
  kineticEnergyWs: 200e9,
  dampingWPerHz: loadDampingWPerHz(1, 25e9, 50),
  droopFrac: 0.04,
  droopBaseW: 20e9,
  governorTauS: 5,
  headroomUpW: 1e9,
  headroomDownW: 1e9,
  deadbandHz: 0,
});

/**
 * Islanded site on three 5 MVA gas gensets, H = 1.5 s → E_kin 22.5 MVA·s (★ V3). Droop 4 % on 15 MW,
 * governor T_g 0.5 s, 5 MW up / 10 MW down headroom (a 10 MW site on 15 MW of gensets), no load
 * damping (power-electronic load): illustrative [R] values, not a genset datasheet.
 */
export const ISLANDED_GENSETS_3X5MVA: SwingGridParams = Object.freeze({
  f0Hz: 50,
  kineticEnergyWs: kineticEnergyWs(1.5, 15e6),
  dampingWPerHz: 0,
  droopFrac: 0.04,
  droopBaseW: 15e6,
  governorTauS: 0.5,
  headroomUpW: 5e6,
  headroomDownW: 10e6,
  deadbandHz: 0,
});

/** Allocates `count` grids, each with ISLANDED_GENSETS_3X5MVA params, at f₀ and unloaded inputs. */
export function createSwingGrids(count: number): SwingGrids {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`createSwingGrids: count must be an integer ≥ 0, got ${count}`);
  const f = (): Float64Array => new Float64Array(count);
  const grids: SwingGrids = {
    count,
    f0Hz: f(), kineticEnergyWs: f(), dampingWPerHz: f(), govGainWPerHz: f(), governorTauS: f(),
    headroomUpW: f(), headroomDownW: f(), deadbandHz: f(),
    pccPowerW: f(), pccRefW: f(), lostGenW: f(), loadStepW: f(), sagDepthFrac: f(),
    deltaFHz: f(), govPowerW: f(), freqHz: f(), rocofHzps: f(), imbalanceW: f(),
    minFreqHz: f(), maxFreqHz: f(), maxAbsRocofHzps: f(),
  };
  for (let i = 0; i < count; i++) setSwingGridParams(grids, i, ISLANDED_GENSETS_3X5MVA);
  return grids;
}

/**
 * (Re)initialises grid i: copies `params` (throws a RangeError naming a field that is out of range:
 * f0Hz, kineticEnergyWs > 0; damping, headrooms, deadband, governorTauS ≥ 0) and resets the state to
 * Δf = 0, P_gov = 0, pccRefW = NaN (captured at the first step), events cleared, extremes reset.
 */
export function setSwingGridParams(grids: SwingGrids, i: number, params: SwingGridParams): void {
  if (!Number.isInteger(i) || i < 0 || i >= grids.count) throw new RangeError(`setSwingGridParams: grid ${i} is outside 0..${grids.count - 1}`);
  const positive = ["f0Hz", "kineticEnergyWs"] as const;
  const nonNegative = ["dampingWPerHz", "governorTauS", "headroomUpW", "headroomDownW", "deadbandHz", "droopBaseW"] as const;
  for (const key of positive) {
    if (!(params[key] > 0) || !Number.isFinite(params[key])) throw new RangeError(`setSwingGridParams: ${key} must be > 0, got ${params[key]}`);
  }
  for (const key of nonNegative) {
    if (!(params[key] >= 0)) throw new RangeError(`setSwingGridParams: ${key} must be ≥ 0, got ${params[key]}`);
  }
  grids.f0Hz[i] = params.f0Hz;
  grids.kineticEnergyWs[i] = params.kineticEnergyWs;
  grids.dampingWPerHz[i] = params.dampingWPerHz;
  const r = params.droopFrac;
  grids.govGainWPerHz[i] = r > 0 && Number.isFinite(r) ? params.droopBaseW / (r * params.f0Hz) : 0;
  grids.governorTauS[i] = params.governorTauS;
  grids.headroomUpW[i] = params.headroomUpW;
  grids.headroomDownW[i] = params.headroomDownW;
  grids.deadbandHz[i] = params.deadbandHz;
  grids.pccPowerW[i] = 0;
  grids.pccRefW[i] = NaN;
  grids.lostGenW[i] = 0;
  grids.loadStepW[i] = 0;
  grids.sagDepthFrac[i] = 0;
  grids.deltaFHz[i] = 0;
  grids.govPowerW[i] = 0;
  grids.freqHz[i] = params.f0Hz;
  grids.rocofHzps[i] = 0;
  grids.imbalanceW[i] = 0;
  grids.minFreqHz[i] = params.f0Hz;
  grids.maxFreqHz[i] = params.f0Hz;
  grids.maxAbsRocofHzps[i] = 0;
}

/** Largest h·λ of an RK4 sub-step (stability limit 2.78; 0.1 keeps the error small across clamp kinks, where RK4 loses order). */
const MAX_H_LAMBDA = 0.1;
/** Cap on sub-steps per tick (reached only with T_g far below the tick: use T_g = 0 then). */
const MAX_SUBSTEPS = 4096;

/** Governor target for a deviation x: −K·db(x), clamped to the headroom. */
function govTarget(x: number, gain: number, deadband: number, up: number, down: number): number {
  let beyond: number;
  if (x > deadband) beyond = x - deadband;
  else if (x < -deadband) beyond = x + deadband;
  else return 0;
  const p = -gain * beyond;
  return p > up ? up : p < -down ? -down : p;
}

/**
 * Advances every grid by dtS seconds (allocation-free) with the inputs of this tick; updates
 * deltaFHz, govPowerW, freqHz, rocofHzps, imbalanceW and the extremes. dtS ≤ 0 (or NaN) leaves the
 * state unchanged. At the first step of a grid with pccRefW = NaN, pccRefW := pccPowerW (the grid
 * starts balanced with the site's load of that tick).
 * Example: ISLANDED_GENSETS_3X5MVA, lostGenW = 5 MW, one 40 ms tick → rocofHzps = −5.531 Hz/s
 * (f₀·ΔP / 2E_kin = −5.556 Hz/s, less what the governor delivers within the tick).
 */
export function stepSwingGrids(grids: SwingGrids, dtS: number): void {
  if (!(dtS > 0)) return;
  for (let i = 0; i < grids.count; i++) {
    if (Number.isNaN(grids.pccRefW[i])) grids.pccRefW[i] = grids.pccPowerW[i];
    const f0 = grids.f0Hz[i];
    const c = f0 / (2 * grids.kineticEnergyWs[i]); // Hz/s per W of imbalance
    const d = grids.dampingWPerHz[i];
    const gain = grids.govGainWPerHz[i];
    const tau = grids.governorTauS[i];
    const up = grids.headroomUpW[i];
    const down = grids.headroomDownW[i];
    const db = grids.deadbandHz[i];
    // Constant drive over the tick: −ΔP_load − P_lost.
    const drive = -(grids.pccPowerW[i] - grids.pccRefW[i]) - grids.loadStepW[i] - grids.lostGenW[i];

    // Fastest rate of the linearised system: frequency pole c(D + K) plus governor 1/T_g.
    const rate = c * (d + gain) + (tau > 0 ? 1 / tau : 0);
    let nSub = Math.ceil((dtS * rate) / MAX_H_LAMBDA);
    if (!(nSub >= 1)) nSub = 1;
    if (nSub > MAX_SUBSTEPS) nSub = MAX_SUBSTEPS;
    const h = dtS / nSub;

    const x0 = grids.deltaFHz[i];
    let x = x0;
    let p = tau > 0 ? grids.govPowerW[i] : govTarget(x, gain, db, up, down);
    let integral = 0; // ∫ Δf dt over the tick
    for (let s = 0; s < nSub; s++) {
      if (tau > 0) {
        // RK4 on (x, p, ∫x); the derivative pair is written out to stay allocation-free.
        const k1x = c * (p - d * x + drive);
        const k1p = (govTarget(x, gain, db, up, down) - p) / tau;
        const x2 = x + 0.5 * h * k1x;
        const p2 = p + 0.5 * h * k1p;
        const k2x = c * (p2 - d * x2 + drive);
        const k2p = (govTarget(x2, gain, db, up, down) - p2) / tau;
        const x3 = x + 0.5 * h * k2x;
        const p3 = p + 0.5 * h * k2p;
        const k3x = c * (p3 - d * x3 + drive);
        const k3p = (govTarget(x3, gain, db, up, down) - p3) / tau;
        const x4 = x + h * k3x;
        const p4 = p + h * k3p;
        const k4x = c * (p4 - d * x4 + drive);
        const k4p = (govTarget(x4, gain, db, up, down) - p4) / tau;
        integral += (h / 6) * (x + 2 * x2 + 2 * x3 + x4);
        x += (h / 6) * (k1x + 2 * k2x + 2 * k3x + k4x);
        p += (h / 6) * (k1p + 2 * k2p + 2 * k3p + k4p);
        // RK4 can overshoot a clamp by rounding; the true P_gov stays inside the headroom.
        if (p > up) p = up;
        else if (p < -down) p = -down;
      } else {
        // Instantaneous governor: one ODE in x.
        const k1 = c * (govTarget(x, gain, db, up, down) - d * x + drive);
        const x2 = x + 0.5 * h * k1;
        const k2 = c * (govTarget(x2, gain, db, up, down) - d * x2 + drive);
        const x3 = x + 0.5 * h * k2;
        const k3 = c * (govTarget(x3, gain, db, up, down) - d * x3 + drive);
        const x4 = x + h * k3;
        const k4 = c * (govTarget(x4, gain, db, up, down) - d * x4 + drive);
        integral += (h / 6) * (x + 2 * x2 + 2 * x3 + x4);
        x += (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4);
        p = govTarget(x, gain, db, up, down);
      }
    }
    grids.deltaFHz[i] = x;
    grids.govPowerW[i] = p;
    const freq = f0 + integral / dtS;
    grids.freqHz[i] = freq;
    const rocof = (x - x0) / dtS;
    grids.rocofHzps[i] = rocof;
    grids.imbalanceW[i] = p - d * x + drive;
    if (freq < grids.minFreqHz[i]) grids.minFreqHz[i] = freq;
    if (freq > grids.maxFreqHz[i]) grids.maxFreqHz[i] = freq;
    const absRocof = rocof < 0 ? -rocof : rocof;
    if (absRocof > grids.maxAbsRocofHzps[i]) grids.maxAbsRocofHzps[i] = absRocof;
  }
}
