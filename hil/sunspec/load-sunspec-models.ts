import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { SunSpecModelDef } from "./sunspec-layout.js";

/** Folder of the SunSpec model JSON copied from sunspec/models (see its SOURCE.md). */
export const SUNSPEC_MODELS_DIR = fileURLToPath(new URL("../../../hil/maps/sunspec/", import.meta.url));

/** Reads one model definition, hil/maps/sunspec/model_<id>.json. */
export function loadSunSpecModel(id: number): SunSpecModelDef {
  const def = JSON.parse(readFileSync(`${SUNSPEC_MODELS_DIR}model_${id}.json`, "utf8")) as SunSpecModelDef;
  if (def.id !== id) throw new Error(`model_${id}.json holds model ${def.id}`);
  return def;
}
