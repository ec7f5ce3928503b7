import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { profileJsonSchema } from "../../../hil/profile/profile-schema.js";
import { ROOT } from "../../helpers.js";

test("hil/profiles/profile.schema.json equals the schema generated from PROFILE_SPEC (regenerate with node dist/hil/profiles/generate-profiles.js)", () => {
  const committed = JSON.parse(readFileSync(join(ROOT, "hil/profiles/profile.schema.json"), "utf8"));
  assert.equal(committed, profileJsonSchema());
});

test("profileJsonSchema() lets point bounds be numbers or text with a unit", () => {
  const schema = profileJsonSchema() as { properties: { points: { items: { properties: Record<string, { anyOf?: unknown[] }> } } } };
  for (const field of ["min", "max", "fallback", "rampLimit"]) {
    assert.is(schema.properties.points.items.properties[field]!.anyOf?.length, 2, field);
  }
});

test.run();
