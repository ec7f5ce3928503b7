import { invalidInput, type Issue } from "../lib/errors.js";
import type { Rng } from "../lib/rng.js";
import { diurnalRate } from "./diurnal.js";
import type { Workload, WorkloadContext, WorkloadOutput } from "./workload.js";

/**
 * Requests replayed from a trace (e.g. `loadAzureLlm`), one entry per request, times in s.
 * The trace repeats to cover any horizon: loop L plays request j at `arrivalS[j] + L · periodS`.
 * `rateScale` (> 0) multiplies the request rate by overlaying copies of the trace rather than by
 * compressing time, so each copy keeps the trace's real inter-arrival statistics and the loop
 * period stays `periodS`: ⌈rateScale⌉ copies, copy i shifted back by i · periodS / ⌈rateScale⌉
 * (all copies are under way at t = 0), and the last copy thinned deterministically (a golden-ratio
 * Weyl sequence keeps request j or not) to the fractional part. rateScale 1 replays the trace as is.
 */
export interface TraceRateSource {
  kind: "trace";
  /** Arrival times, s (non-negative; sorted here when they are not). */
  arrivalS: Float64Array;
  /** Prompt tokens per request (prefill work). */
  contextTokens: Float64Array;
  /** Output tokens per request (decode work). */
  generatedTokens: Float64Array;
  rateScale: number;
  /**
   * Loop period, s, ≥ the trace's span (last − first arrival). Default: the last arrival plus the
   * mean gap between arrivals, so loop L + 1 starts one mean gap after loop L's last request.
   */
  periodS?: number;
}

/**
 * Poisson arrivals (drawn from `ctx.rng`) at the daily-cycle rate of `diurnalRate`, each request
 * carrying the mean token counts.
 */
export interface DiurnalRateSource {
  kind: "diurnal";
  /** Daily mean arrival rate, requests/s. */
  meanRequestsPerS: number;
  /** Peak rate / trough rate, ≥ 1. */
  peakToTroughRatio: number;
  /** Time of day of the peak, s after midnight (e.g. 14 × 3600). */
  peakHourS: number;
  contextTokensMean: number;
  generatedTokensMean: number;
  /** Time of day at tS = 0, s after midnight. Default 0 (the run starts at midnight). */
  startTimeOfDayS?: number;
}

export type InferenceRateSource = TraceRateSource | DiurnalRateSource;

export interface InferenceWorkloadOptions {
  id: string;
  /** First cohort index this workload writes in the hall's utilisation array. */
  cohortOffset: number;
  /** Cohorts (replica groups) this workload writes; the hall decides each one's GPUs. ≥ 1. */
  cohortCount: number;
  /** GPUs serving the model in total (all cohorts). ≥ 1. */
  gpuCount: number;
  source: InferenceRateSource;
  /** Prompt tokens/s one GPU processes at full utilisation. Default INFERENCE_DEFAULTS. */
  prefillTokensPerSPerGpu?: number;
  /** Output tokens/s one GPU generates at full utilisation (large batches). Default INFERENCE_DEFAULTS. */
  decodeTokensPerSPerGpu?: number;
  /** Output tokens/s of one request while it generates and the service is not saturated. */
  decodeTokensPerSPerStream?: number;
  /** GPUs of one model replica (tensor-parallel degree); sets one request's prefill time. */
  gpusPerReplica?: number;
  /** Utilisation of a loaded but idle server, [0, 1]. */
  minUtilFrac?: number;
  /** Standard deviation of the relative load imbalance between cohorts (0: all cohorts equal). */
  imbalanceFrac?: number;
  /** Correlation time of that imbalance, s (> 0). */
  imbalanceTimeS?: number;
  /**
   * Added delay, s (latencyS minus the unloaded latency), above which a `backlog-high` event is
   * recorded; `backlog-cleared` follows when it falls below half of it.
   */
  delayEventS?: number;
}

/**
 * Defaults for an H100 SXM class GPU serving a ~70B dense model (Llama 3.3 70B, FP8 weights)
 * with tensor parallelism 2.
 */
