import { batteryFadeClaims } from "./battery-fade.claims.js";
import { gpuPowerClaims } from "./gpu-power.claims.js";
import { gridClaims } from "./grid.claims.js";
import { publishedCurveClaims } from "./published-curves.claims.js";
import type { ValidationRow } from "./validation-row.js";

/** Every validation claim, in the README table's order. Add a domain's claims here. */
export async function allClaims(): Promise<ValidationRow[]> {
  return [...(await gpuPowerClaims()), ...batteryFadeClaims(), ...(await gridClaims()), ...publishedCurveClaims()];
}
