import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ROOT, tempDir } from "../helpers.js";
import { freePort, peerMissing, ptyPair, query, runCli, startPeer } from "./peer.js";

/**
 * End to end: `dctwin hil` drives a Modbus device this project did not write (pymodbus, Debian's
 * python3-pymodbus) with the shipped battery-smoothing controller, over TCP and over RTU through a
 * socat pseudo-terminal pair, and the faults a validation team meets: the peer killed and
 * restarted, a frozen device (timeouts), a slow device, exception replies, a reading outside its
 * bounds, a profile that does not declare a point the scenario needs, bad options.
 */
const missing = peerMissing();
if (missing !== undefined) throw new Error(`HIL tests need the independent Modbus peer: ${missing}`);

const SCENARIO = join(ROOT, "scenarios/hil-battery-smoothing.yaml");
const PROFILE = join(ROOT, "hil/profiles/sunspec-battery.yaml");
const dir = tempDir("dctwin-hil-");
const n = (v: unknown) => Number(v);

const hil = (out: string, device: string, extra: string[] = [], profile = PROFILE) =>
  ["hil", SCENARIO, "--device", `bess1=${device}`, "--profile", `bess1=${profile}`, "--arm", "--out", out, ...extra];

/**
 * Measured battery power follows the command: correlation of the command's 1 s means with the
 * power's 1 s means 200 ms later (the peer's inverter lags ~150 ms, so single 40 ms spikes barely
 * show in its power; the means carry what the battery delivered).
 */
async function following(out: string): Promise<{ corr: number; maxSetW: number }> {
  const [row] = await query(
    out,
    `WITH s AS (SELECT floor(t_s) AS sec, avg(setpoint_w) AS set_w, max(abs(setpoint_w)) AS max_set FROM storage_series GROUP BY 1),
          p AS (SELECT floor(t_s - 0.2) AS sec, avg(power_w) AS power_w FROM storage_series GROUP BY 1)
     SELECT corr(set_w, power_w) AS corr, max(max_set) AS max_set FROM s JOIN p USING (sec)`,
  );
  return { corr: n(row!["corr"]), maxSetW: n(row!["max_set"]) };
}

test("hil over Modbus TCP: battery-smoothing drives the pymodbus battery; commanded and measured power follow each other; every cycle recorded", async () => {
  const peer = await startPeer(["--tcp", "127.0.0.1:0"]);
  const out = join(dir.path, "tcp.duckdb");
  try {
    const r = await runCli(hil(out, `tcp://127.0.0.1:${peer.port}`, ["--duration", "16s"]));
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /cycles of 40 ms/);
  } finally {
    await peer.stop();
  }
  const [c] = await query(out, "SELECT count(*) AS cycles, sum(skipped) AS skipped, max(cycle) AS last FROM hil_cycles");
  // Every planned cycle either ran or was counted as skipped: 16 s / 40 ms = 400.
  assert.is(n(c!["cycles"]) + n(c!["skipped"]), 400);
  const f = await following(out);
  assert.ok(f.maxSetW > 1e6, `the battery was asked for more than 1 MW (max ${f.maxSetW} W)`);
  assert.ok(f.corr > 0.8, `measured power follows the command (corr ${f.corr})`);
  const writes = await query(out, "SELECT quality, count(*) AS n FROM hil_io WHERE op = 'write' GROUP BY 1");
  const accepted = writes.find((w) => w["quality"] === "accepted");
  assert.ok(accepted !== undefined && n(accepted["n"]) > 100, "writes accepted and verified by readback");
  const [init] = await query(out, "SELECT count(*) AS n FROM hil_io WHERE op = 'init' AND quality = 'accepted'");
  assert.is(n(init!["n"]), 6, "the profile's init writes (reversion timer, mode, enable) were made");
  const [runs] = await query(out, "SELECT status, ticks FROM runs");
  assert.is(runs!["status"], "ok");
  assert.is(n(runs!["ticks"]), 400);

  // The shipped reports: timing, and the HIL run next to the twin run of the same scenario.
  const twin = await runCli(["run", SCENARIO, "--simulate-external", "--out", out]);
  assert.is(twin.code, 0, twin.stderr);
  const timing = await runCli(["query", out, join(ROOT, "reports/hil-timing.sql")]);
  assert.is(timing.code, 0, timing.stderr);
  assert.match(timing.stdout, /hil-battery-smoothing-hil\s+\d+/);
  const side = await runCli(["query", out, join(ROOT, "reports/hil-vs-twin.sql")]);
  assert.is(side.code, 0, side.stderr);
  assert.match(side.stdout, /\bhil\b/);
  assert.match(side.stdout, /\btwin\b/);
});

