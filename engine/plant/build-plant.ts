import { createGpuCohorts, setCohortParams, type GpuCohorts } from "../../models/gpu/gpu-cohorts.js";
import { GPU_PRESETS, type GpuParams } from "../../models/gpu/gpu-params.js";
import { createElectricalChain, type ElectricalChain, type RackElectrical } from "../../models/electrical/electrical-chain.js";
import { createLossCurve } from "../../models/electrical/loss-curve.js";
import { RACK_PRESETS, type RackPreset } from "../../models/hall/rack-presets.js";
import type { Workload } from "../../models/workloads/workload.js";
import { UserError } from "../../models/lib/errors.js";
import { fromRackSelection, rackName, rowLetter } from "../scenario/rack-selection.js";
import type { Scenario, WorkloadSpec } from "../scenario/scenario-types.js";
import type { SimPort } from "../sim-port.js";
import { createWorkload, type WorkloadInputs } from "./workload-factory.js";
import { createJobRunner, type JobRunner } from "../../models/workloads/job-runner.js";

/**
 * Builds the plant of one run from a validated scenario: rack layout, GPU cohorts (groups of GPUs
 * that share one trajectory), workloads, the electrical chain, and the plant's points on the sim
 * port (measurements and the GPU-group setpoints that controllers write).
 */
export interface Plant {
  racks: RackInfo[];
  gpu: GpuCohorts;
  /** GPUs in each cohort (all racks). */
  cohortGpus: Float64Array;
  workloads: Workload[];
  groups: GpuGroup[];
  chain: ElectricalChain;
  /** The jobs' workloads (also in `workloads`), by job id, with their rack indices. */
  jobs: Map<string, { runner: JobRunner; rackIndices: number[] }>;
}

export interface RackInfo {
  index: number;
  id: string;
  row: string;
  preset: string;
  gpus: number;
  workload: string;
}

/** The cohorts of one workload, addressed by controllers as `gpu.<id>.*`. */
export interface GpuGroup {
  id: string;
  firstCohort: number;
  cohortCount: number;
  gpus: number;
  params: GpuParams;
  powerHandle: number;
  demandHandle: number;
  gpusHandle: number;
}

interface Placement {
  spec: WorkloadSpec | undefined;
  path: string;
  id: string;
  rackIndices: number[];
  preset: RackPreset;
  /** gpus[c][i]: GPUs of cohort c in rackIndices[i]. */
  gpus: number[][];
}

