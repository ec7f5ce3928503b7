import { createFrequencyResponse } from "../controllers/frequency-response.js";
import { createBatterySmoothing } from "../controllers/battery-smoothing.js";
import { createDemandResponse } from "../controllers/demand-response.js";
import { createCduControl } from "../controllers/cdu-control.js";
import { createCrahControl } from "../controllers/crah-control.js";
import { createGpuSmoothing } from "../controllers/gpu-smoothing.js";
import { createHeatPumpDispatch } from "../controllers/heat-pump-dispatch.js";
import { createHeatRejectionControl } from "../controllers/heat-rejection-control.js";
import { createMarketPowercap } from "../controllers/market-powercap.js";
import { createCarbonAwareScheduler } from "../controllers/carbon-aware-scheduler.js";
import type { Controller } from "./controller.js";
import { createRegistry } from "./registry.js";
import type { ControllerSpec } from "./scenario/scenario-types.js";

/** Controllers by scenario `kind`. Later controllers register here. */
export const controllerRegistry = createRegistry<(spec: any) => Controller>("controller");

controllerRegistry.register("gpu-smoothing", (spec: Extract<ControllerSpec, { kind: "gpu-smoothing" }>) =>
  createGpuSmoothing({
    id: spec.id,
    groups: spec.groups,
    mode: spec.mode,
    floorFrac: spec.floor,
    rampUpWps: spec.rampUp,
    rampDownWps: spec.rampDown,
    holdS: spec.hold,
    targetSwingW: spec.targetSwing,
    windowS: spec.window,
    floorMinFrac: spec.floorMin,
    floorMaxFrac: spec.floorMax,
    floorStepFrac: spec.floorStep,
    prepareFor: spec.prepareFor,
    prepareLeadS: spec.prepareLead,
    prepareAfterS: spec.prepareAfter,
  }),
);

controllerRegistry.register("frequency-response", (spec: Extract<ControllerSpec, { kind: "frequency-response" }>) =>
  createFrequencyResponse({
    id: spec.id,
    service: spec.service,
    lowContractW: spec.lowContract,
    highContractW: spec.highContract,
    f0Hz: spec.nominal,
    droopFrac: spec.droop,
    droopDeadbandHz: spec.droopDeadband,
    ...(spec.battery === undefined ? {} : { battery: spec.battery }),
    gpuGroups: spec.gpuGroups,
    toleranceFrac: spec.tolerance,
    deliveryS: spec.deliveryTime,
    enduranceS: spec.endurance,
  }),
);

controllerRegistry.register("battery-smoothing", (spec: Extract<ControllerSpec, { kind: "battery-smoothing" }>) =>
  createBatterySmoothing({
    id: spec.id,
    battery: spec.battery,
    rampLimitWps: (spec.enforce.includes("ramp") ? spec.rampLimit : undefined) ?? Infinity,
    rampWindowS: spec.rampWindow,
    slowRampLimitWps: (spec.enforce.includes("slow-ramp") ? spec.slowRampLimit : undefined) ?? Infinity,
    slowRampWindowS: spec.slowRampWindow,
    swingLimitW: (spec.enforce.includes("swing") ? spec.swingLimit : undefined) ?? Infinity,
    swingWindowS: spec.swingWindow ?? 5,
    margin: spec.margin,
    allowanceW: spec.allowance,
    confirmS: spec.confirm,
    referenceTimeS: spec.referenceTime,
    referenceRateWps: spec.referenceRate,
    socTarget: spec.socTarget,
    socBand: spec.socBand,
    recoveryMaxW: spec.recoveryMax,
    prepareFor: spec.prepareFor,
    prepareSoc: spec.prepareSoc,
    prepareLeadS: spec.prepareLead,
  }),
);

controllerRegistry.register("demand-response", (spec: Extract<ControllerSpec, { kind: "demand-response" }>) =>
  createDemandResponse({
    id: spec.id,
    defer: spec.defer,
    capGroups: spec.capGroups,
    battery: spec.battery,
    capMinFrac: spec.capMin,
    overDeliveryFrac: spec.overDelivery,
    prepareSoc: spec.prepareSoc,
    socTarget: spec.socTarget,
    chargePowerW: spec.chargePower,
    releaseS: spec.release,
  }),
);

