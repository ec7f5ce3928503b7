/**
 * Limits on what an input file may ask of the process, checked before anything proportional to it
 * is allocated: a hostile or mistaken file (an endless `/dev/zero`, a YAML alias bomb, `dt: 1e-9s`,
 * a sweep of 10^8 runs) is refused with a message naming the limit and what it would have been,
 * instead of exhausting memory or hanging. A scenario file is a few KB and about 200 values, so
 * the defaults leave a wide margin for real files.
 */
export interface InputLimits {
  /** Largest file read, bytes. */
  maxFileBytes: number;
  /** Deepest nesting of mappings and lists. */
  maxDepth: number;
  /** Most values (scalars, mappings, lists) in one file. */
  maxValues: number;
  /** Most keys in one mapping. */
  maxKeys: number;
  /** Most items in one list. */
  maxItems: number;
  /** YAML alias resolutions (the `yaml` package's maxAliasCount: a bomb's expansion is refused). */
  maxAliasCount: number;
  /** Most ticks (horizon ÷ dt) in one run; also the longest window any duration may span. */
  maxTicks: number;
  /** Most runs a sweep may expand to (counted before expanding). */
  maxRuns: number;
}

export const INPUT_LIMITS: Readonly<InputLimits> = Object.freeze({
  maxFileBytes: 4 * 1024 * 1024,
  maxDepth: 64,
  maxValues: 20_000,
  maxKeys: 1_000,
  maxItems: 10_000,
  maxAliasCount: 100,
  maxTicks: 100_000_000,
  maxRuns: 100_000,
});

/** The defaults with `overrides` applied (undefined entries keep the default). */
export function inputLimits(overrides: Partial<InputLimits> = {}): InputLimits {
  const out: InputLimits = { ...INPUT_LIMITS };
  for (const key of Object.keys(INPUT_LIMITS) as (keyof InputLimits)[]) {
    const value = overrides[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
