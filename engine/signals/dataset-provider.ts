import { createSignal, signalAt, type UniformSeries } from "../../models/signals/signal.js";
import type { SignalProvider } from "./signal-provider.js";

/**
 * A signal from committed data (datasets/: GB Agile and ENTSO-E prices, GB carbon intensity): the
 * mean of the data over each signal period, scaled by `scale` (e.g. 10 for p/kWh → GBP/MWh).
 * A period inside one data period holds that period's value (a 15-min price on 30-min Agile data);
 * a period spanning several averages them (a 1-h market on 30-min data: the hour's mean price),
 * so energy × price over the period is what the data would charge for a flat load.
 *
 * Example: Agile 2020, startMs 2020-07-15T00:00Z, periodS 1800, scale 10 → valueAt(0) is the
 * 00:00-00:30 row × 10 (GBP/MWh).
 */
export function createDatasetProvider(series: UniformSeries, startMs: number, periodS: number, scale = 1): SignalProvider {
  // The engine's tick here is the signal period, so signalAt(sig, p) is the mean over period p.
  const sig = createSignal(series, { startMs, dtS: periodS, interp: "step", outside: "hold" });
  return {
    kind: "dataset",
    valueAt: (p) => signalAt(sig, p) * scale,
  };
}
