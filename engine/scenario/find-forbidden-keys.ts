import type { Issue } from "../../models/lib/errors.js";

/** Keys that reach an object's prototype when assigned (`o["__proto__"] = x`) or that name it. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Reports every key that could pollute prototypes (`__proto__`, `constructor`, `prototype`),
 * anywhere in parsed data, with its field path. Walks with an explicit stack, so data nested
 * deeper than the call stack does not overflow it.
 *
 * Example: findForbiddenKeys(JSON.parse('{"a":[{"__proto__":1}]}'), "", issues) adds an issue at
 * `a[0].__proto__`.
 */
export function findForbiddenKeys(value: unknown, path: string, issues: Issue[]): void {
  // Issues are stacked with the children so they come out in document order.
  const stack: ({ value: unknown; path: string } | { issue: Issue })[] = [{ value, path }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if ("issue" in item) {
      issues.push(item.issue);
      continue;
    }
    const { value: node, path: where } = item;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push({ value: node[i], path: `${where}[${i}]` });
    } else if (typeof node === "object" && node !== null) {
      const keys = Object.keys(node);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        const at = where === "" ? key : `${where}.${key}`;
        const child = Object.getOwnPropertyDescriptor(node, key)?.value;
        if (FORBIDDEN_KEYS.has(key)) stack.push({ issue: { path: at, value: child, expected: `no key named ${key} (refused: prototype pollution)` } });
        else stack.push({ value: child, path: at });
      }
    }
  }
}
