import { counterflowDutyW, uaFromRating } from "./effectiveness-ntu.js";
import { AIR } from "./fluids.js";

/**
 * Dry cooler (closed-circuit air-to-water coil with fans), driven by the outdoor dry-bulb
 * temperature: pure scalar functions, allocation-free. The coil is taken as counterflow (dry coolers
 * are multi-row cross-counterflow coils; counterflow ε-NTU is the usual approximation [R]), with the
 * air-side capacity rate ∝ fan speed (affinity: airflow ∝ N) and UA ∝ speed^uaAirflowExp (air-side
 * film coefficient ∝ velocity^0.5-0.8 [R], which dominates the coil's UA). Fan power ∝ speed³
 * (docs/physics-sources.md §5.3 [R]). The fans draw power from the grid (positive).
 */
export interface DryCoolerParams {
  /** Heat rejected by one unit at its rating point, W. */
  ratedDutyW: number;
  /** Water in / out at the rating point, °C. */
  ratedWaterInC: number;
  ratedWaterOutC: number;
  /** Air (dry bulb) in at the rating point, °C, and its rise through the coil, K. */
  ratedAirInC: number;
  ratedAirRiseK: number;
  /** Fan power of one unit at full speed, W. */
  ratedFanPowerW: number;
  /** UA ∝ fanSpeed^uaAirflowExp. */
  uaAirflowExp: number;
}

/**
 * A 1 MW dry-cooler module for warm-water (W32-class) cooling: water 40 → 30 °C against 25 °C air
 * (5 K approach of leaving water to entering air), air rising 10 K: ε = 10 / 15, NTU 2, UA 200 kW/K;
 * air 99.5 kg/s (83 m³/s). Fans 25 kW at full speed (2.5 % of the duty). UA exponent 0.6.
 * All figures are assumptions typical of catalogue selections, not from a published datasheet.
 */
export const DRY_COOLER_1MW: DryCoolerParams = Object.freeze({
  ratedDutyW: 1_000_000,
  ratedWaterInC: 40,
  ratedWaterOutC: 30,
  ratedAirInC: 25,
  ratedAirRiseK: 10,
  ratedFanPowerW: 25_000,
  uaAirflowExp: 0.6,
});

/** Figures derived from a rating: water and air capacity rates and UA at rated flows, W/K. */
export interface DryCoolerRating {
  waterWpK: number;
  airWpK: number;
  uaWpK: number;
  /** Air mass flow at full fan speed, kg/s. */
  airKgS: number;
}

/** Derives the capacity rates and UA (W/K) of a unit from its rating point (ε-NTU). Throws a RangeError on an impossible rating. */
export function rateDryCooler(p: DryCoolerParams): DryCoolerRating {
  const waterWpK = p.ratedDutyW / (p.ratedWaterInC - p.ratedWaterOutC);
  const airWpK = p.ratedDutyW / p.ratedAirRiseK;
  if (!(waterWpK > 0) || !(airWpK > 0)) throw new RangeError("rateDryCooler: rating needs water in > out and a positive air rise");
  return { waterWpK, airWpK, uaWpK: uaFromRating(p.ratedDutyW, p.ratedWaterInC, p.ratedAirInC, waterWpK, airWpK), airKgS: airWpK / AIR.cpJpKgK };
}

/**
 * Heat rejected by one unit, W (≥ 0), at fan speed `fanSpeedFrac` (0..1), water capacity rate
 * `waterWpK` (W/K) entering at `waterInC` (°C), and dry bulb `airInC` (°C):
 * Q = ε(NTU, Cr)·Cmin·(T_water,in − T_air) with C_air = C_air,rated·s, UA = UA_rated·s^exp.
 * When the air is warmer than the water the unit is bypassed (0): a dry cooler never heats the loop.
 */
export function dryCoolerDutyW(p: DryCoolerParams, rating: DryCoolerRating, fanSpeedFrac: number, waterWpK: number, waterInC: number, airInC: number): number {
  const s = fanSpeedFrac > 0 ? (fanSpeedFrac < 1 ? fanSpeedFrac : 1) : 0;
  if (s === 0 || !(waterInC > airInC)) return 0;
  const q = counterflowDutyW(rating.uaWpK * Math.pow(s, p.uaAirflowExp), waterWpK, rating.airWpK * s, waterInC, airInC);
  return q > 0 ? q : 0;
}
