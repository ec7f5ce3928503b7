import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ROOT } from "../helpers.js";
import { allClaims } from "./all-claims.js";
import { lineOf, passes, README_END, README_START, validationTable } from "./validation-row.js";

/**
 * Validation in CI: one test per physical claim with a measured or published reference (the claims
 * live in test/validation/*.claims.ts), each printing measured vs reference vs tolerance; and the
 * README's validation table must be the one these rows give (`npm run validate` rewrites it).
 */
const rows = await allClaims();

for (const row of rows) {
  test(row.claim, () => {
    console.log(`validation ${lineOf(row)}`);
    assert.ok(passes(row), lineOf(row));
  });
}

test("README.md's validation table is current (npm run validate writes it)", () => {
  const readme = readFileSync(`${ROOT}README.md`, "utf8");
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  assert.ok(start >= 0 && end > start, `README.md has the ${README_START} … ${README_END} section`);
  assert.is(readme.slice(start + README_START.length + 1, end), validationTable(rows), "run `npm run validate` and commit README.md");
});

test.run();
