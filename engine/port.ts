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
}
