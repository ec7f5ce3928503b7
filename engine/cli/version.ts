import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** dctwin's version from package.json (dist/engine/cli → repo root). */
export const ENGINE_VERSION: string = JSON.parse(readFileSync(fileURLToPath(new URL("../../../package.json", import.meta.url)), "utf8")).version;
