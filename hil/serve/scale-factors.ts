import type { ProfilePoint, RegisterType } from "../profile/profile-types.js";

/**
 * The scale factors a served device publishes (SunSpec `sunssf` registers): for each scale-factor
 * register, the finest exponent at which every point it scales still fits its register type over
 * the point's declared bounds, as a device designer sizes them. A 10 MW battery's int16 W needs
 * 10^3 (kW resolution); its int32 WSet fits at 10^0.
 *
 * Example: chooseScaleFactors([{ type: "int16", scale: -1, min: -12e6, max: 12e6, scaleFactor: {address: 40250} }]) → Map { 40250 → 3 }.
 */

/** Largest raw magnitude of each integer type (float32 needs no scale factor). */
const RAW_MAX: Record<RegisterType, number> = { int16: 0x7fff, uint16: 0xffff, int32: 0x7fffffff, uint32: 0xffffffff, float32: Number.MAX_VALUE, bool: 1 };

/** Exponent range a sunssf may carry (SunSpec: −10 … 10). */
const SF_MIN = -10;
const SF_MAX = 10;

/** Exponent per scale-factor register address (one unit, holding table), from the points that use it. */
export function chooseScaleFactors(points: readonly Pick<ProfilePoint, "type" | "scale" | "min" | "max" | "scaleFactor">[]): Map<number, number> {
  const chosen = new Map<number, number>();
  for (const p of points) {
    if (p.scaleFactor === undefined) continue;
    const maxAbs = Math.max(Math.abs(p.min ?? 0), Math.abs(p.max ?? 0));
    // raw = value / (scale × 10^sf) must stay within RAW_MAX: sf ≥ log10(maxAbs / (|scale| × RAW_MAX)).
    const need = maxAbs === 0 ? SF_MIN : Math.ceil(Math.log10(maxAbs / (Math.abs(p.scale) * RAW_MAX[p.type])) - 1e-12);
    const sf = Math.min(SF_MAX, Math.max(SF_MIN, need));
    chosen.set(p.scaleFactor.address, Math.max(chosen.get(p.scaleFactor.address) ?? SF_MIN, sf));
  }
  return chosen;
}

