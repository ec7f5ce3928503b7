import { test } from "uvu";
import * as assert from "uvu/assert";
import { createRng } from "../../../models/lib/rng.js";
import {
  createGpuEnergyBuffers,
  gb300PsuBuffer,
  gpuEnergyBufferParamIssues,
  setGpuEnergyBufferParams,
  stepGpuEnergyBuffers,
  type GpuEnergyBufferParams,
} from "../../../models/storage/gpu-energy-buffer.js";

const FIELDS = ["demandW", "gridW", "bufferW", "storedJ", "limited", "inJ", "outJ", "lossJ", "limitedTicks", "smoothW"] as const;

/**
 * Grid-side swing of one buffer under a 50 %-duty square wave of GPU demand (200 W low, 200 W + ΔP
 * high, period T rounded to an even number of 5 ms ticks so both halves are equal), measured from
 * 60 s to 120 s: peak-to-peak and standard deviation, each as a fraction of the demand's (ΔP, ΔP/2).
 */
function squareWaveSwing(
  params: GpuEnergyBufferParams,
  deltaW: number,
  periodS: number,
): { ppFrac: number; sdFrac: number; periodS: number } {
  const s = createGpuEnergyBuffers(1, params);
  const dtS = 0.005;
  const halfTicks = Math.max(1, Math.round(periodS / (2 * dtS)));
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sum2 = 0;
  let n = 0;
  for (let k = 0; k < 120 / dtS; k++) {
    const tS = k * dtS;
    s.demandW[0] = Math.floor(k / halfTicks) % 2 === 0 ? 200 + deltaW : 200;
    stepGpuEnergyBuffers(s, dtS);
    if (tS >= 60) {
      const g = s.gridW[0];
      if (g < min) min = g;
      if (g > max) max = g;
      sum += g;
      sum2 += g * g;
      n++;
    }
  }
  const mean = sum / n;
  return { ppFrac: (max - min) / deltaW, sdFrac: Math.sqrt(sum2 / n - mean * mean) / (deltaW / 2), periodS: 2 * halfTicks * dtS };
}

test("createGpuEnergyBuffers(n) allocates n gb300PsuBuffer units at half charge", () => {
  const s = createGpuEnergyBuffers(3);
  assert.is(s.count, 3);
  for (let i = 0; i < 3; i++) {
    assert.is(s.energyJ[i], 65);
    assert.is(s.storedJ[i], 32.5);
    assert.ok(Number.isNaN(s.smoothW[i]));
  }
  assert.throws(() => createGpuEnergyBuffers(-1), /count/);
  assert.throws(() => setGpuEnergyBufferParams(s, 3, gb300PsuBuffer), /outside/);
});

test("stepGpuEnergyBuffers(state, 0) leaves every field unchanged", () => {
  const s = createGpuEnergyBuffers(2);
  for (let k = 0; k < 30; k++) {
    s.demandW[0] = k % 10 < 5 ? 700 : 120;
    s.demandW[1] = 400;
    stepGpuEnergyBuffers(s, 0.04);
  }
  const before = FIELDS.map((f) => Array.from(s[f]));
  stepGpuEnergyBuffers(s, 0);
  stepGpuEnergyBuffers(s, -1);
  stepGpuEnergyBuffers(s, NaN);
  FIELDS.forEach((f, i) => assert.equal(Array.from(s[f]), before[i], f));
});

test("stepGpuEnergyBuffers passes a constant demand straight through and idles at its target", () => {
  const s = createGpuEnergyBuffers(1);
  s.demandW[0] = 650;
  for (let k = 0; k < 100; k++) {
    stepGpuEnergyBuffers(s, 0.04);
    assert.is(s.gridW[0], 650);
    assert.is(s.bufferW[0], 0);
  }
  assert.is(s.storedJ[0], 32.5);
});

test("stepGpuEnergyBuffers smooths a step: the buffer carries the edge, the grid side rises with τ", () => {
  // Demand steps 200 → 700 W; the buffer supplies 700 − grid while the grid side follows with τ = 1 s.
  const s = createGpuEnergyBuffers(1, { ...gb300PsuBuffer, recoveryS: Infinity, powerMaxW: 1e4, energyJ: 1e4 });
  s.demandW[0] = 200;
  stepGpuEnergyBuffers(s, 0.04);
  s.demandW[0] = 700;
  const a = Math.exp(-0.04);
  const g = (1 - a) / 0.04;
  for (let j = 0; j < 25; j++) {
    stepGpuEnergyBuffers(s, 0.04);
    const expected = 700 - 500 * g * Math.pow(a, j); // exact tick mean of the low-pass
    assert.ok(Math.abs(s.gridW[0] - expected) < 1e-9, `tick ${j}: ${s.gridW[0]} vs ${expected}`);
    assert.ok(Math.abs(s.bufferW[0] - (expected - 700)) < 1e-9);
  }
});

