import { test } from "uvu";
import * as assert from "uvu/assert";
import { createPid, stepPid, trackPid } from "../../controllers/pid.js";

const base = { kp: 0.5, ki: 0.2, outMin: 0, outMax: 1, ratePerS: Infinity, direct: true };

test("velocity form: a step in error gives kp·Δe + ki·e·dt, then ki·e·dt per step (direct acting rises with the measurement)", () => {
  const pid = createPid(base, 0.5);
  // First step: no previous error, so only the integral term: 0.2 × 1 K × 1 s.
  assert.ok(Math.abs(stepPid(pid, 20, 21, 1) - 0.7) < 1e-12);
  // Same error: integral only again.
  assert.ok(Math.abs(stepPid(pid, 20, 21, 1) - 0.9) < 1e-12);
  // Error falls from 1 to 0.5: kp × (−0.5) + ki × 0.5 = −0.25 + 0.1.
  assert.ok(Math.abs(stepPid(pid, 20, 20.5, 1) - 0.75) < 1e-12);
  // Reverse acting: the same measurement above the setpoint lowers the output.
  const rev = createPid({ ...base, direct: false }, 0.5);
  assert.ok(Math.abs(stepPid(rev, 20, 21, 1) - 0.3) < 1e-12);
});

test("anti-windup: after 1,000 s pinned at the upper limit, the output leaves it on the first step the error reverses", () => {
  const pid = createPid({ ...base, kp: 0.05 }, 0.5);
  for (let i = 0; i < 1000; i++) stepPid(pid, 20, 30, 1);
  assert.is(pid.output, 1);
  assert.ok(pid.saturated);
  // The measurement drops below the setpoint: a positional PID with a plain integrator would stay
  // pinned for ~ (1000 × 10 × 0.2) / (0.2 × 1) s; this one moves at once: kp × (−1 − 10) + ki × (−1).
  const u = stepPid(pid, 20, 19, 1);
  assert.ok(Math.abs(u - (1 - 0.55 - 0.2)) < 1e-12, `${u}`);
  // A positional PID for comparison (integral accumulated without a limit).
  let integral = 0;
  for (let i = 0; i < 1000; i++) integral += 0.2 * 10;
  const positional = Math.min(1, Math.max(0, 0.5 + 0.05 * -1 + integral - 0.2));
  assert.is(positional, 1, "the naive PID is still pinned");
});

test("rate limit: the output changes by at most ratePerS × dt per step, whatever the error", () => {
  const pid = createPid({ ...base, kp: 100, ki: 100, ratePerS: 0.05 }, 0);
  const outs: number[] = [];
  for (let i = 0; i < 30; i++) outs.push(stepPid(pid, 20, 40, 0.5));
  for (let i = 1; i < outs.length; i++) assert.ok(outs[i]! - outs[i - 1]! <= 0.025 + 1e-15);
  assert.ok(Math.abs(outs[0]! - 0.025) < 1e-15 && Math.abs(outs[19]! - 0.5) < 1e-12);
  assert.ok(pid.saturated);
  // An asymmetric limit: rise 0.05 /s, fall 1 /s.
  const asym = createPid({ ...base, kp: 100, ki: 100, ratePerS: 0.05, fallRatePerS: 1 }, 0.5);
  assert.ok(Math.abs(stepPid(asym, 20, 40, 1) - 0.55) < 1e-12);
  assert.is(stepPid(asym, 20, 0, 1), 0);
});

test("bumpless: tracking a value applied elsewhere makes the next step continue from it; a NaN measurement holds", () => {
  const pid = createPid(base, 0.2);
  stepPid(pid, 20, 20, 1);
  trackPid(pid, 0.8);
  // Zero error, zero error change: the output stays exactly where it was put.
  assert.is(stepPid(pid, 20, 20, 1), 0.8);
  assert.is(stepPid(pid, 20, NaN, 1), 0.8);
  // Tracking clamps to the limits.
  trackPid(pid, 3);
  assert.is(pid.output, 1);
  // Bumpless start: created from the plant's current value, a zero error keeps it.
  const start = createPid(base, 0.37);
  assert.is(stepPid(start, 25, 25, 1), 0.37);
});

test("closed loop on a first-order plant: settles on the setpoint with no offset; derivative on the measurement gives no setpoint kick", () => {
  // Plant: tau dy/dt = −(y − 20) + 30·u (fan-like cooling would be negative; here a heater), tau 20 s.
  const run = (kd: number) => {
    const pid = createPid({ kp: 0.05, ki: 0.01, kd, outMin: 0, outMax: 1, ratePerS: 1, direct: false }, 0);
    let y = 20;
    let maxJump = 0;
    let prevU = 0;
    for (let i = 0; i < 600; i++) {
      const sp = i < 300 ? 35 : 30;
      const u = stepPid(pid, sp, y, 1);
      if (i === 300) maxJump = Math.abs(u - prevU);
      prevU = u;
      y += (-(y - 20) + 30 * u) / 20;
    }
    return { y, maxJump };
  };
  const a = run(0);
  assert.ok(Math.abs(a.y - 30) < 0.01, `settles at ${a.y}`);
  const b = run(0.5);
  assert.ok(Math.abs(b.y - 30) < 0.01, `with kd settles at ${b.y}`);
  // The setpoint step at 300 s moves the output by the P and I terms only: kp × 5 + ki × e.
  assert.ok(b.maxJump < 0.05 * 5 + 0.01 * 5 + 0.01, `${b.maxJump}`);
});

test("measurement filter: a first-order lag of filterS on the measurement, the first value taken as is", () => {
  const pid = createPid({ ...base, kp: 0, ki: 0.1, filterS: 9 }, 0.5);
  stepPid(pid, 20, 30, 1);
  assert.is(pid.filtered, 30);
  stepPid(pid, 20, 20, 1);
  // 30 + (20 − 30) × 1 / (9 + 1) = 29.
  assert.ok(Math.abs(pid.filtered - 29) < 1e-12);
  // A measurement alternating ±2 K around the setpoint moves a filtered loop far less than an unfiltered one.
  const swing = (filterS: number) => {
    const q = createPid({ ...base, kp: 0.5, ki: 0.05, outMin: -10, outMax: 10, filterS }, 0.5);
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < 200; i++) {
      const u = stepPid(q, 20, i % 3 === 0 ? 24 : 18, 1);
      if (i > 100) { lo = Math.min(lo, u); hi = Math.max(hi, u); }
    }
    return hi - lo;
  };
  assert.ok(swing(10) < 0.5 * swing(0), `${swing(10)} vs ${swing(0)}`);
});

test("createPid rejects impossible limits", () => {
  assert.throws(() => createPid({ ...base, outMin: 1, outMax: 0 }, 0), /outMax/);
  assert.throws(() => createPid({ ...base, ratePerS: 0 }, 0), /ratePerS/);
});

test.run();
