import { counterflowDutyW, uaFromRating } from "./effectiveness-ntu.js";

/**
 * Open evaporative cooling tower driven by the outdoor wet-bulb temperature, with its water use:
 * pure scalar functions, allocation-free.
 *
 * Heat transfer: the effectiveness model of Braun, Klein & Mitchell (1989, ASHRAE Trans. 95(2)) [R]:
 * the air is treated as a stream whose "temperature" is its wet bulb and whose capacity rate is
 * ṁ_air·c_s, with c_s = (h_sat(T_water,in) − h_sat(T_wb)) / (T_water,in − T_wb) the mean slope of the
 * saturated-air enthalpy; then Q = ε·Cmin·(T_water,in − T_wb) with counterflow ε-NTU. UA (in these
 * units) comes from a rating point (range, approach to wet bulb), airflow ∝ fan speed, UA ∝
 * speed^uaAirflowExp. Fan power ∝ speed³ [R]. The leaving water never goes below the wet bulb.
 *
 * Water (docs/physics-sources.md §4 / issue 5): evaporation E = latentFrac·Q / h_fg; with cycles of
 * concentration COC the makeup is M = E·COC / (COC − 1), of which drift D = driftFrac × circulating
 * mass flow and blowdown B = M − E − D (standard tower water balance [R]). The fans draw power from
 * the grid (positive); water flows are kg/s.
 */
export interface CoolingTowerParams {
  /** Heat rejected by one unit at its rating point, W. */
  ratedDutyW: number;
  /** Water in / out and wet bulb at the rating point, °C (approach = out − wet bulb). */
  ratedWaterInC: number;
  ratedWaterOutC: number;
  ratedWetBulbC: number;
  /** Water-to-air mass flow ratio L/G at the rating point. */
  liquidToGasRatio: number;
  /** Fan power of one unit at full speed, W. */
  ratedFanPowerW: number;
  /** UA ∝ fanSpeed^uaAirflowExp. */
  uaAirflowExp: number;
  /** Share of the rejected heat that evaporates water (1 = all latent: the Q / h_fg upper bound). */
  latentFrac: number;
  /** Latent heat of vaporisation, J/kg. */
  hFgJpKg: number;
  /** Drift loss as a fraction of the circulating water mass flow. */
  driftFrac: number;
  /** Cycles of concentration (> 1). */
  cyclesOfConcentration: number;
  /** Barometric pressure for the psychrometrics, Pa. */
  pressurePa: number;
}

/**
 * A 1 MW tower cell for warm water: water 37 → 27 °C at a 21 °C design wet bulb (6 K approach;
 * Bedford's highest wet bulb in 2022 was 21.6 °C), L/G 1.2, fans 8 kW (0.8 % of the duty) and UA
 * exponent 0.6: assumptions typical of catalogue selections. Water: latentFrac 1 (issue 5's
 * E ≈ Q / h_fg; real towers evaporate ~75-90 % of Q [R]), h_fg 2.43 MJ/kg at ~30 °C [R], drift
 * 0.005 % of circulation (modern drift eliminators 0.0005-0.005 % [R]), 4 cycles of concentration
 * (3-6 typical [R]), 101.325 kPa.
 */
export const COOLING_TOWER_1MW: CoolingTowerParams = Object.freeze({
  ratedDutyW: 1_000_000,
  ratedWaterInC: 37,
  ratedWaterOutC: 27,
  ratedWetBulbC: 21,
  liquidToGasRatio: 1.2,
  ratedFanPowerW: 8_000,
  uaAirflowExp: 0.6,
  latentFrac: 1,
  hFgJpKg: 2.43e6,
  driftFrac: 0.00005,
  cyclesOfConcentration: 4,
  pressurePa: 101_325,
});

/**
 * Saturation vapour pressure over water, Pa, at `tempC` (Magnus form, Alduchov & Eskridge 1996
 * coefficients [R]: 610.94·exp(17.625·T / (T + 243.04))). Example: 20 °C → 2,333 Pa (the exact IAPWS value is 2,339 Pa).
 */
export function saturationPressurePa(tempC: number): number {
  return 610.94 * Math.exp((17.625 * tempC) / (tempC + 243.04));
}

