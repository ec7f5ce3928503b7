import type { Workload } from "./workload.js";

/**
 * A synthetic square wave of utilisation, for validation: `high` for `duty` of each period, `low`
 * otherwise, from `startS`. Cohort c lags by c × `phaseOffsetS` (one cohort per rack when racks are
 * offset, one for all otherwise). Each tick samples the wave at its start, so edges are crisp.
 * Example: period 2 s, duty 0.5, dt 40 ms → 25 ticks high, 25 low.
 */
export interface DutyCycleOptions {
  id: string;
  cohortOffset: number;
  cohorts: number;
  startS: number;
  periodS: number;
  duty: number;
  highFrac: number;
  lowFrac: number;
  phaseOffsetS: number;
}

export function createDutyCycle(o: DutyCycleOptions): Workload {
  const highTicksEpsilon = 1e-9;
  return {
    id: o.id,
    cohortCount: o.cohorts,
    outputs: [],
    kpis: () => [],
    step(k: number, tS: number, utilFrac: Float64Array): void {
      for (let c = 0; c < o.cohorts; c++) {
        const sinceS = tS - o.startS - c * o.phaseOffsetS;
        let util = 0;
        if (sinceS >= -highTicksEpsilon) {
          const cycles = sinceS / o.periodS + highTicksEpsilon;
          const phase = cycles - Math.floor(cycles);
          util = phase < o.duty ? o.highFrac : o.lowFrac;
        }
        utilFrac[o.cohortOffset + c] = util;
      }
    },
  };
}

/** A constant utilisation on one cohort. */
export function createSteadyLoad(id: string, cohortOffset: number, util: number): Workload {
  return {
    id,
    cohortCount: 1,
    outputs: [],
    kpis: () => [],
    step(k: number, tS: number, utilFrac: Float64Array): void {
      utilFrac[cohortOffset] = util;
    },
  };
}
