import type { KpiAccumulator } from "./kpi-accumulator.js";
import type { KpiRow } from "./kpi-row.js";
import { requirePositive } from "./kpi-checks.js";
import { bandName, kpiName } from "./kpi-name.js";
import { createWelchPsd, DEFAULT_SEGMENT_LENGTH } from "./welch-psd.js";
import { bandRms } from "./band-rms.js";
import { dominantFrequency } from "./dominant-frequency.js";
import { invalidInput } from "../../models/lib/errors.js";

/** A frequency band [loHz, hiHz) (Hz). */
export type BandHz = readonly [loHz: number, hiHz: number];

/**
 * Bands reported by default (Hz): 0.1-1 (training iteration periods of ~1-10 s), 1-5 and 5-12.5
 * (up to Nyquist at 40 ms), the grid-relevant 0.1-20 Hz range of docs/physics-sources.md §1.1
 * cut at the 12.5 Hz Nyquist of the default tick.
 */
export const DEFAULT_BANDS_HZ: readonly BandHz[] = [
  [0.1, 1],
  [1, 5],
  [5, 12.5],
];

/** Dominant frequencies at or below this are ignored by default (Hz), so slow drifts and the job envelope do not win. */
export const DEFAULT_DOMINANT_MIN_HZ = 0.05;

export interface SpectrumKpiOptions {
  /** Welch segment length (samples, a power of two ≥ 2); default 4,096. */
  segmentLength?: number;
  /** Bands for `_band_rms_<lo>_<hi>hz` (Hz); default DEFAULT_BANDS_HZ. */
  bandsHz?: readonly BandHz[];
  /** `_dominant_frequency` looks strictly above this (Hz); default 0.05. */
  dominantMinHz?: number;
}

/**
 * Streaming spectral KPIs of a signal sampled every dtS seconds, from its Welch PSD (createWelchPsd:
 * Hann, 50 % overlap, mean removed per segment, one zero-padded segment for a signal shorter than
 * one segment).
 *
 * Rows: `<prefix>_band_rms_<lo>_<hi>hz` per band (W: RMS amplitude in the band, see bandRms; a sine
 * of amplitude A inside a band gives A/√2; NaN for a band without bins), then
 * `<prefix>_dominant_frequency` (Hz, see dominantFrequency; NaN for a constant or empty signal).
 * The names use the configured edges; the upper edge is clipped to Nyquist only in the computation.
 * Memory O(segmentLength). Throws a UserError for dtS ≤ 0, a bad segment length or a band with
 * loHz < 0 or hiHz ≤ loHz.
 *
 * Example: 2 h of 3e5·sin(2π·2.3·t) W at dtS = 0.04 gives band_rms_1_5hz ≈ 212,132 W and
 * dominant_frequency ≈ 2.3 Hz.
 */
export function createSpectrumKpis(prefix: string, dtS: number, options: SpectrumKpiOptions = {}): KpiAccumulator {
  const source = `createSpectrumKpis(${prefix})`;
  requirePositive(source, "dtS", dtS, "s");
  const bands = options.bandsHz ?? DEFAULT_BANDS_HZ;
  bands.forEach(([lo, hi], b) => {
    if (!(Number.isFinite(lo) && lo >= 0 && Number.isFinite(hi) && hi > lo)) {
      throw invalidInput(source, [{ path: `bandsHz[${b}]`, value: [lo, hi], expected: "[loHz, hiHz] with 0 ≤ loHz < hiHz (Hz)" }]);
    }
  });
  const minHz = options.dominantMinHz ?? DEFAULT_DOMINANT_MIN_HZ;
  if (!(Number.isFinite(minHz) && minHz >= 0)) {
    throw invalidInput(source, [{ path: "dominantMinHz", value: minHz, expected: "a finite number ≥ 0 (Hz)" }]);
  }
  const welch = createWelchPsd(dtS, options.segmentLength ?? DEFAULT_SEGMENT_LENGTH);
  return {
    add: welch.add,
    finish(): KpiRow[] {
      const psd = welch.result();
      const rows: KpiRow[] = bands.map(([lo, hi]) => ({
        name: kpiName(prefix, `band_rms_${bandName(lo, hi)}`),
        value: bandRms(psd, lo, hi),
        unit: "W",
      }));
      rows.push({ name: kpiName(prefix, "dominant_frequency"), value: dominantFrequency(psd, minHz), unit: "Hz" });
      return rows;
    },
  };
}
