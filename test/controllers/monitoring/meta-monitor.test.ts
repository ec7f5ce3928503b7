import { test } from "uvu";
import * as assert from "uvu/assert";
import { createMetaMonitor, NORMAL, PERSISTENT, TRANSIENT } from "../../../controllers/monitoring/meta-monitor.js";

const OPTIONS = { tauFast: 2, tauPersist: 3, alpha: 0.5, persistSteps: 3 };

test("a one-step blip is transient, then normal again, never persistent", () => {
  const m = createMetaMonitor(1, OPTIONS);
  const states = [1, 1, 10, 1, 1, 1, 1, 1].map((d) => m.step(0, d));
  // EMA: 1, 1, 5.5, 3.25, 2.125, 1.5625, ...: above tau_persist only twice in a row.
  assert.equal(states, [NORMAL, NORMAL, TRANSIENT, TRANSIENT, TRANSIENT, NORMAL, NORMAL, NORMAL]);
});

test("a sustained shift becomes persistent after persistSteps steps above tau_persist", () => {
  const m = createMetaMonitor(1, OPTIONS);
  const states = [1, 4, 4, 4, 4, 4].map((d) => m.step(0, d));
  // EMA: 1, 2.5, 3.25, 3.625, 3.81: above 3 from the third step; persistent at the third such step.
  assert.equal(states, [NORMAL, TRANSIENT, TRANSIENT, TRANSIENT, PERSISTENT, PERSISTENT]);
  assert.is(m.above[0], 4);
});

test("hysteresis: persistent until the average falls below tau_fast, whatever it does around tau_persist", () => {
  const m = createMetaMonitor(1, OPTIONS);
  for (const d of [4, 4, 4]) m.step(0, d);
  assert.is(m.state[0], PERSISTENT, "starts at the first score: 4, 4, 4");
  // Down to 2.5 (between the thresholds) and back up: stays persistent.
  const hovering = [2.5, 2.5, 2.5, 3.5, 2.5, 2.5, 2.5].map((d) => m.step(0, d));
  assert.ok(hovering.every((s) => s === PERSISTENT), `hovering: ${hovering}`);
  // Scores below tau_fast: the state drops at the step the average crosses 2 (2.57 → 2.09 → 1.84).
  const falling = [1.6, 1.6, 1.6].map((d) => m.step(0, d));
  assert.equal(falling, [PERSISTENT, NORMAL, NORMAL], `EMA ${m.ema[0]}`);
});

test("entities are independent; bad options are refused", () => {
  const m = createMetaMonitor(3, OPTIONS);
  for (let i = 0; i < 5; i++) {
    m.step(0, 1);
    m.step(1, 5);
    m.step(2, i === 2 ? 9 : 1);
  }
  assert.equal(Array.from(m.state), [NORMAL, PERSISTENT, NORMAL]);
  assert.throws(() => createMetaMonitor(1, { ...OPTIONS, alpha: 0 }), /alpha/);
  assert.throws(() => createMetaMonitor(1, { ...OPTIONS, tauPersist: 1 }), /below tauFast/);
  assert.throws(() => createMetaMonitor(1, { ...OPTIONS, persistSteps: 0 }), /persistSteps/);
});

test.run();
