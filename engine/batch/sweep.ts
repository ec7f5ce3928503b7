import seedrandom from "seedrandom";
import { formatIssue, invalidInput, UserError, type Issue } from "../../models/lib/errors.js";
import { FORBIDDEN_KEYS, findForbiddenKeys } from "../scenario/find-forbidden-keys.js";
import { fromScenario } from "../scenario/from-scenario.js";
import { INPUT_LIMITS, type InputLimits } from "../scenario/input-limits.js";
import { scenarioSpec } from "../scenario/scenario-spec.js";
import type { Scenario } from "../scenario/scenario-types.js";
import { fromFieldPath, pathSpecError, setAtPath, type PathStep } from "./field-path.js";

/**
 * A sweep: a base scenario and axes over its field paths, expanded before anything runs into a
 * list of runs, each with a stable run id, its parameter values and its seed.
 *
 * - `grid`: a cartesian product (first path outermost).
 * - `zip`: groups of paths varied together (lists of one length within a group); each group is
 *   one more axis of the product.
 * - `replicates`: seeds per combination. Replicate 0 keeps the scenario's seed; replicate r > 0
 *   gets a seed derived from (seed, r). Every combination uses the same replicate seeds (common
 *   random numbers), so differences between combinations are not seed noise.
 * - `set`: values applied to every run (e.g. a shorter horizon).
 *
 * Run ids are `<name>-<index>` with the index zero-padded: the same sweep file always gives the
 * same ids, which is what `--resume` and `--shard` rely on.
 */
export interface SweepFile {
  name: string;
  /** The base scenario data (already loaded) and where it came from. */
  base: unknown;
  baseSource: string;
  set: Record<string, unknown>;
  grid: Record<string, unknown[]>;
  zip: Record<string, unknown[]>[];
  replicates: number;
}

/** One run of a batch: either a valid scenario, or the error that makes it fail. */
export interface RunPlan {
  index: number;
  runId: string;
  /** Parameter values as written in the sweep (plus `replicate`). */
  params: Record<string, unknown>;
  /** The combination key (params without replicate), for the summary table. */
  combination: string;
  seed: number;
  scenario?: Scenario;
  error?: string;
}

const NAME = /^[a-z][a-z0-9-]*$/;

/**
 * Validates raw sweep data (the `base` already resolved and loaded by the caller) into a
 * SweepFile, or throws a UserError listing every problem with its path.
 */
