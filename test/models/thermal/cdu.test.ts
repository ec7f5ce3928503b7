import { test } from "uvu";
import * as assert from "uvu/assert";
import { cduStoredHeatJ, createCduLoops, IN_ROW_CDU, stepCduLoops, type CduLoops, type CduParams } from "../../../models/thermal/cdu.js";
import { NVL72_COLD_PLATE } from "../../../models/thermal/cold-plate.js";

const RACK_IT_W = 130_000;
const GPU_W = 1_193;

/** One IN_ROW_CDU with `racks` NVL72 racks at 130 kW IT, 1,193 W per GPU, facility water at `facC`. */
function hall(racks = 8, cdu: CduParams = IN_ROW_CDU, facC = 30, setC = 33): CduLoops {
  const s = createCduLoops([cdu], Array.from({ length: racks }, () => ({ ...NVL72_COLD_PLATE, cdu: 0 })), setC);
  s.supplySetC[0] = setC;
  s.facSupplyC[0] = facC;
  for (let r = 0; r < racks; r++) { s.itHeatW[r] = RACK_IT_W; s.gpuPowerW[r] = GPU_W; }
  return s;
}

function run(s: CduLoops, seconds: number, dtS = 1): void {
  const steps = Math.round(seconds / dtS);
  for (let k = 0; k < steps; k++) stepCduLoops(s, dtS);
}

test("createCduLoops rates the exchanger from its approach and rejects racks on a missing CDU", () => {
  const s = hall(8);
  // C_sec = 1,600 L/min × 1.02 kg/L × 3,900 J/(kg·K) = 106,080 W/K; balanced: UA = C × 10 K / 3 K.
  assert.ok(Math.abs(s.secRatedWpK[0] - 106_080) < 1e-6);
  assert.ok(Math.abs(s.facRatedWpK[0] - 106_080) < 1e-6);
  assert.ok(Math.abs(s.uaWpK[0] - (106_080 * 10) / 3) < 1e-6);
  assert.ok(Math.abs(s.flowShare[3] - 1 / 8) < 1e-15);
  assert.throws(() => createCduLoops([IN_ROW_CDU], [{ ...NVL72_COLD_PLATE, cdu: 1 }]), /CDU 1/);
  assert.throws(() => createCduLoops([{ ...IN_ROW_CDU, ratedApproachK: -20 }], []), /ε/);
});

test("stepCduLoops settles at the hand-calculated steady state (valve regulating, 8 × 130 kW)", () => {
  // Hand calculation (IN_ROW_CDU, 8 NVL72 racks, liquidFrac 0.85, facility water 30 °C, setpoint 33 °C):
  //   C_sec = 106,080 W/K; per rack 0.85 × 130,000 = 110,500 W to liquid; pump 8,800 W (speed 1) to the coolant.
  //   Heat exchanger duty = 8 × 110,500 + 8,800 = 892,800 W.
  //   The valve holds the supply at 33 °C: return = 33 + 892,800 / 106,080 = 41.4163 °C.
  //   Can it? ε = NTU/(1+NTU), NTU = 10/3 → ε = 0.76923; Q_max = 0.76923 × 106,080 × (41.4163 − 30)
  //   = 931.6 kW > 892.8 kW: yes.
  //   Rack flow C/8 = 13,260 W/K → rack outlet 33 + 110,500 / 13,260 = 41.3333 °C (ΔT 8.33 K).
  //   GPU (plate node) = rack coolant 41.3333 + 0.03 K/W × 1,193 W = 77.1233 °C.
  //   Approach = 33 − 30 = 3 K; facility water leaves at 30 + 892,800 / 106,080 = 38.4163 °C.
  const s = hall(8);
  run(s, 2_000);
  const table: { name: string; value: number; expected: number }[] = [
    { name: "supplyC", value: s.supplyC[0], expected: 33 },
    { name: "returnC", value: s.returnC[0], expected: 41.416290 },
    { name: "hxDutyW", value: s.hxDutyW[0], expected: 892_800 },
    { name: "outletC[0]", value: s.outletC[0], expected: 41.333333 },
    { name: "outletC - inletC", value: s.outletC[7] - s.inletC[7], expected: 8.333333 },
    { name: "gpuTempC[0]", value: s.gpuTempC[0], expected: 77.123333 },
    { name: "approachK", value: s.approachK[0], expected: 3 },
    { name: "facReturnC", value: s.facReturnC[0], expected: 38.416290 },
    { name: "pumpPowerW", value: s.pumpPowerW[0], expected: 8_800 },
    { name: "airHeatW[0]", value: s.airHeatW[0], expected: 19_500 },
  ];
  for (const row of table) {
    const tol = Math.abs(row.expected) > 1000 ? 1e-3 : 1e-5;
    assert.ok(Math.abs(row.value - row.expected) < tol, `${row.name}: ${row.value} vs ${row.expected}`);
  }
});

