import type { Dimension } from "../../models/lib/units.js";

/**
 * A tiny schema language for scenario files. One definition drives three things: validation with
 * field-path errors (validate.ts), defaults, and the exported JSON Schema (json-schema.ts), so the
 * editor's view of the format and the engine's can never drift apart.
 */
export type Spec =
  | QuantitySpec
  | NumberSpec
  | StringSpec
  | EnumSpec
  | BoolSpec
  | ArraySpec
  | ObjectSpec
  | UnionSpec
  | StringListSpec;

interface Base {
  doc: string;
}

/** A number with a unit (`"40ms"`, `"9.5MW"`) or a bare number in SI units; yields the SI value. */
export interface QuantitySpec extends Base {
  t: "quantity";
  dim: Dimension;
  /** Inclusive bounds in SI units. */
  min?: number;
  max?: number;
  /** Strictly greater than this (e.g. durations that must be > 0). */
  above?: number;
  default?: number | string;
}

export interface NumberSpec extends Base {
  t: "number";
  integer?: boolean;
  min?: number;
  max?: number;
  default?: number;
}

export interface StringSpec extends Base {
  t: "string";
  pattern?: string;
  patternDoc?: string;
  default?: string;
}

export interface EnumSpec extends Base {
  t: "enum";
  values: readonly string[];
  default?: string;
}

export interface BoolSpec extends Base {
  t: "bool";
  default?: boolean;
}

export interface ArraySpec extends Base {
  t: "array";
  of: Spec;
  minItems?: number;
  default?: unknown[];
}

/** A string or a list of strings, normalised to a list (rack selections, point lists). */
export interface StringListSpec extends Base {
  t: "stringList";
  default?: string[];
}

export interface ObjectSpec extends Base {
  t: "object";
  fields: Record<string, Spec>;
  /** Fields that must be present (others take their default or stay undefined). */
  required?: readonly string[];
  /** Absent means absent (undefined), not an object of defaults: a battery that is not there. */
  optional?: boolean;
}

/** One of several object shapes chosen by the value of `kind`. */
export interface UnionSpec extends Base {
  t: "union";
  variants: Record<string, ObjectSpec>;
}

export const quantity = (dim: Dimension, doc: string, extra: Partial<QuantitySpec> = {}): QuantitySpec => ({
  t: "quantity",
  dim,
  doc,
  ...extra,
});
export const num = (doc: string, extra: Partial<NumberSpec> = {}): NumberSpec => ({ t: "number", doc, ...extra });
export const str = (doc: string, extra: Partial<StringSpec> = {}): StringSpec => ({ t: "string", doc, ...extra });
export const oneOf = (values: readonly string[], doc: string, fallback?: string): EnumSpec =>
  fallback === undefined ? { t: "enum", values, doc } : { t: "enum", values, doc, default: fallback };
export const bool = (doc: string, fallback?: boolean): BoolSpec =>
  fallback === undefined ? { t: "bool", doc } : { t: "bool", doc, default: fallback };
export const list = (of: Spec, doc: string, extra: Partial<ArraySpec> = {}): ArraySpec => ({
  t: "array",
  of,
  doc,
  ...extra,
});
export const strings = (doc: string, fallback?: string[]): StringListSpec =>
  fallback === undefined ? { t: "stringList", doc } : { t: "stringList", doc, default: fallback };
export const obj = (fields: Record<string, Spec>, doc: string, required: readonly string[] = []): ObjectSpec => ({
  t: "object",
  fields,
  doc,
  required,
});
/** An object that may be left out entirely (then the scenario has none of it). */
export const optionalObj = (fields: Record<string, Spec>, doc: string, required: readonly string[] = []): ObjectSpec => ({
  ...obj(fields, doc, required),
  optional: true,
});
export const union = (variants: Record<string, ObjectSpec>, doc: string): UnionSpec => ({ t: "union", variants, doc });
