import { AIR } from "./fluids.js";

/**
 * Computer-room air handler (CRAH): a chilled-water coil and variable-speed fans. Pure scalar
 * functions, allocation-free; the units are stepped with their rows by air-hall.ts.
 *
 * Airflow ∝ fan speed and fan power ∝ speed³ (affinity laws, docs/physics-sources.md §5.3 [R]). The unit's
 * own valve holds the supply (leaving) air at its setpoint, which it cannot push below the chilled
 * water temperature plus the coil approach, nor beyond its capacity; it never heats the air.
 * Airflow per kW follows V = P / (ρ·cp·ΔT) (§5.3 [D]). Fans draw power from the grid (positive); a
 * share `fanHeatFrac` of it heats the air stream.
 */
export interface CrahParams {
  /** Airflow at full fan speed, m³/s. */
  ratedAirflowM3s: number;
  /** Fan power at full speed, W. */
  ratedFanPowerW: number;
  /** Largest coil duty, W. */
  capacityW: number;
  /** Smallest difference between supply air and chilled-water supply, K. */
  coilApproachK: number;
  /** Fan speed ramp, fraction of rated speed per second. */
  fanRampFracPerS: number;
  /** Share of the fan power that heats the air stream (motor in the airstream: 1). */
  fanHeatFrac: number;
}

/**
 * A 100 kW chilled-water CRAH sized for a 12 K air rise: airflow 100 kW / (1.2 × 1,005 × 12) =
 * 6.91 m³/s (14,600 CFM; the §5.3 table gives 146 CFM/kW at 12 K [D]); EC fans 6 kW at full speed,
 * coil approach 4 K, ramp 10 %/s (assumptions typical of catalogue units).
 */
export const CRAH_100KW: CrahParams = Object.freeze({
  ratedAirflowM3s: 100_000 / (AIR.densityKgM3 * AIR.cpJpKgK * 12),
  ratedFanPowerW: 6_000,
  capacityW: 100_000,
  coilApproachK: 4,
  fanRampFracPerS: 0.1,
  fanHeatFrac: 1,
});

/**
 * Supply (leaving) air temperature, °C, of a unit moving `airWpK` (W/K, ρ·cp·V̇) of air entering at
 * `returnC` (°C) with setpoint `setC`, chilled water at `chwC` (°C):
 * T = max(setC, chwC + coilApproachK), then no warmer than returnC (the coil never heats) and no
 * colder than returnC − capacityW / airWpK. No airflow returns returnC.
 * Example (CRAH_100KW): set 20, return 35, chw 14, 8.33 kW/K → max(20, 18) = 20 (duty 125 kW > 100 kW) → 35 − 12 = 23.
 */
export function crahSupplyC(p: CrahParams, setC: number, returnC: number, chwC: number, airWpK: number): number {
  if (!(airWpK > 0)) return returnC;
  let t = setC > chwC + p.coilApproachK ? setC : chwC + p.coilApproachK;
  if (t > returnC) t = returnC;
  const floorC = returnC - p.capacityW / airWpK;
  return t < floorC ? floorC : t;
}

/**
 * Airflow, m³/s, that carries `heatW` (W) with an air rise of `riseK` (K): V = P / (ρ·cp·ΔT)
 * (docs/physics-sources.md §5.3 [D]). Example: 1 kW at 10 K → 0.0829 m³/s (176 CFM).
 */
export function airflowForHeatM3s(heatW: number, riseK: number): number {
  return heatW / (AIR.densityKgM3 * AIR.cpJpKgK * riseK);
}

/** Cubic feet per minute from m³/s (1 ft³ = 0.028316846592 m³). Example: 0.0829 m³/s → 176 CFM. */
export function m3sToCfm(flowM3s: number): number {
  return (flowM3s * 60) / 0.028316846592;
}