export const INFERENCE_DEFAULTS = Object.freeze({
  // TensorRT-LLM v1.0 performance overview (NVIDIA, docs/source/performance/perf-overview.md),
  // Llama 3.3 70B FP8 on 2 × H100 SXM (TP2), input/output 128/2048 tokens: 6,651 output tokens/s
  // per pair → 3,326 per GPU; with 128-token prompts that is nearly all decode work.
  decodeTokensPerSPerGpu: 3_300,
  // Same table, input/output 2048/128: 762 output tokens/s per pair = 12,192 prompt tokens/s; less
  // the decode time at the rate above, ≈ 6,900 prompt tokens/s per GPU (5000/500 gives ≈ 5,200,
  // 1000/1000 ≈ 5,700). Cross-check: 2 × 70e9 FLOP per token (2N forward FLOPs, Kaplan et al. 2020)
  // × 6,000 tokens/s = 0.84 PFLOP/s = 42 % of the H100 SXM's 1,979 TFLOPS dense FP8 (datasheet).
  prefillTokensPerSPerGpu: 6_000,
  // 40 ms per output token: the TPOT limit of MLPerf Inference v5.0's Llama 2 70B Interactive
  // scenario (MLCommons, 2025). An assumption for a latency-bound chat service.
  decodeTokensPerSPerStream: 25,
  gpusPerReplica: 2,
  // Assumption (no measurement): weights resident, scheduler polling, KV cache kept warm.
  minUtilFrac: 0.05,
  // Assumption: a load balancer keeps replica groups within a few percent of each other, with
  // differences that last tens of seconds (long requests pinned to one replica).
  imbalanceFrac: 0.05,
  imbalanceTimeS: 30,
  delayEventS: 10,
});

/** A fluid remainder below this many tokens is served at once (fluid queues otherwise decay forever). */
const TAIL_TOKENS = 0.01;
/** Golden-ratio conjugate: the Weyl sequence frac(j · φ) thins a trace copy evenly, without randomness. */
const PHI = (Math.sqrt(5) - 1) / 2;

/**
 * Creates an LLM inference service as a fluid queueing model. Each tick [tS, tS + dtS):
 * 1. requests arriving in the tick join the prefill queue with their prompt and output tokens;
 * 2. each generating request ("stream") asks for `decodeTokensPerSPerStream` output tokens/s and
 *    the waiting prompts ask for up to one tick of prefill; at full utilisation the service
 *    generates `decodeTokensPerSPerGpu · gpuCount` output tokens/s or prefills
 *    `prefillTokensPerSPerGpu · gpuCount` prompt tokens/s, and when the asks exceed the tick they
 *    share it in proportion to the time each asks for (mixed continuous batching with a chunked-
 *    prefill budget, as in Orca, vLLM and Sarathi-Serve, taken as a fluid);
 * 3. queued requests progress through prefill in proportion, and start generating next tick;
 * 4. utilisation = busy fraction = decode tokens / decode capacity + prompt tokens / prefill
 *    capacity, per tick, in [0, 1]; each cohort gets it with a seeded relative imbalance
 *    (an Ornstein-Uhlenbeck process per cohort, zero mean across cohorts, scaled by (1 − util) so
 *    that it vanishes at 0 and at saturation), floored at `minUtilFrac`.
 * Streams finish in proportion to the decode work done (a fluid approximation: lifetimes are
 * exponential with the right mean rather than each request's exact length, so a lone request's
 * last tokens trail off for a few times its length / stream rate); remainders below 0.01 token
 * are served at once. Work is conserved:
 * tokens arrived = tokens served + `backlogTokens`, to rounding. Utilisation counts tokens, so
 * light decode load, which is memory-bound on real GPUs, reads lower than its real power draw.
 *
 * Outputs (`workload.<id>.<name>`): tokensPerS (decode tokens served per s), prefillTokensPerS,
 * requestsPerS (arrivals in the tick per s), utilFrac (service mean), backlogTokens (prompt and
 * output tokens not yet served), concurrentRequests (queued + generating), latencyS (estimated
 * end-to-end latency of a mean request arriving now: the waiting prompt tokens / the prefill rate
 * achieved this tick, plus the unloaded latency (its prompt on one `gpusPerReplica` replica, its
 * output at the stream rate) stretched by the service's oversubscription askedS / dtS, averaged
 * over one unloaded latency).
 * Events: `backlog-high` when latencyS exceeds the unloaded latency by more than `delayEventS`,
 * `backlog-cleared` when the excess falls below half of it. Throws a UserError listing every
 * invalid option. Allocation-free per tick.
 *
 * Example: 256 GPUs with the defaults replaying the Azure conversation trace (6.4k prompt + 1.2k
 * output tokens/s against 1.54M + 0.84M tokens/s of capacity) → mean busy fraction 0.0055
 * (utilFrac 0.0505 with the 0.05 floor); at rateScale 100, mean utilFrac 0.55, 1 s peak 0.61.
 */
