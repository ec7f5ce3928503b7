import { createGpuEnergyBuffers, stepGpuEnergyBuffers, type GpuEnergyBuffers } from "../../models/storage/gpu-energy-buffer.js";
import type { KpiRow } from "../kpis/kpi-row.js";
import type { Scenario } from "../scenario/scenario-types.js";

/**
 * The GPU / PSU energy buffers (models/storage/gpu-energy-buffer.ts; `electrical.psuBuffer`):
 * between every GPU and its rack PSU, one buffer unit per GPU cohort (a cohort's GPUs share one
 * trajectory, so one per-GPU unit stands for all of them). Stepped each tick after the GPU
 * cohorts: the buffer's demand is the GPU's power, and the rack PSUs then see the buffer's
 * PSU-side power (`psuSideW`) instead of the GPU power.
 */
export interface GpuBufferStage {
  /** False when the scenario has no buffer: then the chain reads the GPU power directly. */
  readonly active: boolean;
  readonly buffers: GpuEnergyBuffers;
  /** Steps with the cohorts' per-GPU power; returns the per-GPU power on the PSU side of each buffer. */
  step(gpuPowerW: Float64Array): Float64Array;
  kpis(): KpiRow[];
}

export function createGpuBufferStage(scenario: Scenario, cohortGpus: Float64Array): GpuBufferStage {
  const spec = scenario.electrical.psuBuffer;
  const n = spec === undefined ? 0 : cohortGpus.length;
  const buffers = createGpuEnergyBuffers(
    n,
    spec === undefined
      ? undefined
      : { energyJ: spec.energy, powerMaxW: spec.powerMax, effFrac: spec.efficiency, tauS: spec.smoothing, recoveryS: spec.recovery, targetFrac: spec.target },
  );
  const dtS = scenario.dtS;
  return {
    active: n > 0,
    buffers,
    step(gpuPowerW) {
      buffers.demandW.set(gpuPowerW.subarray(0, n));
      stepGpuEnergyBuffers(buffers, dtS);
      return buffers.gridW;
    },
    kpis() {
      if (n === 0) return [];
      // Site totals: per-GPU counters × GPUs of each cohort, J → Wh.
      let inJ = 0;
      let outJ = 0;
      let lossJ = 0;
      let storedChangeJ = 0;
      let limitedGpuS = 0;
      let gpus = 0;
      for (let c = 0; c < n; c++) {
        const g = cohortGpus[c]!;
        inJ += g * buffers.inJ[c]!;
        outJ += g * buffers.outJ[c]!;
        lossJ += g * buffers.lossJ[c]!;
        storedChangeJ += g * (buffers.storedJ[c]! - buffers.initialStoredJ[c]!);
        limitedGpuS += g * buffers.limitedTicks[c]! * dtS;
        gpus += g;
      }
      return [
        { name: "psu_buffer_in_energy", value: inJ / 3600, unit: "Wh" },
        { name: "psu_buffer_out_energy", value: outJ / 3600, unit: "Wh" },
        { name: "psu_buffer_loss_energy", value: lossJ / 3600, unit: "Wh" },
        { name: "psu_buffer_stored_energy_change", value: storedChangeJ / 3600, unit: "Wh" },
        // Share of GPU-time in which the buffer could not give what the smoothing wanted (empty, full or at its power limit).
        { name: "psu_buffer_limited_fraction", value: gpus > 0 ? limitedGpuS / (gpus * scenario.horizonS) : 0, unit: "fraction" },
      ];
    },
  };
}
