import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { resultsSchemaMarkdown } from "../../engine/results-schema-doc.js";
import { RUN_TABLES } from "../../engine/tables.js";
import { ROOT } from "../helpers.js";

test("docs/results-schema.md's schema is the one generated from the table specs (dctwin schema --results)", () => {
  const doc = readFileSync(`${ROOT}docs/results-schema.md`, "utf8");
  const block = /<!-- results-schema -->\n([\s\S]*?)<!-- \/results-schema -->/.exec(doc);
  assert.ok(block, "docs/results-schema.md has the results-schema block");
  assert.is(block![1], resultsSchemaMarkdown());
  for (const table of RUN_TABLES) assert.match(block![1]!, `**\`${table.name}\`**`);
});

test("README gives the two commands: install and run the default scenario, and the tests", () => {
  const readme = readFileSync(`${ROOT}README.md`, "utf8");
  assert.match(readme, "npm ci && npm start");
  assert.match(readme, "npm test");
});

test.run();
