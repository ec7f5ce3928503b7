import { test } from "uvu";
import * as assert from "uvu/assert";
import { buildSunSpecImage, imageReader, setRegister } from "../../../hil/sunspec/sunspec-image.js";
import { layoutChain, modelLayout } from "../../../hil/sunspec/sunspec-layout.js";
import { loadSunSpecModel } from "../../../hil/sunspec/load-sunspec-models.js";
import { scanSunSpec } from "../../../hil/sunspec/sunspec-scan.js";

const layouts = [1, 802, 701, 704, 713].map((id) => modelLayout(loadSunSpecModel(id)));

for (const base of [40000, 0, 50000]) {
  test(`scanSunSpec finds the chain at base ${base} and stops at 0xFFFF`, async () => {
    const chain = layoutChain(base, layouts);
    const read = imageReader(buildSunSpecImage(chain));
    const found = await scanSunSpec(read, 1);
    assert.ok(found);
    assert.is(found!.base, base);
    assert.equal(found!.models.map((m) => [m.id, m.address, m.length]), chain.models.map((m) => [m.id, m.address, m.length]));
    assert.is(found!.endAddress, chain.endAddress);
    assert.is(found!.stoppedBecause, undefined);
    assert.ok(!read.requests.some(([address]) => address === chain.endAddress + 1), "never reads the end marker's L");
    assert.ok(read.requests.every(([, count]) => count <= 125));
  });
}

test("scanSunSpec handles a device whose end model has no L (image ends right after 0xFFFF)", async () => {
  const chain = layoutChain(40000, layouts);
  const image = buildSunSpecImage(chain);
  const truncated = { start: image.start, registers: image.registers.slice(0, -1) };
  const found = await scanSunSpec(imageReader(truncated), 1);
  assert.equal(found!.models.map((m) => m.id), [1, 802, 701, 704, 713]);
  assert.is(found!.endAddress, 40365);
});

test("scanSunSpec reads model bodies in requests of at most 125 registers", async () => {
  const chain = layoutChain(40000, layouts);
  const image = buildSunSpecImage(chain);
  setRegister(image, 40070 + 11, 57); // 802 SoC
  const read = imageReader(image);
  const found = await scanSunSpec(read, 1, { readBodies: true });
  const m701 = found!.models[2]!;
  assert.is(m701.registers!.length, 155);
  assert.is(m701.registers![0], 701);
  assert.is(found!.models[1]!.registers![11], 57);
  assert.ok(read.requests.some(([address, count]) => address === 40134 && count === 125));
  assert.ok(read.requests.every(([, count]) => count <= 125));
});

test("scanSunSpec returns undefined without SunS, other units, and reports a chain that breaks off", async () => {
  const chain = layoutChain(40000, layouts);
  const image = buildSunSpecImage(chain);
  assert.is(await scanSunSpec(imageReader(image), 2), undefined, "unit 2 does not answer");
  const blank = { start: 40000, registers: new Uint16Array(10) };
  assert.is(await scanSunSpec(imageReader(blank), 1), undefined);
  const broken = { start: image.start, registers: image.registers.slice(0, 200) };
  const found = await scanSunSpec(imageReader(broken), 1);
  assert.equal(found!.models.map((m) => m.id), [1, 802, 701], "headers are read; bodies are trusted to L");
  assert.match(found!.stoppedBecause!, /model header at 40289 failed/);
  assert.is(found!.endAddress, undefined);
  const bad = buildSunSpecImage(chain);
  setRegister(bad, 40003, 65500); // model 1's L
  assert.match((await scanSunSpec(imageReader(bad), 1))!.stoppedBecause!, /runs past address 65535/);
});

test.run();
