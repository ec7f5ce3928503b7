/**
 * Throughput of createSignalKpis on a 24 h signal at 40 ms (2.16 M samples) fed in 65,536-sample
 * chunks, as the engine does. Prints the machine, the Node version, a baseline (one pass summing
 * the samples: the floor any per-sample KPI pays) and the samples/s of each KPI family and of the
 * whole set. Run: npm run build && node dist/bench/kpis.js
 */
import { cpus, totalmem } from "node:os";
import { performance } from "node:perf_hooks";
import {
  createPowerStatsKpis,
  createRampKpis,
  createSignalKpis,
  createSpectrumKpis,
  createSwingKpis,
  type KpiAccumulator,
} from "../engine/kpis/index.js";

const dtS = 0.04;
const samples = Math.round((24 * 3600) / dtS);
const chunk = 65_536;
const repeats = 7;

// A training-like PCC signal: 1.2 s iteration square wave, 0.3 Hz and 7 Hz ripples, checkpoint
// dips every 10 min, deterministic noise (xorshift), so runs are comparable.
function makeSignal(): Float64Array {
  const p = new Float64Array(samples);
  let s = 0x9e3779b9 | 0;
  for (let k = 0; k < samples; k++) {
    const t = k * dtS;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const noise = ((s >>> 0) / 4294967296 - 0.5) * 2e4;
    const square = t % 1.2 < 0.8 ? 8e6 : 5e6;
    const checkpoint = t % 600 < 20 ? -3e6 : 0;
    p[k] = square + checkpoint + 2e5 * Math.sin(2 * Math.PI * 0.3 * t) + 5e4 * Math.sin(2 * Math.PI * 7 * t) + noise;
  }
  return p;
}

function feed(acc: KpiAccumulator, signal: Float64Array): void {
  const buf = new Float64Array(chunk);
  for (let start = 0; start < signal.length; start += chunk) {
    const n = Math.min(chunk, signal.length - start);
    buf.set(signal.subarray(start, start + n));
    acc.add(buf, n);
  }
  acc.finish();
}

/** Median wall time (s) over `repeats` after one warm-up. */
function time(run: () => void): number {
  run();
  const t: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    run();
    t.push((performance.now() - t0) / 1000);
  }
  t.sort((a, b) => a - b);
  return t[repeats >> 1];
}

const signal = makeSignal();
const copyOnly: KpiAccumulator = { add() {}, finish: () => [] };
let sink = 0;
const sumOnly: KpiAccumulator = {
  add(v, n) {
    let s = 0;
    for (let i = 0; i < n; i++) s += v[i];
    sink += s;
  },
  finish: () => [],
};
const cases: [string, () => KpiAccumulator][] = [
  ["chunk copy only (harness)", () => copyOnly],
  ["baseline: one summing pass", () => sumOnly],
  ["power stats (energy/peak/mean/min)", () => createPowerStatsKpis("pcc", dtS)],
  ["ramps 40ms/1s/60s", () => createRampKpis("pcc", dtS)],
  ["swing 5 s", () => createSwingKpis("pcc", dtS)],
  ["spectrum (Welch 4096)", () => createSpectrumKpis("pcc", dtS)],
  ["createSignalKpis (all)", () => createSignalKpis("pcc", dtS)],
];

const cpu = cpus();
console.log(`machine: ${cpu[0]?.model ?? "?"} × ${cpu.length} logical CPUs, ${(totalmem() / 2 ** 30).toFixed(1)} GiB`);
console.log(`node ${process.version}, ${samples.toLocaleString("en")} samples (24 h at ${dtS * 1000} ms), chunks of ${chunk}, median of ${repeats}`);
for (const [label, make] of cases) {
  const s = time(() => feed(make(), signal));
  console.log(`${label.padEnd(38)} ${(s * 1000).toFixed(1).padStart(8)} ms  ${(samples / s / 1e6).toFixed(1).padStart(7)} M samples/s`);
}
const rows = createSignalKpis("pcc", dtS);
rows.add(signal, signal.length);
for (const r of rows.finish()) console.log(`  ${r.name.padEnd(28)} ${r.value.toPrecision(6).padStart(14)} ${r.unit}`);
if (sink === 42) console.log("");
