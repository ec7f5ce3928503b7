import type { Scenario } from "../scenario/scenario-types.js";
import { UserError } from "../../models/lib/errors.js";
import { fromQuantity } from "../../models/lib/units.js";

/** Options shared by `dctwin hil` and `dctwin serve`. */

const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** Splits `NAME=VALUE`; `what` names the option in errors, `valueDoc` what VALUE should be. */
export function named(text: string, what: string, valueDoc: string): [string, string] {
  const eq = text.indexOf("=");
  const name = eq > 0 ? text.slice(0, eq) : "";
  if (!NAME.test(name)) throw new UserError(`${what}: got ${JSON.stringify(text)}, expected NAME=${valueDoc} with NAME a letter then letters, digits, _ or -`);
  return [name, text.slice(eq + 1)];
}

/** Shortens the scenario to `--duration` (a whole number of ticks). */
export function applyDuration(scenario: Scenario, text: string | undefined): void {
  if (text === undefined) return;
  const durationS = fromQuantity(text, "duration");
  if (durationS === undefined || !(durationS > 0)) throw new UserError(`--duration: got ${JSON.stringify(text)}, expected a duration such as "10min"`);
  const ticks = Math.round(durationS / scenario.dtS);
  if (Math.abs(ticks * scenario.dtS - durationS) > 1e-9 * durationS) throw new UserError(`--duration: got ${JSON.stringify(text)}, expected a whole number of ${scenario.dtS * 1000} ms ticks`);
  scenario.ticks = ticks;
  scenario.horizonS = ticks * scenario.dtS;
}
