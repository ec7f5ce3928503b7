import { createGpuSmoothing } from "../controllers/gpu-smoothing.js";
import { createHeatPumpDispatch } from "../controllers/heat-pump-dispatch.js";
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

export function createController(spec: ControllerSpec): Controller {
  return controllerRegistry.get(spec.kind)(spec);
}
