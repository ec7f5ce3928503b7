import { UserError } from "../models/lib/errors.js";
import type { PlantPort } from "../engine/port.js";

/**
 * Unit ids offered by a port for points named `<prefix>.<id>.<suffix>`, in the port's order; with
 * `wanted` = ["all"] every such unit, else exactly the wanted ids (a UserError names a missing one
 * and lists the known ones). Example: unitIds(port, "cdu", "supplyTempSetC", ["all"]) → ["a1", "a2", ...].
 */
export function unitIds(port: PlantPort, prefix: string, suffix: string, wanted: readonly string[], who: string): string[] {
  const known: string[] = [];
  for (const point of port.points) {
    const parts = point.name.split(".");
    if (point.kind === "setpoint" && parts.length === 3 && parts[0] === prefix && parts[2] === suffix) known.push(parts[1]!);
  }
  if (wanted.length === 1 && wanted[0] === "all") {
    if (known.length === 0) throw new UserError(`${who}: the plant has no ${prefix} units (is the cooling section configured?)`);
    return known;
  }
  for (const id of wanted) {
    if (!known.includes(id)) throw new UserError(`${who}: ${prefix} "${id}" is not in the plant; expected one of ${known.join(", ") || "(none)"}`);
  }
  return [...wanted];
}

/** True when a measurement is fresh enough to act on: quality ok and no older than `maxAgeS`. */
export function fresh(port: PlantPort, handle: number, maxAgeS: number): boolean {
  return port.quality(handle) === 0 && port.ageS(handle) <= maxAgeS;
}
