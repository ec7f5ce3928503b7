/**
 * Throughput of createSignalKpis on a 24 h signal at 40 ms (2.16 M samples) fed in 65,536-sample
 * chunks through one reused buffer, as the engine does. Prints the machine, the Node version, two
 * baselines (the harness's own chunk copy, and one pass summing the samples: the floor any
 * per-sample KPI pays) and the samples/s of each KPI family and of the whole set.
 * Run: npm run build && node dist/bench/kpis.js
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
const repeats = 9;

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

/**
 * Wall and CPU time (s) of `run`: minimum and median over `repeats` after one warm-up. On a shared
 * or virtualised machine the minimum is the better estimate of the code's own cost.
 */
function time(run: () => void): { minS: number; medianS: number; cpuMinS: number } {
  run();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    run();
    wall.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6);
  }
  wall.sort((a, b) => a - b);
  return { minS: wall[0], medianS: wall[repeats >> 1], cpuMinS: Math.min(...cpu) };
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
console.log(`node ${process.version}, ${samples.toLocaleString("en")} samples (24 h at ${dtS * 1000} ms), chunks of ${chunk}, ${repeats} repeats`);
console.log(`${"".padEnd(38)} ${"min ms".padStart(8)} ${"median".padStart(8)} ${"cpu ms".padStart(8)}  M samples/s (from min)`);
for (const [label, make] of cases) {
  const t = time(() => feed(make(), signal));
  const ms = (x: number) => (x * 1000).toFixed(1).padStart(8);
  console.log(`${label.padEnd(38)} ${ms(t.minS)} ${ms(t.medianS)} ${ms(t.cpuMinS)}  ${(samples / t.minS / 1e6).toFixed(1).padStart(7)}`);
}
const all = createSignalKpis("pcc", dtS);
all.add(signal, signal.length);
for (const r of all.finish()) console.log(`  ${r.name.padEnd(28)} ${r.value.toPrecision(6).padStart(14)} ${r.unit}`);
console.log(`(baseline checksum ${sink.toExponential(3)})`);
