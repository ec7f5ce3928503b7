import { UserError } from "../../models/lib/errors.js";
import { INPUT_LIMITS } from "../scenario/input-limits.js";

/** The `--max-ticks` option of run, batch and validate. */
export const maxTicksOption = {
  type: "number",
  describe: `refuse runs of more ticks (horizon ÷ dt) than this (default ${INPUT_LIMITS.maxTicks.toLocaleString("en")})`,
} as const;

/** A limit given on the command line: undefined (the default) or a whole number ≥ 1. */
export function limitArg(flag: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 1) throw new UserError(`${flag}: got ${value}, expected a whole number ≥ 1`);
  return value;
}
