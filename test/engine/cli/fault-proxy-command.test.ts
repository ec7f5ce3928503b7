import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mbpoll, mbpollTcp } from "../../hil/fault-proxy/modbus-client.js";
import { CLI, freePort, peerMissing, runCli, startPeer } from "../../hil/peer.js";

/**
 * `dctwin fault-proxy` as a user runs it: bad options end with exit 2 and a message naming the
 * option, the value and what was expected (no stack trace); a schedule switches faults at the
 * stated times (checked on the printed lines, with generous upper bounds: a shared 2-core box);
 * stdin lines switch faults by hand in front of a real server, and Ctrl-C prints the summary.
 */

const noStack = (stderr: string) => !/\n\s+at /.test(stderr) && !/internal error/.test(stderr);

test("dctwin fault-proxy: bad options → exit 2, the option, the value and what was expected, no stack trace", async () => {
  const cases: [string[], RegExp][] = [
    [["--listen", "foo:5021", "--to", "tcp://127.0.0.1:5020"], /^dctwin: --listen: got "foo:5021", expected tcp:\/\/HOST:PORT or rtu:\/dev\/ttyX:BAUD:8N1/],
    [["--listen", "5021", "--to", "tcp://127.0.0.1:5020", "--schedule", "1s drop 2s; 2s corrupt"], /^dctwin: --schedule entry 2: got "2s corrupt", expected a start after the previous entry ended \(at 3s\)/],
    [["--listen", "5021", "--to", "tcp://127.0.0.1:5020", "--schedule", "1s melt"], /^dctwin: --schedule entry 1: got "melt", expected one of none, drop, delay=DURATION/],
    [["--listen", "5021", "--to", "rtu:/dev/ttyS9:9600:8N1"], /^dctwin: --listen "5021" and --to "rtu:\/dev\/ttyS9:9600:8N1": expected both TCP or both RTU/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(["fault-proxy", ...args]);
    assert.is(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.ok(noStack(r.stderr), r.stderr);
    assert.is(r.stdout, "", "nothing started");
  }
});

test("dctwin fault-proxy: a port in use or a missing serial device → exit 2 naming the endpoint and the reason", async () => {
  const taken = createServer();
  const port = await new Promise<number>((resolve) => taken.listen(0, "127.0.0.1", () => resolve((taken.address() as { port: number }).port)));
  try {
    const r = await runCli(["fault-proxy", "--listen", String(port), "--to", "tcp://127.0.0.1:5020"]);
    assert.is(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`^dctwin: --listen tcp://127\\.0\\.0\\.1:${port} / --to tcp://127\\.0\\.0\\.1:5020: cannot start: .*EADDRINUSE`));
    assert.ok(noStack(r.stderr), r.stderr);
  } finally {
    taken.close();
  }
  const r = await runCli(["fault-proxy", "--listen", "rtu:/nonexistent/client:115200:8N1", "--to", "rtu:/nonexistent/server:115200:8N1"]);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, /cannot start: No such file or directory, cannot open \/nonexistent\/client\n/);
  assert.ok(noStack(r.stderr), r.stderr);
});

