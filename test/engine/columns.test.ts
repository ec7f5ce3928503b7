import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { f32Column, f64Column, f64ColumnOf, i32Column, recycleColumns } from "../../engine/columns.js";
import { checkShared } from "../../engine/pool/protocol.js";
import { loadInputs } from "../../engine/plant/load-inputs.js";
import { createSimulation } from "../../engine/simulation.js";
import { loadScenario } from "../../engine/scenario/load-scenario.js";
import { ROOT } from "../helpers.js";

test("columns live on shared memory, so a message to another thread neither copies nor detaches them", () => {
  for (const column of [f64Column(3), f32Column(3), i32Column(3), f64ColumnOf([1, 2, 3])]) {
    assert.instance(column.buffer, SharedArrayBuffer);
  }
  const column = f64Column(4);
  const clone = structuredClone(column);
  clone[1] = 7;
  assert.is(column[1], 7, "the clone is a view of the same memory");
  assert.is(column.byteLength, 32, "nothing was detached");
});

test("a recycled column comes back, zeroed, for the next column of its type and length, once", () => {
  const column = f64Column(5);
  column.fill(9);
  recycleColumns([column, "text", new Float64Array(5)]);
  const again = f64Column(5);
  assert.ok(again === column, "the recycled column is reused");
  assert.equal([...again], [0, 0, 0, 0, 0]);
  assert.ok(f64Column(5) !== column, "it is handed out once");
  assert.ok(f32Column(5).buffer !== column.buffer, "other types get their own memory");
});

test("checkShared accepts every chunk of runs with every stage, and refuses a column on ordinary memory", async () => {
  const names = ["hall-training-1h-both", "grid-weak-island-bess", "cooling-hall-winter-24h-heat-reuse"];
  for (const name of names) {
    const scenario = loadScenario(join(ROOT, `scenarios/${name}.yaml`));
    scenario.ticks = 3000; // two minutes at 40 ms: every table's first chunks and the end-of-run tables
    scenario.horizonS = scenario.ticks * scenario.dtS;
    const sim = createSimulation(scenario, name, { inputs: await loadInputs(scenario), chunkTicks: 1024 });
    const tables = new Set<string>();
    while (!sim.done) {
      const out = sim.advance();
      checkShared(out);
      for (const chunk of out) tables.add(chunk.table);
      sim.release(out);
    }
    assert.ok(tables.size >= 7, `${name}: ${[...tables].join(", ")}`);
  }
  assert.throws(
    () => checkShared([{ table: "site_series", runId: "x", length: 1, columns: [new Float64Array(1)] }]),
    /table site_series: a Float64Array column is not on shared memory/,
  );
});

test.run();