test("stepGpuEnergyBuffers keeps its limits and closes the energy balance exactly (random demand, seeded)", () => {
  const rng = createRng(5, "gpu-buffer", "random");
  const n = 6;
  const s = createGpuEnergyBuffers(n);
  for (let i = 0; i < n; i++) {
    setGpuEnergyBufferParams(s, i, {
      energyJ: 10 + 100 * rng.uniform(),
      powerMaxW: 50 + 1000 * rng.uniform(),
      effFrac: 0.9 + 0.1 * rng.uniform(),
      tauS: 2 * rng.uniform(),
      recoveryS: 0.5 + 10 * rng.uniform(),
      targetFrac: rng.uniform(),
    });
  }
  const gridJ = new Float64Array(n);
  const demandJ = new Float64Array(n);
  let limitedSeen = 0;
  for (let k = 0; k < 30000; k++) {
    for (let i = 0; i < n; i++) s.demandW[i] = rng.uniform() < 0.1 ? 120 + 1000 * rng.uniform() : s.demandW[i];
    stepGpuEnergyBuffers(s, 0.04);
    for (let i = 0; i < n; i++) {
      assert.ok(Math.abs(s.bufferW[i]) <= s.powerMaxW[i], `unit ${i}: ${s.bufferW[i]} W`);
      assert.ok(s.storedJ[i] >= 0 && s.storedJ[i] <= s.energyJ[i], `unit ${i}: ${s.storedJ[i]} J`);
      assert.is(s.gridW[i], s.demandW[i] + s.bufferW[i]);
      gridJ[i] += s.gridW[i] * 0.04;
      demandJ[i] += s.demandW[i] * 0.04;
      limitedSeen += s.limited[i];
    }
  }
  for (let i = 0; i < n; i++) {
    const err = gridJ[i] - demandJ[i] - (s.storedJ[i] - s.initialStoredJ[i]) - s.lossJ[i];
    assert.ok(Math.abs(err) < 1e-9 * demandJ[i], `unit ${i}: balance error ${err} J`);
    assert.ok(Math.abs(s.inJ[i] - s.outJ[i] - s.lossJ[i] - (s.storedJ[i] - s.initialStoredJ[i])) < 1e-9 * demandJ[i]);
    assert.ok(s.lossJ[i] > 0);
  }
  assert.ok(limitedSeen > 100, `limits exercised (${limitedSeen} ticks)`);
});

test("V6: 65 J flattens a square wave only for periods T ≤ 4E/ΔP (0.52 s at 500 W)", () => {
  // docs/physics-sources.md §1.4 [D] / ☆ V6: flattening a 50 %-duty square wave of amplitude ΔP needs
  // E = ΔP·T/4. A slow grid-side smoothing (τ = 5 s ≫ T) isolates the storage limit.
  const slow = { ...gb300PsuBuffer, tauS: 5, recoveryS: 20 };
  const rows: { deltaW: number; periodFrac: number; flat: boolean }[] = [
    { deltaW: 500, periodFrac: 0.4, flat: true },
    { deltaW: 500, periodFrac: 0.8, flat: true },
    { deltaW: 500, periodFrac: 0.95, flat: true },
    { deltaW: 500, periodFrac: 1.1, flat: false },
    { deltaW: 500, periodFrac: 1.5, flat: false },
    { deltaW: 300, periodFrac: 0.95, flat: true },
    { deltaW: 300, periodFrac: 1.1, flat: false },
  ];
  const measured: string[] = [];
  for (const row of rows) {
    const boundS = (4 * slow.energyJ) / row.deltaW;
    const { ppFrac, sdFrac, periodS } = squareWaveSwing(slow, row.deltaW, row.periodFrac * boundS);
    const at = `ΔP ${row.deltaW} W, T ${periodS.toFixed(2)} s (${(periodS / boundS).toFixed(2)} × 4E/ΔP)`;
    measured.push(`${at}: p-p ${ppFrac.toFixed(3)}, sd ${sdFrac.toFixed(3)}`);
    if (row.flat) assert.ok(ppFrac < 0.06, `${measured.at(-1)} should be flat`);
    else assert.ok(ppFrac > 0.8, `${measured.at(-1)} should keep its swing`);
  }
  assert.ok(Math.abs((4 * 65) / 500 - 0.52) < 1e-12);
  if (process.env.STORAGE_REPORT) console.log("V6 boundary", measured);
});

test("V6: 1-2 s training iterations keep nearly the full swing behind 65 J (gb300PsuBuffer)", () => {
  const rows: { periodS: number; minSdFrac: number }[] = [
    { periodS: 1.2, minSdFrac: 0.75 },
    { periodS: 2, minSdFrac: 0.85 },
  ];
  const measured: string[] = [];
  for (const row of rows) {
    const { ppFrac, sdFrac } = squareWaveSwing(gb300PsuBuffer, 500, row.periodS);
    measured.push(`T ${row.periodS} s: p-p ${ppFrac.toFixed(3)}, sd ${sdFrac.toFixed(3)}`);
    assert.ok(Math.abs(ppFrac - 1) < 1e-9, measured.at(-1));
    assert.ok(sdFrac >= row.minSdFrac, measured.at(-1));
  }
  // A sub-second wave (0.4 s) is mostly absorbed by the same preset.
  const fast = squareWaveSwing(gb300PsuBuffer, 500, 0.4);
  assert.ok(fast.ppFrac < 0.15 && fast.sdFrac < 0.1, `T 0.4 s: ${JSON.stringify(fast)}`);
  if (process.env.STORAGE_REPORT) console.log("V6 iterations", measured, fast);
});

test("gpuEnergyBufferParamIssues names each invalid field", () => {
  assert.equal(gpuEnergyBufferParamIssues(gb300PsuBuffer, "buffer"), []);
  assert.equal(gpuEnergyBufferParamIssues({ ...gb300PsuBuffer, recoveryS: Infinity }, "buffer"), []);
  const bad = gpuEnergyBufferParamIssues({ ...gb300PsuBuffer, energyJ: 0, effFrac: 0, recoveryS: 0 }, "buffer");
  assert.equal(bad.map((x) => x.path), ["buffer.energyJ", "buffer.effFrac", "buffer.recoveryS"]);
});

test.run();