export function createInferenceWorkload(options: InferenceWorkloadOptions): Workload {
  const o = { ...INFERENCE_DEFAULTS, ...withoutUndefined(options) };
  const issues = validate(o);
  const trace = o.source?.kind === "trace" ? prepareTrace(o.source, issues) : undefined;
  if (issues.length > 0) throw invalidInput(`inference workload ${JSON.stringify(options.id)}`, issues);

  const { cohortOffset, cohortCount, minUtilFrac, imbalanceFrac, imbalanceTimeS, delayEventS } = o;
  const decodeCapacityPerS = o.decodeTokensPerSPerGpu * o.gpuCount;
  const prefillCapacityPerS = o.prefillTokensPerSPerGpu * o.gpuCount;
  const streamRatePerS = o.decodeTokensPerSPerStream;
  const replicaPrefillPerS = o.prefillTokensPerSPerGpu * Math.min(o.gpusPerReplica, o.gpuCount);
  const diurnal = o.source.kind === "diurnal" ? o.source : undefined;
  const contextMean = trace ? trace.contextMean : diurnal!.contextTokensMean;
  const generatedMean = trace ? trace.generatedMean : diurnal!.generatedTokensMean;
  const imbalance = new Float64Array(cohortCount);
  const imbalanced = cohortCount > 1 && imbalanceFrac > 0;

  // Queue state (tokens and request counts; fluid, so fractional).
  let prefillTokens = 0; // prompt tokens not yet prefilled
  let waitingRequests = 0; // requests not yet (fully) prefilled
  let waitingDecodeTokens = 0; // output tokens of those requests
  let streams = 0; // requests generating
  let decodeTokens = 0; // output tokens the streams still have to generate
  let imbalanceStarted = false;
  let delayAlarm = false;
  // Published values of the last tick.
  let tokensPerS = 0;
  let prefillTokensPerS = 0;
  let requestsPerS = 0;
  let serviceUtilFrac = minUtilFrac;
  // A mean request on an idle service: its prompt on one replica, then its output at the stream rate.
  const unloadedLatencyS = contextMean / replicaPrefillPerS + generatedMean / streamRatePerS;
  let slowdown = 1; // 1 / share, averaged over about one unloaded request lifetime
  let latencyS = unloadedLatencyS;
  // Run totals for the KPIs.
  let totalRequests = 0;
  let totalDecodeTokens = 0;
  let totalPrefillTokens = 0;
  let utilSum = 0;
  let latencySum = 0;
  let latencyMaxS = 0;
  let ticks = 0;

  const outputs: WorkloadOutput[] = [
    { name: "tokensPerS", unit: "tokens/s", description: "output (decode) tokens generated per second", value: () => tokensPerS },
    { name: "prefillTokensPerS", unit: "tokens/s", description: "prompt tokens prefilled per second", value: () => prefillTokensPerS },
    { name: "requestsPerS", unit: "1/s", description: "requests arriving per second (this tick)", value: () => requestsPerS },
    { name: "utilFrac", unit: "fraction", description: "service utilisation, mean over cohorts", value: () => serviceUtilFrac },
    {
      name: "backlogTokens",
      unit: "tokens",
      description: "prompt and output tokens arrived but not yet served",
      value: () => prefillTokens + waitingDecodeTokens + decodeTokens,
    },
    { name: "concurrentRequests", unit: "requests", description: "requests queued or generating", value: () => waitingRequests + streams },
    { name: "latencyS", unit: "s", description: "estimated end-to-end latency of a mean request arriving now", value: () => latencyS },
  ];

  function step(_k: number, tS: number, utilFrac: Float64Array, ctx: WorkloadContext): void {
    const dtS = ctx.dtS;
    // 1. Arrivals in [tS, tS + dtS).
    let arrivedRequests = 0;
    let arrivedContext = 0;
    let arrivedGenerated = 0;
    if (trace) {
      const endS = tS + dtS;
      const { arrivalS, contextTokens, generatedTokens, periodS, next, loops, shiftS, keep, n } = trace;
      const last = next.length - 1;
      for (let i = 0; i <= last; i++) {
        let j = next[i]!;
        let loop = loops[i]!;
        while (arrivalS[j]! + loop * periodS - shiftS[i]! < endS) {
          if (i < last || keep === undefined || keep[j] === 1) {
            arrivedRequests += 1;
            arrivedContext += contextTokens[j]!;
            arrivedGenerated += generatedTokens[j]!;
          }
          j += 1;
          if (j === n) {
            j = 0;
            loop += 1;
          }
        }
        next[i] = j;
        loops[i] = loop;
      }
    } else {
      const d = diurnal!;
      const ratePerS = diurnalRate((d.startTimeOfDayS ?? 0) + tS + dtS / 2, d.meanRequestsPerS, d.peakToTroughRatio, d.peakHourS);
      arrivedRequests = poisson(ctx.rng, ratePerS * dtS);
      arrivedContext = arrivedRequests * d.contextTokensMean;
      arrivedGenerated = arrivedRequests * d.generatedTokensMean;
    }
    prefillTokens += arrivedContext;
    waitingRequests += arrivedRequests;
    waitingDecodeTokens += arrivedGenerated;

    // 2. Decode and prefill share the tick in proportion to the time each asks for: decode at the
    // streams' own speed, prefill for the waiting prompt tokens up to one full tick (a chunked-
    // prefill budget, so that a long prompt queue drains at a steady rate beside decode).
    const decodeDemand = Math.min(decodeTokens, streamRatePerS * streams * dtS);
    const prefillAskS = Math.min(prefillTokens / prefillCapacityPerS, dtS);
    const askedS = decodeDemand / decodeCapacityPerS + prefillAskS;
    const share = askedS > dtS ? dtS / askedS : 1;
    let decodeServed = decodeDemand * share;
    let prefillServed = Math.min(prefillTokens, prefillAskS * share * prefillCapacityPerS);
    if (decodeTokens - decodeServed < TAIL_TOKENS) decodeServed = decodeTokens;
    if (prefillTokens - prefillServed < TAIL_TOKENS) prefillServed = prefillTokens;
    if (decodeServed === decodeTokens) {
      // Also ends streams with nothing (left) to generate.
      streams = 0;
      decodeTokens = 0;
    } else if (decodeServed > 0) {
      streams -= (streams * decodeServed) / decodeTokens;
      decodeTokens -= decodeServed;
    }

    // 3. Waiting requests advance through prefill in proportion and start generating next tick.
    if (prefillServed === prefillTokens) {
      streams += waitingRequests;
      decodeTokens += waitingDecodeTokens;
      prefillTokens = 0;
      waitingRequests = 0;
      waitingDecodeTokens = 0;
    } else if (prefillServed > 0) {
      const done = prefillServed / prefillTokens;
      const doneRequests = waitingRequests * done;
      const doneDecode = waitingDecodeTokens * done;
      prefillTokens -= prefillServed;
      waitingRequests -= doneRequests;
      waitingDecodeTokens -= doneDecode;
      streams += doneRequests;
      decodeTokens += doneDecode;
    }
    // An oversubscribed tick is fully busy (the sum below would only round to 1).
    const busyFrac =
      share < 1 ? 1 : dtS > 0 ? Math.min(1, (decodeServed / decodeCapacityPerS + prefillServed / prefillCapacityPerS) / dtS) : 0;

    // 4. Per-cohort utilisation.
    if (imbalanced && dtS > 0) {
      const keepFrac = Math.exp(-dtS / imbalanceTimeS);
      const noiseSd = imbalanceStarted ? imbalanceFrac * Math.sqrt(1 - keepFrac * keepFrac) : imbalanceFrac;
      const carry = imbalanceStarted ? keepFrac : 0;
      imbalanceStarted = true;
      let mean = 0;
      for (let c = 0; c < cohortCount; c++) {
        imbalance[c] = carry * imbalance[c]! + ctx.rng.normal(0, noiseSd);
        mean += imbalance[c]!;
      }
      mean /= cohortCount;
      for (let c = 0; c < cohortCount; c++) {
        const offset = Math.max(-1, Math.min(1, imbalance[c]! - mean));
        const u = busyFrac * (1 + (1 - busyFrac) * offset);
        utilFrac[cohortOffset + c] = Math.max(minUtilFrac, Math.min(1, u));
      }
    } else {
      const u = Math.max(minUtilFrac, busyFrac);
      for (let c = 0; c < cohortCount; c++) utilFrac[cohortOffset + c] = u;
    }

    // 5. Published values and rare events.
    if (dtS > 0) {
      tokensPerS = decodeServed / dtS;
      prefillTokensPerS = prefillServed / dtS;
      requestsPerS = arrivedRequests / dtS;
      // Everything in the service progresses at `share` of its own speed; a request lives about
      // unloadedLatencyS, so it sees the slowdown averaged over that long.
      slowdown += (1 / share - slowdown) * (1 - Math.exp(-dtS / unloadedLatencyS));
      const promptWaitS = prefillTokens > 0 ? prefillTokens / prefillTokensPerS : 0;
      latencyS = promptWaitS + unloadedLatencyS * slowdown;
    }
    serviceUtilFrac = Math.max(minUtilFrac, busyFrac);
    totalRequests += arrivedRequests;
    totalDecodeTokens += decodeServed;
    totalPrefillTokens += prefillServed;
    utilSum += serviceUtilFrac;
    latencySum += latencyS;
    if (latencyS > latencyMaxS) latencyMaxS = latencyS;
    ticks++;
    const delayS = latencyS - unloadedLatencyS;
    if (!delayAlarm && delayS > delayEventS) {
      delayAlarm = true;
      ctx.event("backlog-high", delayS, `requests take ${delayS.toFixed(1)} s longer than on an idle service (threshold ${delayEventS} s)`);
    } else if (delayAlarm && delayS < delayEventS / 2) {
      delayAlarm = false;
      ctx.event("backlog-cleared", delayS, `requests take ${delayS.toFixed(1)} s longer than on an idle service (below ${delayEventS / 2} s)`);
    }
  }

  const kpis = () => [
    { name: `${o.id}_requests`, value: totalRequests, unit: "count" },
    { name: `${o.id}_decode_tokens`, value: totalDecodeTokens, unit: "tokens" },
    { name: `${o.id}_prefill_tokens`, value: totalPrefillTokens, unit: "tokens" },
    { name: `${o.id}_mean_util`, value: ticks > 0 ? utilSum / ticks : 0, unit: "fraction" },
    { name: `${o.id}_mean_latency`, value: ticks > 0 ? latencySum / ticks : 0, unit: "s" },
    { name: `${o.id}_max_latency`, value: latencyMaxS, unit: "s" },
  ];

  return { id: o.id, cohortCount, outputs, step, kpis };
}

