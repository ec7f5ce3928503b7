/**
 * Frequency-response service curves as pure functions of the frequency deviation Δf = f − f₀ (Hz).
 *
 * Sign convention (the project's): power is positive when drawn from the grid. A response is the
 * CHANGE of the site's PCC power that the service asks for: low frequency (Δf < 0) → negative
 * (import less / export more), high frequency (Δf > 0) → positive (import more / export less).
 * Curve shapes return the delivered fraction 0..1 of the contracted power for |Δf|.
 */

/**
 * A symmetric two-segment delivery curve: 0 inside ±deadbandHz, then linear to kneeFrac at
 * ±kneeHz, then linear to 1 at ±fullHz, 1 beyond.
 */
export interface ResponseCurve {
  readonly deadbandHz: number;
  readonly kneeHz: number;
  readonly kneeFrac: number;
  readonly fullHz: number;
}

/**
 * GB Dynamic Containment: deadband ±0.015 Hz, 5 % at ±0.2 Hz, 100 % at ±0.5 Hz, linear between
 * (NESO DC service specification, docs/physics-sources.md §2.3 [P]; table ★ V3). Full delivery within 1 s,
 * initiation ≤ 0.5 s: timing belongs to the asset / controller, not to the curve.
 */
export const DYNAMIC_CONTAINMENT: ResponseCurve = Object.freeze({ deadbandHz: 0.015, kneeHz: 0.2, kneeFrac: 0.05, fullHz: 0.5 });

/**
 * GB Dynamic Moderation: 0 at ±0.015 Hz, 5 % at ±0.1 Hz, 100 % at ±0.2 Hz (docs/physics-sources.md §2.3,
 * [S]: read in a battery controller repository, not on NESO's page; check before relying on it).
 */
export const DYNAMIC_MODERATION: ResponseCurve = Object.freeze({ deadbandHz: 0.015, kneeHz: 0.1, kneeFrac: 0.05, fullHz: 0.2 });

/**
 * GB Dynamic Regulation: linear from the ±0.015 Hz deadband to 100 % at ±0.2 Hz (docs/physics-sources.md
 * §2.3 [R]; the knee is placed on the straight line, so the curve has one segment).
 */
export const DYNAMIC_REGULATION: ResponseCurve = Object.freeze({ deadbandHz: 0.015, kneeHz: 0.2, kneeFrac: 1, fullHz: 0.2 });

/**
 * Delivered fraction (0..1) of the contracted power for a deviation of magnitude |deltaFHz| on
 * `curve` (default Dynamic Containment). NaN → 0.
 * Example (★ V3): responseFraction(0.1) → 0.022973 (= 0.05 × 0.085 / 0.185); responseFraction(-0.3) → 0.36667.
 */
export function responseFraction(deltaFHz: number, curve: ResponseCurve = DYNAMIC_CONTAINMENT): number {
  const x = deltaFHz < 0 ? -deltaFHz : deltaFHz;
  const { deadbandHz, kneeHz, kneeFrac, fullHz } = curve;
  if (!(x > deadbandHz)) return 0; // also NaN
  if (x >= fullHz) return 1;
  if (x <= kneeHz) return (kneeFrac * (x - deadbandHz)) / (kneeHz - deadbandHz);
  return kneeFrac + ((1 - kneeFrac) * (x - kneeHz)) / (fullHz - kneeHz);
}

/**
 * Change of PCC power a two-sided service asks for, W: −lowContractW × fraction when Δf < 0 (the
 * low-frequency service, e.g. DC-low, makes the site import less / export more) and
 * +highContractW × fraction when Δf > 0 (DC-high). Contracts are magnitudes, W ≥ 0.
 * Example: responsePowerW(-0.3, 10e6, 10e6) → −3.6667e6 W; responsePowerW(0.5, 10e6, 4e6) → +4e6 W.
 */
export function responsePowerW(
  deltaFHz: number,
  lowContractW: number,
  highContractW: number,
  curve: ResponseCurve = DYNAMIC_CONTAINMENT,
): number {
  const frac = responseFraction(deltaFHz, curve);
  if (frac === 0) return 0;
  return deltaFHz < 0 ? -lowContractW * frac : highContractW * frac;
}

/** A proportional droop with a deadband, like a generator governor or an EU FCR-style response. */
export interface DroopParams {
  /** Droop R, per unit: a deviation of R × f₀ (beyond the deadband) asks for the full ratedW. E.g. 0.04. */
  readonly droopFrac: number;
  /** Power the droop refers to, W. */
  readonly ratedW: number;
  /** Nominal frequency, Hz. */
  readonly f0Hz: number;
  /** No response within ±deadbandHz; beyond it the response grows from 0 (no step at the edge), Hz. */
  readonly deadbandHz: number;
  /** Largest response magnitude, W (e.g. the contracted power or the battery's limit; Infinity = none). */
  readonly maxW: number;
}

/**
 * PCC power change of a plain droop, W: ΔP = (|Δf| − deadband)/(R·f₀) × ratedW, clamped to maxW,
 * negative for low frequency (as responsePowerW). Kundur ch. 11 [R] (ΔP = −Δf/R in per unit).
 * Example: droopResponseW(-0.2, { droopFrac: 0.04, ratedW: 10e6, f0Hz: 50, deadbandHz: 0, maxW: Infinity }) → −1e6 W.
 */
export function droopResponseW(deltaFHz: number, p: DroopParams): number {
  const x = deltaFHz < 0 ? -deltaFHz : deltaFHz;
  const beyond = x - p.deadbandHz;
  if (!(beyond > 0)) return 0;
  let w = (beyond / (p.droopFrac * p.f0Hz)) * p.ratedW;
  if (w > p.maxW) w = p.maxW;
  return deltaFHz < 0 ? -w : w;
}
