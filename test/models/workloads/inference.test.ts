import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { UserError } from "../../../models/lib/errors.js";
import { createRng } from "../../../models/lib/rng.js";
import { loadAzureLlm, type AzureLlmTrace } from "../../../datasets/load-azure-llm.js";
import {
  createInferenceWorkload,
  INFERENCE_DEFAULTS,
  type InferenceWorkloadOptions,
  type TraceRateSource,
} from "../../../models/workloads/inference.js";
import type { Workload, WorkloadContext } from "../../../models/workloads/workload.js";

// Compiled to dist/test/models/workloads/: four levels up is the repo root.
const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const conv: AzureLlmTrace = await loadAzureLlm(`${ROOT}datasets/llm-inference-azure/AzureLLMInferenceTrace_conv.csv`);

interface Run {
  util: Float64Array[]; // per cohort, one value per tick
  series: Record<string, Float64Array>; // each output, one value per tick
  events: { k: number; kind: string; value: number }[];
}

/** Steps `w` for `steps` ticks of `dtS` and records every cohort's utilisation and every output. */
function run(w: Workload, dtS: number, steps: number, seed = 1, cohortOffset = 0): Run {
  const utilFrac = new Float64Array(cohortOffset + w.cohortCount);
  const util = Array.from({ length: w.cohortCount }, () => new Float64Array(steps));
  const series: Record<string, Float64Array> = {};
  for (const o of w.outputs) series[o.name] = new Float64Array(steps);
  const events: Run["events"] = [];
  let k = 0;
  const ctx: WorkloadContext = { dtS, rng: createRng(seed, "run", w.id), event: (kind, value) => events.push({ k, kind, value }) };
  for (; k < steps; k++) {
    w.step(k, k * dtS, utilFrac, ctx);
    for (let c = 0; c < w.cohortCount; c++) util[c]![k] = utilFrac[cohortOffset + c]!;
    for (const o of w.outputs) series[o.name]![k] = o.value();
  }
  return { util, series, events };
}

function traceSource(t: { arrivalS: number[]; contextTokens: number[]; generatedTokens: number[] }, extra: Partial<TraceRateSource> = {}): TraceRateSource {
  return {
    kind: "trace",
    arrivalS: Float64Array.from(t.arrivalS),
    contextTokens: Float64Array.from(t.contextTokens),
    generatedTokens: Float64Array.from(t.generatedTokens),
    rateScale: 1,
    ...extra,
  };
}

function workload(extra: Partial<InferenceWorkloadOptions> & Pick<InferenceWorkloadOptions, "source">): Workload {
  return createInferenceWorkload({ id: "chat", cohortOffset: 0, cohortCount: 1, gpuCount: 2, ...extra });
}

const sum = (a: Float64Array): number => a.reduce((s, v) => s + v, 0);

test("step() conserves tokens: arrived = prefilled + generated + backlogTokens (conversation trace)", () => {
  const dtS = 0.04;
  const steps = 15_000; // 600 s, inside the first loop
  let arrived = 0;
  for (let j = 0; j < conv.arrivalS.length && conv.arrivalS[j]! < steps * dtS; j++) arrived += conv.contextTokens[j]! + conv.generatedTokens[j]!;
  for (const gpuCount of [1, 2, 8]) {
    const r = run(workload({ gpuCount, cohortCount: 4, source: { kind: "trace", ...conv, rateScale: 1 } }), dtS, steps);
    const served = (sum(r.series.prefillTokensPerS!) + sum(r.series.tokensPerS!)) * dtS;
    const backlog = r.series.backlogTokens![steps - 1]!;
    assert.ok(Math.abs(served + backlog - arrived) <= 1e-9 * arrived, `${gpuCount} GPUs: ${served} + ${backlog} vs ${arrived}`);
    assert.ok(backlog >= 0 && served > 0);
    // Each regime shows up: 1 GPU is overloaded, 8 GPUs rarely are.
    const saturated = r.series.utilFrac!.filter((u) => u === 1).length;
    if (gpuCount === 1) assert.ok(saturated > steps / 2, `1 GPU saturated in ${saturated} ticks`);
    if (gpuCount === 8) assert.ok(saturated < steps / 10, `8 GPUs saturated in ${saturated} ticks`);
  }
});