test("hil over Modbus RTU (115,200 Bd 8N1 through a socat pty pair): the same loop at a 200 ms period", async () => {
  const a = join(dir.path, "ttyA");
  const b = join(dir.path, "ttyB");
  const pty = await ptyPair(a, b);
  const peer = await startPeer(["--rtu", a, "--baud", "115200"]);
  const scenario = join(dir.path, "rtu.yaml");
  // The controller at 200 ms: a serial bus has room for the reads and writes of one cycle.
  const { readFileSync } = await import("node:fs");
  writeFileSync(scenario, readFileSync(SCENARIO, "utf8").replace("    id: bess-smoothing\n", "    id: bess-smoothing\n    period: 200ms\n"));
  const out = join(dir.path, "rtu.duckdb");
  try {
    const r = await runCli(["hil", scenario, "--device", `bess1=rtu:${b}:115200:8N1`, "--profile", `bess1=${PROFILE}`, "--arm", "--out", out, "--duration", "16s", "--timeout", "150ms"]);
    assert.is(r.code, 0, r.stderr);
  } finally {
    await peer.stop();
    await pty.stop();
  }
  const [c] = await query(out, "SELECT count(*) AS cycles, sum(skipped) AS skipped FROM hil_cycles");
  assert.is(n(c!["cycles"]) + n(c!["skipped"]), 80);
  const [reads] = await query(out, "SELECT count(*) FILTER (WHERE quality = 'ok') AS ok, count(*) AS n FROM hil_io WHERE op = 'read'");
  assert.ok(n(reads!["ok"]) >= 0.95 * n(reads!["n"]), `reads ok over RTU: ${reads!["ok"]} of ${reads!["n"]}`);
  const f = await following(out);
  assert.ok(f.corr > 0.7, `measured power follows the command over RTU (corr ${f.corr})`);
});

test("the peer killed mid-run and restarted: reads go bad within one cycle, setpoints fall back, the link reconnects and the loop goes on", async () => {
  const port = await freePort();
  let peer = await startPeer(["--tcp", `127.0.0.1:${port}`]);
  const out = join(dir.path, "kill.duckdb");
  let restarted: Promise<unknown> | undefined;
  const r = await runCli(hil(out, `tcp://127.0.0.1:${port}`, ["--duration", "14s"]), () => {
    restarted = (async () => {
      await new Promise((res) => setTimeout(res, 6000));
      await peer.stop("SIGKILL");
      await new Promise((res) => setTimeout(res, 2500));
      peer = await startPeer(["--tcp", `127.0.0.1:${port}`]);
    })();
  });
  await restarted;
  await peer.stop();
  assert.is(r.code, 0, r.stderr);
  const events = await query(out, "SELECT t_s, source, kind FROM events WHERE source IN ('hil', 'bess1') ORDER BY t_s, kind");
  const kinds = events.map((e) => String(e["kind"]));
  for (const k of ["link_lost", "fallback_on", "link_restored", "fallback_off"]) assert.ok(kinds.includes(k), `event ${k} in ${kinds.join(", ")}`);
  const lost = n(events.find((e) => e["kind"] === "link_lost")!["t_s"]);
  const fallbackOn = n(events.find((e) => e["kind"] === "fallback_on")!["t_s"]);
  assert.ok(fallbackOn - lost <= 0.04 + 1e-9, `fallback within one period of the loss (${lost} → ${fallbackOn})`);
  const [bad] = await query(out, "SELECT count(*) AS n FROM hil_io WHERE op = 'read' AND quality = 'error'");
  assert.ok(n(bad!["n"]) > 0, "reads while the peer was down are marked error");
  const [after] = await query(out, `SELECT count(*) AS n FROM hil_io WHERE op = 'read' AND quality = 'ok' AND t_s > ${lost + 3}`);
  assert.ok(n(after!["n"]) > 0, "reads are good again after the restart");
  const [held] = await query(out, "SELECT count(*) AS n FROM hil_cycles WHERE fallback = 1");
  assert.ok(n(held!["n"]) > 0, "cycles held at the fallbacks are flagged");
});

