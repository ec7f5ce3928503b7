import { test } from "uvu";
import * as assert from "uvu/assert";
import { envelopeLevels } from "../../../engine/report/envelope-levels.js";

test("envelopeLevels(1 h at 40 ms) keeps 1.8 s and 0.2 s buckets over the whole run, single ticks in an 80 s window around the centre", () => {
  const levels = envelopeLevels(3600, 0.04, 1800, 60_000);
  assert.equal(levels.map((l) => Number(l.bucketS.toFixed(6))), [1.8, 0.2, 0.04]);
  assert.equal([levels[0]!.fromS, levels[0]!.toS, levels[1]!.fromS, levels[1]!.toS], [0, 3600, 0, 3600]);
  const ticks = levels[2]!;
  assert.ok(Math.abs(ticks.toS - ticks.fromS - 80) < 1e-9, `window ${ticks.fromS}..${ticks.toS}`);
  assert.ok(ticks.fromS <= 1800 && ticks.toS >= 1800);
});

test("envelopeLevels(24 h) stays within the row budget plus one window per windowed level, and ends at one tick", () => {
  const levels = envelopeLevels(86_400, 0.04, 100, 60_000);
  assert.equal(Number(levels.at(-1)!.bucketS.toFixed(6)), 0.04);
  const rows = levels.reduce((n, l) => n + Math.ceil((l.toS - l.fromS) / l.bucketS - 1e-9), 0);
  assert.ok(rows <= 60_000 + 2000 * levels.length, `${rows} rows`);
  for (const l of levels) assert.ok(l.fromS >= 0 && l.toS <= 86_400, `level ${l.level} inside the run`);
  const windowed = levels.filter((l) => l.toS - l.fromS < 86_400);
  assert.equal(windowed.map((l) => l.fromS), [0, 60], "windows centred on 100 s, clamped at 0 when wider than 200 s");
});

test("envelopeLevels(short run) embeds every tick over the whole run; bad inputs throw", () => {
  const levels = envelopeLevels(60, 0.04, 30, 60_000);
  assert.equal(levels.at(-1)!.fromS, 0);
  assert.equal(levels.at(-1)!.toS, 60);
  assert.throws(() => envelopeLevels(0, 0.04, 0, 1), /horizon 0 s/);
});

test.run();
