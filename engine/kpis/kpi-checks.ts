import { invalidInput } from "../../models/lib/errors.js";

/**
 * Throws a UserError naming `path` and the value unless `value` is a finite number > 0
 * (`unit` is shown in the message). Example: requirePositive("createSignalKpis(pcc)", "dtS", 0, "s") throws.
 */
export function requirePositive(source: string, path: string, value: unknown, unit: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw invalidInput(source, [{ path, value, expected: `a finite number > 0 (${unit})` }]);
  }
  return value;
}

/** Throws a RangeError (a caller bug) unless `length` is an integer in [0, values.length]. */
export function checkChunk(values: Float64Array, length: number): void {
  if (!Number.isInteger(length) || length < 0 || length > values.length) {
    throw new RangeError(`add(values, length): length must be an integer in [0, ${values.length}], got ${String(length)}`);
  }
}
