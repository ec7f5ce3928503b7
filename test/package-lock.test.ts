import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ROOT } from "./helpers.js";

/**
 * `npm ci` refuses a lock file that lacks an optional dependency of a package in it. This
 * machine's registry serves only the linux-x64 DuckDB bindings, so `npm install` here drops the
 * other platforms' entries; they were added back by hand (os/cpu fields, so npm skips them by
 * platform without fetching). If this fails after an `npm install`, add them back the same way.
 */
test("package-lock.json lists every optional platform binding of @duckdb/node-bindings", () => {
  const lock = JSON.parse(readFileSync(`${ROOT}package-lock.json`, "utf8"));
  const bindings = lock.packages["node_modules/@duckdb/node-bindings"];
  for (const name of Object.keys(bindings.optionalDependencies)) {
    const entry = lock.packages[`node_modules/${name}`];
    assert.ok(entry, `${name} is missing from package-lock.json`);
    assert.ok(entry.optional && entry.os && entry.cpu, `${name} needs optional, os and cpu`);
  }
});

test.run();
