import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeRegisters, encodeRegisters } from "../../../hil/profile/register-codec.js";
import type { ProfilePoint } from "../../../hil/profile/profile-types.js";
import { buildSunSpecImage, imageReader, setRegister, type RegisterImage } from "../../../hil/sunspec/sunspec-image.js";
import { findPoint, layoutChain, modelLayout, type SunSpecModelDef } from "../../../hil/sunspec/sunspec-layout.js";
import { loadSunSpecModel } from "../../../hil/sunspec/load-sunspec-models.js";
import { scanSunSpec } from "../../../hil/sunspec/sunspec-scan.js";
import { placeScannedModels, sunspecProfile } from "../../../hil/sunspec/sunspec-profile.js";

const IDS = [1, 802, 701, 704, 713];
const defs = new Map<number, SunSpecModelDef>(IDS.map((id) => [id, loadSunSpecModel(id)]));

function read(image: RegisterImage, point: ProfilePoint): number {
  const sf = point.scaleFactor === undefined ? 0 : decodeRegisters({ type: "int16", wordOrder: "high-first", scale: 1 }, image.registers, point.scaleFactor.address - image.start);
  return decodeRegisters(point, image.registers, point.address - image.start, sf);
}

test("model 1 Mn sits at base + 4 and 802 SoC at 802's address + 11, at every base", () => {
  for (const base of [40000, 0, 50000]) {
    const chain = layoutChain(base, IDS.map((id) => modelLayout(defs.get(id)!)));
    const [m1, m802] = chain.models;
    assert.is(m1!.address + findPoint(m1!.layout, "Mn")!.offset, base + 4);
    const profile = sunspecProfile({ name: "t", description: "", unitId: 1, models: chain.models, points: { "b.socPct": { model: 802, point: "SoC" } } });
    assert.is(profile.points[0]!.address, base + 2 + 68 + 11);
    assert.is(m802!.address, base + 70);
  }
});

test("a profile built from a scan reads scaled values from the image, and not-implemented as NaN", async () => {
  const chain = layoutChain(50000, IDS.map((id) => modelLayout(defs.get(id)!)));
  const image = buildSunSpecImage(chain);
  const m = (id: number) => chain.models.find((x) => x.id === id)!;
  const addr = (id: number, name: string) => m(id).address + findPoint(m(id).layout, name)!.offset;
  setRegister(image, addr(713, "SoC"), 5734);
  setRegister(image, addr(713, "Pct_SF"), -2);
  setRegister(image, addr(701, "W"), -2500);
  setRegister(image, addr(701, "W_SF"), 3);
  const scan = await scanSunSpec(imageReader(image), 1);
  const profile = sunspecProfile({
    name: "t",
    description: "",
    unitId: 1,
    models: placeScannedModels(scan!, defs),
    points: {
      "battery.bess1.socFrac": { model: 713, point: "SoC", scale: 0.01, unit: "fraction" },
      "battery.bess1.powerW": { model: 701, point: "W", scale: -1 },
      "battery.bess1.dodPct": { model: 802, point: "DoD" },
      "battery.bess1.powerSetW": { model: 704, point: "WSet", kind: "setpoint", scale: -1, min: -1e7, max: 1e7, fallback: 0 },
    },
  });
  const [soc, power, dod, set] = profile.points;
  assert.is(soc!.scaleFactor!.address, addr(713, "Pct_SF"));
  assert.is(read(image, soc!), 0.5734);
  assert.is(read(image, power!), 2_500_000, "SunSpec −2.5 MW export… counted + = charge after scale −1");
  assert.ok(Number.isNaN(read(image, dod!)), "DoD left at 0xFFFF is absent");
  assert.is(set!.notImplementedRaw, 0x80000000);
  assert.is(set!.type, "int32");
  // write a setpoint through the codec with WSet_SF = -1 and read the raw registers back
  setRegister(image, addr(704, "WSet_SF"), -1);
  const out = new Uint16Array(2);
  assert.is(encodeRegisters(set!, -1_000_000, out, 0, -1), null);
  assert.equal([...out], [0x0098, 0x9680], "+1 MW export = 10 000 000 × 0.1 W");
});

test("sunspecProfile splits 32-bit init writes into high then low word and resolves enum symbols", () => {
  const chain = layoutChain(40000, IDS.map((id) => modelLayout(defs.get(id)!)));
  const p = sunspecProfile({
    name: "t",
    description: "",
    unitId: 3,
    models: chain.models,
    points: {},
    heartbeat: { model: 802, point: "CtrlHb", periodS: 1 },
    initWrites: [
      { model: 704, point: "WSetRvrtTms", value: 0x12345, description: "tms" },
      { model: 704, point: "WSetMod", value: "WATTS", description: "mode" },
    ],
  });
  assert.equal(p.initWrites.map((w) => [w.unitId, w.address, w.raw]), [[3, 40320, 1], [3, 40321, 0x2345], [3, 40312, 1]]);
  assert.equal(p.heartbeat, { unitId: 3, address: 40089, periodS: 1 });
});

test("sunspecProfile refuses missing models and points, strings, read-only setpoints and unknown symbols", () => {
  const chain = layoutChain(40000, IDS.map((id) => modelLayout(defs.get(id)!)));
  const build = (points: Record<string, { model: number; point: string; kind?: "setpoint" }>, initWrites: { model: number; point: string; value: string; description: string }[] = []) =>
    sunspecProfile({ name: "t", description: "", unitId: 1, models: chain.models, points, initWrites });
  assert.throws(() => build({ a: { model: 702, point: "WMax" } }), /no model 702/);
  assert.throws(() => build({ a: { model: 701, point: "Watts" } }), /no point Watts/);
  assert.throws(() => build({ a: { model: 1, point: "Mn" } }), /is a string/);
  assert.throws(() => build({ a: { model: 713, point: "SoC", kind: "setpoint" } }), /read-only/);
  assert.throws(() => build({}, [{ model: 704, point: "WSetMod", value: "KILOWATTS", description: "" }]), /no symbol KILOWATTS; known: W_MAX_PCT, WATTS/);
});

test.run();