test("kpis() totals equal the per-tick outputs summed over the run", () => {
  const w = workload({ source: traceSource({ arrivalS: [0.01, 0.5, 0.9, 2], contextTokens: [800, 1200, 50, 4000], generatedTokens: [100, 20, 300, 60] }), gpuCount: 1 });
  const dtS = 0.04;
  const r = run(w, dtS, 2000);
  const kpi = (name: string) => w.kpis!().find((x) => x.name === `chat_${name}`)!.value;
  assert.ok(Math.abs(kpi("decode_tokens") - sum(r.series["tokensPerS"]!) * dtS) < 1e-6);
  assert.ok(Math.abs(kpi("prefill_tokens") - sum(r.series["prefillTokensPerS"]!) * dtS) < 1e-6);
  assert.ok(Math.abs(kpi("requests") - sum(r.series["requestsPerS"]!) * dtS) < 1e-9);
  assert.ok(Math.abs(kpi("mean_util") - sum(r.series["utilFrac"]!) / 2000) < 1e-12);
  assert.is(kpi("max_latency"), Math.max(...r.series["latencyS"]!));
});

test("step() keeps every cohort's utilFrac within [minUtilFrac, 1], at minUtilFrac when nothing is pending", () => {
  const minUtilFrac = 0.07;
  const r = run(workload({ gpuCount: 2, cohortOffset: 3, cohortCount: 8, minUtilFrac, imbalanceFrac: 0.2, source: { kind: "trace", ...conv, rateScale: 1 } }), 0.04, 7_500, 1, 3);
  let below = 0;
  let above = 0;
  let distinct = 0;
  for (let k = 0; k < 7_500; k++) {
    for (const u of r.util) {
      if (!(u[k]! >= minUtilFrac)) below += 1;
      if (!(u[k]! <= 1)) above += 1;
    }
    if (r.util[0]![k] !== r.util[1]![k]) distinct += 1;
  }
  assert.is(below, 0);
  assert.is(above, 0);
  assert.ok(distinct > 1_000, "cohorts carry an imbalance");

  // One short request, then nothing: once it is served every cohort sits exactly at the floor. (The
  // fluid decode lets a lone request's last tokens trail off for a few times its 0.8 s.)
  const idle = run(
    workload({ cohortCount: 3, minUtilFrac, source: traceSource({ arrivalS: [0], contextTokens: [500], generatedTokens: [20] }, { periodS: 1e6 }) }),
    0.04,
    500,
  );
  assert.ok(idle.series.utilFrac![0]! > minUtilFrac, "the prefill shows");
  const end = idle.series.backlogTokens!.findIndex((b, k) => k > 0 && b === 0);
  assert.ok(end > 0 && end < 250, `served by tick ${end}`);
  for (let k = end; k < 500; k++) for (const u of idle.util) assert.is(u[k], minUtilFrac);
});

test("step() at saturation generates decodeTokensPerSPerGpu × gpuCount tokens/s at utilFrac 1", () => {
  // 2,000 requests with short prompts and long outputs: 2,000 streams × 25 tokens/s ≫ 4 × 3,300.
  const n = 2_000;
  const gpuCount = 4;
  const source = traceSource(
    { arrivalS: Array.from({ length: n }, (_, j) => j * 1e-4), contextTokens: Array(n).fill(10), generatedTokens: Array(n).fill(50_000) },
    { periodS: 1e6 },
  );
  const r = run(workload({ gpuCount, source }), 0.04, 250);
  const capacity = INFERENCE_DEFAULTS.decodeTokensPerSPerGpu * gpuCount;
  // Streams start as their prompts are prefilled (960 prompt tokens per tick on 4 GPUs, less what
  // decode takes first); from 528 streams on, decode needs more than the capacity.
  for (let k = 100; k < 250; k++) {
    assert.ok(Math.abs(r.series.tokensPerS![k]! - capacity) < 1e-9 * capacity, `tick ${k}: ${r.series.tokensPerS![k]} tokens/s`);
    assert.is(r.series.utilFrac![k], 1);
  }
  // Prompt-heavy overload: prefill and decode share the ticks, and their shares add up to one.
  const heavy = traceSource(
    { arrivalS: Array.from({ length: n }, (_, j) => j * 1e-3), contextTokens: Array(n).fill(20_000), generatedTokens: Array(n).fill(300) },
    { periodS: 1e6 },
  );
  const h = run(workload({ gpuCount, source: heavy }), 0.04, 500);
  const prefillCapacity = INFERENCE_DEFAULTS.prefillTokensPerSPerGpu * gpuCount;
  let decoding = 0;
  for (let k = 0; k < 500; k++) {
    const share = h.series.prefillTokensPerS![k]! / prefillCapacity + h.series.tokensPerS![k]! / capacity;
    assert.ok(Math.abs(share - 1) < 1e-12, `tick ${k}: shares add to ${share}`);
    if (h.series.tokensPerS![k]! > 0) decoding += 1;
  }
  assert.ok(decoding > 400, "decode runs alongside prefill");
});

