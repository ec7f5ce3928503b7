/**
 * The zoom levels a report embeds for the PCC power chart: bucket widths from about 1/2000 of the
 * horizon down to one tick, each 10× finer than the last (rounded to whole ticks). A level is kept
 * over the whole run while the rows of all levels stay within `rowBudget`; finer levels are kept
 * only over a window of `windowBuckets` buckets around `centreS` (the largest swing), so a run of
 * any length embeds a few tens of thousands of rows and still shows single ticks somewhere.
 *
 * Example: envelopeLevels(3600, 0.04, 1800, 60_000) gives buckets 1.8 s (whole run, 2,000 rows),
 * 0.2 s (whole run, 18,000 rows), then 0.04 s over 1760 to 1840 s (2,000 rows).
 */
export interface EnvelopeLevel {
  /** Level index, 0 the coarsest. */
  level: number;
  /** Bucket width, s (a whole number of ticks). */
  bucketS: number;
  /** Time span the level covers, s: [fromS, toS). */
  fromS: number;
  toS: number;
}

export const COLUMNS_PER_VIEW = 2000;

export function envelopeLevels(horizonS: number, dtS: number, centreS: number, rowBudget: number, windowBuckets = COLUMNS_PER_VIEW): EnvelopeLevel[] {
  if (!(horizonS > 0) || !(dtS > 0)) throw new RangeError(`envelopeLevels: horizon ${horizonS} s and dt ${dtS} s must be > 0`);
  const ticks = Math.round(horizonS / dtS);
  const levels: EnvelopeLevel[] = [];
  let bucketTicks = Math.max(1, Math.ceil(ticks / COLUMNS_PER_VIEW));
  let rows = 0;
  for (let level = 0; ; level++) {
    const bucketS = bucketTicks * dtS;
    const wholeRows = Math.ceil(ticks / bucketTicks);
    if (level === 0 || rows + wholeRows <= rowBudget) {
      levels.push({ level, bucketS, fromS: 0, toS: horizonS });
      rows += wholeRows;
    } else {
      const spanS = Math.min(horizonS, windowBuckets * bucketS);
      // Aligned to the coarser buckets so the window's edges fall on bucket edges of every level.
      const fromS = Math.max(0, Math.min(horizonS - spanS, Math.floor((centreS - spanS / 2) / bucketS) * bucketS));
      levels.push({ level, bucketS, fromS, toS: Math.min(horizonS, fromS + spanS) });
      rows += Math.ceil(spanS / bucketS);
    }
    if (bucketTicks === 1) break;
    bucketTicks = Math.max(1, Math.round(bucketTicks / 10));
  }
  return levels;
}
