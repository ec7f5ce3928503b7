import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { validateFile } from "../../../engine/cli/validate-command.js";
import { UserError } from "../../../models/lib/errors.js";
import { ROOT } from "../../helpers.js";

const SWEEPS = readdirSync(`${ROOT}scenarios/sweeps`).filter((f) => f.endsWith(".yaml")).map((f) => `scenarios/sweeps/${f}`);

test("validateFile(sweep) checks the sweep, its base and every run, and summarises it", () => {
  assert.ok(SWEEPS.length >= 4);
  for (const file of SWEEPS) assert.match(validateFile(`${ROOT}${file}`), /^ok: .*: sweep [a-z0-9-]+, \d+ run\(s\) of .*\.yaml, [\d,]+ ticks in all$/);
  assert.match(validateFile(`${ROOT}scenarios/hall-training-1h.yaml`), /hall-training-1h, 72 racks/);
});

test("validateFile(sweep with an invalid run) is a UserError naming the run, the axis and the field path", () => {
  try {
    validateFile(`${ROOT}test/fixtures/sweeps/tiny-with-bad-value.yaml`);
    assert.unreachable("accepted");
  } catch (error) {
    assert.instance(error, UserError);
    assert.match((error as Error).message, /1 of 3 run\(s\) invalid:\n  - run tiny-bad-1: grid\["workloads\[0\]\.iterationPeriod"\]\[1\] \(workloads\[0\]\.iterationPeriod: got "soon", expected a duration/);
  }
});

test("dctwin validate accepts every shipped sweep file (exit 0)", () => {
  const r = spawnSync(process.execPath, [`${ROOT}dist/engine/cli/main.js`, "validate", ...SWEEPS], { cwd: ROOT, encoding: "utf8" });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.trim().split("\n").length, SWEEPS.length);
});

test.run();
