import { createCduControl } from "../controllers/cdu-control.js";
import { createCrahControl } from "../controllers/crah-control.js";
import { createGpuSmoothing } from "../controllers/gpu-smoothing.js";
import { createHeatPumpDispatch } from "../controllers/heat-pump-dispatch.js";
import { createHeatRejectionControl } from "../controllers/heat-rejection-control.js";
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

export function createController(spec: ControllerSpec): Controller {
  return controllerRegistry.get(spec.kind)(spec);
}
