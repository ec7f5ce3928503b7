/**
 * Calibration of the forecast error model (forecast-error.ts) on issued forecasts and their
 * outturn: pure arithmetic, so the test and docs/signals.md derive the same figures.
 */

/** One forecast value set against the outturn: its lead and its relative error (forecast − actual) ÷ actual. */
export interface ForecastErrorPoint {
  readonly leadS: number;
  readonly relError: number;
}

/**
 * The errors of issued forecasts where the outturn is known. Lead = target start − issue start.
 * Example: issued 03:30 with 100 for 04:00, actual 80 at 04:00 → { leadS: 1800, relError: 0.25 }.
 */
export function forecastErrorPoints(
  forecasts: Iterable<{ issuedMs: number; targetMs: readonly number[]; gPerKWh: readonly number[] }>,
  actual: ReadonlyMap<number, number>,
): ForecastErrorPoint[] {
  const out: ForecastErrorPoint[] = [];
  for (const f of forecasts) {
    f.targetMs.forEach((t, i) => {
      const a = actual.get(t);
      if (a === undefined || !(a > 0) || !Number.isFinite(f.gPerKWh[i]!)) return;
      out.push({ leadS: (t - f.issuedMs) / 1000, relError: (f.gPerKWh[i]! - a) / a });
    });
  }
  return out;
}

/**
 * Least-squares fit of the random-walk model, variance = sd0² + q × lead, to the squared errors;
 * returns sd0 and the sd at 24 h (sd24 = sqrt(sd0² + q × 24 h)). A negative intercept is clamped
 * to 0. Needs at least two distinct leads (else throws a RangeError).
 */
export function fitForecastError(points: readonly ForecastErrorPoint[]): { sd0Frac: number; sd24Frac: number } {
  const n = points.length;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (const { leadS, relError } of points) {
    const x = leadS / 3600;
    const y = relError * relError;
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const den = n * sxx - sx * sx;
  if (!(den > 0)) throw new RangeError("fitForecastError: needs errors at two or more different leads");
  const q = (n * sxy - sx * sy) / den;
  const c = Math.max(0, (sy - q * sx) / n);
  return { sd0Frac: Math.sqrt(c), sd24Frac: Math.sqrt(Math.max(0, c + q * 24)) };
}

/** Root-mean-square relative error and point count per lead bucket [i × bucketS, (i + 1) × bucketS). */
export function rmsByLead(points: readonly ForecastErrorPoint[], bucketS: number): { fromS: number; n: number; rms: number; meanLeadS: number }[] {
  const buckets = new Map<number, { n: number; sum2: number; sumLead: number }>();
  for (const { leadS, relError } of points) {
    const b = Math.floor(leadS / bucketS);
    const e = buckets.get(b) ?? { n: 0, sum2: 0, sumLead: 0 };
    e.n++;
    e.sum2 += relError * relError;
    e.sumLead += leadS;
    buckets.set(b, e);
  }
  return [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([b, e]) => ({ fromS: b * bucketS, n: e.n, rms: Math.sqrt(e.sum2 / e.n), meanLeadS: e.sumLead / e.n }));
}
