/** Shared pieces of the scenario spec. */
import { strings } from "./spec.js";

export const ID = { pattern: "^[a-z][a-z0-9-]*$", patternDoc: "a lower-case id of letters, digits and dashes, e.g. \"llm-pretrain\"" };

export const racks = strings(
  'which racks: "all", a rack such as "C7", a row such as "row:C", a range such as "A1-B12" (row-major), or a list of these',
  ["all"],
);
