import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ROOT, tempDir } from "../../helpers.js";
import { peerMissing, runCli, startPeer } from "../../hil/peer.js";

const missing = peerMissing();
if (missing !== undefined) throw new Error(`needs the independent Modbus peer: ${missing}`);

test("dctwin profile scan walks the pymodbus battery's SunSpec chain: the same models and addresses its own (Python) layout reports", async () => {
  const peer = await startPeer(["--tcp", "127.0.0.1:0"]);
  try {
    const r = await runCli(["profile", "scan", `tcp://127.0.0.1:${peer.port}`]);
    assert.is(r.code, 0, r.stderr);
    // The peer computes its layout from the SunSpec JSON in Python; the scanner is ours.
    for (const [id, at, l] of [[1, 40002, 66], [802, 40070, 62], [701, 40134, 153], [704, 40289, 65], [713, 40356, 7]]) {
      assert.match(r.stdout, new RegExp(`model\\s+${id} at ${at}, L = ${l}\\b`));
    }
    assert.match(r.stdout, /end marker at 40365/);
  } finally {
    await peer.stop();
  }
  const none = await runCli(["profile", "scan", "tcp://127.0.0.1:1"]);
  assert.is(none.code, 2);
  assert.match(none.stderr, /cannot connect/);
});

test("dctwin profile check: shipped profiles pass; a bad one exits 2 naming each field", async () => {
  const ok = await runCli(["profile", "check", ...["sunspec-battery", "sunspec-meter", "cooling-skid"].map((f) => join(ROOT, "hil/profiles", `${f}.yaml`))]);
  assert.is(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /set  battery\.bess1\.powerSetW/);
  const dir = tempDir();
  try {
    const bad = join(dir.path, "bad.yaml");
    writeFileSync(bad, "name: x\nunitId: 300\npoints:\n  - name: a.b\n    kind: setpoint\n    table: holding\n    address: 1\n    type: int16\n    unit: W\n");
    const r = await runCli(["profile", "check", bad]);
    assert.is(r.code, 2);
    assert.match(r.stderr, /unitId: got 300/);
    assert.not.match(r.stderr, /    at /);
    writeFileSync(bad, "name: x\nunitId: 1\npoints:\n  - name: a.b\n    kind: setpoint\n    table: input\n    address: 1\n    type: int16\n    unit: W\n");
    const r2 = await runCli(["profile", "check", bad]);
    assert.is(r2.code, 2);
    assert.match(r2.stderr, /points\[0\]/);
    assert.not.match(r2.stderr, /    at /);
  } finally {
    dir.remove();
  }
});

test.run();
