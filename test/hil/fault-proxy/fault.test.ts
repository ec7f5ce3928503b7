import { test } from "uvu";
import * as assert from "uvu/assert";
import { fromFault, toFaultText } from "../../../hil/fault-proxy/fault.js";
import { createFaultPolicy } from "../../../hil/fault-proxy/fault-policy.js";
import { fromFaultSchedule } from "../../../hil/fault-proxy/fault-schedule.js";
import { toFaultChanges } from "../../../hil/fault-proxy/run-fault-schedule.js";
import { UserError } from "../../../models/lib/errors.js";

/** The fault language (command line, stdin, schedule) and the seeded decisions both transports share. */

const throwsUser = (run: () => unknown, pattern: RegExp) => {
  try {
    run();
  } catch (error) {
    assert.instance(error, UserError);
    assert.match((error as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected a UserError matching ${pattern}`);
};

test("fromFault(text) reads every fault in both the = and the space form; toFaultText writes it back", () => {
  const table: [string, unknown, string][] = [
    ["none", { kind: "none" }, "none"],
    ["drop", { kind: "drop" }, "drop"],
    ["delay=200ms", { kind: "delay", delayMs: 200 }, "delay=200ms"],
    ["delay 1.5s", { kind: "delay", delayMs: 1500 }, "delay=1500ms"],
    ["drop-replies=0.5", { kind: "drop-replies", probability: 0.5 }, "drop-replies=0.5"],
    ["drop-replies 25%", { kind: "drop-replies", probability: 0.25 }, "drop-replies=0.25"],
    [" corrupt ", { kind: "corrupt" }, "corrupt"],
    ["exception 4", { kind: "exception", code: 4 }, "exception=4"],
  ];
  for (const [text, fault, back] of table) {
    const f = fromFault(text, "stdin");
    assert.equal(f, fault, text);
    assert.is(toFaultText(f), back);
    assert.equal(fromFault(toFaultText(f), "stdin"), fault, `round trip of ${text}`);
  }
});

test("fromFault(text) refuses a bad fault with the source, the text and what was expected", () => {
  throwsUser(() => fromFault("explode", "stdin"), /^stdin: got "explode", expected one of none, drop, delay=DURATION/);
  throwsUser(() => fromFault("delay=200", "--fault"), /--fault: got "delay=200", expected delay=DURATION with a unit/);
  throwsUser(() => fromFault("delay=2min", "--fault"), /0 to 60s/);
  throwsUser(() => fromFault("drop-replies=1.5", "--fault"), /P from 0 to 1/);
  throwsUser(() => fromFault("exception=0", "--fault"), /CODE a Modbus exception code 1-255/);
  throwsUser(() => fromFault("exception=x", "--fault"), /exception=CODE/);
  throwsUser(() => fromFault("drop 5s", "stdin"), /drop without a value/);
});

test("fromFaultSchedule(text) reads AT FAULT [FOR] entries separated by ;", () => {
  const s = fromFaultSchedule("10s drop 5s; 20s delay=200ms 5s; 30s drop-replies=0.5 5s; 40s exception=4 5s; 50s corrupt 5s; 1min none", "--schedule");
  assert.equal(
    s.map((e) => [e.atS, toFaultText(e.fault), e.forS]),
    [
      [10, "drop", 5],
      [20, "delay=200ms", 5],
      [30, "drop-replies=0.5", 5],
      [40, "exception=4", 5],
      [50, "corrupt", 5],
      [60, "none", undefined],
    ],
  );
  assert.equal(fromFaultSchedule("  ", "--schedule"), []);
});

test("fromFaultSchedule(text) names the entry, its text and the reason for each mistake", () => {
  throwsUser(() => fromFaultSchedule("10s drop 5s; 12s corrupt", "--schedule"), /--schedule entry 2: got "12s corrupt", expected a start after the previous entry ended \(at 15s\)/);
  throwsUser(() => fromFaultSchedule("10 drop", "--schedule"), /--schedule entry 1: got "10 drop", expected a start time with a unit/);
  throwsUser(() => fromFaultSchedule("1s delay 200ms 5s", "--schedule"), /entry 1: got "1s delay 200ms 5s", expected "AT FAULT \[FOR\]"/);
  throwsUser(() => fromFaultSchedule("1s drop 0s", "--schedule"), /FOR, the fault's duration, above 0/);
  throwsUser(() => fromFaultSchedule("1s melt 2s", "--schedule"), /--schedule entry 1: got "melt"/);
  throwsUser(() => fromFaultSchedule("5s drop; 5s corrupt", "--schedule"), /after the previous entry started \(at 5s\)/);
});

test("toFaultChanges(schedule) goes back to none at each FOR's end, unless the next entry starts right then", () => {
  const changes = toFaultChanges(fromFaultSchedule("1s drop 2s; 3s corrupt 1s; 5s delay=10ms", "--schedule"));
  assert.equal(
    changes.map((c) => [c.atS, toFaultText(c.fault), c.edge]),
    [
      [1, "drop", "start"],
      [3, "corrupt", "start"],
      [4, "none", "end"],
      [5, "delay=10ms", "start"],
    ],
  );
});

test("createFaultPolicy(seed): drop-replies loses the same replies for the same seed, other ones for another seed, about p of them", () => {
  const pattern = (seed: number) => {
    const p = createFaultPolicy(seed);
    p.set({ kind: "drop-replies", probability: 0.5 });
    return Array.from({ length: 200 }, () => (p.reply() === "drop" ? 1 : 0)).join("");
  };
  const a = pattern(7);
  assert.is(pattern(7), a);
  assert.is.not(pattern(8), a);
  const dropped = [...a].filter((c) => c === "1").length;
  assert.ok(dropped > 70 && dropped < 130, `about half of 200 dropped (${dropped})`);
});

test("createFaultPolicy: each fault's decisions and counts (requests, replies, per fault)", () => {
  const p = createFaultPolicy(1);
  assert.is(p.request(), "forward");
  assert.is(p.reply(), "pass");
  p.set({ kind: "drop" });
  assert.is(p.request(), "swallow");
  assert.is(p.reply(), "drop");
  p.set({ kind: "exception", code: 4 });
  assert.is(p.request(), "exception");
  p.set({ kind: "corrupt" });
  assert.is(p.reply(), "corrupt");
  p.set({ kind: "delay", delayMs: 150 });
  assert.is(p.reply(), "pass");
  assert.is(p.replyDelayMs(), 150);
  p.set({ kind: "drop-replies", probability: 1 });
  assert.is(p.reply(), "drop");
  p.set({ kind: "drop-replies", probability: 0 });
  assert.is(p.reply(), "pass");
  p.set(null);
  assert.is(p.fault.kind, "none");
  assert.is(p.replyDelayMs(), 0);
  const s = p.stats;
  assert.is(s.requests, 3);
  assert.is(s.forwarded, 1);
  assert.is(s.serverReplies, 6);
  assert.equal(s.drop, { connectionsClosed: 0, framesSwallowed: 2 });
  assert.equal(s.delay, { replies: 1, totalAddedMs: 150 });
  assert.equal(s.dropReplies, { dropped: 1, passed: 1 });
  assert.equal(s.corrupt, { replies: 1 });
});

test.run();
