import { test } from "uvu";
import * as assert from "uvu/assert";
import { createBucketStream, type BucketStats } from "../../../engine/live/bucket-stream.js";

test("createBucketStream hands a bucket over when a later one starts for its key, with min / max / mean per channel", () => {
  const got: BucketStats[] = [];
  const stream = createBucketStream(1, 2, (b) => got.push(b));
  const rows: [number, number, number, number][] = [
    [0, 0.0, 5, 1],
    [1, 0.0, 100, NaN],
    [0, 0.5, 7, 3],
    [1, 0.5, 300, NaN],
    [0, 1.0, 9, 9],
  ];
  for (const [key, t, a, b] of rows) {
    stream.row(key, t);
    stream.value(0, a);
    stream.value(1, b);
  }
  assert.equal(got.length, 1, "key 0's first bucket only");
  assert.equal([got[0]!.key, got[0]!.tS, [...got[0]!.min], [...got[0]!.max], [...got[0]!.mean]], [0, 0, [5, 1], [7, 3], [6, 2]]);
  stream.flush();
  assert.equal(got.length, 3);
  const key1 = got.find((b) => b.key === 1)!;
  assert.equal([key1.mean[0], Number.isNaN(key1.mean[1])], [200, true], "NaN values are skipped; a channel with none is NaN");
  assert.equal(got.find((b) => b.key === 0 && b.tS === 1)!.mean[0], 9);
});

test("createBucketStream keeps k·dt that lands a hair under a bucket edge in its bucket; rejects a bucket ≤ 0", () => {
  const got: BucketStats[] = [];
  const stream = createBucketStream(0.2, 1, (b) => got.push(b));
  for (let k = 0; k < 10; k++) {
    stream.row(0, k * 0.04);
    stream.value(0, k);
  }
  stream.flush();
  assert.equal(got.map((b) => b.mean[0]), [2, 7]);
  assert.throws(() => createBucketStream(0, 1, () => undefined), /bucketS must be > 0/);
});

test.run();