export function fromSweep(data: unknown, base: unknown, baseSource: string, source: string): SweepFile {
  const issues: Issue[] = [];
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw invalidInput(source, [{ path: "", value: data, expected: "a mapping with name, base and grid / zip / replicates" }]);
  findForbiddenKeys(data, "", issues);
  // Own keys only, so a missing field never reads a prototype member.
  const d: Record<string, unknown> = Object.assign(Object.create(null), data);
  const known = ["name", "base", "set", "grid", "zip", "replicates", "description"];
  for (const key of Object.keys(d)) if (!known.includes(key) && !FORBIDDEN_KEYS.has(key)) issues.push({ path: key, value: d[key], expected: `no such field; known fields: ${known.join(", ")}` });
  if (typeof d.name !== "string" || !NAME.test(d.name)) issues.push({ path: "name", value: d.name, expected: 'a lower-case id of letters, digits and dashes, e.g. "floor-sweep"' });
  if (d.description !== undefined && typeof d.description !== "string") issues.push({ path: "description", value: d.description, expected: "a string: what the sweep compares" });
  if (d.base !== undefined && typeof d.base !== "string") issues.push({ path: "base", value: d.base, expected: "the path of the base scenario file, relative to this file" });
  const mapping = (key: string): Record<string, unknown> => {
    const v = d[key];
    if (v === undefined) return {};
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
      issues.push({ path: key, value: v, expected: "a mapping of field path → value" });
      return {};
    }
    return v as Record<string, unknown>;
  };
  const checkPath = (path: string, where: string) => {
    const steps = fromFieldPath(path);
    if (steps === undefined) {
      issues.push({ path: where, value: path, expected: 'a field path such as "hall.rows" or "controllers[0].floor"' });
      return;
    }
    const error = pathSpecError(scenarioSpec, steps);
    if (error !== undefined) issues.push({ path: where, value: path, expected: `a field path of the scenario (${error})` });
  };
  const checkList = (value: unknown, where: string): unknown[] => {
    if (!Array.isArray(value) || value.length === 0) {
      issues.push({ path: where, value, expected: "a non-empty list of values" });
      return [];
    }
    return value;
  };
  const set = mapping("set");
  for (const path of Object.keys(set)) checkPath(path, `set["${path}"]`);
  const gridRaw = mapping("grid");
  const grid: Record<string, unknown[]> = Object.create(null);
  for (const [path, values] of Object.entries(gridRaw)) {
    checkPath(path, `grid["${path}"]`);
    grid[path] = checkList(values, `grid["${path}"]`);
  }
  const zip: Record<string, unknown[]>[] = [];
  if (d.zip !== undefined) {
    if (!Array.isArray(d.zip)) issues.push({ path: "zip", value: d.zip, expected: "a list of groups, each a mapping of field path → list" });
    else {
      d.zip.forEach((group, g) => {
        if (typeof group !== "object" || group === null || Array.isArray(group)) {
          issues.push({ path: `zip[${g}]`, value: group, expected: "a mapping of field path → list" });
          return;
        }
        const entries = Object.entries(group as Record<string, unknown>);
        const out: Record<string, unknown[]> = Object.create(null);
        for (const [path, values] of entries) {
          checkPath(path, `zip[${g}]["${path}"]`);
          out[path] = checkList(values, `zip[${g}]["${path}"]`);
        }
        const lengths = new Set(Object.values(out).map((v) => v.length));
        if (lengths.size > 1) issues.push({ path: `zip[${g}]`, value: Object.fromEntries(Object.entries(out).map(([p, v]) => [p, v.length])), expected: "lists of one length (they are paired item by item)" });
        zip.push(out);
      });
    }
  }
  const axisPaths = [...Object.keys(grid), ...zip.flatMap((g) => Object.keys(g))];
  const seen = new Set<string>();
  for (const path of axisPaths) {
    if (seen.has(path) || Object.hasOwn(set, path)) issues.push({ path, value: path, expected: "each path on one axis only (not twice, not also in set)" });
    seen.add(path);
  }
  const replicates = d.replicates ?? 1;
  if (typeof replicates !== "number" || !Number.isInteger(replicates) || replicates < 1 || replicates > 10_000) {
    issues.push({ path: "replicates", value: replicates, expected: "a whole number from 1 to 10000" });
  }
  if (issues.length > 0) throw invalidInput(source, issues);
  return { name: d.name as string, base, baseSource, set, grid, zip, replicates: replicates as number };
}

/** Derived seed of replicate r (> 0) of a run whose scenario seed is `seed`. */
export function replicateSeed(seed: number, replicate: number): number {
  if (replicate === 0) return seed;
  return (seedrandom.alea(`${seed}/replicate/${replicate}`) as unknown as { int32(): number }).int32() >>> 0;
}

/**
 * Expands a sweep into its runs. Structural problems (a path the base does not have) throw a
 * UserError naming the axis; a value that makes a run's scenario invalid makes that run a failing
 * plan whose error names the axis, the path and the value (the batch records it and goes on).
 */