test("dctwin fault-proxy --schedule: each switch is printed at (not before) its time, back to none after FOR; --duration stops it with a summary", async () => {
  const port = await freePort();
  const schedule = "0.5s drop 0.5s; 1.5s delay=100ms 0.5s; 2.5s exception=4";
  const r = await runCli(["fault-proxy", "--listen", String(port), "--to", "tcp://127.0.0.1:1", "--schedule", schedule, "--duration", "3.5s"]);
  assert.is(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.match(lines[0]!, new RegExp(`^fault-proxy: tcp://127\\.0\\.0\\.1:${port} -> tcp://127\\.0\\.0\\.1:1, fault none, seed 1, a schedule of 3 entries`));
  const switches = lines.filter((l) => /^fault-proxy: t=\S+ fault /.test(l)).map((l) => /^fault-proxy: t=([\d.]+)s fault (\S+) \((.*)\)$/.exec(l));
  const expected: [number, string, string][] = [
    [0.5, "drop", "schedule entry 1, for 0.5s"],
    [1.0, "none", "schedule entry 1 ended"],
    [1.5, "delay=100ms", "schedule entry 2, for 0.5s"],
    [2.0, "none", "schedule entry 2 ended"],
    [2.5, "exception=4", "schedule entry 3"],
  ];
  assert.is(switches.length, expected.length, r.stdout);
  expected.forEach(([atS, fault, source], i) => {
    const m = switches[i];
    assert.ok(m !== null && m !== undefined, lines.join("\n"));
    const tS = Number(m[1]);
    assert.ok(tS >= atS && tS < atS + 0.5, `${fault} at ${tS} s, expected ${atS} s`);
    assert.is(m[2], fault);
    assert.is(m[3], source);
  });
  assert.match(r.stdout, /t=2\.5\d\ds schedule done/);
  assert.match(lines[lines.length - 1]!, /^fault-proxy: t=3\.\d+s stopped \(duration\); 0 requests, 0 forwarded, 0 replies to the client$/);
});

/** The CLI with stdin on a pipe, for typing commands at it. */
function interactive(args: string[]): { child: ChildProcess; out: () => string; err: () => string; line(pattern: RegExp, withinMs?: number): Promise<string>; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    out: () => out,
    err: () => err,
    exit,
    async line(pattern, withinMs = 10_000) {
      const end = Date.now() + withinMs;
      for (;;) {
        const found = (out + err).split("\n").find((l) => pattern.test(l));
        if (found !== undefined) return found;
        if (Date.now() > end || child.exitCode !== null) throw new Error(`no line matching ${pattern} in:\n${out}\n${err}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

test("dctwin fault-proxy with stdin commands in front of the pymodbus battery: exception 4 then none, a bad line is reported and ignored, stats, Ctrl-C prints the summary", async () => {
  const missing = peerMissing();
  if (missing !== undefined) throw new Error(`this test needs the independent Modbus peer: ${missing}`);
  const peer = await startPeer(["--tcp", "127.0.0.1:0"]);
  const port = await freePort();
  const cli = interactive(["fault-proxy", "--listen", `tcp://127.0.0.1:${port}`, "--to", `tcp://127.0.0.1:${peer.port}`]);
  try {
    await cli.line(/^fault-proxy: tcp:\/\/127\.0\.0\.1:\d+ -> /);
    const good = await mbpoll(mbpollTcp(port));
    assert.is(good.code, 0, good.stderr);
    cli.child.stdin!.write("exception 4\n");
    await cli.line(/fault exception=4 \(stdin\)$/);
    const ex = await mbpoll(mbpollTcp(port));
    assert.is(ex.code, 1);
    assert.match(ex.stderr, /Slave device or server failure/);
    cli.child.stdin!.write("explode\n");
    await cli.line(/^fault-proxy: stdin: got "explode", expected one of none, drop/);
    cli.child.stdin!.write("none\n");
    await cli.line(/fault none \(stdin\)$/);
    const back = await mbpoll(mbpollTcp(port));
    assert.is(back.code, 0, back.stderr);
    assert.match(back.stdout, /\[40000\]:\s+0x5375/);
    cli.child.stdin!.write("stats\n");
    const stats = await cli.line(/ 3 requests, 2 forwarded, 3 replies to the client; exception: 1 requests answered with an exception$/);
    assert.match(stats, /^fault-proxy: t=[\d.]+s 3 connections, /);
    cli.child.kill("SIGINT");
    assert.is(await cli.exit, 0, cli.err());
    assert.match(cli.out(), /stopped \(SIGINT\); 3 connections, 3 requests, 2 forwarded, 3 replies to the client; exception: 1 requests answered with an exception\n$/);
    assert.ok(noStack(cli.err()), cli.err());
  } finally {
    if (cli.child.exitCode === null) cli.child.kill("SIGKILL");
    await peer.stop();
  }
});

test.run();
