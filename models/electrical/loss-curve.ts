/**
 * Conversion loss of a PSU or UPS as a function of load, from published efficiency points.
 * Loss (not efficiency) is interpolated piecewise-linearly in load, which is exact at the points,
 * gives a finite no-load loss, and keeps input = output + loss exact for the energy balance. Above
 * the last point the last segment is extended.
 *
 * Example: with points {0.5: 96 %}, a 1 kW-rated unit at 500 W loses 500 × (1/0.96 − 1) = 20.83 W.
 */
export interface LossCurve {
  /** Load fractions of the breakpoints, ascending, starting at 0. */
  loadFrac: Float64Array;
  /** Loss at each breakpoint as a fraction of rated power. */
  lossFrac: Float64Array;
}

/** Builds a loss curve from efficiency points (load fraction → output/input) and a no-load loss. */
export function createLossCurve(points: readonly { load: number; efficiency: number }[], noLoadLossFrac: number): LossCurve {
  const n = points.length + 1;
  const loadFrac = new Float64Array(n);
  const lossFrac = new Float64Array(n);
  loadFrac[0] = 0;
  lossFrac[0] = noLoadLossFrac;
  points.forEach((p, i) => {
    loadFrac[i + 1] = p.load;
    // P_in = P_out / η, so loss = P_out (1/η − 1).
    lossFrac[i + 1] = p.load * (1 / p.efficiency - 1);
  });
  return { loadFrac, lossFrac };
}

/**
 * Loss in W of a unit rated `ratedW` delivering `outputW` (≥ 0). Allocation-free; called per rack per
 * tick. Negative output is treated as zero load.
 */
export function lossW(curve: LossCurve, outputW: number, ratedW: number): number {
  const x = outputW > 0 ? outputW / ratedW : 0;
  const xs = curve.loadFrac;
  const ys = curve.lossFrac;
  const last = xs.length - 1;
  let i = 1;
  while (i < last && x > xs[i]!) i++;
  const x0 = xs[i - 1]!;
  const y0 = ys[i - 1]!;
  const slope = (ys[i]! - y0) / (xs[i]! - x0);
  return (y0 + slope * (x - x0)) * ratedW;
}
