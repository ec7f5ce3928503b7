import { EXAMPLE, SI_UNIT } from "../../models/lib/units.js";
import type { Spec } from "./spec.js";

/**
 * Converts a spec to JSON Schema (draft 2020-12), for editors that complete and check scenario
 * files (VS Code's YAML and JSON extensions read it). Quantities accept a number (SI units) or a
 * string with a unit.
 */
export function toJsonSchema(spec: Spec, title?: string): Record<string, unknown> {
  const schema = convert(spec);
  if (title !== undefined) {
    return { $schema: "https://json-schema.org/draft/2020-12/schema", title, ...schema };
  }
  return schema;
}

function convert(spec: Spec): Record<string, unknown> {
  const description = spec.doc;
  switch (spec.t) {
    case "quantity":
      return {
        description: `${description} (number in ${SI_UNIT[spec.dim]}, or text with a unit, e.g. ${EXAMPLE[spec.dim]})`,
        anyOf: [{ type: "number" }, { type: "string", pattern: "^\\s*[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?\\s*\\S*\\s*$" }],
        ...(spec.default !== undefined ? { default: spec.default } : {}),
      };
    case "number":
      return {
        description,
        type: spec.integer ? "integer" : "number",
        ...(spec.min !== undefined ? { minimum: spec.min } : {}),
        ...(spec.max !== undefined ? { maximum: spec.max } : {}),
        ...(spec.default !== undefined ? { default: spec.default } : {}),
      };
    case "string":
      return {
        description,
        type: "string",
        ...(spec.pattern !== undefined ? { pattern: spec.pattern } : {}),
        ...(spec.default !== undefined ? { default: spec.default } : {}),
      };
    case "enum":
      return { description, enum: [...spec.values], ...(spec.default !== undefined ? { default: spec.default } : {}) };
    case "bool":
      return { description, type: "boolean", ...(spec.default !== undefined ? { default: spec.default } : {}) };
    case "stringList":
      return { description, anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }] };
    case "array":
      return {
        description,
        type: "array",
        items: convert(spec.of),
        ...(spec.minItems !== undefined ? { minItems: spec.minItems } : {}),
      };
    case "object": {
      const properties: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(spec.fields)) properties[key] = convert(field);
      return {
        description,
        type: "object",
        additionalProperties: false,
        properties,
        ...(spec.required && spec.required.length > 0 ? { required: [...spec.required] } : {}),
      };
    }
    case "union":
      return {
        description,
        oneOf: Object.entries(spec.variants).map(([kind, variant]) => {
          const converted = convert(variant) as { properties: Record<string, unknown>; required?: string[] };
          return {
            ...converted,
            properties: { kind: { const: kind, description: `selects this variant: ${variant.doc}` }, ...converted.properties },
            required: ["kind", ...(converted.required ?? [])],
          };
        }),
      };
  }
}