test("step() replays the trace in loops of periodS (default: last arrival + mean gap)", () => {
  const t = { arrivalS: [0, 0.5, 1], contextTokens: [100, 200, 300], generatedTokens: [1, 2, 3] };
  const dtS = 0.25;
  for (const [periodS, expected] of [[undefined, 1.5], [2, 2]] as const) {
    const r = run(workload({ source: traceSource(t, periodS === undefined ? {} : { periodS }) }), dtS, 48); // 12 s
    const arrivalTicks: number[] = [];
    r.series.requestsPerS!.forEach((rate, k) => {
      if (rate > 0) {
        assert.is(rate * dtS, 1);
        arrivalTicks.push(k);
      }
    });
    const want: number[] = [];
    for (let loop = 0; loop * expected < 12; loop++) for (const a of t.arrivalS) if (a + loop * expected < 12) want.push((a + loop * expected) / dtS);
    assert.equal(arrivalTicks, want, `period ${expected} s`);
    // Each loop brings the same prompts in the same order.
    const prompts = arrivalTicks.map((k) => r.series.prefillTokensPerS![k]! * dtS);
    assert.equal(prompts, want.map((_, i) => t.contextTokens[i % 3]));
  }
});

test("step() with rateScale overlays shifted copies: rateScale × the requests in each period", () => {
  const periodS = 3_600;
  for (const rateScale of [0.5, 1, 2.5, 4]) {
    const w = workload({ gpuCount: 64, source: { kind: "trace", ...conv, rateScale, periodS } });
    const r = run(w, 1, 2 * periodS);
    const first = sum(r.series.requestsPerS!.subarray(0, periodS));
    const second = sum(r.series.requestsPerS!.subarray(periodS));
    const n = conv.arrivalS.length;
    assert.ok(Math.abs(first - rateScale * n) <= 2, `rateScale ${rateScale}: ${first} requests vs ${rateScale * n}`);
    assert.is(second, first, "each loop repeats the same requests");
    // Copies are spread over the period, so no minute is much busier than the trace's own busiest.
    if (rateScale === 4) {
      let peakMinute = 0;
      for (let m = 0; m < 60; m++) peakMinute = Math.max(peakMinute, sum(r.series.requestsPerS!.subarray(m * 60, m * 60 + 60)));
      assert.ok(peakMinute < 1.5 * (4 * n) / 60, `busiest minute ${peakMinute}`);
    }
  }
});

test("step() is deterministic: the same seed gives identical utilisation arrays, another seed does not", () => {
  const make = (): Workload => workload({ gpuCount: 4, cohortCount: 6, source: { kind: "trace", ...conv, rateScale: 1 } });
  const a = run(make(), 0.04, 5_000, 7);
  const b = run(make(), 0.04, 5_000, 7);
  const c = run(make(), 0.04, 5_000, 8);
  for (let i = 0; i < 6; i++) {
    assert.equal(new Uint8Array(a.util[i]!.buffer), new Uint8Array(b.util[i]!.buffer));
  }
  assert.ok(a.util.some((u, i) => u.some((v, k) => v !== c.util[i]![k])), "a different seed changes the imbalance");
  // The service-level figures do not depend on the seed with a trace source.
  assert.equal(a.series.utilFrac, c.series.utilFrac);
});

