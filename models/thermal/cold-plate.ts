import { WATER, type Fluid } from "./fluids.js";

/**
 * Cold plates and rack manifolds of liquid-cooled racks: pure scalar relations, allocation-free.
 * The rack-level state (a GPU / cold-plate node per rack and the rack's coolant) is stepped by
 * `cdu.ts`, which calls `stepPlateC` and uses the figures below.
 *
 * Cold plate: one lumped node per GPU (die, lid and copper plate) with heat capacity C (J/K) and a
 * case-to-coolant thermal resistance R (K/W): C·dT/dt = q − (T − T_coolant)/R, time constant τ = R·C
 * (docs/physics-sources.md §4: R 0.01-0.05 K/W [S]; 0.3 kg Cu → C ≈ 115 J/K, τ ≈ 3-4 s [D]).
 * Manifold: the coolant of a rack carrying heat Q at mass flow ṁ warms by ΔT = Q / (ṁ·cp).
 * A cold plate draws no power from the grid (the GPU's power is counted by models/gpu).
 */

/** Parameters of the liquid-cooled part of one rack. */
export interface ColdPlateParams {
  /** Share of the rack's IT power carried away by the liquid (the rest goes to the room air), 0..1. */
  liquidFrac: number;
  /** Cold plates with a GPU (the GPU-temperature nodes) per rack. */
  gpus: number;
  /** Case-to-coolant thermal resistance of one GPU's cold plate, K/W. */
  plateRKpW: number;
  /** Heat capacity of one GPU + cold plate node, J/K. */
  plateCJpK: number;
  /** Coolant held in the rack (manifolds, hoses, cold plates), m³. */
  coolantVolumeM3: number;
  /** Share of the CDU flow this rack gets, relative to the other racks of its CDU (balancing valves); 1 = equal. */
  flowWeight: number;
}

/**
 * NVL72-class liquid rack (GB200 NVL72, docs/physics-sources.md §1.3 [S]): 72 GPU cold plates.
 * - liquidFrac 0.85: NVL72-class racks send ~85-90 % of their heat to liquid [S] (the switch trays,
 *   PSUs and fans stay on air); Frontier's HPE Cray EX measures 0.945 [P] (RAPS frontier.yaml).
 * - plateRKpW 0.03: within 0.01-0.05 K/W [S]; a 1,200 W GPU at 0.03 K/W sits 36 K above its coolant,
 *   inside the ≤ 0.032-0.045 K/W that 85 °C case at 40 °C coolant needs [D] (docs/physics-sources.md §4).
 * - plateCJpK 115: 0.3 kg copper × 385 J/(kg·K) [D], so τ = 0.03 × 115 = 3.45 s (§4: 3-4 s).
 * - coolantVolumeM3 0.025: 25 L (manifolds ~8 L, 18 tray loops ~0.5 L each, hoses ~5 L): an
 *   assumption, no published figure found.
 */
export const NVL72_COLD_PLATE: ColdPlateParams = Object.freeze({
  liquidFrac: 0.85,
  gpus: 72,
  plateRKpW: 0.03,
  plateCJpK: 115,
  coolantVolumeM3: 0.025,
  flowWeight: 1,
});

/**
 * Temperature rise, K, of a coolant stream of `flowM3s` (m³/s) of `fluid` carrying `heatW` (W):
 * ΔT = Q / (ρ·V̇·cp). No flow with heat gives Infinity (0 heat gives 0).
 * Example (docs/physics-sources.md §4 [D]): 1 kW at 1.5 L/min of water → 1000 / (0.025 × 4180) = 9.57 K.
 */
export function coolantRiseK(heatW: number, flowM3s: number, fluid: Fluid = WATER): number {
  if (heatW === 0) return 0;
  const c = fluid.densityKgM3 * fluid.cpJpKgK * flowM3s;
  return c > 0 ? heatW / c : heatW > 0 ? Infinity : -Infinity;
}

/**
 * Volume flow, m³/s, of `fluid` that carries `heatW` (W) with a rise of `riseK` (K): V̇ = Q / (ρ·cp·ΔT).
 * Example (§4 [D]): 132 kW at 9.57 K of water → 0.0033 m³/s = 198 L/min.
 */
export function flowForRiseM3s(heatW: number, riseK: number, fluid: Fluid = WATER): number {
  return heatW / (fluid.densityKgM3 * fluid.cpJpKgK * riseK);
}

/**
 * Temperature, °C, of a cold-plate node after `dtS` seconds, from `plateC`, with heat input `heatW`
 * (W, held over the step) and coolant at `coolantC` (held): the exact solution of
 * C·dT/dt = q − (T − T_c)/R, i.e. T∞ = T_c + R·q, T' = T∞ + (T − T∞)·e^(−dt/(R·C)).
 * The heat passed to the coolant over the step is q·dt − C·(T' − T) (exact energy accounting).
 * rKpW ≤ 0 gives T∞ at once; cJpK ≤ 0 likewise; dtS ≤ 0 returns plateC.
 */
export function stepPlateC(plateC: number, coolantC: number, heatW: number, rKpW: number, cJpK: number, dtS: number): number {
  if (!(dtS > 0)) return plateC;
  const r = rKpW > 0 ? rKpW : 0;
  const steadyC = coolantC + r * heatW;
  const tau = r * cJpK;
  if (!(tau > 0)) return steadyC;
  return steadyC + (plateC - steadyC) * Math.exp(-dtS / tau);
}
