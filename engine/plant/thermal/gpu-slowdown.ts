import type { GpuCohorts } from "../../../models/gpu/gpu-cohorts.js";
import type { GpuGroup, RackInfo } from "../build-plant.js";
import type { KpiRow } from "../../kpis/kpi-row.js";

/**
 * GPU thermal slowdown: what a GPU's own firmware does when it reaches its slowdown temperature
 * (hardware, not a controller): it lowers clocks, and so power, until the temperature holds there,
 * and gives them back once it has cooled.
 *
 * Modelled per GPU group (a workload's GPUs): a training job is synchronous, so a node that slows
 * down makes the whole job wait for it and every GPU's power falls (for independent inference
 * replicas this overstates the effect). Each thermal step, with T the hottest GPU cold-plate node
 * of the group's liquid-cooled racks and Ts the slowdown temperature, the group's power limit
 * fraction moves by −gain × (T − Ts) × dt (integral action: it settles where T = Ts), within
 * [idle ÷ limit, 1]; the cohorts' `thermalCapW` is that fraction of their limit. A group never
 * above Ts keeps fraction 1, so the stage changes nothing for a plant within its limits.
 */
export interface GpuSlowdown {
  /** After a thermal step: gpuTempC[l] is the GPU node of liquid rack l at the end of the step. */
  step(gpuTempC: Float64Array, tS: number, periodS: number): void;
  /** Closes open slowdown episodes at the end of the run. */
  finish(tEndS: number): void;
  kpis(): KpiRow[];
}

/** Fraction of the power limit lost per kelvin above the slowdown temperature per second [A]. */
const GAIN_PER_K_S = 0.02;

export function createGpuSlowdown(
  gpu: GpuCohorts,
  groups: readonly GpuGroup[],
  racks: readonly RackInfo[],
  liquidRack: Int32Array,
  slowdownC: number,
  event: (tS: number, source: string, kind: string, value: number, detail: string) => void,
): GpuSlowdown {
  // Liquid racks of each group (racks no workload claims belong to the idle-<preset> groups).
  const groupOf = (r: RackInfo) => (r.workload !== "" ? r.workload : `idle-${r.preset}`);
  const liquidOfGroup = groups.map((g) => Int32Array.from([...liquidRack.keys()].filter((l) => groupOf(racks[liquidRack[l]!]!) === g.id)));
  const minFrac = groups.map((g) => g.params.idleW / g.params.limitW);
  const frac = new Float64Array(groups.length).fill(1);
  const episodeStartS = new Float64Array(groups.length).fill(NaN);
  const episodeMinFrac = new Float64Array(groups.length).fill(1);
  let slowS = 0;
  let lowestFrac = 1;
  let episodes = 0;

  const close = (g: number, tS: number) => {
    const group = groups[g]!;
    event(tS, `gpu.${group.id}`, "gpu_thermal_slowdown_end", episodeMinFrac[g]!, `${group.id}: power limit back to 100 % after ${(tS - episodeStartS[g]!).toFixed(0)} s; lowest ${(100 * episodeMinFrac[g]!).toFixed(1)} %`);
    episodeStartS[g] = NaN;
  };

  return {
    step(gpuTempC, tS, periodS) {
      let anySlow = false;
      for (let g = 0; g < groups.length; g++) {
        const liquid = liquidOfGroup[g]!;
        if (liquid.length === 0) continue;
        let hottestC = -Infinity;
        for (let i = 0; i < liquid.length; i++) {
          const t = gpuTempC[liquid[i]!]!;
          if (t > hottestC) hottestC = t;
        }
        const before = frac[g]!;
        let next = before - GAIN_PER_K_S * (hottestC - slowdownC) * periodS;
        if (next > 1) next = 1;
        if (next < minFrac[g]!) next = minFrac[g]!;
        if (next === before) {
          if (next < 1) anySlow = true;
          continue;
        }
        frac[g] = next;
        const group = groups[g]!;
        const end = group.firstCohort + group.cohortCount;
        const capW = next < 1 ? next * group.params.limitW : Infinity;
        for (let c = group.firstCohort; c < end; c++) gpu.thermalCapW[c] = capW;
        if (next < 1) {
          anySlow = true;
          if (Number.isNaN(episodeStartS[g]!)) {
            episodeStartS[g] = tS;
            episodeMinFrac[g] = next;
            episodes++;
            event(tS, `gpu.${group.id}`, "gpu_thermal_slowdown", hottestC, `${group.id}: hottest GPU ${hottestC.toFixed(1)} °C above its ${slowdownC} °C slowdown temperature; power limit cut`);
          }
          if (next < episodeMinFrac[g]!) episodeMinFrac[g] = next;
          if (next < lowestFrac) lowestFrac = next;
        } else if (!Number.isNaN(episodeStartS[g]!)) {
          close(g, tS + periodS);
        }
      }
      if (anySlow) slowS += periodS;
    },
    finish(tEndS) {
      for (let g = 0; g < groups.length; g++) if (!Number.isNaN(episodeStartS[g]!)) close(g, tEndS);
    },
    kpis: () => [
      { name: "gpu_thermal_slowdowns", value: episodes, unit: "count" },
      { name: "gpu_thermal_slowdown_time", value: slowS, unit: "s" },
      { name: "gpu_thermal_slowdown_min_limit", value: lowestFrac, unit: "fraction" },
    ],
  };
}