test("a frozen device (no answers: timeouts) and a slow one: quality error with the reason, fallback; slow replies show as deadline misses", async () => {
  const peer = await startPeer(["--tcp", "127.0.0.1:0"]);
  const out = join(dir.path, "freeze.duckdb");
  const r = await runCli(hil(out, `tcp://127.0.0.1:${peer.port}`, ["--duration", "8s", "--timeout", "50ms"]), () => {
    setTimeout(() => peer.proc.kill("SIGUSR1"), 4000);
    setTimeout(() => peer.proc.kill("SIGUSR1"), 5500);
  });
  await peer.stop();
  assert.is(r.code, 0, r.stderr);
  const [t] = await query(out, "SELECT count(*) AS n FROM hil_io WHERE op = 'read' AND quality = 'error' AND detail = 'timeout'");
  assert.ok(n(t!["n"]) > 0, "reads of a frozen device time out and say so");
  const kinds = (await query(out, "SELECT kind FROM events WHERE source = 'hil'")).map((e) => e["kind"]);
  assert.ok(kinds.includes("fallback_on") && kinds.includes("fallback_off"));

  const slow = await startPeer(["--tcp", "127.0.0.1:0", "--delay-ms", "30"]);
  const out2 = join(dir.path, "slow.duckdb");
  const r2 = await runCli(hil(out2, `tcp://127.0.0.1:${slow.port}`, ["--duration", "4s"]));
  await slow.stop();
  assert.is(r2.code, 0, r2.stderr);
  const [m] = await query(out2, "SELECT sum(missed) AS missed, sum(skipped) AS skipped, min(read_ms) AS read_ms FROM hil_cycles");
  assert.ok(n(m!["read_ms"]) >= 30, "every read waits for the slow device");
  assert.ok(n(m!["missed"]) > 0 && n(m!["skipped"]) > 0, "deadline misses and skipped cycles are counted");
});

test("exception replies and implausible readings: illegal address and illegal value recorded with their codes; a value outside its bounds is an error", async () => {
  const { readFileSync } = await import("node:fs");
  const base = readFileSync(PROFILE, "utf8");
  // A point the device does not map (exception 02), bounds wider than the device allows (it answers 03), and an implausible SOC range.
  const profile = join(dir.path, "odd.yaml");
  writeFileSync(
    profile,
    base
      .replace("    min: -10MW\n    max: 10MW\n", "    min: -20MW\n    max: 20MW\n")
      .replace("    rampLimit: 250MW/s\n", "")
      .replace("points:\n", "points:\n  - name: battery.bess1.unmappedW\n    kind: measurement\n    table: holding\n    address: 40600\n    type: int16\n    unit: W\n")
      // The device reports its 0.5 MW ratings; this profile misreads them 40× (20 MW), so the
      // controller asks for more than the device takes.
      .replaceAll("    notImplemented: 65535\n    unit: W\n", "    notImplemented: 65535\n    scale: 40\n    unit: W\n")
      .replaceAll("    min: 0W\n    max: 12MW\n", "    min: 0W\n    max: 50MW\n"),
  );
  const peer = await startPeer(["--tcp", "127.0.0.1:0", "--charge-max-w", "500000", "--discharge-max-w", "500000"]);
  const out = join(dir.path, "exceptions.duckdb");
  const r = await runCli(hil(out, `tcp://127.0.0.1:${peer.port}`, ["--duration", "12s"], profile));
  await peer.stop();
  assert.is(r.code, 0, r.stderr);
  const [addr] = await query(out, "SELECT count(*) AS n FROM hil_io WHERE point = 'battery.bess1.unmappedW' AND quality = 'error' AND detail = 'Modbus exception 2'");
  assert.ok(n(addr!["n"]) > 0, "a read of an unmapped register is an error: exception 2");
  const [val] = await query(out, "SELECT count(*) AS n FROM hil_io WHERE op = 'write' AND quality = 'failed' AND detail = 'Modbus exception 3'");
  assert.ok(n(val!["n"]) > 0, "a write the device refuses is failed: exception 3");
  const [ev] = await query(out, "SELECT count(*) AS n FROM events WHERE kind = 'modbus_exception'");
  assert.ok(n(ev!["n"]) > 0);

  const implausible = join(dir.path, "implausible.yaml");
  writeFileSync(implausible, base.replace("    unit: fraction\n    description: State of charge, 0-1 (SunSpec 713 SoC in %, Pct_SF, × 0.01)\n    min: 0\n    max: 1\n", "    unit: fraction\n    description: State of charge\n    min: 0\n    max: 0.4\n"));
  const peer2 = await startPeer(["--tcp", "127.0.0.1:0"]);
  const out2 = join(dir.path, "implausible.duckdb");
  const r2 = await runCli(hil(out2, `tcp://127.0.0.1:${peer2.port}`, ["--duration", "2s"], implausible));
  await peer2.stop();
  assert.is(r2.code, 0, r2.stderr);
  const [soc] = await query(out2, "SELECT count(*) AS n, min(detail) AS detail FROM hil_io WHERE point = 'battery.bess1.socFrac' AND quality = 'error'");
  assert.ok(n(soc!["n"]) > 0);
  assert.match(String(soc!["detail"]), /outside its plausible range/);
  const [held] = await query(out2, "SELECT count(*) AS n FROM hil_io WHERE op = 'write' AND quality = 'accepted' AND value <> 0");
  assert.is(n(held!["n"]), 0, "with its SOC input bad, the battery only ever gets its fallback (0 W)");
});

