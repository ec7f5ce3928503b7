import type { PlantPort, PointSpec, Quality } from "./port.js";

/** Handles at or above this belong to the device side of a composite port. */
const DEVICE = 1 << 24;

/**
 * A port that routes each point to the twin or to a device: a name the device side declares goes
 * to the device, every other name to the sim port. So a scenario can put one real device (a
 * battery inverter) in an otherwise simulated hall and its controllers cannot tell which points
 * are real. Handles of the device side are offset by 2^24, so each call is one comparison.
 *
 * Example: createCompositePort(sim, device).measurement("battery.bess1.socFrac") reads the device.
 */
export function createCompositePort(sim: PlantPort, device: PlantPort): PlantPort {
  const deviceNames = new Set(device.points.map((p) => `${p.kind}:${p.name}`));
  const points: PointSpec[] = [...sim.points.filter((p) => !deviceNames.has(`${p.kind}:${p.name}`)), ...device.points];
  return {
    points,
    measurement: (name) => (deviceNames.has(`measurement:${name}`) ? DEVICE + device.measurement(name) : sim.measurement(name)),
    setpoint: (name) => (deviceNames.has(`setpoint:${name}`) ? DEVICE + device.setpoint(name) : sim.setpoint(name)),
    read: (h) => (h >= DEVICE ? device.read(h - DEVICE) : sim.read(h)),
    quality: (h): Quality => (h >= DEVICE ? device.quality(h - DEVICE) : sim.quality(h)),
    ageS: (h) => (h >= DEVICE ? device.ageS(h - DEVICE) : sim.ageS(h)),
    write: (h, value) => (h >= DEVICE ? device.write(h - DEVICE, value) : sim.write(h, value)),
    commanded: (h) => (h >= DEVICE ? device.commanded(h - DEVICE) : sim.commanded(h)),
    // Signals and their forecasts come from the twin's side (a live provider in HIL mode).
    ...(sim.forecasts === undefined ? {} : { forecasts: sim.forecasts }),
  };
}
