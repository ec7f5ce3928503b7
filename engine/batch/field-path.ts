/**
 * Field paths into scenario data, as sweep files write them: `hall.rows`,
 * `controllers[0].floor`, `workloads[1].racks`. Parsing and setting are pure (setting works on a
 * copy the caller made).
 *
 * Example: fromFieldPath("controllers[0].floor") gives ["controllers", 0, "floor"].
 */
import { FORBIDDEN_KEYS } from "../scenario/find-forbidden-keys.js";
import type { Spec } from "../scenario/spec.js";

export type PathStep = string | number;

export function fromFieldPath(path: string): PathStep[] | undefined {
  if (!/^[A-Za-z_$][\w$]*(\[\d+\]|\.[A-Za-z_$][\w$]*)*$/.test(path)) return undefined;
  const steps: PathStep[] = [];
  for (const match of path.matchAll(/([A-Za-z_$][\w$]*)|\[(\d+)\]/g)) {
    steps.push(match[1] !== undefined ? match[1] : Number(match[2]));
  }
  return steps;
}

/**
 * Sets `value` at `steps` inside `data` (mutating it). Missing objects along the way are created;
 * a list index must already exist (a sweep varies items of the base, it does not invent them).
 * Returns an error text, or undefined when set.
 */
export function setAtPath(data: Record<string, unknown>, steps: readonly PathStep[], value: unknown): string | undefined {
  let node: unknown = data;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    const last = i === steps.length - 1;
    const where = describe(steps.slice(0, i));
    if (typeof step === "number") {
      if (!Array.isArray(node)) return `${where || "the scenario"} is not a list`;
      if (step >= node.length) return `${where} has ${node.length} item(s), so there is no [${step}]`;
      if (last) node[step] = value;
      else node = node[step];
    } else {
      if (typeof node !== "object" || node === null || Array.isArray(node)) return `${where || "the scenario"} is not a mapping`;
      // Never through a prototype: `__proto__.x` would write onto every object in the process.
      if (FORBIDDEN_KEYS.has(step)) return `${describe(steps.slice(0, i + 1))} names an object's prototype`;
      const record = node as Record<string, unknown>;
      if (last) record[step] = value;
      else {
        if (!Object.hasOwn(record, step) || record[step] === undefined) record[step] = typeof steps[i + 1] === "number" ? [] : {};
        node = record[step];
      }
    }
  }
  return undefined;
}

/** Renders steps back to a path: describe(["a", 0, "b"]) === "a[0].b". */
export function describe(steps: readonly PathStep[]): string {
  return steps.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
}

/**
 * Checks `steps` segment by segment against the scenario spec's own keys (a union accepts `kind`
 * and the fields of any of its variants): returns what is wrong at the first segment the spec does
 * not have, or undefined when every segment is a field or list item of the spec. Prototype members
 * (`__proto__`, `constructor`, `toString`) are never fields.
 *
 * Example: pathSpecError(scenarioSpec, ["hall", "rows"]) === undefined;
 * pathSpecError(scenarioSpec, ["__proto__", "horizon"]) names the known top-level fields.
 */
export function pathSpecError(root: Spec, steps: readonly PathStep[]): string | undefined {
  let specs: Spec[] = [root];
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    const where = describe(steps.slice(0, i)) || "the scenario";
    const next: Spec[] = [];
    const known = new Set<string>();
    for (const spec of specs) {
      if (spec.t === "object") {
        for (const key of Object.keys(spec.fields)) known.add(key);
        if (typeof step === "string" && Object.hasOwn(spec.fields, step)) next.push(spec.fields[step]!);
      } else if (spec.t === "union") {
        known.add("kind");
        if (step === "kind") next.push({ t: "enum", values: Object.keys(spec.variants), doc: spec.doc });
        for (const variant of Object.values(spec.variants)) {
          for (const key of Object.keys(variant.fields)) known.add(key);
          if (typeof step === "string" && Object.hasOwn(variant.fields, step)) next.push(variant.fields[step]!);
        }
      } else if (spec.t === "array") {
        if (typeof step === "number") next.push(spec.of);
      } else if (spec.t === "stringList") {
        if (typeof step === "number") next.push({ t: "string", doc: spec.doc });
      }
    }
    if (next.length === 0) {
      if (typeof step === "number") return `${where} is not a list`;
      if (known.size === 0) return `${where} is a single value, with no fields inside`;
      return `${where} has no field ${JSON.stringify(step)}; known fields: ${[...known].join(", ")}`;
    }
    specs = next;
  }
  return undefined;
}