test("without --arm nothing is written (dry run); a profile lacking a setpoint the scenario needs, bad profiles and bad --device strings exit 2 without a stack", async () => {
  const peer = await startPeer(["--tcp", "127.0.0.1:0"]);
  const out = join(dir.path, "dry.duckdb");
  const r = await runCli(["hil", SCENARIO, "--device", `bess1=tcp://127.0.0.1:${peer.port}`, "--profile", `bess1=${PROFILE}`, "--out", out, "--duration", "8s"]);
  await peer.stop();
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /dry run/);
  const ops = await query(out, "SELECT op, quality, count(*) AS n FROM hil_io WHERE op <> 'read' GROUP BY ALL");
  assert.ok(ops.length > 0 && ops.every((o) => o["quality"] === "dry_run"), JSON.stringify(ops, (_, v) => (typeof v === "bigint" ? Number(v) : v)));
  assert.ok(!/"event": "write"/.test(peer.stderr()), "the device saw no write");

  const { readFileSync } = await import("node:fs");
  const noSet = join(dir.path, "noset.yaml");
  writeFileSync(noSet, readFileSync(PROFILE, "utf8").replace(/  - name: battery\.bess1\.powerSetW[\s\S]*$/, ""));
  const r2 = await runCli(["hil", SCENARIO, "--device", "bess1=tcp://127.0.0.1:1", "--profile", `bess1=${noSet}`, "--out", join(dir.path, "x.duckdb"), "--duration", "1s"]);
  assert.is(r2.code, 2, r2.stderr);
  assert.match(r2.stderr, /battery\.bess1\.powerSetW/);
  assert.not.match(r2.stderr, /    at /);

  const bad = join(dir.path, "bad.yaml");
  writeFileSync(bad, "name: x\nunitId: 1\npoints:\n  - name: a.b\n    kind: setpoint\n    table: input\n    address: 70000\n    type: int64\n    unit: W\n");
  const r3 = await runCli(["hil", SCENARIO, "--device", "bess1=tcp://127.0.0.1:1", "--profile", `bess1=${bad}`, "--duration", "1s"]);
  assert.is(r3.code, 2);
  assert.match(r3.stderr, /points\[0\]\.address: got 70000/);
  assert.match(r3.stderr, /points\[0\]\.type: got "int64"/);
  assert.not.match(r3.stderr, /    at /);

  for (const device of ["bess1=udp://h:1", "bess1=tcp://127.0.0.1", "bess1=rtu:ttyS0", "bess1=rtu:/dev/ttyS0:9600:9X1", "=tcp://h:1"]) {
    const r4 = await runCli(["hil", SCENARIO, "--device", device, "--profile", `bess1=${PROFILE}`, "--duration", "1s"]);
    assert.is(r4.code, 2, `${device}: ${r4.stderr}`);
    assert.match(r4.stderr, /--device/);
    assert.not.match(r4.stderr, /    at /);
  }
});

test("Ctrl-C ends a run cleanly: setpoints to their fallbacks, the run committed with every cycle so far", async () => {
  const peer = await startPeer(["--tcp", "127.0.0.1:0"]);
  const out = join(dir.path, "sigint.duckdb");
  const r = await runCli(hil(out, `tcp://127.0.0.1:${peer.port}`, ["--duration", "5min"]), (child) => {
    setTimeout(() => child.kill("SIGINT"), 9000);
  });
  await peer.stop();
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /stopped early/);
  const [run] = await query(out, "SELECT status, ticks FROM runs");
  assert.is(run!["status"], "ok");
  const ticks = n(run!["ticks"]);
  assert.ok(ticks > 50 && ticks < 7500, `stopped part-way (${ticks} ticks)`);
  const [c] = await query(out, "SELECT count(*) AS cycles, sum(skipped) AS skipped FROM hil_cycles");
  assert.is(n(c!["cycles"]) + n(c!["skipped"]), ticks, "every cycle up to the stop is recorded");
  const [site] = await query(out, "SELECT count(*) AS n FROM site_series");
  assert.is(n(site!["n"]), ticks);
  const [last] = await query(out, "SELECT value, quality FROM hil_io WHERE op = 'write' ORDER BY cycle DESC, rowid DESC LIMIT 1");
  assert.is(n(last!["value"]), 0, "the last write is the fallback");
  assert.is(last!["quality"], "accepted");
  const [ev] = await query(out, "SELECT count(*) AS n FROM events WHERE kind = 'safe_stop'");
  assert.is(n(ev!["n"]), 1);
});

test.after(() => dir.remove());
test.run();
