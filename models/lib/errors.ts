/**
 * Named error factories. A user mistake (a bad scenario, an unknown name, a missing file) is a
 * `UserError`: the CLI prints its message and exits 2 without a stack trace. Anything else is a bug.
 */

/** One problem found in user input: where it is, what was there, what was expected. */
export interface Issue {
  /** Field path in the input, e.g. `workloads[0].iterationPeriod`. */
  path: string;
  /** The value received, as the user wrote it. */
  value: unknown;
  /** What would have been accepted, e.g. `a duration such as "1.2s"`. */
  expected: string;
}

/** An error caused by user input; carries every issue found, so a file is fixed in one pass. */
export class UserError extends Error {
  readonly issues: readonly Issue[];
  constructor(message: string, issues: readonly Issue[] = []) {
    super(message);
    this.name = "UserError";
    this.issues = issues;
  }
}

/** Renders a value for an error message: short, quoted like the user wrote it. */
export function showValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") return JSON.stringify(value);
  // JSON.stringify writes NaN and Infinity as null.
  if (typeof value === "number") return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Formats one issue as `path: got VALUE, expected WHAT`. */
export function formatIssue(issue: Issue): string {
  return `${issue.path || "(root)"}: got ${showValue(issue.value)}, expected ${issue.expected}`;
}

/** Issues listed in a message; the rest are counted. */
const MAX_LISTED_ISSUES = 50;

/** Builds the error for an invalid input file, listing every issue on its own line. */
export function invalidInput(source: string, issues: readonly Issue[]): UserError {
  // Two checks may find one problem (a forbidden key is also not a field): report it once.
  const seen = new Set<string>();
  issues = issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.expected}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  // A file with thousands of problems still gets a readable message (every issue stays in .issues).
  const lines = issues.slice(0, MAX_LISTED_ISSUES).map((issue) => `  - ${formatIssue(issue)}`);
  if (issues.length > MAX_LISTED_ISSUES) lines.push(`  ... and ${issues.length - MAX_LISTED_ISSUES} more`);
  const noun = issues.length === 1 ? "problem" : "problems";
  return new UserError(`${source}: ${issues.length} ${noun}:\n${lines.join("\n")}`, issues);
}

/** An unknown name looked up in a registry or a point table; lists what is known. */
export function unknownName(kind: string, name: string, known: readonly string[]): UserError {
  return new UserError(`unknown ${kind} ${showValue(name)}; known: ${known.join(", ") || "(none)"}`);
}

/** A name registered twice without an explicit override. */
export function duplicateName(kind: string, name: string): UserError {
  return new UserError(`${kind} ${showValue(name)} is already registered (pass override: true to replace it)`);
}

/** A file that cannot be read or parsed. */
export function unreadableFile(path: string, reason: string): UserError {
  return new UserError(`${path}: ${reason}`);
}
