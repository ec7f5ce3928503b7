import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  counterflowDutyW, counterflowEffectiveness, counterflowNtu, uaFromApproach, uaFromRating,
} from "../../../models/thermal/effectiveness-ntu.js";

/** The closed form written out independently: ε = (1 − e^(−NTU(1−Cr))) / (1 − Cr·e^(−NTU(1−Cr))). */
function closedForm(ntu: number, cr: number): number {
  const e = Math.exp(-ntu * (1 - cr));
  return (1 - e) / (1 - cr * e);
}

test("counterflowEffectiveness matches the closed form (Incropera 11.30a) to 1e-6", () => {
  // Hand values: NTU 2, Cr 0.5: e^(−1) = 0.367879 → (1 − 0.367879) / (1 − 0.183940) = 0.774600.
  const table: { ntu: number; cr: number; expectedEps: number }[] = [
    { ntu: 1, cr: 0, expectedEps: 0.632121 },
    { ntu: 2, cr: 0.5, expectedEps: 0.7746 },
    { ntu: 2, cr: 0.75, expectedEps: 0.721827 },
    { ntu: 0.5, cr: 0.25, expectedEps: 0.377589 },
    { ntu: 5, cr: 0.9, expectedEps: 0.866439 },
    { ntu: 1, cr: 1, expectedEps: 0.5 },
    { ntu: 3, cr: 1, expectedEps: 0.75 },
  ];
  for (const row of table) {
    const eps = counterflowEffectiveness(row.ntu, row.cr);
    assert.ok(Math.abs(eps - row.expectedEps) < 1e-6, `NTU ${row.ntu}, Cr ${row.cr}: ${eps} vs ${row.expectedEps}`);
    if (row.cr < 1) assert.ok(Math.abs(eps - closedForm(row.ntu, row.cr)) < 1e-12);
  }
});

test("counterflowEffectiveness takes the Cr = 1 limit NTU/(1+NTU) and the Cr = 0 limit 1 − e^(−NTU)", () => {
  for (const ntu of [0.1, 0.5, 1, 2, 4, 10]) {
    assert.ok(Math.abs(counterflowEffectiveness(ntu, 1) - ntu / (1 + ntu)) < 1e-15);
    assert.ok(Math.abs(counterflowEffectiveness(ntu, 0) - (1 - Math.exp(-ntu))) < 1e-15);
    // Continuity towards the limit: the general form just below Cr = 1 agrees with the limit.
    assert.ok(Math.abs(counterflowEffectiveness(ntu, 1 - 1e-6) - ntu / (1 + ntu)) < 1e-5, `NTU ${ntu}`);
  }
});

test("counterflowEffectiveness rises with NTU, falls with Cr and stays in [0, 1]; edges map to 0 and 1", () => {
  let last = 0;
  for (let ntu = 0.1; ntu < 20; ntu *= 1.5) {
    const eps = counterflowEffectiveness(ntu, 0.6);
    assert.ok(eps > last && eps < 1);
    last = eps;
    assert.ok(counterflowEffectiveness(ntu, 0.2) > counterflowEffectiveness(ntu, 0.8));
  }
  assert.is(counterflowEffectiveness(0, 0.5), 0);
  assert.is(counterflowEffectiveness(-1, 0.5), 0);
  assert.is(counterflowEffectiveness(NaN, 0.5), 0);
  assert.is(counterflowEffectiveness(Infinity, 0.5), 1);
  assert.is(counterflowEffectiveness(1, 1.5), 0.5); // Cr clamped to 1
});

test("counterflowNtu inverts counterflowEffectiveness (incl. Cr = 1 and Cr = 0)", () => {
  for (const cr of [0, 0.3, 0.7, 0.999, 1]) {
    for (const ntu of [0.2, 1, 3, 8]) {
      const back = counterflowNtu(counterflowEffectiveness(ntu, cr), cr);
      assert.ok(Math.abs(back - ntu) < 1e-8 * ntu, `Cr ${cr}, NTU ${ntu}: ${back}`);
    }
  }
  assert.is(counterflowNtu(0, 0.5), 0);
  assert.is(counterflowNtu(1, 0.5), Infinity);
});

test("uaFromRating and counterflowDutyW reproduce the rating point (1 MW, 100 kW/K both sides, 45 / 30 °C)", () => {
  // ε = 1 MW / (100 kW/K × 15 K) = 2/3; Cr = 1 → NTU = ε/(1 − ε) = 2 → UA = 200 kW/K.
  const ua = uaFromRating(1e6, 45, 30, 100e3, 100e3);
  assert.ok(Math.abs(ua - 200e3) < 1e-6);
  assert.ok(Math.abs(counterflowDutyW(ua, 100e3, 100e3, 45, 30) - 1e6) < 1e-6);
  // Unequal rates: the hot stream is Cmin; the duty at the rating is still exact.
  const ua2 = uaFromRating(1e6, 45, 30, 100e3, 250e3);
  assert.ok(Math.abs(counterflowDutyW(ua2, 100e3, 250e3, 45, 30) - 1e6) < 1e-6);
  assert.throws(() => uaFromRating(2e6, 45, 30, 100e3, 100e3), /ε/); // ε = 4/3: impossible
  assert.throws(() => uaFromRating(1e6, 30, 45, 100e3, 100e3), /ε/);
});

test("uaFromApproach gives an exchanger whose approach is the rated one (100 kW/K, 10 K range, 3 K approach)", () => {
  // UA = C·range/approach = 333.3 kW/K; hot in 40 °C, cold in 27 °C: ε = 10/13, Q = 1 MW,
  // hot out 30 °C = cold in + 3 K.
  const ua = uaFromApproach(100e3, 10, 3);
  assert.ok(Math.abs(ua - 100e3 * 10 / 3) < 1e-9);
  const q = counterflowDutyW(ua, 100e3, 100e3, 40, 27);
  assert.ok(Math.abs(q - 1e6) < 1e-6);
  assert.ok(Math.abs(40 - q / 100e3 - 27 - 3) < 1e-9);
  assert.throws(() => uaFromApproach(100e3, 10, 0), /approach/);
});

test("counterflowDutyW is 0 without flow on either side and negative when the cold side is warmer", () => {
  assert.is(counterflowDutyW(1e5, 0, 1e5, 40, 20), 0);
  assert.is(counterflowDutyW(1e5, 1e5, 0, 40, 20), 0);
  assert.ok(counterflowDutyW(1e5, 1e5, 1e5, 20, 40) < 0);
});

test.run();
