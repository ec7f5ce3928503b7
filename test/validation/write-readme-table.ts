import { readFileSync, writeFileSync } from "node:fs";
import { ROOT } from "../helpers.js";
import { allClaims } from "./all-claims.js";
import { lineOf, README_END, README_START, validationTable } from "./validation-row.js";

/**
 * `npm run validate`: computes every validation claim, prints each line, and rewrites the README's
 * validation table (between the markers). Exit code 1 when a claim is outside its tolerance (the
 * table is still written, so the failure is visible in it).
 */
const rows = await allClaims();
for (const row of rows) console.log(lineOf(row));
const path = `${ROOT}README.md`;
const readme = readFileSync(path, "utf8");
const start = readme.indexOf(README_START);
const end = readme.indexOf(README_END);
if (start < 0 || end < start) {
  console.error(`README.md: no ${README_START} … ${README_END} section`);
  process.exit(1);
}
writeFileSync(path, `${readme.slice(0, start + README_START.length)}\n${validationTable(rows)}${readme.slice(end)}`);
console.log(`README.md: validation table written (${rows.length} claims)`);
if (rows.some((r) => lineOf(r).endsWith("FAIL"))) process.exit(1);
