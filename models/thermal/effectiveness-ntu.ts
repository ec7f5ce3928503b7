/**
 * Heat-exchanger effectiveness by the ε-NTU method (Incropera & DeWitt, Fundamentals of Heat and
 * Mass Transfer, ch. 11, [R]; docs/physics-sources.md §4). Pure functions of scalars, allocation-free, so
 * the CDU, the heat-reuse exchanger and any other liquid-to-liquid or liquid-to-air exchanger share
 * one implementation.
 *
 * Symbols: C = ṁ·cp (W/K, heat-capacity rate of one stream), Cmin ≤ Cmax, Cr = Cmin / Cmax (0..1),
 * NTU = UA / Cmin, Q = ε·Cmin·(T_hot,in − T_cold,in) (W, positive from the hot to the cold stream).
 * A heat exchanger moves no power from the grid; pumps and fans that drive it are accounted elsewhere.
 */

/** Cr within this distance of 1 uses the balanced-flow limit NTU / (1 + NTU) (the general form is 0/0 there). */
const CR_ONE_EPS = 1e-9;

/**
 * Counterflow effectiveness ε (0..1) for `ntu` ≥ 0 and `cr` in [0, 1] (Incropera eq. 11.30a [R]):
 * ε = (1 − e^(−NTU(1−Cr))) / (1 − Cr·e^(−NTU(1−Cr))); Cr = 1: ε = NTU / (1 + NTU); Cr = 0: ε = 1 − e^(−NTU).
 * NTU ≤ 0 or NaN gives 0; NTU = Infinity gives 1; cr is clamped to [0, 1] (NaN → 0).
 * Example: counterflowEffectiveness(1, 1) → 0.5.
 */
export function counterflowEffectiveness(ntu: number, cr: number): number {
  if (!(ntu > 0)) return 0;
  if (ntu === Infinity) return 1;
  const c = cr > 0 ? (cr < 1 ? cr : 1) : 0;
  if (1 - c < CR_ONE_EPS) return ntu / (1 + ntu);
  const e = Math.exp(-ntu * (1 - c));
  return (1 - e) / (1 - c * e);
}

/**
 * NTU (≥ 0) that gives counterflow effectiveness `eps` at capacity ratio `cr` (the inverse of
 * counterflowEffectiveness, Incropera eq. 11.31a [R]): NTU = ln((1 − ε·Cr)/(1 − ε)) / (1 − Cr);
 * Cr = 1: NTU = ε / (1 − ε). eps ≤ 0 gives 0; eps ≥ 1 (or beyond the reachable
 * maximum, which is 1 for counterflow) gives Infinity.
 */
export function counterflowNtu(eps: number, cr: number): number {
  if (!(eps > 0)) return 0;
  if (eps >= 1) return Infinity;
  const c = cr > 0 ? (cr < 1 ? cr : 1) : 0;
  if (1 - c < CR_ONE_EPS) return eps / (1 - eps);
  return Math.log((1 - eps * c) / (1 - eps)) / (1 - c);
}

/**
 * UA (W/K) of a counterflow exchanger from one rated point: hot inlet `hotInC`, cold inlet
 * `coldInC`, heat-capacity rates `cHotWpK`, `cColdWpK` (W/K) and duty `dutyW` (W). ε = Q / (Cmin·ΔT_in),
 * then UA = NTU(ε, Cr)·Cmin. Throws a RangeError when the rated point is impossible (ε outside (0, 1)).
 * Example: duty 1 MW, Cmin = Cmax = 100 kW/K, inlets 45 / 30 °C → ε = 2/3, NTU = 2, UA = 200 kW/K.
 */
export function uaFromRating(dutyW: number, hotInC: number, coldInC: number, cHotWpK: number, cColdWpK: number): number {
  const cMin = cHotWpK < cColdWpK ? cHotWpK : cColdWpK;
  const cMax = cHotWpK < cColdWpK ? cColdWpK : cHotWpK;
  const eps = dutyW / (cMin * (hotInC - coldInC));
  if (!(eps > 0 && eps < 1) || !(cMin > 0)) {
    throw new RangeError(`uaFromRating: rated point gives ε = ${eps} (needs 0 < ε < 1, Cmin > 0)`);
  }
  return counterflowNtu(eps, cMin / cMax) * cMin;
}

/**
 * UA (W/K) of a counterflow exchanger rated by its approach temperature (docs/physics-sources.md §4: liquid-
 * to-liquid CDU approach ~3-5 K [S]): with equal capacity rates C (W/K) on both sides and the hot
 * stream cooled by `rangeK` (K), the cold inlet sits `approachK` below the hot outlet. Then
 * ε = range / (range + approach), NTU = range / approach, UA = C·range/approach.
 * Example: C = 100 kW/K, range 10 K, approach 3 K → UA = 333.3 kW/K.
 */
export function uaFromApproach(cWpK: number, rangeK: number, approachK: number): number {
  if (!(cWpK > 0) || !(rangeK > 0) || !(approachK > 0)) {
    throw new RangeError(`uaFromApproach: C, range and approach must be > 0 (got ${cWpK}, ${rangeK}, ${approachK})`);
  }
  return (cWpK * rangeK) / approachK;
}

/**
 * Heat duty Q (W, positive from hot to cold) of a counterflow exchanger with conductance `uaWpK`
 * and stream capacity rates `cHotWpK`, `cColdWpK` (W/K) at inlets `hotInC`, `coldInC` (°C).
 * Either C ≤ 0 gives 0 (no flow, no transfer). Negative when the "cold" stream is the warmer one.
 */
export function counterflowDutyW(uaWpK: number, cHotWpK: number, cColdWpK: number, hotInC: number, coldInC: number): number {
  if (!(cHotWpK > 0) || !(cColdWpK > 0)) return 0;
  const cMin = cHotWpK < cColdWpK ? cHotWpK : cColdWpK;
  const cMax = cHotWpK < cColdWpK ? cColdWpK : cHotWpK;
  return counterflowEffectiveness(uaWpK / cMin, cMin / cMax) * cMin * (hotInC - coldInC);
}
