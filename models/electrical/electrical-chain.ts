import { lossW, type LossCurve } from "./loss-curve.js";
import { buswayLossW, transformerLossW, type TransformerParams } from "./transformer.js";

/**
 * The hall's electrical chain, one tick at a time: GPU cohorts → rack DC load → rack PSUs (AC, the
 * IT power of The Green Grid's PUE) → row busways → UPS modules → MV/LV transformers → point of
 * common coupling (PCC). Power flows from the grid to the racks (positive = consumption).
 *
 * Energy balance, exact by construction and checked in tests:
 *   pcc = it + busway + ups + transformer losses,  it = dc + psu loss,  dc = gpu + other.
 *
 * State is structure-of-arrays, allocated once by createElectricalChain; stepElectricalChain is
 * an allocation-free indexed loop (racks × their cohort entries).
 */
export interface ElectricalChain {
  rackCount: number;
  rowCount: number;
  /** Row of each rack. */
  rackRow: Int32Array;
  /** CSR map rack → (cohort, GPU count): entries entryStart[r] .. entryStart[r+1]−1. */
  entryStart: Int32Array;
  entryCohort: Int32Array;
  entryGpus: Float64Array;
  /** Sum over the rack's GPUs of idle power, and of (full − idle), W: scales non-GPU load. */
  rackGpuIdleW: Float64Array;
  rackGpuSpanW: Float64Array;
  rackOtherIdleW: Float64Array;
  rackOtherSpanW: Float64Array;
  rackPsuRatedW: Float64Array;
  psuCurve: LossCurve;
  buswayRatedW: number;
  buswayLossAtRatedFrac: number;
  upsModules: number;
  upsModuleRatedW: number;
  upsCurve: LossCurve;
  transformer: TransformerParams;
  /** Outputs per rack (W). */
  rackGpuW: Float64Array;
  rackDcW: Float64Array;
  rackAcW: Float64Array;
  /** Output of each row busway (sum of its racks' AC power), W. */
  rowW: Float64Array;
  /** Site totals of the last step (W). */
  site: SiteTotals;
}

export interface SiteTotals {
  gpuPowerW: number;
  itDcPowerW: number;
  psuLossW: number;
  itPowerW: number;
  buswayLossW: number;
  upsLossW: number;
  transformerLossW: number;
  pccPowerW: number;
}

export interface RackElectrical {
  row: number;
  gpuIdleW: number;
  gpuSpanW: number;
  otherIdleW: number;
  otherSpanW: number;
  psuRatedW: number;
  /** (cohort, GPUs of that cohort in this rack). */
  entries: readonly { cohort: number; gpus: number }[];
}

export interface ChainParams {
  psuCurve: LossCurve;
  buswayRatedW: number;
  buswayLossAtRatedFrac: number;
  upsModules: number;
  upsModuleRatedW: number;
  upsCurve: LossCurve;
  transformer: TransformerParams;
}

/** Allocates the chain for the given racks (in rack index order) and `rowCount` rows. */
export function createElectricalChain(racks: readonly RackElectrical[], rowCount: number, params: ChainParams): ElectricalChain {
  const n = racks.length;
  const entryCount = racks.reduce((sum, r) => sum + r.entries.length, 0);
  const chain: ElectricalChain = {
    rackCount: n,
    rowCount,
    rackRow: new Int32Array(n),
    entryStart: new Int32Array(n + 1),
    entryCohort: new Int32Array(entryCount),
    entryGpus: new Float64Array(entryCount),
    rackGpuIdleW: new Float64Array(n),
    rackGpuSpanW: new Float64Array(n),
    rackOtherIdleW: new Float64Array(n),
    rackOtherSpanW: new Float64Array(n),
    rackPsuRatedW: new Float64Array(n),
    ...params,
    rackGpuW: new Float64Array(n),
    rackDcW: new Float64Array(n),
    rackAcW: new Float64Array(n),
    rowW: new Float64Array(rowCount),
    site: { gpuPowerW: 0, itDcPowerW: 0, psuLossW: 0, itPowerW: 0, buswayLossW: 0, upsLossW: 0, transformerLossW: 0, pccPowerW: 0 },
  };
  let e = 0;
  racks.forEach((rack, r) => {
    chain.rackRow[r] = rack.row;
    chain.rackGpuIdleW[r] = rack.gpuIdleW;
    chain.rackGpuSpanW[r] = rack.gpuSpanW;
    chain.rackOtherIdleW[r] = rack.otherIdleW;
    chain.rackOtherSpanW[r] = rack.otherSpanW;
    chain.rackPsuRatedW[r] = rack.psuRatedW;
    chain.entryStart[r] = e;
    for (const entry of rack.entries) {
      chain.entryCohort[e] = entry.cohort;
      chain.entryGpus[e] = entry.gpus;
      e++;
    }
  });
  chain.entryStart[n] = e;
  return chain;
}

/** Advances the chain one tick from per-GPU cohort power `gpuPowerW` (W per GPU of each cohort). */
export function stepElectricalChain(chain: ElectricalChain, gpuPowerW: Float64Array): void {
  const { rackCount, entryStart, entryCohort, entryGpus, rowW } = chain;
  rowW.fill(0);
  let gpuTotalW = 0;
  let dcTotalW = 0;
  let psuLossTotalW = 0;
  for (let r = 0; r < rackCount; r++) {
    let gpuW = 0;
    const end = entryStart[r + 1]!;
    for (let e = entryStart[r]!; e < end; e++) gpuW += entryGpus[e]! * gpuPowerW[entryCohort[e]!]!;
    const span = chain.rackGpuSpanW[r]!;
    let loadFrac = span > 0 ? (gpuW - chain.rackGpuIdleW[r]!) / span : 0;
    loadFrac = loadFrac < 0 ? 0 : loadFrac > 1 ? 1 : loadFrac;
    const dcW = gpuW + chain.rackOtherIdleW[r]! + chain.rackOtherSpanW[r]! * loadFrac;
    const psuLoss = lossW(chain.psuCurve, dcW, chain.rackPsuRatedW[r]!);
    const acW = dcW + psuLoss;
    chain.rackGpuW[r] = gpuW;
    chain.rackDcW[r] = dcW;
    chain.rackAcW[r] = acW;
    rowW[chain.rackRow[r]!] += acW;
    gpuTotalW += gpuW;
    dcTotalW += dcW;
    psuLossTotalW += psuLoss;
  }
  let itW = 0;
  let buswayW = 0;
  for (let j = 0; j < chain.rowCount; j++) {
    itW += rowW[j]!;
    buswayW += buswayLossW(rowW[j]!, chain.buswayRatedW, chain.buswayLossAtRatedFrac);
  }
  const upsOutW = itW + buswayW;
  const upsW = chain.upsModules * lossW(chain.upsCurve, upsOutW / chain.upsModules, chain.upsModuleRatedW);
  const transformerOutW = upsOutW + upsW;
  const transformerW = transformerLossW(chain.transformer, transformerOutW);
  const site = chain.site;
  site.gpuPowerW = gpuTotalW;
  site.itDcPowerW = dcTotalW;
  site.psuLossW = psuLossTotalW;
  site.itPowerW = itW;
  site.buswayLossW = buswayW;
  site.upsLossW = upsW;
  site.transformerLossW = transformerW;
  site.pccPowerW = transformerOutW + transformerW;
}
