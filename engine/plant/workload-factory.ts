import type { WeatherTrace } from "../../datasets/load-weather.js";
import type { GpuParams } from "../../models/gpu/gpu-params.js";
import { createDutyCycle, createSteadyLoad } from "../../models/workloads/duty-cycle.js";
import { createInferenceWorkload } from "../../models/workloads/inference.js";
import { createTrainingJob } from "../../models/workloads/training.js";
import type { Workload } from "../../models/workloads/workload.js";
import type { AzureLlmTrace } from "../../datasets/load-azure-llm.js";
import type { HouseHeatDemand } from "../../datasets/load-heat-demand.js";
import type { UniformSeries } from "../../models/signals/signal.js";
import { UserError } from "../../models/lib/errors.js";
import type { WorkloadSpec } from "../scenario/scenario-types.js";

/** Data a run may need, loaded at the edge (engine/plant/load-inputs.ts) before the run starts. */
export interface WorkloadInputs {
  azureConv?: AzureLlmTrace;
  azureCode?: AzureLlmTrace;
  /** Energy price series (signals.price). */
  price?: UniformSeries;
  /** Carbon intensity series, gCO2/kWh (signals.carbon). */
  carbon?: UniformSeries;
  /** Measured grid frequency, Hz (frequency.source: trace). */
  frequency?: UniformSeries;
  /** The Danish house's hourly heat demand, 2019 (heatReuse). */
  heatDemand?: HouseHeatDemand;
  /** Hourly weather (cooling.weather). */
  weather?: WeatherTrace;
}

export interface WorkloadEnv {
  cohortOffset: number;
  cohortCount: number;
  gpuCount: number;
  rackCount: number;
  gpu: GpuParams;
  dtS: number;
  horizonS: number;
  inputs: WorkloadInputs;
  /** Field path of the spec, for messages. */
  path: string;
}

/** Maps a workload spec (SI units) to its model. */
export function createWorkload(spec: WorkloadSpec, env: WorkloadEnv): Workload {
  switch (spec.kind) {
    case "training":
      return createTrainingJob({
        id: spec.id,
        cohortOffset: env.cohortOffset,
        cohorts: env.cohortCount,
        startS: spec.start,
        stopS: spec.stop ?? Infinity,
        iterationS: spec.iterationPeriod,
        computeFrac: spec.computeFraction,
        commUtilFrac: spec.commUtil,
        checkpointIntervalS: spec.checkpointInterval,
        checkpointS: spec.checkpointDuration,
        startRampS: spec.startRamp,
        jitterS: spec.jitter,
        stragglerProb: spec.stragglerProbability,
        stragglerDelayS: spec.stragglerDelay,
        mtbfS: spec.mtbf,
        restartS: spec.restartTime,
      });
    case "duty-cycle":
      return createDutyCycle({
        id: spec.id,
        cohortOffset: env.cohortOffset,
        cohorts: env.cohortCount,
        startS: spec.start,
        periodS: spec.period,
        duty: spec.duty,
        highFrac: spec.high,
        lowFrac: spec.low,
        phaseOffsetS: spec.phaseOffsetPerRack,
      });
    case "steady":
      return createSteadyLoad(spec.id, env.cohortOffset, spec.util);
    case "inference": {
      let source;
      if (spec.source === "diurnal") {
        source = {
          kind: "diurnal" as const,
          meanRequestsPerS: spec.meanRequestsPerS,
          peakToTroughRatio: spec.peakToTrough,
          peakHourS: spec.peakHour,
          contextTokensMean: spec.contextTokensMean,
          generatedTokensMean: spec.generatedTokensMean,
        };
      } else {
        const trace = spec.source === "azure-conv" ? env.inputs.azureConv : env.inputs.azureCode;
        if (trace === undefined) throw new UserError(`${env.path}.source: the ${spec.source} trace was not loaded`);
        source = { kind: "trace" as const, arrivalS: trace.arrivalS, contextTokens: trace.contextTokens, generatedTokens: trace.generatedTokens, rateScale: spec.rateScale };
      }
      return createInferenceWorkload({
        id: spec.id,
        cohortOffset: env.cohortOffset,
        cohortCount: env.cohortCount,
        gpuCount: env.gpuCount,
        source,
        ...(spec.prefillTokensPerSPerGpu !== undefined ? { prefillTokensPerSPerGpu: spec.prefillTokensPerSPerGpu } : {}),
        ...(spec.decodeTokensPerSPerGpu !== undefined ? { decodeTokensPerSPerGpu: spec.decodeTokensPerSPerGpu } : {}),
        minUtilFrac: spec.minUtil,
      });
    }
  }
}
