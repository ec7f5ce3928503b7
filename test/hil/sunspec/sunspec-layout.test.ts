import { test } from "uvu";
import * as assert from "uvu/assert";
import { findPoint, layoutChain, modelLayout, type SunSpecModelDef } from "../../../hil/sunspec/sunspec-layout.js";
import { loadSunSpecModel } from "../../../hil/sunspec/load-sunspec-models.js";

const layout = (id: number) => modelLayout(loadSunSpecModel(id));
const offsetOf = (id: number, name: string) => findPoint(layout(id), name)?.offset;

test("modelLayout gives each model's L as hil-notes §3 computed it (1: 66, 701: 153, 702: 50, 704: 65, 713: 7, 802: 62; 203: 105)", () => {
  const lengths = [1, 701, 702, 704, 713, 802, 203].map((id) => layout(id).length);
  assert.equal(lengths, [66, 153, 50, 65, 7, 62, 105]);
  for (const id of [1, 701, 702, 704, 713, 802, 203]) assert.equal(layout(id).skipped, [], `model ${id} skips nothing`);
});

test("modelLayout offsets count from the ID register: ID 0, L 1, then the body", () => {
  assert.is(offsetOf(1, "ID"), 0);
  assert.is(offsetOf(1, "L"), 1);
  assert.is(offsetOf(1, "Mn"), 2);
  assert.is(offsetOf(1, "Md"), 18, "Mn is a 16-register string");
  assert.is(offsetOf(1, "SN"), 50, "Mn 16 + Md 16 + Opt 8 + Vr 8");
  assert.is(offsetOf(1, "DA"), 66);
  // 802: AHRtg WHRtg WChaRteMax WDisChaRteMax DisChaRte SoCMax SoCMin SocRsvMax SoCRsvMin → SoC at 2 + 9
  assert.is(offsetOf(802, "SoC"), 11);
  assert.is(offsetOf(802, "CtrlHb"), 19, "after SoC DoD SoH NCyc(2) ChaSt LocRemCtl Hb");
  assert.is(offsetOf(713, "SoC"), 4);
  assert.is(offsetOf(701, "W"), 10, "ACType St InvSt ConnSt Alrm(2) DERMode(2)");
  assert.is(offsetOf(704, "WSet"), 24);
  assert.is(offsetOf(203, "W"), 18);
});

test("modelLayout resolves sunssf names and records type, size, access, mandatory", () => {
  const wset = findPoint(layout(704), "WSet")!;
  assert.equal([wset.type, wset.size, wset.writable, wset.sfPoint], ["int32", 2, true, "WSet_SF"]);
  const soc = findPoint(layout(802), "SoC")!;
  assert.equal([soc.type, soc.mandatory, soc.writable, soc.sfPoint], ["uint16", true, false, "SoC_SF"]);
  const nested = findPoint(layout(704), "PFWInj.PF")!;
  assert.is(nested.sfPoint, "PF_SF", "a nested group's point finds its sf in the enclosing group");
  assert.is(findPoint(layout(704), "WSetMod")!.symbols?.get("WATTS"), 1);
});

test("modelLayout lays out run-time repeating groups only with a count, and says why it skipped them", () => {
  const def: SunSpecModelDef = {
    id: 64999,
    group: {
      name: "t",
      points: [
        { name: "ID", type: "uint16", size: 1, value: 64999 },
        { name: "L", type: "uint16", size: 1 },
        { name: "N", type: "count", size: 1 },
        { name: "Fixed_SF", type: "sunssf", size: 1 },
      ],
      groups: [
        { name: "Fix", count: 2, points: [{ name: "A", type: "int16", size: 1, sf: "Fixed_SF" }] },
        { name: "Crv", count: "N", points: [{ name: "X", type: "int16", size: 1 }, { name: "Y", type: "int32", size: 2 }] },
      ],
    },
  };
  const skipped = modelLayout(def);
  assert.is(skipped.length, 4);
  assert.match(skipped.skipped[0]!, /Crv: repeated N times/);
  assert.equal(skipped.points.map((p) => `${p.name}@${p.offset}`).slice(4), ["Fix[0].A@4", "Fix[1].A@5"]);
  const two = modelLayout(def, { Crv: 2 });
  assert.is(two.length, 4 + 2 * 3);
  assert.is(findPoint(two, "Crv[1].Y")!.offset, 6 + 3 + 1);
});

test("layoutChain places models after SunS and ends with the end marker", () => {
  const chain = layoutChain(40000, [layout(1), layout(802), layout(701), layout(704), layout(713)]);
  assert.equal(chain.models.map((m) => [m.id, m.address, m.length]), [
    [1, 40002, 66],
    [802, 40070, 62],
    [701, 40134, 153],
    [704, 40289, 65],
    [713, 40356, 7],
  ]);
  assert.is(chain.endAddress, 40365);
  assert.is(chain.registerCount, 367);
  assert.throws(() => layoutChain(65400, [layout(701)]), /past address 65535/);
});

test.run();
