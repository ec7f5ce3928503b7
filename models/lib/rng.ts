import seedrandom from "seedrandom";

/**
 * A seeded random stream. Every model and controller gets its own stream, derived from the
 * scenario seed and the component id alone (not the run id), so adding a component never shifts
 * another's draws, a run reruns alone with identical results whatever it is called, and the runs of
 * a sweep that share a seed share their random draws (common random numbers: the combinations differ
 * by their parameters, not by seed noise).
 */
export interface Rng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Normal with the given mean and standard deviation (Box-Muller; no allocation). */
  normal(mean: number, sd: number): number;
  /** Exponential with the given mean (e.g. a time between failures in seconds). */
  exponential(mean: number): number;
  /** Integer in [0, n). */
  int(n: number): number;
}

/**
 * Creates the stream named by `path` (e.g. "workload/pretrain") under seed `seed`.
 * Example: createRng(42, "controller/smooth").
 */
export function createRng(seed: number, ...path: string[]): Rng {
  // alea: fast, good statistical quality, and identical on every platform (seedrandom docs).
  const next = seedrandom.alea([seed, ...path].join("/")) as unknown as () => number;
  let spare = 0;
  let hasSpare = false;
  return {
    uniform: next,
    normal(mean: number, sd: number): number {
      if (hasSpare) {
        hasSpare = false;
        return mean + sd * spare;
      }
      let u = next();
      while (u <= Number.MIN_VALUE) u = next();
      const v = next();
      const radius = Math.sqrt(-2 * Math.log(u));
      spare = radius * Math.sin(2 * Math.PI * v);
      hasSpare = true;
      return mean + sd * radius * Math.cos(2 * Math.PI * v);
    },
    exponential(mean: number): number {
      let u = next();
      while (u <= Number.MIN_VALUE) u = next();
      return -mean * Math.log(u);
    },
    int(n: number): number {
      return Math.floor(next() * n);
    },
  };
}
