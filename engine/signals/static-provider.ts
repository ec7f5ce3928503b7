import type { SignalProvider } from "./signal-provider.js";

/**
 * A signal typed into the scenario: value i holds over period i, and the list repeats (48
 * half-hourly prices make a daily tariff that applies every day of the run).
 * Example: values [10, 20, 30] → valueAt(4) = 20.
 */
export function createStaticProvider(values: readonly number[]): SignalProvider {
  if (values.length === 0) throw new RangeError("createStaticProvider: no values");
  const v = Float64Array.from(values);
  const n = v.length;
  return { kind: "static", valueAt: (p) => v[((p % n) + n) % n]! };
}
