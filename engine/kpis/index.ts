// Streaming KPIs of sampled signals: one accumulator per family, combined by createSignalKpis.
export type { KpiRow } from "./kpi-row.js";
export type { KpiAccumulator } from "./kpi-accumulator.js";
export { createSignalKpis, type SignalKpiOptions } from "./signal-kpis.js";
export { createPowerStatsKpis } from "./power-stats-kpis.js";
export { createRampKpis, DEFAULT_RAMP_WINDOWS_S } from "./ramp-kpis.js";
export { createSwingKpis, DEFAULT_SWING_WINDOW_S } from "./swing-kpis.js";
export {
  createSpectrumKpis,
  DEFAULT_BANDS_HZ,
  DEFAULT_DOMINANT_MIN_HZ,
  type BandHz,
  type SpectrumKpiOptions,
} from "./spectrum-kpis.js";
export { createWelchPsd, welchPsd, DEFAULT_SEGMENT_LENGTH, type WelchPsd, type WelchAccumulator } from "./welch-psd.js";
export { bandRms } from "./band-rms.js";
export { dominantFrequency } from "./dominant-frequency.js";
export { quantileNearestRank } from "./quantile-nearest-rank.js";
export { kpiName, nameNumber, durationName, bandName } from "./kpi-name.js";
