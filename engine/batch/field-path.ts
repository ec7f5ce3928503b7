/**
 * Field paths into scenario data, as sweep files write them: `hall.rows`,
 * `controllers[0].floor`, `workloads[1].racks`. Parsing and setting are pure (setting works on a
 * copy the caller made).
 *
 * Example: fromFieldPath("controllers[0].floor") gives ["controllers", 0, "floor"].
 */
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
      const record = node as Record<string, unknown>;
      if (last) record[step] = value;
      else {
        if (record[step] === undefined) record[step] = typeof steps[i + 1] === "number" ? [] : {};
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