controllerRegistry.register("heat-pump-dispatch", (spec: Extract<ControllerSpec, { kind: "heat-pump-dispatch" }>) =>
  createHeatPumpDispatch({
    id: spec.id,
    gainKpK: spec.gain,
    resetTimeS: spec.resetTime,
    bandK: spec.band,
    stageDelayS: spec.stageDelay,
  }),
);

controllerRegistry.register("cdu-control", (s: Extract<ControllerSpec, { kind: "cdu-control" }>) =>
  createCduControl({
    id: s.id,
    cdus: s.cdus,
    gpuTargetC: s.gpuTarget,
    supplyMinC: s.supplyMin,
    supplyMaxC: s.supplyMax,
    supplyRateKps: s.supplyRate,
    supplyFallRateKps: s.supplyFallRate,
    supplyKp: s.supplyKp,
    supplyKi: s.supplyKi,
    riseTargetK: s.riseTarget,
    pumpMinFrac: s.pumpMin,
    pumpRateFracPerS: s.pumpRate,
    pumpFallRateFracPerS: s.pumpFallRate,
    pumpKp: s.pumpKp,
    pumpKi: s.pumpKi,
    filterS: s.filter,
    prepareFor: s.prepareFor,
    precoolK: s.precool,
    prepareLeadS: s.prepareLead,
    prepareAfterS: s.prepareAfter,
  }),
);

controllerRegistry.register("crah-control", (s: Extract<ControllerSpec, { kind: "crah-control" }>) =>
  createCrahControl({
    id: s.id,
    crahs: s.crahs,
    inletTargetC: s.inletTarget,
    inletLowC: s.inletLow,
    overrideMarginK: s.overrideMargin,
    fanMinFrac: s.fanMin,
    fanRateFracPerS: s.fanRate,
    fanKp: s.fanKp,
    fanKi: s.fanKi,
    supplyMinC: s.supplyMin,
    supplyMaxC: s.supplyMax,
    supplyRateKps: s.supplyRate,
    supplyKp: s.supplyKp,
    supplyKi: s.supplyKi,
    filterS: s.filter,
  }),
);

controllerRegistry.register("heat-rejection-control", (s: Extract<ControllerSpec, { kind: "heat-rejection-control" }>) =>
  createHeatRejectionControl({
    id: s.id,
    loops: s.loops,
    marginK: s.margin,
    fanRateFracPerS: s.fanRate,
    kp: s.kp,
    ki: s.ki,
    warmReset: s.warmReset,
    cduApproachK: s.cduApproach,
    warmMinC: s.warmMin,
    warmMaxC: s.warmMax,
  }),
);

controllerRegistry.register("market-powercap", (s: Extract<ControllerSpec, { kind: "market-powercap" }>) =>
  createMarketPowercap({
    id: s.id,
    groups: s.groups,
    signal: s.signal,
    signalLow: s.signalLow,
    signalHigh: s.signalHigh,
    direction: s.direction,
    capMinFrac: s.capMin,
    capMaxFrac: s.capMax,
    marketPeriodS: s.marketPeriod,
    stabilisationS: s.stabilisation,
    rampTimeS: s.rampTime,
  }),
);

controllerRegistry.register("carbon-aware-scheduler", (s: Extract<ControllerSpec, { kind: "carbon-aware-scheduler" }>) =>
  createCarbonAwareScheduler({
    id: s.id,
    jobs: s.jobs,
    objective: s.objective,
    costWeight: s.costWeight,
    horizonH: s.horizon / 3600,
    marginFrac: s.margin,
    stressLimitFrac: s.stressLimit,
    importLimitW: s.importLimit ?? Infinity,
  }),
);

export function createController(spec: ControllerSpec): Controller {
  return controllerRegistry.get(spec.kind)(spec);
}
