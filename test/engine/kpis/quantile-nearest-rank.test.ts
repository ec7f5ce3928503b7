import { test } from "uvu";
import * as assert from "uvu/assert";
import { quantileNearestRank } from "../../../engine/kpis/quantile-nearest-rank.js";

test("quantileNearestRank(sorted, length, q) returns the value of rank ceil(q·length)", () => {
  const sorted = Float64Array.of(10, 20, 30, 40, 50);
  const rows: [q: number, expected: number][] = [
    [0, 10],
    [0.2, 10],
    [0.21, 20],
    [0.5, 30],
    [0.99, 50],
    [1, 50],
    [1.5, 50], // clamped
  ];
  for (const [q, expected] of rows) assert.is(quantileNearestRank(sorted, 5, q), expected, `q = ${q}`);
  assert.is(quantileNearestRank(sorted, 3, 1), 30, "only the first `length` values count");
  assert.ok(Number.isNaN(quantileNearestRank(sorted, 0, 0.5)));
});

test.run();
