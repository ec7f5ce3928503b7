import { kmeans } from "ml-kmeans";

/**
 * Inductive monitoring (the IMS idea: learn what nominal looks like as clusters, then score how far
 * a new observation is from all of them). Feature vectors are standardised with the nominal mean
 * and standard deviation, k-means (ml-kmeans, k-means++ seeded) finds k centres, and the deviation
 * score of x is D(x) = the Euclidean distance from standardised x to the nearest centre. Two
 * thresholds come from the nominal scores: tau_fast = their 95th percentile, tau_persist = the 98th.
 *
 * Scoring allocates nothing: centres, mean and scale are flat Float64Arrays.
 *
 * Example: const m = trainInductiveModel(["inletC", "powerW"], rows, { k: 4, seed: 7 });
 *          m.score(Float64Array.of(24.1, 41_000), 0) → 0.8 (standard deviations from normal).
 */
export interface InductiveModel {
  /** Feature names, in the order of a feature vector. */
  readonly features: readonly string[];
  /** Nominal mean and standard deviation per feature (a constant feature gets sd 1). */
  readonly mean: Float64Array;
  readonly sd: Float64Array;
  /** k × features centres, row-major, in standardised units. */
  readonly centres: Float64Array;
  readonly k: number;
  /** p95 and p98 of the nominal scores. */
  readonly tauFast: number;
  readonly tauPersist: number;
  /** Nominal vectors the model was trained on. */
  readonly trainedOn: number;
  /** D of the vector at `x[offset .. offset + features)`. */
  score(x: ArrayLike<number>, offset: number): number;
  /** D of `count` vectors laid end to end in `x`, into `out[0 .. count)`: allocates nothing. */
  scoreAll(x: Float64Array, count: number, out: Float64Array): void;
}

export interface TrainOptions {
  /** Clusters (default 8, at most the number of distinct vectors). */
  k?: number;
  /** Seed of the k-means++ initialisation (deterministic training). */
  seed: number;
  maxIterations?: number;
}

/** Percentiles of nominal D used as thresholds. */
export const TAU_FAST_QUANTILE = 0.95;
export const TAU_PERSIST_QUANTILE = 0.98;

/**
 * Trains on `rows` nominal vectors, each `features.length` long (a flat array, row-major, or an
 * array of rows). Throws a RangeError on too few rows or a non-finite value (the caller's bug or
 * the caller's data: it says which row and feature).
 */
export function trainInductiveModel(features: readonly string[], rows: ArrayLike<number>[] | Float64Array, options: TrainOptions): InductiveModel {
  const f = features.length;
  if (f === 0) throw new RangeError("trainInductiveModel: no features");
  const data = Array.isArray(rows) ? rows : splitRows(rows as Float64Array, f);
  const n = data.length;
  if (n < 2) throw new RangeError(`trainInductiveModel: ${n} nominal vectors, need at least 2`);
  const mean = new Float64Array(f);
  const sd = new Float64Array(f);
  data.forEach((row, r) => {
    if (row.length !== f) throw new RangeError(`trainInductiveModel: vector ${r} has ${row.length} values, expected ${f} (${features.join(", ")})`);
    for (let j = 0; j < f; j++) {
      const v = row[j]!;
      if (!Number.isFinite(v)) throw new RangeError(`trainInductiveModel: vector ${r}, feature ${features[j]}: ${v} is not a finite number`);
      mean[j] += v / n;
    }
  });
  for (const row of data) for (let j = 0; j < f; j++) sd[j] += (row[j]! - mean[j]!) ** 2 / (n - 1);
  // A feature constant over the nominal data (its spread only rounding) keeps scale 1.
  for (let j = 0; j < f; j++) sd[j] = Math.sqrt(sd[j]!) > 1e-9 * Math.max(1, Math.abs(mean[j]!)) ? Math.sqrt(sd[j]!) : 1;
  const standard = data.map((row) => Array.from({ length: f }, (_, j) => (row[j]! - mean[j]!) / sd[j]!));
  const distinct = new Set(standard.map((row) => row.join(","))).size;
  const k = Math.max(1, Math.min(options.k ?? 8, distinct));
  const result = kmeans(standard, k, { seed: options.seed, initialization: "kmeans++", maxIterations: options.maxIterations ?? 100 });
  const centres = new Float64Array(k * f);
  result.centroids.forEach((c, i) => centres.set(c, i * f));
  const partial = { features: [...features], mean, sd, centres, k, trainedOn: n };
  const scoring = scorers(partial);
  const scores = Float64Array.from(standard, (_row, r) => scoring.score(data[r]!, 0)).sort();
  return { ...partial, tauFast: quantile(scores, TAU_FAST_QUANTILE), tauPersist: quantile(scores, TAU_PERSIST_QUANTILE), ...scoring };
}

/** A model from its parts (a file read back); the thresholds as stored. */
export function inductiveModelOf(parts: Omit<InductiveModel, "score" | "scoreAll">): InductiveModel {
  return { ...parts, ...scorers(parts) };
}

function scorers(m: { features: readonly string[]; mean: Float64Array; sd: Float64Array; centres: Float64Array; k: number }): Pick<InductiveModel, "score" | "scoreAll"> {
  const f = m.features.length;
  const { mean, sd, centres, k } = m;
  // Squared distance to the nearest centre (a double kept local: returned once, by score or into out).
  const nearest = (x: ArrayLike<number>, offset: number): number => {
    let best = Infinity;
    for (let c = 0; c < k; c++) {
      let sum = 0;
      const base = c * f;
      for (let j = 0; j < f; j++) {
        const d = (x[offset + j]! - mean[j]!) / sd[j]! - centres[base + j]!;
        sum += d * d;
      }
      if (sum < best) best = sum;
    }
    return best;
  };
  return {
    score: (x, offset) => Math.sqrt(nearest(x, offset)),
    scoreAll(x, count, out) {
      for (let i = 0; i < count; i++) out[i] = Math.sqrt(nearest(x, i * f));
    },
  };
}

/** The q-quantile of ascending `sorted` by linear interpolation between closest ranks. */
function quantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

function splitRows(flat: Float64Array, f: number): Float64Array[] {
  if (flat.length % f !== 0) throw new RangeError(`trainInductiveModel: ${flat.length} values is not a whole number of ${f}-feature vectors`);
  return Array.from({ length: flat.length / f }, (_, r) => flat.subarray(r * f, (r + 1) * f));
}