type ResolvedOptions = Required<InferenceWorkloadOptions>;

interface PreparedTrace {
  n: number;
  arrivalS: Float64Array;
  contextTokens: Float64Array;
  generatedTokens: Float64Array;
  periodS: number;
  contextMean: number;
  generatedMean: number;
  /** Per copy: index of its next request, loops completed, and how far it is shifted back (s). */
  next: Int32Array;
  loops: Float64Array;
  shiftS: Float64Array;
  /** For the last copy when thinned: 1 keeps request j. */
  keep: Uint8Array | undefined;
}

/** Validates the trace, sorts it when needed and sets up the overlaid copies; pushes issues. */
function prepareTrace(source: TraceRateSource, issues: Issue[]): PreparedTrace | undefined {
  const path = "source";
  const { rateScale } = source;
  let { arrivalS, contextTokens, generatedTokens } = source;
  const n = arrivalS?.length ?? 0;
  if (n === 0) {
    issues.push({ path: `${path}.arrivalS`, value: arrivalS, expected: "at least one arrival time" });
    return undefined;
  }
  if (contextTokens?.length !== n || generatedTokens?.length !== n) {
    issues.push({
      path: `${path}.contextTokens`,
      value: [contextTokens?.length, generatedTokens?.length],
      expected: `one context and one generated token count per arrival (${n})`,
    });
    return undefined;
  }
  for (let j = 0; j < n; j++) {
    const bad =
      !(arrivalS[j]! >= 0 && Number.isFinite(arrivalS[j]!)) ? ["arrivalS", arrivalS[j]] :
      !(contextTokens[j]! >= 0 && Number.isFinite(contextTokens[j]!)) ? ["contextTokens", contextTokens[j]] :
      !(generatedTokens[j]! >= 0 && Number.isFinite(generatedTokens[j]!)) ? ["generatedTokens", generatedTokens[j]] :
      undefined;
    if (bad) {
      issues.push({ path: `${path}.${bad[0]}[${j}]`, value: bad[1], expected: "a finite number ≥ 0" });
      return undefined;
    }
  }
  if (!(rateScale > 0 && Number.isFinite(rateScale))) {
    issues.push({ path: `${path}.rateScale`, value: rateScale, expected: "a finite number > 0" });
    return undefined;
  }
  let sorted = true;
  for (let j = 1; j < n && sorted; j++) sorted = arrivalS[j - 1]! <= arrivalS[j]!;
  if (!sorted) {
    const order = Array.from({ length: n }, (_, j) => j).sort((a, b) => arrivalS[a]! - arrivalS[b]! || a - b);
    arrivalS = Float64Array.from(order, (j) => source.arrivalS[j]!);
    contextTokens = Float64Array.from(order, (j) => source.contextTokens[j]!);
    generatedTokens = Float64Array.from(order, (j) => source.generatedTokens[j]!);
  }
  const firstS = arrivalS[0]!;
  const lastS = arrivalS[n - 1]!;
  const spanS = lastS - firstS;
  const periodS = source.periodS ?? (n > 1 ? lastS + spanS / (n - 1) : 0);
  if (!(periodS > 0 && periodS >= spanS && Number.isFinite(periodS))) {
    issues.push({
      path: `${path}.periodS`,
      value: source.periodS,
      expected: `a loop period > 0 s and ≥ the trace's span (${spanS} s)${source.periodS === undefined ? "; give one when all arrivals share one time" : ""}`,
    });
    return undefined;
  }

  let contextSum = 0;
  let generatedSum = 0;
  for (let j = 0; j < n; j++) {
    contextSum += contextTokens[j]!;
    generatedSum += generatedTokens[j]!;
  }
  const copies = Math.ceil(rateScale);
  const lastKeepFrac = rateScale - (copies - 1);
  const next = new Int32Array(copies);
  const loops = new Float64Array(copies);
  const shiftS = new Float64Array(copies);
  for (let i = 0; i < copies; i++) {
    shiftS[i] = (i * periodS) / copies;
    // Copy i starts part-way through the trace: its first request is the first at or after its shift.
    let j = 0;
    while (j < n && arrivalS[j]! < shiftS[i]!) j += 1;
    next[i] = j === n ? 0 : j;
    loops[i] = j === n ? 1 : 0;
  }
  let keep: Uint8Array | undefined;
  if (lastKeepFrac < 1) {
    keep = new Uint8Array(n);
    for (let j = 0; j < n; j++) {
      const weyl = ((j + 1) * PHI) % 1;
      keep[j] = weyl < lastKeepFrac ? 1 : 0;
    }
  }
  return {
    n,
    arrivalS,
    contextTokens,
    generatedTokens,
    periodS,
    contextMean: contextSum / n,
    generatedMean: generatedSum / n,
    next,
    loops,
    shiftS,
    keep,
  };
}

