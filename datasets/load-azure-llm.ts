import { readFile } from "node:fs/promises";
import { unreadableFile } from "../models/lib/errors.js";
import { csvRowsOf, headerText } from "./csv-rows.js";

/**
 * One Azure LLM inference trace as columns, one entry per request, sorted by arrival time.
 * `arrivalS` counts seconds from the first request (so `arrivalS[0] === 0`); token counts are
 * whole tokens stored as doubles. `startUtc` is the first request's timestamp as ISO 8601 text
 * (the publisher states no time zone; we read it as UTC, see datasets/llm-inference-azure/SOURCE.md).
 */
export interface AzureLlmTrace {
  arrivalS: Float64Array;
  contextTokens: Float64Array;
  generatedTokens: Float64Array;
  startUtc: string;
}

const HEADER = "TIMESTAMP,ContextTokens,GeneratedTokens";
// `YYYY-MM-DD HH:MM:SS[.fffffff]`, the publisher's format (7 fractional digits, 100 ns).
const STAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d+)?$/;
const COUNT = /^\d+$/;

/**
 * Loads an Azure LLM inference trace CSV (`AzureLLMInferenceTrace_conv.csv` or `_code.csv`) from
 * `path`. Throws a UserError naming the file (and the line) when it cannot be read or parsed.
 *
 * Example: (await loadAzureLlm("datasets/llm-inference-azure/AzureLLMInferenceTrace_conv.csv"))
 * .arrivalS.length === 19366.
 */
export async function loadAzureLlm(path: string): Promise<AzureLlmTrace> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw unreadableFile(path, (error as Error).message);
  }
  return fromAzureLlmCsv(text, path);
}

/**
 * Parses the text of an Azure LLM inference trace CSV (pure, async because fast-csv streams; header
 * `TIMESTAMP,ContextTokens,GeneratedTokens`; see csvRowsOf for quoting, BOM and line ends; blank
 * lines ignored). Rows out of time order are
 * sorted (stable). `source` names the input in error messages. Throws a UserError for a missing
 * header, a bad row (its 1-based line number, the text and what was expected) or no rows.
 *
 * Example: await fromAzureLlmCsv("TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.5,374,44\n
 * 2023-11-16 18:15:47.0,10,2").arrivalS → [0, 0.5].
 */
export async function fromAzureLlmCsv(text: string, source = "Azure LLM trace"): Promise<AzureLlmTrace> {
  const rows = await csvRowsOf(text, source);
  if (headerText(rows) !== HEADER) {
    throw unreadableFile(source, `line ${rows[0]?.row ?? 1}: got ${JSON.stringify(headerText(rows))}, expected the header "${HEADER}"`);
  }
  const wholeS: number[] = [];
  const fracS: number[] = [];
  const context: number[] = [];
  const generated: number[] = [];
  for (const { row, cells: fields } of rows.slice(1)) {
    const stamp = STAMP.exec(fields[0] ?? "");
    const bad = (expected: string): Error =>
      unreadableFile(source, `line ${row}: got ${JSON.stringify(fields.join(","))}, expected ${expected}`);
    if (fields.length !== 3) throw bad("3 comma-separated fields");
    if (!stamp) throw bad(`a timestamp like "2023-11-16 18:15:46.6805900"`);
    if (!COUNT.test(fields[1]!) || !COUNT.test(fields[2]!)) throw bad("whole token counts");
    // Whole seconds (an integer, exact) and the fraction are kept apart, so differences between
    // epoch-sized times keep the trace's 100 ns resolution.
    const whole =
      Date.UTC(Number(stamp[1]), Number(stamp[2]) - 1, Number(stamp[3]), Number(stamp[4]), Number(stamp[5]), Number(stamp[6])) /
      1000;
    if (!Number.isFinite(whole)) throw bad("a valid date and time");
    wholeS.push(whole);
    fracS.push(stamp[7] ? Number(stamp[7]) : 0);
    context.push(Number(fields[1]));
    generated.push(Number(fields[2]));
  }
  const n = wholeS.length;
  if (n === 0) throw unreadableFile(source, "no request rows after the header");

  const order = Array.from({ length: n }, (_, i) => i);
  const later = (a: number, b: number): number => wholeS[a]! - wholeS[b]! || fracS[a]! - fracS[b]! || a - b;
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) sorted = later(i - 1, i) <= 0;
  if (!sorted) order.sort(later);

  const first = order[0]!;
  const arrivalS = new Float64Array(n);
  const contextTokens = new Float64Array(n);
  const generatedTokens = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const j = order[i]!;
    arrivalS[i] = wholeS[j]! - wholeS[first]! + (fracS[j]! - fracS[first]!);
    contextTokens[i] = context[j]!;
    generatedTokens[i] = generated[j]!;
  }
  const startUtc = new Date(wholeS[first]! * 1000).toISOString().replace(/\.000Z$/, "") + fractionText(fracS[first]!) + "Z";
  return { arrivalS, contextTokens, generatedTokens, startUtc };
}

/** `.6805900`-style text for a fraction of a second (7 digits, the trace's resolution). */
function fractionText(frac: number): string {
  return "." + Math.round(frac * 1e7).toString().padStart(7, "0");
}
