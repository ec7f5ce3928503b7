import type { KpiAccumulator } from "./kpi-accumulator.js";
import type { KpiRow } from "./kpi-row.js";
import { checkChunk } from "./kpi-checks.js";
import { createPowerStatsKpis } from "./power-stats-kpis.js";
import { createRampKpis, DEFAULT_RAMP_WINDOWS_S } from "./ramp-kpis.js";
import { createSwingKpis, DEFAULT_SWING_WINDOW_S } from "./swing-kpis.js";
import { createSpectrumKpis, type SpectrumKpiOptions } from "./spectrum-kpis.js";

export interface SignalKpiOptions extends SpectrumKpiOptions {
  /** Ramp windows (s); default [0.04, 1, 60] → `_max_ramp_40ms`, `_max_ramp_1s`, `_max_ramp_60s`. */
  rampWindowsS?: readonly number[];
  /** Swing window (s); default 5. */
  swingWindowS?: number;
}

/**
 * Every KPI of one power signal (W) sampled every dtS seconds, streaming, in this row order:
 * `<prefix>_energy` (Wh), `_peak_power`, `_mean_power`, `_min_power` (W) (createPowerStatsKpis);
 * `_max_ramp_<w>` per ramp window (W/s) (createRampKpis); `_swing_p99`, `_swing_max` (W)
 * (createSwingKpis); `_band_rms_<lo>_<hi>hz` per band (W) and `_dominant_frequency` (Hz)
 * (createSpectrumKpis). See each for its definition and edge cases (NaN where undefined, e.g. no
 * samples). Memory is flat in the horizon apart from one float per swing window.
 * Throws a UserError naming the field for dtS ≤ 0 or a bad option.
 *
 * Example: const k = createSignalKpis("pcc", 0.04); k.add(chunk, chunk.length); ...; k.finish()
 * gives 13 rows with the defaults, the first { name: "pcc_energy", value: ..., unit: "Wh" }.
 */
export function createSignalKpis(prefix: string, dtS: number, options: SignalKpiOptions = {}): KpiAccumulator {
  const parts: KpiAccumulator[] = [
    createPowerStatsKpis(prefix, dtS),
    createRampKpis(prefix, dtS, options.rampWindowsS ?? DEFAULT_RAMP_WINDOWS_S),
    createSwingKpis(prefix, dtS, options.swingWindowS ?? DEFAULT_SWING_WINDOW_S),
    createSpectrumKpis(prefix, dtS, options),
  ];
  return {
    add(values: Float64Array, length: number): void {
      checkChunk(values, length);
      for (let p = 0; p < parts.length; p++) parts[p].add(values, length);
    },
    finish(): KpiRow[] {
      return parts.flatMap((part) => part.finish());
    },
  };
}