test("stepCduLoops: with warm facility water the valve opens fully and the approach is (1 − ε)·(T_return − T_facility)", () => {
  // Facility water 36 °C, setpoint 33 °C (unreachable). Balanced counterflow, ε = 0.76923:
  //   Q = ε·C·(T_ret − 36) = 892,800 W → T_ret = 36 + 892,800 / (0.76923 × 106,080) = 46.9412 °C;
  //   supply = T_ret − Q / C = 46.9412 − 8.4163 = 38.5249 °C; approach = 2.5249 K.
  const s = hall(8, IN_ROW_CDU, 36);
  run(s, 3_000);
  assert.ok(Math.abs(s.returnC[0] - 46.941176) < 1e-5, `${s.returnC[0]}`);
  assert.ok(Math.abs(s.supplyC[0] - 38.524887) < 1e-5, `${s.supplyC[0]}`);
  assert.ok(Math.abs(s.approachK[0] - 2.524887) < 1e-5);
  assert.ok(Math.abs(s.hxDutyW[0] - 892_800) < 1e-3);
});

test("stepCduLoops: after a pump trip the rack coolant rises at dT/dt = Q/C at the first instant, then carries every joule", () => {
  // Rack coolant C = 0.025 m³ × 1,020 kg/m³ × 3,900 J/(kg·K) = 99,450 J/K; liquid heat 110,500 W
  //   → dT/dt = 110,500 / 99,450 = 1.1111 K/s while the plates are still at their steady state.
  const s = hall(8, { ...IN_ROW_CDU, pumpHalfSpeedS: 0 }); // stops at once
  run(s, 2_000);
  const t0 = s.outletC[0];
  const gpu0 = s.gpuTempC[0];
  const ret0 = s.returnC[0];
  s.pumpTripped[0] = 1;
  stepCduLoops(s, 0.01);
  const rateKps = (s.outletC[0] - t0) / 0.01;
  assert.ok(Math.abs(rateKps - 110_500 / 99_450) < 1e-9, `${rateKps} K/s`);
  assert.is(s.flowM3s[0], 0);
  assert.is(s.pumpPowerW[0], 0);
  // Over the next 10 s (1 s steps), with no flow, the rack's heat all stays in the rack:
  // C_coolant·ΔT_coolant + 72 × 115 J/K × ΔT_gpu = 110,500 W × 10.01 s.
  run(s, 10);
  const storedJ = 99_450 * (s.outletC[0] - t0) + 72 * 115 * (s.gpuTempC[0] - gpu0);
  assert.ok(Math.abs(storedJ - 110_500 * 10.01) < 1e-3, `${storedJ}`);
  assert.ok(s.outletC[0] - t0 > 10 && s.outletC[0] - t0 < 11.2); // ≈ 1.1 K/s, a little less as the plates take their share
  // The GPUs follow their coolant with τ = 3.45 s: for a coolant ramp of rate a the lag is
  // a·τ·(1 − e^(−t/τ)), so after 10 s they have risen a·(10 − 3.26) ≈ 7 K (6.7 K here: the coolant
  // temperature is held over each 1 s substep).
  assert.ok(s.gpuTempC[0] - gpu0 > 6 && s.gpuTempC[0] - gpu0 < 7.5, `${s.gpuTempC[0] - gpu0}`);
  assert.ok(Math.abs(s.returnC[0] - ret0) < 1e-12); // nothing reaches the return without flow
});

test("stepCduLoops: a tripped pump coasts down (half flow after pumpHalfSpeedS) and recovers at its ramp when reset", () => {
  const s = hall(8);
  run(s, 500);
  s.pumpTripped[0] = 1;
  run(s, 2);
  assert.ok(Math.abs(s.flowM3s[0] / IN_ROW_CDU.ratedFlowM3s - 0.5) < 1e-9);
  assert.ok(Math.abs(s.pumpHeadPa[0] - 0.25 * IN_ROW_CDU.ratedHeadPa) < 1e-6);
  run(s, 60);
  assert.ok(s.flowM3s[0] / IN_ROW_CDU.ratedFlowM3s < 0.035);
  s.pumpTripped[0] = 0;
  const before = s.pumpSpeedFrac[0];
  run(s, 3);
  assert.ok(Math.abs(s.pumpSpeedFrac[0] - before - 0.3) < 1e-9); // 10 %/s ramp
});