test("step() with a diurnal source draws Poisson arrivals whose daily mean and peak / trough follow the options", () => {
  const source = { kind: "diurnal", meanRequestsPerS: 40, peakToTroughRatio: 3, peakHourS: 14 * 3600, contextTokensMean: 1000, generatedTokensMean: 200 } as const;
  const r = run(workload({ gpuCount: 256, cohortCount: 4, source }), 1, 86_400, 3);
  const rate = r.series.requestsPerS!;
  assert.ok(Math.abs(sum(rate) / 86_400 - 40) < 0.4, `daily mean ${sum(rate) / 86_400}`);
  const hourMean = (h: number): number => sum(rate.subarray(h * 3600, h * 3600 + 3600)) / 3600;
  // Hour 13-14 and 14-15 straddle the peak, 1-2 and 2-3 the trough.
  const peak = (hourMean(13) + hourMean(14)) / 2;
  const trough = (hourMean(1) + hourMean(2)) / 2;
  assert.ok(Math.abs(peak / trough - 3) < 0.15, `peak / trough ${peak / trough}`);
  for (let h = 0; h < 24; h++) assert.ok(hourMean(h) <= peak * 1.02, `hour ${h} is not busier than the peak`);
  // Work follows the arrivals: prompts arrive at 1,000 tokens per request.
  const served = sum(r.series.prefillTokensPerS!) + sum(r.series.tokensPerS!);
  const arrived = sum(rate) * 1200;
  assert.ok(Math.abs(served + r.series.backlogTokens![86_399]! - arrived) < 1e-9 * arrived);
});

test("step() records backlog-high once when latencyS exceeds the unloaded latency by delayEventS, then backlog-cleared", () => {
  // 200 prompts of 10,000 tokens on one GPU: 333 s of prefill work arriving within 1 s.
  const n = 200;
  const source = traceSource(
    { arrivalS: Array.from({ length: n }, (_, j) => j * 0.005), contextTokens: Array(n).fill(10_000), generatedTokens: Array(n).fill(100) },
    { periodS: 1e6 },
  );
  const r = run(workload({ gpuCount: 1, delayEventS: 60, source }), 0.5, 2_000);
  assert.equal(r.events.map((e) => e.kind), ["backlog-high", "backlog-cleared"]);
  const [high, cleared] = r.events as [Run["events"][0], Run["events"][0]];
  assert.ok(high.value > 60 && high.k <= 2, `high at tick ${high.k}, ${high.value} s`);
  assert.ok(cleared.value < 30, `cleared at ${cleared.value} s`);
  // Latency tracks the queue: it exceeds the queueing delay when the alarm starts and falls as the queue drains.
  assert.ok(r.series.latencyS![high.k]! > high.value);
  assert.ok(r.series.latencyS![cleared.k]! < r.series.latencyS![high.k]!);
});

test("createInferenceWorkload(options) throws a UserError listing every invalid option", () => {
  try {
    createInferenceWorkload({
      id: "chat",
      cohortOffset: -1,
      cohortCount: 0,
      gpuCount: 0,
      minUtilFrac: 2,
      source: { kind: "diurnal", meanRequestsPerS: -1, peakToTroughRatio: 0.5, peakHourS: 0, contextTokensMean: 1, generatedTokensMean: 1 },
    });
    assert.unreachable("accepted bad options");
  } catch (error) {
    assert.instance(error, UserError);
    const paths = (error as UserError).issues.map((i) => i.path);
    assert.equal(paths, ["cohortOffset", "cohortCount", "gpuCount", "minUtilFrac", "source.meanRequestsPerS", "source.peakToTroughRatio"]);
  }
  assert.throws(
    () => workload({ source: traceSource({ arrivalS: [0, 1], contextTokens: [1, 2], generatedTokens: [1, 2] }, { rateScale: 0 }) }),
    (e: Error) => e instanceof UserError && /source\.rateScale: got 0/.test(e.message),
  );
  assert.throws(
    () => workload({ source: traceSource({ arrivalS: [0, 5], contextTokens: [1, 2], generatedTokens: [1, 2] }, { periodS: 4 }) }),
    (e: Error) => e instanceof UserError && /source\.periodS: got 4/.test(e.message),
  );
});

test.run();
