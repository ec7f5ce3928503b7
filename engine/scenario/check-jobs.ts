import type { Issue } from "../../models/lib/errors.js";
import { RACK_PRESETS } from "../../models/hall/rack-presets.js";
import { fromRackSelection, rackName } from "./rack-selection.js";
import type { JobSpec, Scenario, WorkloadSpec } from "./scenario-types.js";

/**
 * Checks the scenario's jobs against the hall and its workloads, resolves each job's racks (a
 * `gpus` count takes whole free racks in row-major order), and appends one workload per valid job
 * (training and fine-tuning: a synchronous training workload; inference-batch and data-processing:
 * a steady load), so a job's power comes from the workload models. Problems go to `issues` with the
 * job's field path.
 */
export function checkJobs(s: Scenario, issues: Issue[]): void {
  const jobs = s.jobs ?? [];
  if (jobs.length === 0) return;
  const { rows, racksPerRow } = s.hall ?? {};
  if (typeof rows !== "number" || typeof racksPerRow !== "number") return;
  const total = rows * racksPerRow;
  const preset: string[] = new Array(total).fill(s.hall.rackPreset);
  for (const o of s.hall.overrides ?? []) {
    const sel = o?.racks === undefined ? undefined : fromRackSelection(o.racks, rows, racksPerRow);
    if (sel !== undefined && "indices" in sel) for (const i of sel.indices) preset[i] = o.preset;
  }
  const owner: string[] = new Array(total).fill("");
  const ids = new Set<string>();
  for (const w of s.workloads ?? []) {
    if (w?.id === undefined) continue;
    ids.add(w.id);
    const sel = w.racks === undefined ? undefined : fromRackSelection(w.racks, rows, racksPerRow);
    if (sel !== undefined && "indices" in sel) for (const i of sel.indices) owner[i] ||= `workload "${w.id}"`;
  }
  const added: WorkloadSpec[] = [];
  jobs.forEach((j, n) => {
    const path = `jobs[${n}]`;
    if (j === undefined || j.id === undefined) return;
    const before = issues.length;
    if (ids.has(j.id)) issues.push({ path: `${path}.id`, value: j.id, expected: "an id not used by a workload or another job" });
    ids.add(j.id);
    const hasRacks = j.racks !== undefined;
    const hasGpus = j.gpus !== undefined;
    if (hasRacks === hasGpus) issues.push({ path: `${path}.racks`, value: j.racks, expected: "either racks or gpus (exactly one of them)" });
    if (typeof j.deadline === "number" && typeof j.earliestStart === "number" && !(j.deadline > j.earliestStart)) {
      issues.push({ path: `${path}.deadline`, value: `${j.deadline}s`, expected: `a time after earliestStart (${j.earliestStart}s)` });
    }
    if ((j.kind === "training" || j.kind === "fine-tuning") && typeof s.dtS === "number" && j.iterationPeriod < 2 * s.dtS) {
      issues.push({ path: `${path}.iterationPeriod`, value: `${j.iterationPeriod}s`, expected: `at least two ticks (${2 * s.dtS}s)` });
    }
    if (j.checkpointInterval > 0 && j.checkpointDuration >= j.checkpointInterval) {
      issues.push({ path: `${path}.checkpointDuration`, value: `${j.checkpointDuration}s`, expected: `less than checkpointInterval (${j.checkpointInterval}s)` });
    }
    let indices: number[] = [];
    if (hasRacks && !hasGpus) {
      const sel = fromRackSelection(j.racks, rows, racksPerRow);
      if ("error" in sel) {
        issues.push({ path: `${path}.racks`, value: sel.item, expected: sel.error });
      } else {
        const taken = sel.indices.find((i) => owner[i] !== "");
        if (taken !== undefined) issues.push({ path: `${path}.racks`, value: j.racks, expected: `racks no other workload or job uses (${rackName(taken, racksPerRow)} is ${owner[taken]}'s)` });
        indices = sel.indices;
      }
    } else if (hasGpus && !hasRacks && typeof j.gpus === "number") {
      // Whole free racks in row-major order, of one preset.
      const free = owner.flatMap((o, i) => (o === "" ? [i] : []));
      const first = free[0];
      const per = first === undefined ? 0 : RACK_PRESETS[preset[first]!]!.gpusPerRack;
      const need = per > 0 ? j.gpus / per : Infinity;
      const samePreset = free.filter((i) => preset[i] === preset[first!]);
      if (first === undefined) {
        issues.push({ path: `${path}.gpus`, value: j.gpus, expected: "GPUs on free racks: every rack is used by a workload or an earlier job" });
      } else if (!Number.isInteger(need)) {
        issues.push({ path: `${path}.gpus`, value: j.gpus, expected: `a multiple of ${per} (the GPUs of one ${preset[first]} rack: jobs get whole racks)` });
      } else if (need > samePreset.length) {
        issues.push({ path: `${path}.gpus`, value: j.gpus, expected: `at most ${samePreset.length * per} (the GPUs of the ${samePreset.length} free ${preset[first]} racks)` });
      } else {
        indices = samePreset.slice(0, need);
      }
    }
    if (indices.length > 0 && new Set(indices.map((i) => preset[i])).size > 1) {
      issues.push({ path: `${path}.racks`, value: j.racks, expected: "racks of one preset (one GPU type per job)" });
    }
    if (issues.length > before || indices.length === 0) return;
    for (const i of indices) owner[i] = `job "${j.id}"`;
    const racks = indices.map((i) => rackName(i, racksPerRow));
    j.racks = racks;
    j.gpus = indices.reduce((sum, i) => sum + RACK_PRESETS[preset[i]!]!.gpusPerRack, 0);
    added.push(jobWorkload(j, racks));
  });
  s.workloads = [...(s.workloads ?? []), ...added];
}

/** The workload a job runs as (its time starts when the job first runs: engine/plant/site-jobs.ts). */
function jobWorkload(j: JobSpec, racks: string[]): WorkloadSpec {
  if (j.kind === "training" || j.kind === "fine-tuning") {
    return {
      kind: "training",
      id: j.id,
      racks,
      start: 0,
      iterationPeriod: j.iterationPeriod,
      computeFraction: j.computeFraction,
      commUtil: 0.05,
      checkpointInterval: j.checkpointInterval,
      checkpointDuration: j.checkpointDuration,
      startRamp: 10,
      jitter: 0.01,
      jitterCohorts: 8,
      stragglerProbability: 0,
      stragglerDelay: 0.2,
      mtbf: j.mtbf,
      restartTime: 300,
    };
  }
  return { kind: "steady", id: j.id, racks, util: j.util };
}
