import { test } from "uvu";
import * as assert from "uvu/assert";
import { trainInductiveModel } from "../../../controllers/monitoring/inductive-model.js";
import { inductiveModelFromJson, inductiveModelToJson } from "../../../controllers/monitoring/model-file.js";
import { createRng } from "../../../models/lib/rng.js";
import { UserError } from "../../../models/lib/errors.js";

// Three tight nominal clusters in 2 features with very different scales (°C and W): standardising
// makes both count. Known answer: the centres sit at the clusters' standardised means, a point at a
// cluster centre scores ~0, a point far from all of them scores its standardised distance.
const CENTRES = [
  [22, 30_000],
  [25, 45_000],
  [28, 38_000],
];
function nominal(n: number, seed: number): number[][] {
  const rng = createRng(seed, "test/clusters");
  return Array.from({ length: n }, (_, i) => {
    const c = CENTRES[i % 3]!;
    return [rng.normal(c[0]!, 0.2), rng.normal(c[1]!, 300)];
  });
}

test("k-means on standardised nominal vectors finds the known clusters; D is the distance to the nearest", () => {
  const rows = nominal(600, 1);
  const m = trainInductiveModel(["inletC", "powerW"], rows, { k: 3, seed: 5 });
  assert.is(m.k, 3);
  assert.is(m.trainedOn, 600);
  // The centres, back in engineering units, are the three cluster means.
  const found = Array.from({ length: 3 }, (_, c) => [m.centres[c * 2]! * m.sd[0]! + m.mean[0]!, m.centres[c * 2 + 1]! * m.sd[1]! + m.mean[1]!]).sort((a, b) => a[0]! - b[0]!);
  found.forEach((c, i) => {
    assert.ok(Math.abs(c[0]! - CENTRES[i]![0]!) < 0.05, `centre ${i}: ${c[0]} °C`);
    assert.ok(Math.abs(c[1]! - CENTRES[i]![1]!) < 80, `centre ${i}: ${c[1]} W`);
  });
  // At a cluster mean: ~0. Half-way between two clusters: about half their standardised distance.
  assert.ok(m.score([25, 45_000], 0) < 0.05);
  const mid = [23.5, 37_500];
  const expected = Math.hypot((25 - 22) / 2 / m.sd[0]!, (45_000 - 30_000) / 2 / m.sd[1]!);
  assert.ok(Math.abs(m.score(mid, 0) - expected) < 0.05 * expected, `mid-point D ${m.score(mid, 0)} vs ${expected}`);
  // A hot rack at normal power: far from every centre, far above the thresholds.
  assert.ok(m.score([34, 38_000], 0) > 5 * m.tauPersist);
  // The thresholds are the 95th and 98th percentiles of the nominal scores.
  const scores = rows.map((r) => m.score(r, 0));
  const share = (tau: number) => scores.filter((s) => s > tau).length / scores.length;
  assert.ok(Math.abs(share(m.tauFast) - 0.05) < 0.01, `${share(m.tauFast)} of nominal above tau_fast`);
  assert.ok(Math.abs(share(m.tauPersist) - 0.02) < 0.01, `${share(m.tauPersist)} of nominal above tau_persist`);
  assert.ok(m.tauPersist > m.tauFast);
  // Held-out nominal vectors from the same process: about 5 % above tau_fast too.
  const held = nominal(3000, 2).map((r) => m.score(r, 0));
  const heldShare = held.filter((s) => s > m.tauFast).length / held.length;
  assert.ok(heldShare > 0.03 && heldShare < 0.08, `held-out: ${heldShare} above tau_fast`);
});

test("training is deterministic for a seed; a flat feature does not divide by zero", () => {
  const rows = nominal(300, 3).map((r) => [...r, 1.0]);
  const a = trainInductiveModel(["inletC", "powerW", "pumpFrac"], rows, { k: 3, seed: 9 });
  const b = trainInductiveModel(["inletC", "powerW", "pumpFrac"], rows, { k: 3, seed: 9 });
  assert.equal(Array.from(a.centres), Array.from(b.centres));
  assert.is(a.tauFast, b.tauFast);
  assert.is(a.sd[2], 1, "a constant feature keeps scale 1");
  assert.ok(Number.isFinite(a.score([25, 45_000, 1.0], 0)));
  assert.throws(() => trainInductiveModel(["a", "b"], [[1, 2], [1, Number.NaN]], { seed: 1 }), /vector 1, feature b: NaN/);
  assert.throws(() => trainInductiveModel(["a"], [[1]], { seed: 1 }), /at least 2/);
});

test("scoring every rack's vector at once allocates nothing", () => {
  const m = trainInductiveModel(["inletC", "powerW"], nominal(300, 4), { k: 3, seed: 5 });
  const racks = 72;
  const x = new Float64Array(racks * 2);
  const d = new Float64Array(racks);
  for (let r = 0; r < racks; r++) x.set([22 + (r % 7), 30_000 + 200 * r], 2 * r);
  for (let i = 0; i < 5000; i++) m.scoreAll(x, racks, d);
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 20_000; i++) {
    x[0] = 22 + (i % 7);
    m.scoreAll(x, racks, d);
  }
  const grown = process.memoryUsage().heapUsed - before;
  assert.is(d[5], m.score(x, 10));
  assert.ok(grown < 200_000, `heap grew ${grown} B over 20,000 hall scorings (1.44 M vectors)`);
});

test("a model saved to JSON reads back the same; a bad file gets every problem with its field path", () => {
  const m = trainInductiveModel(["inletC", "powerW"], nominal(300, 5), { k: 3, seed: 5 });
  const text = inductiveModelToJson(m, "test clusters");
  const back = inductiveModelFromJson(text, "m.json");
  assert.equal(Array.from(back.centres), Array.from(m.centres));
  assert.is(back.tauFast, m.tauFast);
  assert.is(back.score([26, 41_000], 0), m.score([26, 41_000], 0));

  const bad = JSON.parse(text) as Record<string, unknown>;
  bad["sd"] = [1, -2];
  bad["centres"] = [[0, 1], [0]];
  bad["tauPersist"] = 0.001;
  bad["colour"] = "red";
  try {
    inductiveModelFromJson(JSON.stringify(bad), "m.json");
    assert.unreachable("a bad model file was accepted");
  } catch (error) {
    assert.instance(error, UserError);
    const paths = (error as UserError).issues.map((i) => i.path).sort();
    assert.equal(paths, ["centres[1]", "colour", "sd[1]", "tauPersist"]);
    assert.match((error as Error).message, /sd\[1\]: got -2, expected a number > 0/);
  }
  try {
    inductiveModelFromJson('{"format": "dctwin-inductive-model", "__proto__": {"polluted": 1}}', "m.json");
    assert.unreachable();
  } catch (error) {
    assert.instance(error, UserError);
    assert.is(({} as Record<string, unknown>)["polluted"], undefined);
  }
});

test.run();
