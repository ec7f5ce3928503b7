import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ROOT } from "../helpers.js";

/**
 * The peer the HIL tests drive is itself checked by a Modbus master this project did not write:
 * Debian's mbpoll, over TCP and over RTU through a socat pair (hil/peers/check_battery_server.sh:
 * the SunS marker, the model chain, scale factors, writes, exceptions 02 and 03, reversion).
 */
test("hil/peers/check_battery_server.sh: every mbpoll check of the pymodbus battery passes over TCP and RTU", () => {
  const r = spawnSync("bash", [join(ROOT, "hil/peers/check_battery_server.sh")], { encoding: "utf8", timeout: 120_000 });
  assert.is(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /ALL CHECKS PASSED/);
  assert.not.match(r.stdout, /^FAIL/m);
  assert.ok((r.stdout.match(/^PASS/gm) ?? []).length >= 30, "at least 30 checks ran");
});

test.run();
