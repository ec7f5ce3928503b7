/**
 * Trim chiller: mechanical cooling in series after free cooling, pulling the facility water down to
 * its leaving-water setpoint when the dry coolers or towers cannot. Pure scalar functions.
 *
 * Duty: Q = min(capacity, C_water·(T_in − T_set)⁺), 0 when off or failed (the failure input).
 * COP: a fixed value (water-cooled centrifugal chillers 6-7, docs/physics-sources.md §5.3 [S]) or a fraction
 * of the Carnot COP for the actual lift, COP = η·T_evap / (T_cond − T_evap) in kelvin (docs/physics-sources.md
 * §5.1 [D]; η ≈ 0.45-0.6 [R]), with T_evap = setpoint − evaporator approach and T_cond = heat sink
 * (dry bulb for air-cooled, tower water for water-cooled) + condenser approach; capped at copMax.
 * Electrical power P = Q / COP is drawn from the grid (positive); the condenser rejects Q + P to
 * the heat sink.
 */
export interface ChillerParams {
  /** Cooling capacity of one unit, W. */
  capacityW: number;
  /** Fixed COP (> 0), or 0 to use carnotFrac. */
  copFixed: number;
  /** Fraction of the Carnot COP achieved (when copFixed is 0). */
  carnotFrac: number;
  /** Evaporating temperature below the leaving water, K; condensing temperature above the sink, K. */
  evapApproachK: number;
  condApproachK: number;
  /** Upper bound of the COP (small or negative lifts). */
  copMax: number;
}

/**
 * A 1 MW air-cooled trim chiller: COP = 0.5 × Carnot [R], evaporating 2 K below the leaving water,
 * condensing 10 K above the dry bulb, COP ≤ 10 (assumptions). At 30 °C leaving water and 39 °C
 * outside this gives COP 7.2, and at 14 °C / 25 °C 6.2: within the 6-7 [S] of §5.3.
 */
export const TRIM_CHILLER_1MW: ChillerParams = Object.freeze({
  capacityW: 1_000_000,
  copFixed: 0,
  carnotFrac: 0.5,
  evapApproachK: 2,
  condApproachK: 10,
  copMax: 10,
});

/** Kelvin offset of the Celsius scale. */
export const KELVIN = 273.15;

/**
 * COP of the chiller producing water at `leavingC` (°C) against a heat sink at `sinkC` (°C):
 * copFixed when > 0, else min(copMax, carnotFrac·T_evap / (T_cond − T_evap)); a lift ≤ 0 gives copMax.
 * Example (TRIM_CHILLER_1MW): leaving 30 °C, sink 39 °C → 0.5 × 301.15 / 21 = 7.17.
 */
export function chillerCop(p: ChillerParams, leavingC: number, sinkC: number): number {
  if (p.copFixed > 0) return p.copFixed;
  const evapK = leavingC - p.evapApproachK + KELVIN;
  const liftK = sinkC + p.condApproachK + KELVIN - evapK;
  if (!(liftK > 0)) return p.copMax;
  const cop = (p.carnotFrac * evapK) / liftK;
  return cop < p.copMax ? cop : p.copMax;
}

/**
 * Cooling duty, W (≥ 0), of `units` chillers bringing a stream of capacity rate `waterWpK` (W/K)
 * from `inC` down to `setC` (°C): min(units × capacity, C·(in − set)⁺).
 */
export function chillerDutyW(p: ChillerParams, units: number, waterWpK: number, inC: number, setC: number): number {
  const needW = waterWpK * (inC - setC);
  if (!(needW > 0)) return 0;
  const capW = units * p.capacityW;
  return needW < capW ? needW : capW;
}