export function buildPlant(scenario: Scenario, port: SimPort, inputs: WorkloadInputs): Plant {
  const { rows, racksPerRow } = scenario.hall;
  const rackCount = rows * racksPerRow;
  const rackPreset: string[] = new Array(rackCount).fill(scenario.hall.rackPreset);
  for (const override of scenario.hall.overrides) {
    const selection = fromRackSelection(override.racks, rows, racksPerRow);
    if ("indices" in selection) for (const i of selection.indices) rackPreset[i] = override.preset;
  }
  const rackWorkload: string[] = new Array(rackCount).fill("");

  const placements: Placement[] = [];
  scenario.workloads.forEach((spec, w) => {
    const selection = fromRackSelection(spec.racks, rows, racksPerRow);
    if (!("indices" in selection)) throw new UserError(`workloads[${w}].racks: ${selection.error}`);
    const presets = new Set(selection.indices.map((i) => rackPreset[i]!));
    if (presets.size > 1) {
      throw new UserError(`workloads[${w}].racks: got racks of presets ${[...presets].join(" and ")}, expected racks of one preset (one GPU type per workload)`);
    }
    for (const i of selection.indices) rackWorkload[i] = spec.id;
    const preset = RACK_PRESETS[[...presets][0]!]!;
    placements.push({ spec, path: `workloads[${w}]`, id: spec.id, rackIndices: selection.indices, preset, gpus: placeCohorts(spec, selection.indices, preset) });
  });
  // Racks no workload claims: their GPUs idle, one cohort per preset.
  for (const presetName of new Set(rackPreset)) {
    const idle = rackPreset.flatMap((p, i) => (p === presetName && rackWorkload[i] === "" ? [i] : []));
    if (idle.length === 0) continue;
    const preset = RACK_PRESETS[presetName]!;
    placements.push({ spec: undefined, path: "", id: `idle-${presetName}`, rackIndices: idle, preset, gpus: [idle.map(() => preset.gpusPerRack)] });
  }

  const cohortTotal = placements.reduce((sum, p) => sum + p.gpus.length, 0);
  const gpu = createGpuCohorts(cohortTotal);
  const cohortGpus = new Float64Array(cohortTotal);
  const rackEntries: { cohort: number; gpus: number }[][] = Array.from({ length: rackCount }, () => []);
  const workloads: Workload[] = [];
  const groups: GpuGroup[] = [];
  const jobIds = new Set((scenario.jobs ?? []).map((j) => j.id));
  const jobs: Plant["jobs"] = new Map();
  let offset = 0;
  for (const placement of placements) {
    const params = GPU_PRESETS[placement.preset.gpu];
    if (params === undefined) throw new UserError(`rack preset GPU "${placement.preset.gpu}" is not a GPU preset`);
    placement.gpus.forEach((perRack, c) => {
      setCohortParams(gpu, offset + c, params);
      perRack.forEach((gpus, i) => {
        if (gpus > 0) rackEntries[placement.rackIndices[i]!]!.push({ cohort: offset + c, gpus });
        cohortGpus[offset + c] += gpus;
      });
    });
    const cohortCount = placement.gpus.length;
    const groupGpus = placement.gpus.reduce((sum, perRack) => sum + perRack.reduce((a, b) => a + b, 0), 0);
    let runner: JobRunner | undefined;
    if (placement.spec !== undefined) {
      let workload = createWorkload(placement.spec, {
        cohortOffset: offset,
        cohortCount,
        gpuCount: groupGpus,
        rackCount: placement.rackIndices.length,
        gpu: params,
        dtS: scenario.dtS,
        horizonS: scenario.horizonS,
        inputs,
        path: placement.path,
      });
      if (jobIds.has(placement.id)) {
        const first = offset;
        runner = createJobRunner({
          inner: workload,
          cohortOffset: first,
          gpus: groupGpus,
          iterationS: placement.spec.kind === "training" ? placement.spec.iterationPeriod : 0,
          limitW: params.limitW,
          applyCapW: (capW) => gpu.capW.fill(capW, first, first + cohortCount),
        });
        jobs.set(placement.id, { runner, rackIndices: placement.rackIndices });
        workload = runner;
      }
      workloads.push(workload);
      for (const output of workload.outputs) {
        port.addMeasurement({ name: `workload.${workload.id}.${output.name}`, unit: output.unit, description: output.description, initial: output.value() });
      }
      for (const input of workload.inputs ?? []) {
        const { set, ...spec } = input;
        port.addSetpoint({ ...spec, name: `workload.${workload.id}.${input.name}` }, set);
      }
    }
    groups.push(declareGroup(port, gpu, placement.id, offset, cohortCount, groupGpus, params, placement.spec === undefined ? undefined : workloads[workloads.length - 1], runner));
    offset += cohortCount;
  }

  const e = scenario.electrical;
  const racks: RackElectrical[] = rackPreset.map((name, i) => {
    const preset = RACK_PRESETS[name]!;
    const params = GPU_PRESETS[preset.gpu]!;
    const fullW = params.fullFrac * params.limitW;
    return {
      row: Math.floor(i / racksPerRow),
      gpuIdleW: preset.gpusPerRack * params.idleW,
      gpuSpanW: preset.gpusPerRack * (fullW - params.idleW),
      otherIdleW: preset.otherIdleW,
      otherSpanW: preset.otherFullW - preset.otherIdleW,
      psuRatedW: preset.psuRatedW,
      entries: rackEntries[i]!,
    };
  });
  const chain = createElectricalChain(racks, rows, {
    psuCurve: createLossCurve(e.psuCurve, e.psuNoLoadLoss),
    buswayRatedW: e.buswayRated,
    buswayLossAtRatedFrac: e.buswayLossAtRated,
    upsModules: e.upsModules,
    upsModuleRatedW: e.upsModuleRated,
    upsCurve: createLossCurve(e.upsCurve, e.upsNoLoadLoss),
    transformer: {
      units: e.transformers,
      ratedVA: e.transformerRated,
      noLoadLossFrac: e.transformerNoLoadLoss,
      loadLossFrac: e.transformerLoadLoss,
      powerFactor: e.powerFactor,
    },
  });
  const rackInfo: RackInfo[] = rackPreset.map((preset, i) => ({
    index: i,
    id: rackName(i, racksPerRow),
    row: rowLetter(Math.floor(i / racksPerRow)),
    preset,
    gpus: RACK_PRESETS[preset]!.gpusPerRack,
    workload: rackWorkload[i]!,
  }));
  return { racks: rackInfo, gpu, cohortGpus, workloads, groups, chain, jobs };
}

