/**
 * Coolant and air properties used by the thermal models, as constants at typical operating
 * temperatures (the models hold them fixed; see README "Limits"). Units: cp in J/(kg·K), density in
 * kg/m³. A fluid's volumetric heat capacity ρ·cp (J/(m³·K)) turns a volume into a thermal mass and a
 * volume flow into a capacity rate C = ρ·cp·V̇ (W/K).
 */
export interface Fluid {
  readonly name: string;
  /** Specific heat capacity, J/(kg·K). */
  readonly cpJpKgK: number;
  /** Density, kg/m³. */
  readonly densityKgM3: number;
}

/**
 * Water. cp 4,180 J/(kg·K) as in docs/physics-sources.md §4's flow check [D]; density 1,000 kg/m³ (that
 * check's 1.5 L/min = 0.025 kg/s); at 30-40 °C the true density is 992-996 kg/m³ [R], 0.5 % lower.
 */
export const WATER: Fluid = Object.freeze({ name: "water", cpJpKgK: 4_180, densityKgM3: 1_000 });

/**
 * Propylene glycol 25 % in water (PG25), the usual secondary (TCS) fluid: cp ≈ 3,900 J/(kg·K)
 * (docs/physics-sources.md §4 [S]), density ≈ 1,020 kg/m³ at 30-40 °C [R].
 */
export const PG25: Fluid = Object.freeze({ name: "pg25", cpJpKgK: 3_900, densityKgM3: 1_020 });

/**
 * Air near 20-35 °C at sea level: cp 1,005 J/(kg·K), density 1.2 kg/m³ [R]; these give the
 * docs/physics-sources.md §5.3 airflow table (10 K: 0.083 m³/s and 176 CFM per kW).
 */
export const AIR: Fluid = Object.freeze({ name: "air", cpJpKgK: 1_005, densityKgM3: 1.2 });

/** Capacity rate C = ρ·cp·V̇ (W/K) of `flowM3s` (m³/s) of `fluid`. Example: WATER, 0.001 m³/s → 4,180 W/K. */
export function capacityRateWpK(fluid: Fluid, flowM3s: number): number {
  return fluid.densityKgM3 * fluid.cpJpKgK * flowM3s;
}

/** Thermal mass ρ·cp·V (J/K) of `volumeM3` (m³) of `fluid`. Example: WATER, 0.025 m³ → 104,500 J/K. */
export function thermalMassJpK(fluid: Fluid, volumeM3: number): number {
  return fluid.densityKgM3 * fluid.cpJpKgK * volumeM3;
}

/** m³/s from L/min. Example: litresPerMinToM3s(60) → 0.001. */
export function litresPerMinToM3s(lpm: number): number {
  return lpm / 60_000;
}

/** L/min from m³/s. Example: m3sToLitresPerMin(0.001) → 60. */
export function m3sToLitresPerMin(flowM3s: number): number {
  return flowM3s * 60_000;
}
