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
 * an allocation-free indexed loop. Racks with the same parameters and the same cohort entries draw
 * the same power every tick, so the chain steps one representative per such rack class (a
 * 72-rack hall running one job has a handful) and counts each class's racks per row: the per-tick
 * cost follows the number of distinct racks, not the number of racks.
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
  /** Rack class of each rack; classes are stepped once per tick (see above). */
  rackClass: Int32Array;
  classCount: number;
  /** A representative rack of each class. */
  classRack: Int32Array;
  /** Racks of class c in row j: classRowRacks[j × classCount + c]. */
  classRowRacks: Float64Array;
  /** Outputs per rack class (W); rack r's value is classAcW[rackClass[r]]. */
  classGpuW: Float64Array;
  classDcW: Float64Array;
  classAcW: Float64Array;
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
    rackClass: new Int32Array(n),
    classCount: 0,
    classRack: new Int32Array(0),
    classRowRacks: new Float64Array(0),
    classGpuW: new Float64Array(0),
    classDcW: new Float64Array(0),
    classAcW: new Float64Array(0),
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
  // Rack classes: identical parameters and entries (in order) ⇒ identical power.
  const classOf = new Map<string, number>();
  const representatives: number[] = [];
  racks.forEach((rack, r) => {
    const key = JSON.stringify([rack.gpuIdleW, rack.gpuSpanW, rack.otherIdleW, rack.otherSpanW, rack.psuRatedW, rack.entries]);
    let c = classOf.get(key);
    if (c === undefined) {
      c = representatives.length;
      classOf.set(key, c);
      representatives.push(r);
    }
    chain.rackClass[r] = c;
  });
  const classes = representatives.length;
  chain.classCount = classes;
  chain.classRack = Int32Array.from(representatives);
  chain.classRowRacks = new Float64Array(rowCount * classes);
  racks.forEach((rack, r) => chain.classRowRacks[rack.row * classes + chain.rackClass[r]!]++);
  chain.classGpuW = new Float64Array(classes);
  chain.classDcW = new Float64Array(classes);
  chain.classAcW = new Float64Array(classes);
  return chain;
}

/** Advances the chain one tick from per-GPU cohort power `gpuPowerW` (W per GPU of each cohort). */
export function stepElectricalChain(chain: ElectricalChain, gpuPowerW: Float64Array): void {
  const { classCount, classRack, entryStart, entryCohort, entryGpus, rowW, classRowRacks } = chain;
  for (let c = 0; c < classCount; c++) {
    const r = classRack[c]!;
    let gpuW = 0;
    const end = entryStart[r + 1]!;
    for (let e = entryStart[r]!; e < end; e++) gpuW += entryGpus[e]! * gpuPowerW[entryCohort[e]!]!;
    const span = chain.rackGpuSpanW[r]!;
    let loadFrac = span > 0 ? (gpuW - chain.rackGpuIdleW[r]!) / span : 0;
    loadFrac = loadFrac < 0 ? 0 : loadFrac > 1 ? 1 : loadFrac;
    const dcW = gpuW + chain.rackOtherIdleW[r]! + chain.rackOtherSpanW[r]! * loadFrac;
    chain.classGpuW[c] = gpuW;
    chain.classDcW[c] = dcW;
    chain.classAcW[c] = dcW + lossW(chain.psuCurve, dcW, chain.rackPsuRatedW[r]!);
  }
  let gpuTotalW = 0;
  let dcTotalW = 0;
  let itW = 0;
  let buswayW = 0;
  for (let j = 0; j < chain.rowCount; j++) {
    let rowAcW = 0;
    const base = j * classCount;
    for (let c = 0; c < classCount; c++) {
      const racks = classRowRacks[base + c]!;
      if (racks === 0) continue;
      rowAcW += racks * chain.classAcW[c]!;
      gpuTotalW += racks * chain.classGpuW[c]!;
      dcTotalW += racks * chain.classDcW[c]!;
    }
    rowW[j] = rowAcW;
    itW += rowAcW;
    buswayW += buswayLossW(rowAcW, chain.buswayRatedW, chain.buswayLossAtRatedFrac);
  }
  const upsOutW = itW + buswayW;
  const upsW = chain.upsModules * lossW(chain.upsCurve, upsOutW / chain.upsModules, chain.upsModuleRatedW);
  const transformerOutW = upsOutW + upsW;
  const transformerW = transformerLossW(chain.transformer, transformerOutW);
  const site = chain.site;
  site.gpuPowerW = gpuTotalW;
  site.itDcPowerW = dcTotalW;
  // The PSU loss is the remainder, so IT = DC + PSU loss holds exactly.
  site.psuLossW = itW - dcTotalW;
  site.itPowerW = itW;
  site.buswayLossW = buswayW;
  site.upsLossW = upsW;
  site.transformerLossW = transformerW;
  site.pccPowerW = transformerOutW + transformerW;
}