/** Splits a workload's GPUs into cohorts; returns GPUs per cohort per selected rack. */
function placeCohorts(spec: WorkloadSpec, rackIndices: number[], preset: RackPreset): number[][] {
  const n = rackIndices.length;
  const gpusPerTray = preset.gpusPerRack / preset.traysPerRack;
  switch (spec.kind) {
    case "training": {
      // Per-node jitter: trays are dealt round-robin to the cohorts, so every rack holds every cohort.
      const cohorts = Math.min(spec.jitterCohorts, n * preset.traysPerRack);
      const gpus = Array.from({ length: cohorts }, () => new Array<number>(n).fill(0));
      for (let i = 0; i < n; i++) {
        for (let t = 0; t < preset.traysPerRack; t++) gpus[(i * preset.traysPerRack + t) % cohorts]![i]! += gpusPerTray;
      }
      return gpus;
    }
    case "inference": {
      const replicas = Math.min(spec.replicas, n);
      return Array.from({ length: replicas }, (_, c) => rackIndices.map((_, i) => (i % replicas === c ? preset.gpusPerRack : 0)));
    }
    case "duty-cycle":
      if (spec.phaseOffsetPerRack > 0) return rackIndices.map((_, c) => rackIndices.map((_, i) => (i === c ? preset.gpusPerRack : 0)));
      return [rackIndices.map(() => preset.gpusPerRack)];
    case "steady":
      return [rackIndices.map(() => preset.gpusPerRack)];
  }
}

/** Declares a GPU group's measurements and setpoints; actuators copy a value to every cohort. */
function declareGroup(port: SimPort, gpu: GpuCohorts, id: string, first: number, count: number, gpus: number, params: GpuParams, workload: Workload | undefined, job: JobRunner | undefined): GpuGroup {
  const fill = (field: Float64Array) => (value: number) => field.fill(value, first, first + count);
  const limitW = params.limitW;
  const set = (name: string, unit: string, description: string, min: number, max: number, initial: number, field: Float64Array, also?: (value: number) => void) => {
    field.fill(initial, first, first + count);
    const write = fill(field);
    port.addSetpoint({ name: `gpu.${id}.${name}`, unit, description, min, max, initial }, also === undefined ? write : (value) => (write(value), also(value)));
  };
  // A cap slows a workload whose speed depends on it (compute-bound training: models/workloads/training.ts).
  const capped = workload?.setPowerLimitFrac === undefined ? undefined : (value: number) => workload.setPowerLimitFrac!(value / limitW);
  // A job's cap is the lower of this setpoint and the job's throttle (models/workloads/job-runner.ts).
  const capDescription = "power cap per GPU (NVML power limit); below the limit a training job's compute slows (models/gpu/README.md)";
  if (job === undefined) set("capW", "W", capDescription, 0.2 * limitW, limitW, limitW, gpu.capW, capped);
  else {
    gpu.capW.fill(limitW, first, first + count);
    port.addSetpoint({ name: `gpu.${id}.capW`, unit: "W", description: capDescription, min: 0.2 * limitW, max: limitW, initial: limitW }, (value) => job.setGroupCapW(value));
  }
  set("smoothingOn", "bool", "power smoothing enabled (1) or not (0)", 0, 1, 0, gpu.smoothingOn);
  set("floorFrac", "fraction", "power floor as a fraction of the limit (PERCENT_TMP_FLOOR)", 0, 0.9, 0, gpu.floorFrac);
  set("rampUpWps", "W/s", "ramp-up limit per GPU (RAMP_UP_RATE)", 1, 1e6, 1e6, gpu.rampUpWps);
  set("rampDownWps", "W/s", "ramp-down limit per GPU (RAMP_DOWN_RATE)", 1, 1e6, 1e6, gpu.rampDownWps);
  set("holdS", "s", "ramp-down hysteresis (RAMP_DOWN_HYSTERESIS)", 0, 60, 0, gpu.holdS);
  return {
    id,
    firstCohort: first,
    cohortCount: count,
    gpus,
    params,
    powerHandle: port.addMeasurement({ name: `gpu.${id}.powerW`, unit: "W", description: "mean power per GPU of the group", initial: params.idleW }),
    demandHandle: port.addMeasurement({ name: `gpu.${id}.demandW`, unit: "W", description: "mean power per GPU the work alone would draw", initial: params.idleW }),
    gpusHandle: port.addMeasurement({ name: `gpu.${id}.gpus`, unit: "count", description: "GPUs in the group (constant)", initial: gpus }),
  };
}
