import * as assert from "uvu/assert";
import { fromScenario } from "../../../engine/scenario/from-scenario.js";
import { UserError } from "../../../models/lib/errors.js";

/** The issues fromScenario reports for `data` (which must be invalid: a valid scenario fails the test). */
export function issuesOf(data: unknown): { path: string; value: unknown; expected: string }[] {
  try {
    fromScenario(data, "test.yaml");
  } catch (error) {
    assert.instance(error, UserError);
    return [...(error as UserError).issues];
  }
  throw new Error("expected a UserError");
}
