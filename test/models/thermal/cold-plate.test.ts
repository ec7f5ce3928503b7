import { test } from "uvu";
import * as assert from "uvu/assert";
import { coolantRiseK, flowForRiseM3s, NVL72_COLD_PLATE, stepPlateC } from "../../../models/thermal/cold-plate.js";
import { litresPerMinToM3s, m3sToLitresPerMin, PG25, WATER } from "../../../models/thermal/fluids.js";

test("coolantRiseK: 1.5 L/min per kW of water gives ≈ 9.6 K, PG25 ≈ 10 K (docs/physics-sources.md §4 flow check)", () => {
  // ΔT = 1000 W / (0.025 kg/s × 4180 J/(kg·K)) = 9.57 K; PG25: 1000 / (0.025 × 1.02 × 3900) = 10.05 K.
  const table: { fluid: typeof WATER; lpmPerKw: number; expectedRiseK: number; tolK: number }[] = [
    { fluid: WATER, lpmPerKw: 1.5, expectedRiseK: 9.6, tolK: 0.05 },
    { fluid: PG25, lpmPerKw: 1.5, expectedRiseK: 10.0, tolK: 0.1 },
    { fluid: WATER, lpmPerKw: 1.0, expectedRiseK: 14.35, tolK: 0.01 },
    { fluid: WATER, lpmPerKw: 2.0, expectedRiseK: 7.18, tolK: 0.01 },
  ];
  for (const row of table) {
    const rise = coolantRiseK(1000, litresPerMinToM3s(row.lpmPerKw), row.fluid);
    assert.ok(Math.abs(rise - row.expectedRiseK) < row.tolK, `${row.fluid.name} ${row.lpmPerKw} L/min/kW: ${rise} K`);
  }
  assert.is(coolantRiseK(0, 0), 0);
  assert.is(coolantRiseK(1000, 0), Infinity);
});

test("flowForRiseM3s: one 132 kW rack needs 198 L/min and 72 racks 14,256 L/min (~238 L/s) at 1.5 L/min/kW's rise", () => {
  const riseK = coolantRiseK(1000, litresPerMinToM3s(1.5), WATER);
  const rackLpm = m3sToLitresPerMin(flowForRiseM3s(132_000, riseK, WATER));
  assert.ok(Math.abs(rackLpm - 198) < 1e-9, `${rackLpm}`);
  assert.ok(Math.abs(72 * rackLpm - 14_256) < 1e-6);
  assert.ok(Math.abs((72 * rackLpm) / 60 - 237.6) < 1e-6);
});

test("stepPlateC relaxes to T_coolant + R·q with τ = R·C ≈ 3.45 s (NVL72 plate: 0.03 K/W, 115 J/K)", () => {
  const { plateRKpW: r, plateCJpK: c } = NVL72_COLD_PLATE;
  const tau = r * c;
  assert.ok(Math.abs(tau - 3.45) < 1e-12);
  // From 40 °C coolant temperature with 1,200 W: steady 40 + 36 = 76 °C; after one τ, 63.2 % of 36 K.
  const afterTau = stepPlateC(40, 40, 1200, r, c, tau);
  assert.ok(Math.abs(afterTau - (40 + 36 * (1 - Math.exp(-1)))) < 1e-12);
  let t = 40;
  for (let k = 0; k < 100; k++) t = stepPlateC(t, 40, 1200, r, c, 1);
  assert.ok(Math.abs(t - 76) < 1e-9);
  // Exact integration: ten 0.1 s steps equal one 1 s step.
  let fine = 50;
  for (let k = 0; k < 10; k++) fine = stepPlateC(fine, 40, 1200, r, c, 0.1);
  assert.ok(Math.abs(fine - stepPlateC(50, 40, 1200, r, c, 1)) < 1e-12);
  assert.is(stepPlateC(50, 40, 1200, r, c, 0), 50);
  assert.is(stepPlateC(50, 40, 1200, r, 0, 1), 76); // no mass: at steady state at once
});

test("stepPlateC energy: heat to the coolant q·dt − C·ΔT equals ∫(T − T_c)/R dt", () => {
  const { plateRKpW: r, plateCJpK: c } = NVL72_COLD_PLATE;
  const t0 = 60;
  const dtS = 2;
  const t1 = stepPlateC(t0, 40, 1000, r, c, dtS);
  const toCoolantJ = 1000 * dtS - c * (t1 - t0);
  // ∫(T − Tc)/R dt over the step by fine quadrature of the exact trajectory.
  let integralJ = 0;
  const n = 20_000;
  for (let i = 0; i < n; i++) {
    const tm = stepPlateC(t0, 40, 1000, r, c, ((i + 0.5) * dtS) / n);
    integralJ += ((tm - 40) / r) * (dtS / n);
  }
  assert.ok(Math.abs(integralJ - toCoolantJ) < 1e-4 * toCoolantJ, `${integralJ} vs ${toCoolantJ}`);
});

test.run();
