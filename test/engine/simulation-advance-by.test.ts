import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadScenario } from "../../engine/scenario/load-scenario.js";
import type { Scenario } from "../../engine/scenario/scenario-types.js";
import { createSimulation } from "../../engine/simulation.js";
import type { Chunk } from "../../engine/sinks/sink.js";
import { SITE_SERIES } from "../../engine/tables.js";
import { ROOT, col, hashChunks, runAll } from "../helpers.js";

/** A scenario file with its ticks cut to `ticks`. */
function short(file: string, ticks: number): Scenario {
  const s = loadScenario(`${ROOT}scenarios/${file}`);
  return { ...s, ticks, horizonS: ticks * s.dtS };
}

function runBy(scenario: Scenario, n: number, chunkTicks: number): Chunk[] {
  const sim = createSimulation(scenario, "r", { chunkTicks });
  const out: Chunk[] = [];
  let calls = 0;
  while (!sim.done) {
    const before = sim.k;
    out.push(...sim.advanceBy(n));
    assert.ok(sim.k - before <= n, `advanceBy(${n}) ran ${sim.k - before} ticks`);
    calls++;
  }
  assert.is(sim.k, scenario.ticks);
  assert.ok(calls >= Math.ceil(scenario.ticks / n));
  return out;
}

for (const file of ["hall-training-1h.yaml", "hall-training-1h-battery.yaml"]) {
  test(`${file}: advanceBy(7) in a loop gives byte-identical chunks to advance()`, () => {
    const scenario = short(file, 3000);
    const whole = runAll(createSimulation(scenario, "r", { chunkTicks: 1000 }));
    const by7 = runBy(scenario, 7, 1000);
    assert.equal(by7.map((c) => `${c.table}:${c.length}`), whole.map((c) => `${c.table}:${c.length}`));
    assert.is(hashChunks(by7), hashChunks(whole));
  });
}

test("advanceBy(7) matches advance() when chunks do not end on rack-window or period boundaries (chunkTicks 1013)", () => {
  const scenario = short("hall-training-1h-battery.yaml", 3000);
  assert.is(hashChunks(runBy(scenario, 7, 1013)), hashChunks(runAll(createSimulation(scenario, "r", { chunkTicks: 1013 }))));
});

test("advanceBy(1) over a short run gives byte-identical chunks to advance()", () => {
  const scenario = short("hall-training-1h-battery.yaml", 600);
  const whole = runAll(createSimulation(scenario, "r", { chunkTicks: 250 }));
  assert.is(hashChunks(runBy(scenario, 1, 250)), hashChunks(whole));
});

test("stop() after k ticks ends the run: last series rows, racks, events, decisions, kpis; site_series holds exactly k rows", () => {
  const scenario = short("hall-training-1h-battery.yaml", 3000);
  for (const k of [1, 777, 1000, 1234]) {
    const sim = createSimulation(scenario, "r", { chunkTicks: 1000 });
    const chunks: Chunk[] = [];
    while (sim.k < k) chunks.push(...sim.advanceBy(Math.min(7, k - sim.k)));
    assert.is(sim.k, k);
    assert.not.ok(sim.done);
    const last = sim.stop();
    assert.ok(sim.done, `k ${k}: not done after stop()`);
    assert.is(sim.k, k);
    const tables = last.map((c) => c.table);
    for (const t of ["racks", "events", "decisions", "kpis"]) assert.ok(tables.includes(t), `k ${k}: no ${t} chunk after stop(): ${tables.join(", ")}`);
    chunks.push(...last);
    const t = col(chunks, SITE_SERIES, "t_s");
    assert.is(t.length, k, `k ${k}: site_series rows`);
    assert.equal(t.slice(-1), [(k - 1) * scenario.dtS]);
    assert.ok(sim.kpis().length > 0);
    // Done means done: nothing more comes out.
    assert.equal(sim.stop(), []);
    assert.equal(sim.advance(), []);
    assert.equal(sim.advanceBy(5), []);
  }
});

test("deferFinish: the horizon's tick leaves the run open, and stop() then closes it with byte-identical chunks and KPIs", () => {
  const scenario = short("hall-training-1h-battery.yaml", 3000);
  const whole = createSimulation(scenario, "r", { chunkTicks: 1000 });
  const wholeChunks = runAll(whole);
  const sim = createSimulation(scenario, "r", { chunkTicks: 1000, deferFinish: true });
  const chunks: Chunk[] = [];
  while (sim.k < scenario.ticks) chunks.push(...sim.advanceBy(7));
  assert.not.ok(sim.done, "done before stop()");
  assert.not.ok(chunks.some((c) => c.table === "kpis"), "a kpis chunk before stop()");
  chunks.push(...sim.stop());
  assert.ok(sim.done);
  assert.is(hashChunks(chunks), hashChunks(wholeChunks));
  assert.equal(sim.kpis(), whole.kpis());
});

test("deferFinish: stop() before the horizon closes the run as without it (racks, kpis)", () => {
  const scenario = short("hall-training-1h-battery.yaml", 3000);
  const closeAt = (deferFinish: boolean) => {
    const sim = createSimulation(scenario, "r", { chunkTicks: 1000, deferFinish });
    const chunks: Chunk[] = [];
    while (sim.k < 1234) chunks.push(...sim.advanceBy(Math.min(7, 1234 - sim.k)));
    chunks.push(...sim.stop());
    assert.ok(sim.done);
    return { hash: hashChunks(chunks), tables: [...new Set(chunks.map((c) => c.table))].sort(), kpis: sim.kpis() };
  };
  const deferred = closeAt(true);
  const plain = closeAt(false);
  for (const t of ["racks", "kpis"]) assert.ok(deferred.tables.includes(t), `no ${t} chunk: ${deferred.tables.join(", ")}`);
  assert.is(deferred.hash, plain.hash);
  assert.equal(deferred.kpis, plain.kpis);
});

test.run();