/**
 * Enthalpy of saturated moist air, J per kg of dry air, at `tempC` and `pressurePa` (ASHRAE
 * Fundamentals ch. 1 [R]: h = 1006·T + W·(2.501e6 + 1860·T), W = 0.621945·p_ws / (p − p_ws)).
 * Example: 20 °C, 101,325 Pa → 57.3 kJ/kg.
 */
export function saturatedAirEnthalpyJpKg(tempC: number, pressurePa: number): number {
  const pws = saturationPressurePa(tempC);
  const w = (0.621945 * pws) / (pressurePa - pws);
  return 1006 * tempC + w * (2.501e6 + 1860 * tempC);
}

/** Mean slope c_s of the saturated-air enthalpy between `wetBulbC` and `waterC`, J/(kg·K) (the derivative when they meet). */
export function saturationSlopeJpKgK(waterC: number, wetBulbC: number, pressurePa: number): number {
  const d = waterC - wetBulbC;
  if (Math.abs(d) < 1e-3) {
    return (saturatedAirEnthalpyJpKg(wetBulbC + 0.01, pressurePa) - saturatedAirEnthalpyJpKg(wetBulbC - 0.01, pressurePa)) / 0.02;
  }
  return (saturatedAirEnthalpyJpKg(waterC, pressurePa) - saturatedAirEnthalpyJpKg(wetBulbC, pressurePa)) / d;
}

/** Figures derived from a tower rating: water capacity rate (W/K) and mass flow (kg/s), air mass flow (kg/s), UA (W/K). */
export interface CoolingTowerRating {
  waterWpK: number;
  waterKgS: number;
  airKgS: number;
  uaWpK: number;
}

/** Derives a unit's rated flows and UA from its rating point. Throws a RangeError on an impossible rating. */
export function rateCoolingTower(p: CoolingTowerParams, waterCpJpKgK = 4_180): CoolingTowerRating {
  const waterWpK = p.ratedDutyW / (p.ratedWaterInC - p.ratedWaterOutC);
  if (!(waterWpK > 0) || !(p.ratedWaterOutC > p.ratedWetBulbC)) throw new RangeError("rateCoolingTower: rating needs water in > out > wet bulb");
  const waterKgS = waterWpK / waterCpJpKgK;
  const airKgS = waterKgS / p.liquidToGasRatio;
  const airWpK = airKgS * saturationSlopeJpKgK(p.ratedWaterInC, p.ratedWetBulbC, p.pressurePa);
  return { waterWpK, waterKgS, airKgS, uaWpK: uaFromRating(p.ratedDutyW, p.ratedWaterInC, p.ratedWetBulbC, waterWpK, airWpK) };
}

/**
 * Heat rejected by one unit, W (≥ 0), at fan speed `fanSpeedFrac` (0..1), water capacity rate
 * `waterWpK` (W/K) entering at `waterInC` (°C), and wet bulb `wetBulbC` (°C). Water colder than the
 * wet bulb bypasses the tower (0). Fans off: 0 (natural draught is neglected).
 */
export function coolingTowerDutyW(p: CoolingTowerParams, rating: CoolingTowerRating, fanSpeedFrac: number, waterWpK: number, waterInC: number, wetBulbC: number): number {
  const s = fanSpeedFrac > 0 ? (fanSpeedFrac < 1 ? fanSpeedFrac : 1) : 0;
  if (s === 0 || !(waterInC > wetBulbC)) return 0;
  const airWpK = rating.airKgS * s * saturationSlopeJpKgK(waterInC, wetBulbC, p.pressurePa);
  const q = counterflowDutyW(rating.uaWpK * Math.pow(s, p.uaAirflowExp), waterWpK, airWpK, waterInC, wetBulbC);
  return q > 0 ? q : 0;
}

/** Evaporation, kg/s, for `dutyW` of heat rejected: latentFrac·Q / h_fg. Example (COOLING_TOWER_1MW): 1 MW → 0.4115 kg/s. */
export function towerEvaporationKgS(p: CoolingTowerParams, dutyW: number): number {
  return dutyW > 0 ? (p.latentFrac * dutyW) / p.hFgJpKg : 0;
}

/** Makeup water, kg/s, for evaporation `evapKgS`: E·COC / (COC − 1) (evaporation + drift + blowdown). */
export function towerMakeupKgS(p: CoolingTowerParams, evapKgS: number): number {
  return (evapKgS * p.cyclesOfConcentration) / (p.cyclesOfConcentration - 1);
}
