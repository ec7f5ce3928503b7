import type { WelchPsd } from "./welch-psd.js";

/**
 * RMS amplitude (signal unit, e.g. W) of the part of a signal between loHz and hiHz:
 * sqrt(Σ density[k]·resolutionHz) over the bins with loHz ≤ f[k] < hiHz. The upper edge is clipped
 * to Nyquist, and when hiHz ≥ Nyquist the Nyquist bin is included. Bins count whole (no fractional
 * edge bins), so a sine within about two bins of an edge is split between neighbouring bands by the
 * Hann main lobe. NaN when no bin falls in the band (band above Nyquist, or narrower than the
 * resolution, e.g. for a short zero-padded signal).
 *
 * Example: a sine of amplitude A at 2.3 Hz gives bandRms(psd, 1, 5) ≈ A/√2 and bandRms(psd, 5, 12.5) ≈ 0.
 */
export function bandRms(psd: WelchPsd, loHz: number, hiHz: number): number {
  const f = psd.frequencyHz;
  const d = psd.density;
  const bins = f.length;
  if (bins === 0) return NaN;
  const nyquistHz = f[bins - 1];
  let variance = 0;
  let used = 0;
  for (let k = 0; k < bins; k++) {
    const fk = f[k];
    if (fk >= loHz && (fk < hiHz || (hiHz >= nyquistHz && k === bins - 1))) {
      variance += d[k];
      used++;
    }
  }
  return used === 0 ? NaN : Math.sqrt(variance * psd.resolutionHz);
}
