import type { Spec } from "./spec.js";

/**
 * Every duration in validated scenario data, with its field path, found by walking the spec next
 * to the data (a union by the value of `kind`). Values are the normalised SI seconds.
 *
 * Example: durationsOf(scenarioSpec, fromScenarioRaw, "") includes { path: "dt", valueS: 0.04 }.
 */
export function durationsOf(spec: Spec, value: unknown, path: string, out: { path: string; valueS: number }[] = []): { path: string; valueS: number }[] {
  if (value === undefined || value === null) return out;
  switch (spec.t) {
    case "quantity":
      if (spec.dim === "duration" && typeof value === "number") out.push({ path, valueS: value });
      break;
    case "array":
      if (Array.isArray(value)) value.forEach((item, i) => durationsOf(spec.of, item, `${path}[${i}]`, out));
      break;
    case "object":
      if (typeof value === "object") {
        for (const [key, field] of Object.entries(spec.fields)) {
          if (Object.hasOwn(value, key)) durationsOf(field, (value as Record<string, unknown>)[key], path === "" ? key : `${path}.${key}`, out);
        }
      }
      break;
    case "union": {
      const kind = typeof value === "object" && Object.hasOwn(value, "kind") ? (value as { kind: unknown }).kind : undefined;
      if (typeof kind === "string" && Object.hasOwn(spec.variants, kind)) durationsOf(spec.variants[kind]!, value, path, out);
      break;
    }
    default:
      break;
  }
  return out;
}
