import { loadData } from "../../engine/scenario/load-scenario.js";
import type { DeviceProfile } from "./profile-types.js";
import { fromProfile } from "./from-profile.js";

/** Reads and validates a device-profile file (YAML or JSON); any problem is a UserError (exit code 2 in the CLI). */
export function loadProfile(path: string): DeviceProfile {
  return fromProfile(loadData(path), path);
}