test("stepCduLoops: pump at 80 % speed gives 80 % flow, 64 % head and 51.2 % power; the rack ΔT grows by 1/0.8", () => {
  const s = hall(8);
  s.pumpSpeedCmd[0] = 0.8;
  run(s, 3_000);
  assert.ok(Math.abs(s.pumpSpeedFrac[0] - 0.8) < 1e-12);
  assert.ok(Math.abs(s.flowM3s[0] - 0.8 * IN_ROW_CDU.ratedFlowM3s) < 1e-12);
  assert.ok(Math.abs(s.pumpHeadPa[0] - 0.64 * IN_ROW_CDU.ratedHeadPa) < 1e-6);
  assert.ok(Math.abs(s.pumpPowerW[0] - 0.512 * 8_800) < 1e-6);
  // Rack ΔT = 110,500 / (0.8 × 13,260) = 10.4167 K.
  assert.ok(Math.abs(s.outletC[0] - s.inletC[0] - 10.416667) < 1e-5);
});

test("stepCduLoops: flow weights split the flow, and a rack with twice the weight sees half the ΔT", () => {
  const s = createCduLoops([IN_ROW_CDU], [
    { ...NVL72_COLD_PLATE, cdu: 0, flowWeight: 2 },
    { ...NVL72_COLD_PLATE, cdu: 0, flowWeight: 1 },
  ], 33);
  s.facSupplyC[0] = 25;
  s.itHeatW[0] = 100_000; s.itHeatW[1] = 100_000;
  run(s, 2_000);
  assert.ok(Math.abs(s.rackFlowM3s[0] - 2 * s.rackFlowM3s[1]) < 1e-15);
  const rise0 = s.outletC[0] - s.inletC[0];
  const rise1 = s.outletC[1] - s.inletC[1];
  assert.ok(Math.abs(rise1 - 2 * rise0) < 1e-6, `${rise0} ${rise1}`);
});

test("stepCduLoops closes the heat balance: ∫liquid + ∫pump heat = ∫hx duty + Δstored, to rounding", () => {
  // Two CDUs (CDU 1 has no racks: its flow bypasses), varying load, GPU power, setpoints, facility water, pump speed, a trip and a reset.
  const s = createCduLoops([IN_ROW_CDU, IN_ROW_CDU], Array.from({ length: 6 }, (_, r) => ({ ...NVL72_COLD_PLATE, cdu: 0, flowWeight: 1 + (r % 3) })), 30);
  const stored0 = cduStoredHeatJ(s);
  let inJ = 0;
  let outJ = 0;
  for (let k = 0; k < 1_800; k++) {
    const t = k;
    for (let r = 0; r < 6; r++) {
      s.itHeatW[r] = 60_000 + 60_000 * (0.5 + 0.5 * Math.sin(t / (40 + r * 7)));
      s.gpuPowerW[r] = 400 + 700 * ((k >> 4) % 2);
    }
    for (let c = 0; c < 2; c++) {
      s.supplySetC[c] = 30 + 4 * Math.sin(t / 300);
      s.facSupplyC[c] = 24 + 8 * Math.sin(t / 500 + c);
      s.facFlowFrac[c] = k > 900 && k < 1_000 ? 0.3 : 1;
      s.pumpSpeedCmd[c] = 0.6 + 0.4 * ((k >> 7) % 2);
      s.pumpTripped[c] = k > 1_200 && k < 1_300 ? 1 : 0;
    }
    const dtS = k % 10 === 0 ? 0.5 : 1;
    stepCduLoops(s, dtS);
    for (let r = 0; r < 6; r++) inJ += s.liquidHeatW[r] * dtS;
    for (let c = 0; c < 2; c++) { inJ += IN_ROW_CDU.pumpHeatFrac * s.pumpPowerW[c] * dtS; outJ += s.hxDutyW[c] * dtS; }
  }
  const dStored = cduStoredHeatJ(s) - stored0;
  const residual = inJ - outJ - dStored;
  assert.ok(inJ > 1e8);
  assert.ok(Math.abs(residual) < 1e-9 * inJ, `residual ${residual} J of ${inJ} J`);
});

test("stepCduLoops(state, 0) and negative or NaN dt leave the state unchanged", () => {
  const s = hall(2);
  run(s, 5);
  const snap = [s.supplyC[0], s.returnC[0], s.outletC[1], s.gpuTempC[1], s.pumpSpeedFrac[0]];
  stepCduLoops(s, 0);
  stepCduLoops(s, -1);
  stepCduLoops(s, NaN);
  assert.equal([s.supplyC[0], s.returnC[0], s.outletC[1], s.gpuTempC[1], s.pumpSpeedFrac[0]], snap);
});

test.run();
