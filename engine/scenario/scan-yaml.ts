import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter } from "yaml";
import type { Issue } from "../../models/lib/errors.js";
import type { InputLimits } from "./input-limits.js";

/**
 * A quick pass over YAML text, before the `yaml` parser sees it: the parser's time and memory grow
 * fast with tokens and nesting (a 4 MB flow list of 2·10^6 items takes 25 s and 2 GB; 10^5 nested
 * `[` overflow its stack), so files with too many values or too deep a nesting are refused here.
 * The counts are estimates from indicators (`[`, `{`, `,`, `- `, `: `) and indentation outside
 * quotes and comments, never below the real figures for ordinary YAML.
 *
 * Example: prescanYaml("[".repeat(100), limits) → one issue "at most 64 levels of nesting".
 */
export function prescanYaml(text: string, limits: InputLimits): Issue[] {
  const n = text.length;
  const indents: number[] = [];
  let line = 1;
  let flow = 0;
  let values = 1;
  let blockDepth = 0;
  let atLineStart = true;
  const tooDeep = (depth: number): Issue[] => [
    { path: "", value: `more than ${limits.maxDepth} levels of nesting (line ${line})`, expected: `at most ${limits.maxDepth} levels of nesting` },
  ];
  const tooMany = (): Issue[] => [
    { path: "", value: `more than ${limits.maxValues.toLocaleString("en")} values (line ${line})`, expected: `a file of at most ${limits.maxValues.toLocaleString("en")} values` },
  ];
  const space = (code: number) => code === 32 || code === 9 || code === 10 || code === 13 || Number.isNaN(code);
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      atLineStart = true;
      continue;
    }
    if (atLineStart) {
      let indent = 0;
      while (i < n && text.charCodeAt(i) === 32) {
        i++;
        indent++;
      }
      c = text.charCodeAt(i);
      atLineStart = false;
      if (i >= n || c === 10 || c === 13 || c === 35 /* # */) {
        i--;
        continue;
      }
      if (flow === 0) {
        while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
        indents.push(indent);
        // Compact nested entries on one line: "- - - x", "? - x".
        let k = i;
        let compact = 0;
        while ((text.charCodeAt(k) === 45 /* - */ || text.charCodeAt(k) === 63 /* ? */) && space(text.charCodeAt(k + 1))) {
          compact++;
          k += 2;
          while (text.charCodeAt(k) === 32) k++;
        }
        blockDepth = indents.length + compact;
        if (blockDepth > limits.maxDepth) return tooDeep(blockDepth);
      }
    }
    const prev = i === 0 ? 10 : text.charCodeAt(i - 1);
    const startOfScalar = space(prev) || prev === 91 || prev === 123 || prev === 44 || prev === 58;
    if ((c === 34 /* " */ || c === 39) /* ' */ && startOfScalar) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 10) line++;
        if (c === 34 && d === 92 /* \ */) j += 2;
        else if (d === c) {
          if (c === 39 && text.charCodeAt(j + 1) === 39) j += 2; // '' inside single quotes
          else break;
        } else j++;
      }
      i = j;
    } else if (c === 35 /* # */ && space(prev)) {
      while (i + 1 < n && text.charCodeAt(i + 1) !== 10) i++;
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      flow++;
      if (++values > limits.maxValues) return tooMany();
      if (flow + blockDepth > limits.maxDepth) return tooDeep(flow + blockDepth);
    } else if (c === 93 /* ] */ || c === 125 /* } */) {
      if (flow > 0) flow--;
    } else if (c === 44 /* , */ && flow > 0) {
      if (++values > limits.maxValues) return tooMany();
    } else if ((c === 45 /* - */ || c === 58) /* : */ && space(text.charCodeAt(i + 1))) {
      if (++values > limits.maxValues) return tooMany();
    }
  }
  return [];
}

/**
 * Checks a parsed (not yet converted) YAML document against the limits, with field paths: depth,
 * keys per mapping, items per list and duplicate keys (checked here in linear time; the parser's
 * own `uniqueKeys` check is quadratic: 10^5 keys took minutes). Aliases are not followed: their
 * expansion is bounded by `maxAliasCount` when the document is converted.
 */
export function checkYamlDocument(doc: Document, lines: LineCounter, limits: InputLimits): Issue[] {
  const issues: Issue[] = [];
  const stack: { node: unknown; path: string; depth: number }[] = [{ node: doc.contents, path: "", depth: 0 }];
  const lineOf = (node: unknown): number => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? lines.linePos(range[0]).line : 0;
  };
  while (stack.length > 0) {
    const { node, path, depth } = stack.pop()!;
    if (isAlias(node) || !(isMap(node) || isSeq(node))) continue;
    if (depth + 1 > limits.maxDepth) {
      issues.push({ path, value: `more than ${limits.maxDepth} levels of nesting (line ${lineOf(node)})`, expected: `at most ${limits.maxDepth} levels of nesting` });
      return issues;
    }
    if (isSeq(node)) {
      if (node.items.length > limits.maxItems) {
        issues.push({ path, value: `${node.items.length.toLocaleString("en")} items`, expected: `a list of at most ${limits.maxItems.toLocaleString("en")} items` });
        return issues;
      }
      for (let i = node.items.length - 1; i >= 0; i--) stack.push({ node: node.items[i], path: `${path}[${i}]`, depth: depth + 1 });
      continue;
    }
    if (node.items.length > limits.maxKeys) {
      issues.push({ path, value: `${node.items.length.toLocaleString("en")} keys`, expected: `a mapping of at most ${limits.maxKeys.toLocaleString("en")} keys` });
      return issues;
    }
    const seen = new Map<string, number>();
    const children: { node: unknown; path: string; depth: number }[] = [];
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const where = path === "" ? key : `${path}.${key}`;
      const first = seen.get(key);
      if (first !== undefined) {
        issues.push({ path: where, value: key, expected: `a key used once in its mapping (line ${lineOf(pair.key)} repeats line ${first})` });
      } else {
        seen.set(key, lineOf(pair.key));
      }
      children.push({ node: pair.value, path: where, depth: depth + 1 });
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return issues;
}
