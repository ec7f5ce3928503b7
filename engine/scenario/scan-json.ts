import type { Issue } from "../../models/lib/errors.js";
import type { InputLimits } from "./input-limits.js";

interface Frame {
  kind: "object" | "array";
  path: string;
  /** Object: keys seen (for duplicates); array: unused. */
  keys: Set<string>;
  count: number;
  expectKey: boolean;
  key: string;
}

/**
 * Checks JSON text against the input limits in one pass over its characters, before JSON.parse
 * allocates anything: nesting depth, keys per object, items per array, values in all, and
 * duplicate keys (JSON.parse silently keeps the last). Returns the problems found, each with its
 * field path; a limit exceeded stops the scan (one issue). Syntax errors are left to JSON.parse.
 *
 * Example: scanJson('{"a":1,"a":2}', limits) → [{ path: "a", expected: "a key used once ..." }].
 */
export function scanJson(text: string, limits: InputLimits): Issue[] {
  const issues: Issue[] = [];
  const stack: Frame[] = [];
  let values = 0;
  let line = 1;
  const childPath = (): string => {
    const top = stack[stack.length - 1];
    if (top === undefined) return "";
    if (top.kind === "array") return `${top.path}[${top.count - 1}]`;
    return top.path === "" ? top.key : `${top.path}.${top.key}`;
  };
  /** Counts a value starting here; returns false when a limit stops the scan. */
  const startValue = (): boolean => {
    values++;
    const top = stack[stack.length - 1];
    if (top?.kind === "array") {
      top.count++;
      if (top.count > limits.maxItems) {
        issues.push({ path: top.path, value: `more than ${limits.maxItems.toLocaleString("en")} items`, expected: `a list of at most ${limits.maxItems.toLocaleString("en")} items` });
        return false;
      }
    }
    if (values > limits.maxValues) {
      issues.push({ path: childPath(), value: `more than ${limits.maxValues.toLocaleString("en")} values (line ${line})`, expected: `a file of at most ${limits.maxValues.toLocaleString("en")} values` });
      return false;
    }
    return true;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 58 /* : */) continue;
    const top = stack[stack.length - 1];
    if (c === 34 /* " */) {
      let j = i + 1;
      while (j < text.length) {
        const d = text.charCodeAt(j);
        if (d === 92 /* \ */) j += 2;
        else if (d === 34) break;
        else j++;
      }
      if (top?.kind === "object" && top.expectKey) {
        let key: string;
        try {
          key = JSON.parse(text.slice(i, j + 1)) as string;
        } catch {
          return issues; // a syntax error: JSON.parse reports it with its position
        }
        top.expectKey = false;
        top.key = key;
        top.count++;
        const path = top.path === "" ? key : `${top.path}.${key}`;
        if (top.count > limits.maxKeys) {
          issues.push({ path: top.path, value: `more than ${limits.maxKeys.toLocaleString("en")} keys`, expected: `a mapping of at most ${limits.maxKeys.toLocaleString("en")} keys` });
          return issues;
        }
        if (top.keys.has(key)) issues.push({ path, value: key, expected: `a key used once in its mapping (it appears again at line ${line})` });
        top.keys.add(key);
      } else if (!startValue()) {
        return issues;
      }
      i = j;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (!startValue()) return issues;
      const path = childPath();
      if (stack.length >= limits.maxDepth) {
        issues.push({ path, value: `more than ${limits.maxDepth} levels (line ${line})`, expected: `at most ${limits.maxDepth} levels of nesting` });
        return issues;
      }
      stack.push({ kind: c === 123 ? "object" : "array", path, keys: new Set(), count: 0, expectKey: c === 123, key: "" });
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      stack.pop();
    } else if (c === 44 /* , */) {
      if (top?.kind === "object") top.expectKey = true;
    } else {
      // A number or literal: skip to its end.
      if (!startValue()) return issues;
      while (i + 1 < text.length && !/[\s,\]}:]/.test(text[i + 1]!)) i++;
    }
  }
  return issues;
}
