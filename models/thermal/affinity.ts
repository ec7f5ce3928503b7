/**
 * Fan and pump affinity laws and the speed dynamics of a variable-speed drive. Pure scalar
 * functions, allocation-free. Speeds are fractions of the rated speed (0..1).
 *
 * Affinity laws (docs/physics-sources.md §4 and §5.3 [R]): for a fixed impeller on a system curve without
 * static head (a closed liquid loop, a fan against friction only), flow ∝ N, head (pressure) ∝ N²,
 * shaft power ∝ N³, so at 80 % speed power is 0.8³ = 51.2 % of rated. Drive and motor efficiency
 * are taken constant over the speed range (at low speed they fall, so real power is somewhat higher;
 * README "Limits"). A pump or fan draws power from the grid: positive.
 */

/** Flow as a fraction of rated flow at `speedFrac` (negative or NaN → 0). Example: 0.8 → 0.8. */
export function affinityFlowFrac(speedFrac: number): number {
  return speedFrac > 0 ? speedFrac : 0;
}

/** Head (pressure rise) as a fraction of rated head at `speedFrac`. Example: 0.8 → 0.64. */
export function affinityHeadFrac(speedFrac: number): number {
  const s = speedFrac > 0 ? speedFrac : 0;
  return s * s;
}

/** Electrical power, W, at `speedFrac` for a drive drawing `ratedPowerW` at rated speed. Example: (10_000, 0.8) → 5,120. */
export function affinityPowerW(ratedPowerW: number, speedFrac: number): number {
  const s = speedFrac > 0 ? speedFrac : 0;
  return ratedPowerW * s * s * s;
}

/** Below this speed fraction a coasting rotor counts as stopped (bearing friction, which the ω² law leaves out). */
export const STOPPED_SPEED_FRAC = 0.01;

/**
 * Speed fraction after `dtS` seconds of a variable-speed drive, from `speedFrac`:
 * - running (`tripped` ≤ 0): moves towards clamp(commandFrac, 0, 1) at most `rampFracPerS` per
 *   second (VFD acceleration / deceleration ramp; Infinity = at once);
 * - tripped (`tripped` > 0, power lost): coasts down. A centrifugal load's torque grows with ω²
 *   [R], so I·dω/dt = −k·ω², whose exact solution is s(t) = s0 / (1 + s0·t / halfS), where `halfS` is
 *   the time from rated speed to half speed [D]; halfS ≤ 0 stops at once. Below STOPPED_SPEED_FRAC the
 *   rotor stops (friction).
 * dtS ≤ 0 (or NaN) returns speedFrac unchanged. Example: stepSpeedFrac(1, 1, Infinity, 1, 2, 2) → 0.5.
 */
export function stepSpeedFrac(
  speedFrac: number,
  commandFrac: number,
  rampFracPerS: number,
  tripped: number,
  halfS: number,
  dtS: number,
): number {
  if (!(dtS > 0)) return speedFrac;
  const s = speedFrac > 0 ? speedFrac : 0;
  if (tripped > 0) {
    if (!(halfS > 0)) return 0;
    const next = s / (1 + (s * dtS) / halfS);
    return next < STOPPED_SPEED_FRAC ? 0 : next;
  }
  const target = commandFrac > 0 ? (commandFrac < 1 ? commandFrac : 1) : 0;
  const maxStep = rampFracPerS * dtS; // Infinity × dt = Infinity; NaN ramp → no movement
  if (target > s) return target - s <= maxStep ? target : s + (maxStep > 0 ? maxStep : 0);
  if (target < s) return s - target <= maxStep ? target : s - (maxStep > 0 ? maxStep : 0);
  return s;
}