/** Checks the scalar options; returns every issue found. */
function validate(o: ResolvedOptions): Issue[] {
  const issues: Issue[] = [];
  const check = (path: string, value: unknown, ok: boolean, expected: string): void => {
    if (!ok) issues.push({ path, value, expected });
  };
  const positive = (v: number): boolean => Number.isFinite(v) && v > 0;
  const nonNegative = (v: number): boolean => Number.isFinite(v) && v >= 0;
  check("id", o.id, typeof o.id === "string" && o.id.length > 0, "a non-empty id");
  check("cohortOffset", o.cohortOffset, Number.isInteger(o.cohortOffset) && o.cohortOffset >= 0, "an integer ≥ 0");
  check("cohortCount", o.cohortCount, Number.isInteger(o.cohortCount) && o.cohortCount >= 1, "an integer ≥ 1");
  check("gpuCount", o.gpuCount, positive(o.gpuCount), "a GPU count > 0");
  check("prefillTokensPerSPerGpu", o.prefillTokensPerSPerGpu, positive(o.prefillTokensPerSPerGpu), "tokens/s > 0");
  check("decodeTokensPerSPerGpu", o.decodeTokensPerSPerGpu, positive(o.decodeTokensPerSPerGpu), "tokens/s > 0");
  check("decodeTokensPerSPerStream", o.decodeTokensPerSPerStream, positive(o.decodeTokensPerSPerStream), "tokens/s > 0");
  check("gpusPerReplica", o.gpusPerReplica, positive(o.gpusPerReplica), "a GPU count > 0");
  check("minUtilFrac", o.minUtilFrac, nonNegative(o.minUtilFrac) && o.minUtilFrac <= 1, "a fraction in [0, 1]");
  check("imbalanceFrac", o.imbalanceFrac, nonNegative(o.imbalanceFrac) && o.imbalanceFrac <= 0.5, "a fraction in [0, 0.5]");
  check("imbalanceTimeS", o.imbalanceTimeS, positive(o.imbalanceTimeS), "a duration > 0 s");
  check("delayEventS", o.delayEventS, positive(o.delayEventS), "a duration > 0 s");
  const s = o.source as InferenceRateSource | undefined;
  const kind: unknown = s?.kind;
  if (s?.kind === "diurnal") {
    check("source.meanRequestsPerS", s.meanRequestsPerS, nonNegative(s.meanRequestsPerS), "requests/s ≥ 0");
    check("source.peakToTroughRatio", s.peakToTroughRatio, Number.isFinite(s.peakToTroughRatio) && s.peakToTroughRatio >= 1, "a ratio ≥ 1");
    check("source.peakHourS", s.peakHourS, Number.isFinite(s.peakHourS), "a time of day in s");
    check("source.contextTokensMean", s.contextTokensMean, nonNegative(s.contextTokensMean), "tokens ≥ 0");
    check("source.generatedTokensMean", s.generatedTokensMean, nonNegative(s.generatedTokensMean), "tokens ≥ 0");
    if (s.startTimeOfDayS !== undefined) check("source.startTimeOfDayS", s.startTimeOfDayS, Number.isFinite(s.startTimeOfDayS), "a time of day in s");
  } else if (kind !== "trace") {
    issues.push({ path: "source.kind", value: kind, expected: `"trace" or "diurnal"` });
  }
  return issues;
}

/** Poisson draw with the given mean, allocation-free: Knuth's product method below 30, normal approximation above. */
function poisson(rng: Rng, mean: number): number {
  if (!(mean > 0)) return 0;
  if (mean >= 30) return Math.max(0, Math.round(rng.normal(mean, Math.sqrt(mean))));
  const limit = Math.exp(-mean);
  let count = 0;
  let product = rng.uniform();
  while (product > limit) {
    count += 1;
    product *= rng.uniform();
  }
  return count;
}

/** Drops keys whose value is undefined, so that they do not mask the defaults. */
function withoutUndefined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = v;
  return out as T;
}
