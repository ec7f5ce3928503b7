/**
 * The plant port: the seam between a controller and a plant. A controller resolves point names to
 * integer handles once (at start), then reads measurements and writes setpoints through them on
 * every step without allocating. The sim port (engine/sim-port.ts) implements it over engine state;
 * a Modbus or serial binding implements the same interface over a device, so a controller cannot
 * tell the twin from hardware.
 */

/** Quality of a measured value: ok, stale (older than its freshness limit), or error (read failed). */
export const QUALITY_OK = 0;
export const QUALITY_STALE = 1;
export const QUALITY_ERROR = 2;
export type Quality = typeof QUALITY_OK | typeof QUALITY_STALE | typeof QUALITY_ERROR;

/** A named point of the plant, with its unit and, for setpoints, the bounds a write is clamped to. */
export interface PointSpec {
  /** Dotted name, e.g. `pcc.powerW` or `gpu.train-a.floorFrac`. */
  name: string;
  kind: "measurement" | "setpoint";
  /** Unit symbol, e.g. `W`, `W/s`, `fraction`, `s`, `bool`. */
  unit: string;
  description: string;
  /** Lowest value a setpoint accepts (writes below are clamped and counted). */
  min?: number;
  /** Highest value a setpoint accepts (writes above are clamped and counted). */
  max?: number;
  /** Value before any write (setpoints) or before the first tick (measurements). */
  initial: number;
}

/** What a controller sees: a read-only view of measurements and a buffer of setpoints. */
export interface PlantPort {
  /** All points this port offers. */
  readonly points: readonly PointSpec[];
  /** Handle of a measurement point; throws a UserError naming the point and listing known ones. */
  measurement(name: string): number;
  /** Handle of a setpoint point; throws a UserError naming the point and listing known ones. */
  setpoint(name: string): number;
  /** Latest value of a measurement (from the previous tick in the sim port). */
  read(handle: number): number;
  /** Quality of the latest value of a measurement. */
  quality(handle: number): Quality;
  /** Age of the latest value of a measurement, in seconds. */
  ageS(handle: number): number;
  /** Writes a setpoint; values outside [min, max] are clamped to the declared bounds. */
  write(handle: number, value: number): void;
  /** Current commanded value of a setpoint (the last write, or its initial value). */
  commanded(handle: number): number;
  /**
   * Forecasts of the grid signals (price, carbon intensity, grid stress; engine/signals/), when
   * the port has them: the sim port of a scenario with `signals.port`. Absent on a device port.
   */
  readonly forecasts?: ForecastReader;
}

/**
 * Forecasts of signal points, per signal period. Like points, a controller resolves a handle once
 * (at start) and then reads into a Float64Array it owns, so the hot path never allocates.
 *
 * A forecast is issued at the start of each signal period (as the GB Carbon Intensity API re-issues
 * its forecast every half hour): every ask within one period gets the same values, whoever asks and
 * however often. Element j of a read is the forecast of the period j + 1 periods after the current
 * one (lead (j + 1) × period from its issue); the current period's value is the measurement itself.
 */
export interface ForecastReader {
  /** Names of the signal points that have forecasts, e.g. `grid.carbonGPerKWh`. */
  readonly names: readonly string[];
  /** Handle of the forecast of a signal point; throws a UserError naming the point and listing known ones. */
  handle(name: string): number;
  /** Period of the signal, s (one forecast value per period). */
  periodS(handle: number): number;
  /**
   * Fills out[0 .. n) with the forecasts of the next n periods, n = min(out.length, the periods in
   * `hours`, the periods up to the signal's forecast horizon); returns n. Allocation-free.
   * Example: a 30-min carbon signal, read(h, 6, buf) with buf of 48 → 12 values, the next 6 hours.
   */
  read(handle: number, hours: number, out: Float64Array): number;
}
