/**
 * Facility energy KPIs as pure functions of energy totals over a reporting period (Wh in, ratios
 * out), following docs/physics-sources.md §5.2:
 * - PUE = total facility energy / IT energy (The Green Grid; ISO/IEC 30134-2:2016 [P]); report it
 *   over a long period (annualised), not as an instantaneous value [P] (Green Grid WP#49).
 * - partial PUE of a subsystem (The Green Grid's pPUE for a zone): (IT + the subsystem's energy) / IT,
 *   so with subsystems that split the overhead, PUE − 1 = Σ (pPUE_i − 1).
 * - ERF (energy reuse factor, "energy reuse fraction") = reuse energy / total facility energy.
 * - ERE = (total − reuse) / IT = (1 − ERF) · PUE.
 * Only energy reused outside the data-centre boundary counts as reuse [S] (Green Grid via STULZ):
 * facilityKpis takes every reuse flow with its destination and counts the outside ones only.
 * Energies are consumption (drawn from the grid, ≥ 0); reuse is heat exported, ≥ 0.
 */

/** PUE = totalFacilityWh / itWh. NaN when itWh ≤ 0. Example: pue(1036, 1000) → 1.036. */
export function pue(totalFacilityWh: number, itWh: number): number {
  return itWh > 0 ? totalFacilityWh / itWh : NaN;
}

/** Partial PUE of one subsystem: (itWh + subsystemWh) / itWh. NaN when itWh ≤ 0. Example: (1000, 30) → 1.03. */
export function partialPue(itWh: number, subsystemWh: number): number {
  return itWh > 0 ? (itWh + subsystemWh) / itWh : NaN;
}

/** ERF = reuseWh / totalFacilityWh. NaN when totalFacilityWh ≤ 0. Example: erf(270, 1080) → 0.25. */
export function erf(reuseWh: number, totalFacilityWh: number): number {
  return totalFacilityWh > 0 ? reuseWh / totalFacilityWh : NaN;
}

/** ERE = (totalFacilityWh − reuseWh) / itWh. NaN when itWh ≤ 0. Example: ere(1080, 270, 1000) → 0.81. */
export function ere(totalFacilityWh: number, reuseWh: number, itWh: number): number {
  return itWh > 0 ? (totalFacilityWh - reuseWh) / itWh : NaN;
}

/** One flow of reused heat over the period. */
export interface ReuseFlow {
  readonly name: string;
  /** Heat, Wh (≥ 0). */
  readonly heatWh: number;
  /** True when the heat leaves the data-centre boundary (a district network); false for use inside it. */
  readonly outsideBoundary: boolean;
}

/** Energy totals of a facility over a reporting period. */
export interface FacilityEnergy {
  /** IT energy (rack PSU input), Wh (> 0 for defined ratios). */
  readonly itWh: number;
  /** Every non-IT consumer inside the boundary by subsystem (cooling, electrical losses, heat pumps...), Wh (≥ 0). */
  readonly overheadWh: Readonly<Record<string, number>>;
  /** Reused heat flows (outside and inside the boundary). */
  readonly reuse: readonly ReuseFlow[];
}

export interface FacilityKpis {
  /** IT + every overhead, Wh. */
  readonly totalFacilityWh: number;
  readonly itWh: number;
  readonly pue: number;
  /** Partial PUE per overhead subsystem. */
  readonly partialPue: Readonly<Record<string, number>>;
  /** Heat reused outside the boundary, Wh: what ERF and ERE count. */
  readonly reuseWh: number;
  /** Heat reused inside the boundary, Wh: reported, never counted. */
  readonly reuseInsideWh: number;
  readonly erf: number;
  readonly ere: number;
}

/**
 * PUE, partial PUEs, ERF and ERE of one period. Counts only reuse flows with outsideBoundary.
 * Throws a RangeError naming the field for a negative or non-finite energy, or for outside reuse
 * above the total facility energy (reuse cannot exceed what the facility consumed: ERF ≤ 1).
 * Example: IT 1,000, cooling 30, electrical 50, district heat 270 outside → PUE 1.08, ERF 0.25, ERE 0.81.
 */
export function facilityKpis(energy: FacilityEnergy): FacilityKpis {
  const check = (path: string, v: number): void => {
    if (!(typeof v === "number" && Number.isFinite(v) && v >= 0)) {
      throw new RangeError(`facilityKpis: ${path} must be an energy ≥ 0 Wh, got ${v}`);
    }
  };
  check("itWh", energy.itWh);
  let overhead = 0;
  for (const [name, wh] of Object.entries(energy.overheadWh)) {
    check(`overheadWh.${name}`, wh);
    overhead += wh;
  }
  const total = energy.itWh + overhead;
  let outside = 0;
  let inside = 0;
  energy.reuse.forEach((flow, k) => {
    check(`reuse[${k}].heatWh (${flow.name})`, flow.heatWh);
    if (flow.outsideBoundary) outside += flow.heatWh;
    else inside += flow.heatWh;
  });
  if (outside > total) {
    throw new RangeError(`facilityKpis: reuse outside the boundary (${outside} Wh) exceeds the total facility energy (${total} Wh)`);
  }
  const partial: Record<string, number> = {};
  for (const [name, wh] of Object.entries(energy.overheadWh)) partial[name] = partialPue(energy.itWh, wh);
  return {
    totalFacilityWh: total,
    itWh: energy.itWh,
    pue: pue(total, energy.itWh),
    partialPue: partial,
    reuseWh: outside,
    reuseInsideWh: inside,
    erf: erf(outside, total),
    ere: ere(total, outside, energy.itWh),
  };
}

/**
 * Where the heat-reuse boundary sits decides what counts (the same plant, two accountings):
 * - heat pumps INSIDE the data-centre boundary (the operator owns them): their electricity is a
 *   facility overhead and the reuse is the heat they deliver to the network (heatPumpHeatWh);
 * - heat pumps OUTSIDE it (the heat utility owns them, as at Odense): the reuse is the heat that
 *   crosses the boundary at the reuse exchanger (exchangerHeatWh), and their electricity is not the
 *   facility's.
 * Returns the reuse flow to pass to facilityKpis and the heat-pump energy to add to overheadWh (0
 * when outside).
 * Example: exchanger 300, heat pumps 400 delivered with 100 electric → inside: reuse 400, overhead
 * 100; outside: reuse 300, overhead 0.
 */
export function heatReuseAtBoundary(totals: {
  readonly exchangerHeatWh: number;
  readonly heatPumpHeatWh: number;
  readonly heatPumpElectricWh: number;
  readonly heatPumpsInsideBoundary: boolean;
}): { readonly reuse: ReuseFlow; readonly heatPumpOverheadWh: number } {
  return totals.heatPumpsInsideBoundary
    ? {
      reuse: { name: "district heat (heat-pump output)", heatWh: totals.heatPumpHeatWh, outsideBoundary: true },
      heatPumpOverheadWh: totals.heatPumpElectricWh,
    }
    : {
      reuse: { name: "district heat (exchanger export)", heatWh: totals.exchangerHeatWh, outsideBoundary: true },
      heatPumpOverheadWh: 0,
    };
}
