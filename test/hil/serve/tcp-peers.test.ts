import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ROOT } from "../../helpers.js";
import { peerMissing, PYTHON } from "../peer.js";
import { serveFixture } from "./raw-client.js";

/**
 * The served twin over TCP, checked by Modbus masters this project did not write: Debian's mbpoll
 * (libmodbus) and python3-pymodbus 3.0.0. Reads of every table, writes through the library (FC5,
 * 6, 16) and the handler (FC15, 23), device identification, and the exceptions they report:
 * 01 (FC17), 02, 03 and 0x0B.
 */

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a peer without blocking the event loop (the server under test runs in this process). */
function run(command: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const MBPOLL = "/usr/bin/mbpoll";

test("mbpoll reads every table, writes with FC5/6/15/16, and sees exceptions 02, 03 and 0x0B", async () => {
  if (!existsSync(MBPOLL)) throw new Error(`${MBPOLL} is missing (apt-get install mbpoll)`);
  const s = await serveFixture();
  // -0: PDU addresses; -1: one poll; -a unit; -t 0 coil, 1 discrete, 3 input, 4 holding (default).
  const mbpoll = (...args: string[]) => run(MBPOLL, ["-m", "tcp", "-p", String(s.server.port), "-0", "-1", ...args]);
  try {
    let r = await mbpoll("-a", "1", "-r", "40000", "-c", "3", "127.0.0.1");
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /\[40000\]:\s+0\n\[40001\]:\s+10\n\[40002\]:\s+20\n/);

    r = await mbpoll("-a", "1", "-r", "40010", "127.0.0.1", "123", "456");
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /Written 2 references/);
    assert.equal(Array.from(s.units[0].holding.values.subarray(40010, 40012)), [123, 456]);
    r = await mbpoll("-a", "1", "-r", "40011", "127.0.0.1", "789");
    assert.is(r.code, 0, r.stderr);
    assert.is(s.units[0].holding.values[40011], 789);

    r = await mbpoll("-a", "1", "-r", "40010", "127.0.0.1", "5000");
    assert.is(r.code, 1);
    assert.match(r.stderr, /Illegal data value/);
    r = await mbpoll("-a", "1", "-r", "40012", "127.0.0.1", "5");
    assert.is(r.code, 1);
    assert.match(r.stderr, /Illegal data address/);
    r = await mbpoll("-a", "1", "-r", "40095", "-c", "10", "127.0.0.1");
    assert.is(r.code, 1);
    assert.match(r.stderr, /Illegal data address/);
    r = await mbpoll("-a", "42", "-r", "40000", "127.0.0.1");
    assert.is(r.code, 1);
    assert.match(r.stderr, /Target device failed to respond/, "0x0B for a unit not served");
    assert.equal(Array.from(s.units[0].holding.values.subarray(40010, 40013)), [123, 789, 120], "refused writes changed nothing");

    r = await mbpoll("-a", "2", "-t", "3", "-r", "8", "-c", "2", "127.0.0.1");
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /\[8\]:\s+1008\n\[9\]:\s+1009\n/);
    r = await mbpoll("-a", "2", "-t", "1", "-r", "0", "-c", "4", "127.0.0.1");
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /\[0\]:\s+0\n\[1\]:\s+1\n\[2\]:\s+0\n\[3\]:\s+1\n/);
    r = await mbpoll("-a", "2", "-t", "0", "-r", "1", "127.0.0.1", "1");
    assert.is(r.code, 0, r.stderr);
    r = await mbpoll("-a", "2", "-t", "0", "-r", "4", "127.0.0.1", "1", "1", "0", "1");
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /Written 4 references/);
    r = await mbpoll("-a", "2", "-t", "0", "-r", "0", "-c", "8", "127.0.0.1");
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /\[0\]:\s+1\n\[1\]:\s+1\n\[2\]:\s+0\n\[3\]:\s+1\n\[4\]:\s+1\n\[5\]:\s+1\n\[6\]:\s+0\n\[7\]:\s+1\n/);
    r = await mbpoll("-a", "2", "-t", "0", "-r", "8", "127.0.0.1", "1");
    assert.is(r.code, 1);
    assert.match(r.stderr, /Illegal data address/, "coil 8 is read-only");
    const st = s.server.stats();
    assert.ok(st.toLibrary > 0 && st.direct > 0, JSON.stringify(st));
  } finally {
    await s.server.close();
  }
});

test("pymodbus 3.0.0 reads, writes (FC5/6/15/16/23), identifies the device and sees exceptions 01, 02, 03 and 0x0B", async () => {
  const missing = peerMissing();
  if (missing !== undefined) throw new Error(missing);
  const s = await serveFixture();
  try {
    const r = await run(PYTHON, [join(ROOT, "test/hil/serve/pymodbus_client.py"), String(s.server.port)]);
    assert.is(r.code, 0, r.stderr);
    const steps = Object.fromEntries(
      r.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .map(({ step, ...rest }) => [step as string, rest]),
    );
    const expected: Record<string, unknown> = {
      "read holding 40000x3": { registers: [0, 10, 20] },
      "write 40010=700": { ok: true },
      "read 40010x2": { registers: [700, 110] },
      "write 40010-40011=[1,2]": { ok: true },
      "read 40010x2 again": { registers: [1, 2] },
      "write 40010=1001 (gate)": { exception: 3 },
      "write 40011-40012 (read-only)": { exception: 2 },
      "read 40095x10 (unmapped)": { exception: 2 },
      "read 40000x126 (quantity)": { exception: 3 },
      "read input 0x3": { registers: [1000, 1001, 1002] },
      "read coils 0x8": { bits: [1, 0, 0, 1, 0, 0, 1, 0] },
      "read discrete 0x4": { bits: [0, 1, 0, 1, 0, 0, 0, 0] },
      "write coil 2=on": { ok: true },
      "write coils 4-6": { ok: true },
      "read coils 0x8 again": { bits: [1, 0, 1, 1, 1, 0, 1, 0] },
      "write coil 9 (read-only)": { exception: 2 },
      "read/write 40010x2": { registers: [33, 44] },
      "read unit 42": { exception: 11 },
      "report slave id (FC17)": { exception: 1 },
      "device identification": { info: { "0": "dctwin", "1": "test-hall", "2": "1.2.3" } },
    };
    assert.equal(steps, expected);
    assert.equal(Array.from(s.units[0].holding.values.subarray(40010, 40013)), [33, 44, 120]);
  } finally {
    await s.server.close();
  }
});

test.run();
