import type { Issue } from "../../models/lib/errors.js";
import { EXAMPLE, SI_UNIT, fromQuantity } from "../../models/lib/units.js";
import { FORBIDDEN_KEYS } from "./find-forbidden-keys.js";
import type { ObjectSpec, Spec } from "./spec.js";

/**
 * Checks `input` against `spec`, collecting every problem with its field path, and returns the
 * normalised value: quantities in SI units, defaults filled in, string lists as arrays. Unknown
 * fields are problems too (a typo must not be silently ignored).
 *
 * Example: validate(quantity("duration", ".."), "40ms", "dt", issues) === 0.04.
 */
export function validate(spec: Spec, input: unknown, path: string, issues: Issue[]): unknown {
  if (input === null) {
    // YAML writes an empty value (`grid:`) or `~` as null: say so rather than guess a default.
    issues.push({ path, value: null, expected: `${expectedOf(spec)} (or leave the field out${defaultOf(spec) !== undefined ? " for its default" : ""})` });
    return undefined;
  }
  if (input === undefined) {
    const fallback = defaultOf(spec);
    if (fallback !== undefined) return validate(spec, fallback, path, issues);
    if (spec.t === "object" && !spec.optional) return validateObject(spec, {}, path, issues);
    return undefined;
  }
  // A value out of range is reported and dropped: checks of relations never see it (a rack count
  // of 1e21 must not reach an allocation).
  switch (spec.t) {
    case "quantity": {
      const value = fromQuantity(input, spec.dim);
      const unit = SI_UNIT[spec.dim];
      if (value === undefined) {
        issues.push({ path, value: input, expected: `a ${spec.dim} such as ${EXAMPLE[spec.dim]}` });
        return undefined;
      }
      const max = spec.max;
      if (spec.min !== undefined && value < spec.min) {
        issues.push({ path, value: input, expected: `at least ${spec.min} ${unit}` });
      } else if (max !== undefined && value > max) {
        issues.push({ path, value: input, expected: `at most ${max} ${unit}` });
      } else if (spec.above !== undefined && !(value > spec.above)) {
        issues.push({ path, value: input, expected: `more than ${spec.above} ${unit}` });
      } else {
        return value;
      }
      return undefined;
    }
    case "number": {
      if (typeof input !== "number" || !Number.isFinite(input)) {
        issues.push({ path, value: input, expected: spec.integer ? "a whole number" : "a number" });
        return undefined;
      }
      if (spec.integer && !Number.isInteger(input)) {
        issues.push({ path, value: input, expected: "a whole number" });
      } else if (spec.min !== undefined && input < spec.min) {
        issues.push({ path, value: input, expected: `at least ${spec.min}` });
      } else if (spec.max !== undefined && input > spec.max) {
        issues.push({ path, value: input, expected: `at most ${spec.max}` });
      } else {
        return input;
      }
      return undefined;
    }
    case "string": {
      if (typeof input !== "string") {
        issues.push({ path, value: input, expected: "a string" });
        return undefined;
      }
      if (spec.pattern !== undefined && !new RegExp(spec.pattern).test(input)) {
        issues.push({ path, value: input, expected: spec.patternDoc ?? `text matching ${spec.pattern}` });
      }
      return input;
    }
    case "enum": {
      if (typeof input !== "string" || !spec.values.includes(input)) {
        issues.push({ path, value: input, expected: `one of ${spec.values.map((v) => JSON.stringify(v)).join(", ")}` });
        return undefined;
      }
      return input;
    }
    case "bool": {
      if (typeof input !== "boolean") {
        issues.push({ path, value: input, expected: "true or false" });
        return undefined;
      }
      return input;
    }
    case "stringList": {
      if (typeof input === "string") return [input];
      if (Array.isArray(input) && input.every((item) => typeof item === "string")) return input.slice();
      issues.push({ path, value: input, expected: "a string or a list of strings" });
      return undefined;
    }
    case "array": {
      if (!Array.isArray(input)) {
        issues.push({ path, value: input, expected: "a list" });
        return undefined;
      }
      if (spec.minItems !== undefined && input.length < spec.minItems) {
        issues.push({ path, value: input, expected: `a list of at least ${spec.minItems} item(s)` });
      }
      return input.map((item, i) => {
        if (item === null || item === undefined) {
          issues.push({ path: `${path}[${i}]`, value: item, expected: spec.of.doc });
          return undefined;
        }
        return validate(spec.of, item, `${path}[${i}]`, issues);
      });
    }
    case "object":
      return validateObject(spec, input, path, issues);
    case "union": {
      const kinds = Object.keys(spec.variants);
      const kind = isRecord(input) ? own(input, "kind") : undefined;
      // Own keys only: a kind such as "toString" must not find Object.prototype.toString.
      const variant = typeof kind === "string" && Object.hasOwn(spec.variants, kind) ? spec.variants[kind] : undefined;
      if (!isRecord(input) || variant === undefined) {
        const where = isRecord(input) ? join(path, "kind") : path;
        issues.push({ path: where, value: isRecord(input) ? kind : input, expected: `one of ${kinds.map((k) => JSON.stringify(k)).join(", ")}` });
        return undefined;
      }
      return validateObject(variant, input, path, issues, ["kind"]);
    }
  }
}

function validateObject(spec: ObjectSpec, input: unknown, path: string, issues: Issue[], extraKeys: string[] = []): unknown {
  if (!isRecord(input)) {
    issues.push({ path, value: input, expected: "a mapping of fields" });
    return undefined;
  }
  const out: Record<string, unknown> = {};
  for (const key of extraKeys) out[key] = own(input, key);
  for (const key of Object.keys(input)) {
    if (Object.hasOwn(spec.fields, key) || extraKeys.includes(key)) continue;
    const expected = FORBIDDEN_KEYS.has(key)
      ? `no key named ${key} (refused: prototype pollution)`
      : `no such field; known fields: ${Object.keys(spec.fields).join(", ")}`;
    issues.push({ path: join(path, key), value: own(input, key), expected });
  }
  for (const [key, fieldSpec] of Object.entries(spec.fields)) {
    const value = own(input, key);
    if ((value === undefined || value === null) && spec.required?.includes(key)) {
      issues.push({ path: join(path, key), value, expected: `a value (required): ${fieldSpec.doc}` });
      continue;
    }
    const normalised = validate(fieldSpec, value, join(path, key), issues);
    if (normalised !== undefined) out[key] = normalised;
  }
  return out;
}

/** What a field takes, for messages: a quantity's examples, or the field's description. */
function expectedOf(spec: Spec): string {
  if (spec.t === "quantity") return `a ${spec.dim} such as ${EXAMPLE[spec.dim]}`;
  return `a value: ${spec.doc}`;
}

function defaultOf(spec: Spec): unknown {
  return "default" in spec ? spec.default : undefined;
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

/** The value of an own property (never one inherited from a prototype); undefined when absent. */
function own(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
