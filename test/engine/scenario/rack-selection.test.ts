import { test } from "uvu";
import * as assert from "uvu/assert";
import { fromRackSelection, rackName } from "../../../engine/scenario/rack-selection.js";

test("fromRackSelection(items) resolves all, rows, single racks and row-major ranges", () => {
  const pick = (items: string[]) => {
    const r = fromRackSelection(items, 6, 12);
    if ("error" in r) throw new Error(r.error);
    return r.indices;
  };
  assert.is(pick(["all"]).length, 72);
  assert.equal(pick(["row:B"]), Array.from({ length: 12 }, (_, i) => 12 + i));
  assert.equal(pick(["C7"]), [30]);
  assert.equal(pick(["A11-B2"]), [10, 11, 12, 13]);
  assert.equal(pick(["A1", "A1", "row:a"]).length, 12, "duplicates removed, row letters case-insensitive");
});

test("fromRackSelection(items) names the bad item and what was expected", () => {
  for (const bad of ["G1", "A13", "row:Z", "B2-A1", "rack7", "A0"]) {
    const r = fromRackSelection([bad], 6, 12);
    assert.ok("error" in r, bad);
    if ("error" in r) {
      assert.is(r.item, bad);
      assert.ok(r.error.length > 10);
    }
  }
});

test("rackName(index) is the row letter and 1-based number", () => {
  assert.is(rackName(0, 12), "A1");
  assert.is(rackName(14, 12), "B3");
  assert.is(rackName(71, 12), "F12");
});

test.run();