export function expandSweep(sweep: SweepFile, source: string, limits: InputLimits = INPUT_LIMITS): RunPlan[] {
  type Axis = { where: (i: number) => string; paths: { path: string; steps: PathStep[]; values: unknown[] }[]; length: number };
  const axes: Axis[] = [
    ...Object.entries(sweep.grid).map(([path, values]) => ({ where: (i: number) => `grid["${path}"][${i}]`, paths: [{ path, steps: fromFieldPath(path)!, values }], length: values.length })),
    ...sweep.zip.map((group, g) => {
      const paths = Object.entries(group).map(([path, values]) => ({ path, steps: fromFieldPath(path)!, values }));
      return { where: (i: number) => `zip[${g}][${i}]`, paths, length: paths[0]?.values.length ?? 1 };
    }),
  ];
  const combinations = axes.reduce((n, a) => n * a.length, 1);
  const total = combinations * sweep.replicates;
  // Counted before anything is expanded: 4 axes of 100 values would be 10^8 plans.
  if (total > limits.maxRuns) {
    const factors = [...axes.map((a) => `${a.length} (${a.paths.map((p) => p.path).join(" with ")})`), ...(sweep.replicates > 1 ? [`${sweep.replicates} (replicates)`] : [])];
    throw invalidInput(source, [
      { path: "grid", value: `${factors.join(" × ")} = ${total.toLocaleString("en")} runs`, expected: `a sweep of at most ${limits.maxRuns.toLocaleString("en")} runs (split it, or raise the limit: --max-runs)` },
    ]);
  }
  const width = String(total - 1).length;
  const runs: RunPlan[] = [];
  const structural: Issue[] = [];
  const clone = () => structuredClone(sweep.base) as Record<string, unknown>;
  for (const [path, value] of Object.entries(sweep.set)) {
    const error = setAtPath(clone(), fromFieldPath(path)!, value);
    if (error) structural.push({ path: `set["${path}"]`, value: path, expected: `a path the base scenario has (${error})` });
  }
  for (const axis of axes) {
    for (const p of axis.paths) {
      const error = setAtPath(clone(), p.steps, p.values[0]);
      if (error) structural.push({ path: axis.where(0).replace(/\[0\]$/, ""), value: p.path, expected: `a path the base scenario has (${error})` });
    }
  }
  if (structural.length > 0) throw invalidInput(source, structural);

  for (let index = 0; index < total; index++) {
    const replicate = index % sweep.replicates;
    let rest = Math.floor(index / sweep.replicates);
    const picks: number[] = new Array(axes.length);
    for (let a = axes.length - 1; a >= 0; a--) {
      picks[a] = rest % axes[a]!.length;
      rest = Math.floor(rest / axes[a]!.length);
    }
    const data = clone();
    for (const [path, value] of Object.entries(sweep.set)) setAtPath(data, fromFieldPath(path)!, value);
    const params: Record<string, unknown> = {};
    // Where each path's value comes from, for messages: an axis, or `set` (else the base file).
    const valueAt = new Map<string, { where: string; value: unknown }>(Object.entries(sweep.set).map(([path, value]) => [path, { where: `set["${path}"]`, value }]));
    axes.forEach((axis, a) => {
      for (const p of axis.paths) {
        const value = p.values[picks[a]!];
        setAtPath(data, p.steps, value);
        params[p.path] = value;
        valueAt.set(p.path, { where: axis.where(picks[a]!), value });
      }
    });
    const combination = JSON.stringify(params);
    params.replicate = replicate;
    const runId = `${sweep.name}-${String(index).padStart(width, "0")}`;
    const plan: RunPlan = { index, runId, params, combination, seed: 0 };
    try {
      const scenario = fromScenario(data, `${source} (run ${runId})`, limits);
      scenario.seed = replicateSeed(scenario.seed, replicate);
      plan.scenario = scenario;
      plan.seed = scenario.seed;
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      plan.error = error.issues.length === 0 ? error.message : error.issues.map((issue) => describeIssue(issue, valueAt, sweep.baseSource)).join("; ");
    }
    runs.push(plan);
  }
  return runs;
}

/** Names the axis an issue comes from, or the base file when no axis sets that path. */
function describeIssue(issue: Issue, valueAt: Map<string, { where: string; value: unknown }>, baseSource: string): string {
  for (const [path, at] of valueAt) {
    if (issue.path === path || issue.path.startsWith(`${path}.`) || issue.path.startsWith(`${path}[`)) {
      return `${at.where} (${formatIssue(issue)})`;
    }
  }
  return `${baseSource}: ${formatIssue(issue)}`;
}

/** A scenario run on its own, as a plan of one (`dctwin run`, the benchmark). */
export function planOf(scenario: Scenario, runId: string): RunPlan {
  return { index: 0, runId, params: {}, combination: "{}", seed: scenario.seed, scenario };
}

/** The runs of shard i of n: every run whose index ≡ i (mod n). */
export function shardOf(runs: readonly RunPlan[], shard: number, shards: number): RunPlan[] {
  return runs.filter((run) => run.index % shards === shard);
}
