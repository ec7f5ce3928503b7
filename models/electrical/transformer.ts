/**
 * Transformer losses: a constant core (no-load) loss plus a copper loss that grows with the square
 * of the load current, P_loss = P0 + Pk (S / S_rated)² (IEC 60076-1 loss definitions [R]; the EU
 * Ecodesign regulation 548/2014 caps both per rating). `units` identical transformers share the
 * load equally. Example: 1 unit, 1 MVA, P0 = 0.1 %, Pk = 0.8 %, 980 kW at pf 0.98 → 1 kW + 8 kW.
 */
export interface TransformerParams {
  units: number;
  ratedVA: number;
  /** Core loss as a fraction of rating. */
  noLoadLossFrac: number;
  /** Copper loss at rated load as a fraction of rating. */
  loadLossFrac: number;
  powerFactor: number;
}

/** Total loss in W of the transformer bank delivering `outputW`. */
export function transformerLossW(p: TransformerParams, outputW: number): number {
  const perUnitVA = Math.abs(outputW) / p.powerFactor / p.units;
  const loadFrac = perUnitVA / p.ratedVA;
  return p.units * p.ratedVA * (p.noLoadLossFrac + p.loadLossFrac * loadFrac * loadFrac);
}

/**
 * Busway (row bus duct) I²R loss: at constant voltage, loss ∝ P², scaled so that rated power loses
 * `lossAtRatedFrac` of itself. Example: 0.5 % at 1.8 MW rated → 9 kW at 1.8 MW, 2.25 kW at 0.9 MW.
 */
export function buswayLossW(outputW: number, ratedW: number, lossAtRatedFrac: number): number {
  return (lossAtRatedFrac * outputW * outputW) / ratedW;
}
