import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { UserError } from "../../../models/lib/errors.js";
import { loadProfile } from "../../../hil/profile/load-profile.js";
import { tempDir } from "../../helpers.js";

test("loadProfile reads JSON and YAML, and reports missing files, bad syntax and bad content as UserErrors", () => {
  const dir = tempDir("dctwin-profile-");
  try {
    const json = join(dir.path, "p.json");
    writeFileSync(json, JSON.stringify({ name: "p", unitId: 3, points: [{ name: "a.bW", kind: "measurement", table: "input", address: 7, type: "int16", unit: "W" }] }));
    assert.is(loadProfile(json).points[0]!.unitId, 3);
    const yaml = join(dir.path, "p.yaml");
    writeFileSync(yaml, "name: p\nunitId: 1\npoints:\n  - {name: a.bW, kind: measurement, table: input, address: 7, type: int16, unit: W, staleAfter: 500ms}\n");
    assert.is(loadProfile(yaml).points[0]!.staleAfterS, 0.5);
    writeFileSync(yaml, "name: p\nunitId: [1\n");
    assert.throws(() => loadProfile(yaml), (e: unknown) => e instanceof UserError && /YAML syntax error at line/.test(e.message));
    writeFileSync(json, `{"name":"p","unitId":1,"points":[],"__proto__":{"x":1}}`);
    assert.throws(
      () => loadProfile(json),
      (e: unknown) => e instanceof UserError && e.message.includes(`__proto__: got {"x":1}, expected no key named __proto__`) && e.message.includes("points: got [], expected a list of at least 1 point"),
    );
    assert.throws(() => loadProfile(join(dir.path, "missing.yaml")), (e: unknown) => e instanceof UserError && /no such file/.test(e.message));
  } finally {
    dir.remove();
  }
});

test.run();
