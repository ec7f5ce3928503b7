import { test } from "uvu";
import * as assert from "uvu/assert";
import { createWallClock, nextCycle } from "../../hil/pace.js";
import { allocatedBytes } from "../alloc-meter.js";

test("nextCycle with catch-up is always n + 1, however late the cycle ended", () => {
  for (const [n, endMs] of [[0, 10], [3, 171], [5, 10_000], [9, -5]] as const) {
    assert.is(nextCycle(n, 0, 40, endMs, "catch-up"), n + 1);
  }
});

test("nextCycle with skip returns the first cycle whose deadline is still ahead", () => {
  // [n, t0Ms, periodMs, endMs, expected]
  const cases: [number, number, number, number, number][] = [
    [3, 0, 40, 171, 5], // the header's example: cycle 4 (160 ms) has passed
    [0, 0, 40, 10, 1], // on time: the next cycle
    [0, 0, 40, 39.9, 1], // just before cycle 1's deadline
    [0, 0, 40, 40, 2], // exactly at cycle 1's deadline: it is not ahead
    [0, 0, 40, 41, 2], // just after
    [0, 0, 40, 119, 3], // cycles 1 and 2 passed
    [2, 100, 40, 245, 4], // t0 offset: deadlines 100 + 40 m; 245 is past cycle 3 (220)
    [7, 0, 40, 100, 8], // never goes backwards (clock before the schedule): n + 1
    [10, 1000, 200, 3199, 11], // deadline of 11 is 3200: still ahead
    [10, 1000, 200, 3200, 12],
  ];
  for (const [n, t0, period, end, expected] of cases) {
    assert.is(nextCycle(n, t0, period, end, "skip"), expected, `nextCycle(${n}, ${t0}, ${period}, ${end}, "skip")`);
  }
});

test("nextCycle(skip) agrees with a brute-force search for the first deadline ahead", () => {
  const t0 = 12.5;
  const period = 40;
  for (let n = 0; n < 6; n++) {
    for (let end = t0 + n * period; end < t0 + 20 * period; end += 7.3) {
      let m = n + 1;
      while (t0 + m * period <= end) m++;
      assert.is(nextCycle(n, t0, period, end, "skip"), m, `n ${n}, end ${end}`);
    }
  }
});

test("createWallClock().sleepUntil never resolves before its deadline", async () => {
  const clock = createWallClock();
  for (let i = 0; i < 30; i++) {
    const deadline = clock.nowMs() + 5 + (i % 11);
    await clock.sleepUntil(deadline);
    const now = clock.nowMs();
    assert.ok(now >= deadline, `sleep ${i} woke ${deadline - now} ms early`);
  }
  // A deadline already passed resolves (at once) too.
  const past = clock.nowMs() - 5;
  await clock.sleepUntil(past);
  assert.ok(clock.nowMs() >= past);
});

test("createWallClock().at calls back at its deadline, never before; a second at() replaces a pending one", async () => {
  const clock = createWallClock();
  for (let i = 0; i < 20; i++) {
    const deadline = clock.nowMs() + 4 + (i % 7);
    const firedAt = await new Promise<number>((resolve) => clock.at(deadline, () => resolve(clock.nowMs())));
    assert.ok(firedAt >= deadline, `at() ${i} fired ${deadline - firedAt} ms early`);
    assert.ok(firedAt - deadline < 50, `at() ${i} fired ${firedAt - deadline} ms late`);
  }
  const fired: string[] = [];
  const t = clock.nowMs();
  clock.at(t + 5, () => fired.push("first"));
  await new Promise<void>((resolve) => clock.at(t + 15, () => (fired.push("second"), resolve())));
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(fired, ["second"]);
  // A deadline already passed calls back before at() returns.
  let now = false;
  clock.at(clock.nowMs() - 1, () => (now = true));
  assert.ok(now);
});

test("sleepUntil's spin does not allocate per clock read (issue #11: it made ~550 KB per 40 ms cycle)", async () => {
  const clock = createWallClock();
  // Deadlines 6-9 ms ahead: the timer wakes 2 ms early and the rest is spun.
  const sleeps = async (n: number) => {
    for (let i = 0; i < n; i++) await clock.sleepUntil(clock.nowMs() + 6 + (i % 4));
  };
  await sleeps(100); // warm-up: the spin gets optimised
  const { bytes } = await allocatedBytes(() => sleeps(40));
  const perSleep = bytes / 40;
  if (process.env.DCTWIN_SHOW_HEAP) console.log(`sleepUntil: ${(perSleep / 1024).toFixed(2)} KB allocated per sleep`);
  // ~2 KB here (a promise, a timer, ~20 clock reads of 16 B); reading the clock back to
  // back for 2 ms is ~10,000-40,000 reads, 160-640 KB.
  assert.ok(perSleep < 32 * 1024, `sleepUntil allocated ${(perSleep / 1024).toFixed(1)} KB per sleep`);
});

test.run();
