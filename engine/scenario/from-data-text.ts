import { LineCounter, parseDocument, YAMLParseError } from "yaml";
import { invalidInput, unreadableFile } from "../../models/lib/errors.js";
import type { InputLimits } from "./input-limits.js";
import { scanJson } from "./scan-json.js";
import { checkYamlDocument, prescanYaml } from "./scan-yaml.js";

/**
 * Parses YAML or JSON text into plain data within `limits` (see input-limits.ts): nesting depth,
 * values, keys per mapping, items per list, YAML aliases; duplicate keys are refused in both
 * formats (JSON.parse would keep the last silently). Pure; `source` names the text in messages.
 * Throws a UserError naming the field path (or the line) of each problem.
 *
 * Example: fromDataText("a: 1\nb: [2]", "yaml", "x.yaml", INPUT_LIMITS) → { a: 1, b: [2] }.
 */
export function fromDataText(text: string, format: "yaml" | "json", source: string, limits: InputLimits): unknown {
  if (format === "json") {
    const issues = scanJson(text, limits);
    if (issues.length > 0) throw invalidInput(source, issues);
    try {
      return JSON.parse(text);
    } catch (error) {
      throw unreadableFile(source, `JSON syntax error: ${(error as Error).message}`);
    }
  }
  const early = prescanYaml(text, limits);
  if (early.length > 0) throw invalidInput(source, early);
  const lines = new LineCounter();
  let doc;
  try {
    doc = parseDocument(text, { uniqueKeys: false, lineCounter: lines, prettyErrors: true });
  } catch (error) {
    // The prescan keeps the parser within its stack; anything it throws is still the file's fault.
    throw unreadableFile(source, `YAML the parser cannot read: ${(error as Error).message}`);
  }
  const syntax = doc.errors[0];
  if (syntax !== undefined) {
    const where = syntax instanceof YAMLParseError ? syntax.linePos?.[0] : undefined;
    throw unreadableFile(source, `YAML syntax error${where ? ` at line ${where.line}, column ${where.col}` : ""}: ${syntax.message.split("\n")[0]}`);
  }
  const issues = checkYamlDocument(doc, lines, limits);
  if (issues.length > 0) throw invalidInput(source, issues);
  try {
    return doc.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (error) {
    if (error instanceof ReferenceError) {
      throw invalidInput(source, [{ path: "", value: `YAML aliases that expand past ${limits.maxAliasCount} resolutions`, expected: `at most ${limits.maxAliasCount} alias resolutions (a YAML bomb is refused): ${error.message}` }]);
    }
    throw unreadableFile(source, `YAML the parser cannot read: ${(error as Error).message}`);
  }
}
