import { toJsonSchema } from "../../engine/scenario/json-schema.js";
import { PROFILE_SPEC } from "./profile-spec.js";

/** The fields of a point whose values are in the point's own unit (a number, or text with a unit). */
const UNIT_VALUE_FIELDS = ["min", "max", "fallback", "rampLimit"] as const;

/**
 * The editor JSON Schema of device-profile files, generated from PROFILE_SPEC (committed as
 * hil/profiles/profile.schema.json; a test keeps the two equal).
 */
export function profileJsonSchema(): Record<string, unknown> {
  const schema = toJsonSchema(PROFILE_SPEC, "dctwin device profile");
  const points = (schema["properties"] as Record<string, { items: { properties: Record<string, { description: string }> } }>)["points"]!;
  for (const field of UNIT_VALUE_FIELDS) {
    const original = points.items.properties[field]!;
    points.items.properties[field] = {
      description: `${original.description} (in the point's unit: a number, or text with a unit such as "-10MW", "20MW/s", "45C", "90%")`,
      anyOf: [{ type: "number" }, { type: "string", pattern: "^\\s*[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?\\s*\\S*\\s*$" }],
    } as unknown as { description: string };
  }
  return schema;
}
