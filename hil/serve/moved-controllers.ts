import type { ControllerContext } from "../../engine/controller.js";
import { createController } from "../../engine/controller-factory.js";
import type { WorkloadInputs } from "../../engine/plant/workload-factory.js";
import type { PlantPort } from "../../engine/port.js";
import type { ControllerSpec, Scenario } from "../../engine/scenario/scenario-types.js";
import { createSimulation } from "../../engine/simulation.js";
import { createRng } from "../../models/lib/rng.js";
import type { DeviceProfile } from "../profile/profile-types.js";

/**
 * Which of a scenario's controllers move to the wire when it is served: those that write a
 * setpoint a served profile declares (a client on the wire writes it now; two writers would
 * fight). Found by starting each controller against the twin's port and noting the setpoints it
 * resolves, so no controller needs to describe itself. The others keep running inside the twin
 * (a CDU's own PID loop stays with the CDU).
 */
export interface ServedScenario {
  /** The scenario as served: moved controllers removed, every battery simulated. */
  scenario: Scenario;
  moved: ControllerSpec[];
}

/** Splits the controllers; batteries marked external are simulated again (the twin is the device now). */
export function servedScenario(scenario: Scenario, profiles: readonly DeviceProfile[], inputs: WorkloadInputs): ServedScenario {
  const simulated: Scenario = structuredClone(scenario);
  for (const b of simulated.storage?.batteries ?? []) b.external = false;
  const port = barePort(simulated, inputs);
  const served = new Set(profiles.flatMap((p) => p.points.filter((q) => q.kind === "setpoint").map((q) => q.name)));
  const moved: ControllerSpec[] = [];
  const kept: ControllerSpec[] = [];
  for (const spec of simulated.controllers) {
    const written = setpointsResolvedBy(spec, port, simulated);
    (written.some((name) => served.has(name)) ? moved : kept).push(spec);
  }
  return { scenario: { ...simulated, controllers: kept }, moved };
}

/** The setpoint names a controller resolves when it starts (its writes go nowhere). */
function setpointsResolvedBy(spec: ControllerSpec, port: PlantPort, scenario: Scenario): string[] {
  const names: string[] = [];
  const probe: PlantPort = {
    points: port.points,
    measurement: (name) => port.measurement(name),
    setpoint: (name) => {
      names.push(name);
      return port.setpoint(name);
    },
    read: (h) => port.read(h),
    quality: (h) => port.quality(h),
    ageS: (h) => port.ageS(h),
    write: () => undefined,
    commanded: (h) => port.commanded(h),
  };
  const ctx: ControllerContext = {
    k: 0,
    tS: 0,
    dtS: scenario.dtS,
    periodS: spec.period,
    rng: createRng(scenario.seed, `probe/${spec.id}`),
    decide: () => undefined,
  };
  createController(spec).start(probe, ctx);
  return names;
}

/** The port of the scenario's twin without controllers: every point its plant offers. */
function barePort(scenario: Scenario, inputs: WorkloadInputs): PlantPort {
  return createSimulation({ ...scenario, controllers: [] }, "probe", { inputs }).port;
}

/** Names of every point the scenario's twin offers (batteries simulated). */
export function scenarioPointNames(scenario: Scenario, inputs: WorkloadInputs): string[] {
  const simulated: Scenario = structuredClone(scenario);
  for (const b of simulated.storage?.batteries ?? []) b.external = false;
  return barePort(simulated, inputs).points.map((p) => p.name);
}
