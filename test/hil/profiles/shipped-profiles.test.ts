import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadProfile } from "../../../hil/profile/load-profile.js";
import { fromProfile } from "../../../hil/profile/from-profile.js";
import { toProfileFile } from "../../../hil/profiles/profile-file.js";
import { loadGeneratedProfileFiles } from "../../../hil/profiles/generate-profiles.js";
import { loadSunSpecModel } from "../../../hil/sunspec/load-sunspec-models.js";
import { batteryProfile, meterProfile } from "../../../hil/sunspec/shipped-sunspec-profiles.js";
import { ROOT } from "../../helpers.js";

const DIR = join(ROOT, "hil/profiles");

test("every shipped profile file in hil/profiles loads and validates", () => {
  const files = readdirSync(DIR).filter((f) => /\.(ya?ml|json)$/.test(f) && f !== "profile.schema.json");
  assert.ok(files.length >= 3, files.join(", "));
  for (const file of files) {
    const profile = loadProfile(join(DIR, file));
    assert.ok(profile.points.length > 0, file);
  }
});

test("the generated files (SunSpec YAML, schema, README) equal what the layout code generates now", () => {
  for (const [name, text] of loadGeneratedProfileFiles()) {
    assert.fixture(readFileSync(join(DIR, name), "utf8"), text, `hil/profiles/${name} is stale: run node dist/hil/profiles/generate-profiles.js`);
  }
});

test("sunspec-battery.yaml and sunspec-meter.yaml load to exactly the profiles built from the SunSpec layout", () => {
  assert.equal(loadProfile(join(DIR, "sunspec-battery.yaml")), batteryProfile(loadSunSpecModel));
  assert.equal(loadProfile(join(DIR, "sunspec-meter.yaml")), meterProfile(loadSunSpecModel));
  const cooling = loadProfile(join(DIR, "cooling-skid.yaml"));
  assert.equal(fromProfile(toProfileFile(cooling), "round trip"), cooling, "toProfileFile round-trips");
});

test("sunspec-battery.yaml addresses match offsets computed by hand", () => {
  const p = loadProfile(join(DIR, "sunspec-battery.yaml"));
  const at = (name: string) => p.points.find((x) => x.name === name)!;
  // chain: SunS 40000, 1 @40002 (L 66), 802 @40070 (L 62), 701 @40134 (L 153), 704 @40289 (L 65), 713 @40356 (L 7)
  assert.is(at("battery.bess1.powerW").address, 40134 + 10);
  assert.is(at("battery.bess1.powerW").scaleFactor!.address, 40134 + 116, "701 W_SF");
  assert.is(at("battery.bess1.socFrac").address, 40356 + 4);
  assert.is(at("battery.bess1.availableChargeW").address, 40070 + 4);
  assert.is(at("battery.bess1.availableDischargeW").address, 40070 + 5);
  assert.is(at("battery.bess1.powerSetW").address, 40289 + 24);
  assert.is(at("battery.bess1.powerSetW").scaleFactor!.address, 40289 + 55, "704 WSet_SF");
  assert.equal(p.heartbeat, { unitId: 1, address: 40070 + 19, periodS: 1 });
  assert.equal(
    p.initWrites.map((w) => [w.address, w.raw]),
    [[40312, 1], [40315, 0], [40316, 0], [40320, 0], [40321, 5], [40311, 1]],
    "WSetMod=WATTS, WSetRvrt=0, WSetRvrtTms=5 (high, low), WSetEna=1 last",
  );
  const set = at("battery.bess1.powerSetW");
  assert.equal([set.min, set.max, set.fallback, set.type], [-10_000_000, 10_000_000, 0, "int32"]);
});

test.run();
