import type { Controller, ControllerContext } from "../engine/controller.js";
import type { KpiRow } from "../engine/kpis/kpi-row.js";
import { QUALITY_OK, type PlantPort } from "../engine/port.js";
import {
  DYNAMIC_CONTAINMENT,
  DYNAMIC_MODERATION,
  DYNAMIC_REGULATION,
  droopResponseW,
  responsePowerW,
  type ResponseCurve,
} from "../models/grid/frequency-response.js";

/**
 * Frequency response, as site software delivers a GB dynamic service: reads the grid frequency
 * (`grid.frequencyHz`), computes the response the service asks for, and delivers it with the site
 * battery (`battery.<id>.powerSetW`, W AC, + charge / − discharge) and, for low frequency, with GPU
 * power caps (`gpu.<group>.capW`).
 *
 * Required response (the change of PCC power; negative at low frequency: import less):
 * - dynamic-containment / -moderation / -regulation: the NESO delivery curves
 *   (models/grid/frequency-response.ts; DC: ±0.015 Hz deadband, 5 % at ±0.2 Hz, 100 % at ±0.5 Hz,
 *   docs/physics-sources.md §2.3 [P]) times the low or high contracted power;
 * - droop: ΔP = (|Δf| − deadband)/(R·f₀) × contract, capped at the contract (Kundur ch. 11 [R]).
 * Delivery: the battery first, within its available charge / discharge power (measured); what is
 * left of a low-frequency response goes to GPU caps. A GPU's power scales with its limit (NVML
 * power cap), so a cap at (1 − y) of the limit takes about y of the group's baseline power: the
 * baseline is the group's mean power before the response (an exponential mean over
 * `GPU_BASELINE_S`, frozen while capping, like a demand-turndown baseline), and
 * y = remainder / Σ(GPUs × baseline), the same for every group (≥ the cap's lower bound).
 *
 * Delivered response (measured, one tick old like every measurement): battery power − its idle
 * level (learnt while no response is asked: the auxiliary load), plus Σ GPUs × (power − baseline)
 * while capping: a training load swings around its baseline by MWs within an iteration, so GPU
 * delivery is right on average and off tick by tick. Compliance, per control step: the delivered response lies within the envelope of
 * the responses required over the last `deliveryS` (NESO: full delivery within 1 s [P]), widened by
 * ± tolerance × contract (the tolerance is a scenario parameter: NESO's performance-monitoring
 * tolerance was not verified here). Availability: the battery's available power covers the
 * contracts and its energy headroom covers them for `enduranceS` (DC: 15 min energy-limited
 * delivery, docs/physics-sources.md §2.3 [P]); GPU caps are not counted (their headroom swings with the load).
 * Decisions (sparingly): response start / end (hysteresis on 5 % / 1 % of the contract, end after
 * 5 s quiet), GPU capping on / off, stale frequency.
 */
export type FrequencyService = "dynamic-containment" | "dynamic-moderation" | "dynamic-regulation" | "droop";

export interface FrequencyResponseParams {
  id: string;
  service: FrequencyService;
  /** Low-frequency contract (import less / export more), W ≥ 0. */
  lowContractW: number;
  /** High-frequency contract (import more), W ≥ 0. */
  highContractW: number;
  /** Nominal frequency, Hz. */
  f0Hz: number;
  /** droop: R per unit and deadband, Hz. */
  droopFrac: number;
  droopDeadbandHz: number;
  /** Battery id (port points battery.<id>.*), or undefined for none. */
  battery?: string;
  /** GPU groups whose caps deliver the low-frequency remainder. */
  gpuGroups: readonly string[];
  /** Compliance tolerance, fraction of the contract. */
  toleranceFrac: number;
  /** Time allowed to reach a new required level, s (DC: 1 s). */
  deliveryS: number;
  /** Energy the battery must hold to deliver the full contract for this long, s (DC: 15 min). */
  enduranceS: number;
}

const CURVES: Record<Exclude<FrequencyService, "droop">, ResponseCurve> = {
  "dynamic-containment": DYNAMIC_CONTAINMENT,
  "dynamic-moderation": DYNAMIC_MODERATION,
  "dynamic-regulation": DYNAMIC_REGULATION,
};

/** Response start / end thresholds (fractions of the contract) and the quiet time before an end. */
const START_FRAC = 0.05;
/** Time constant of the GPU groups' baseline power (a few iterations of a training job). */
const GPU_BASELINE_S = 30;
const END_FRAC = 0.01;
const END_QUIET_S = 5;

/** Required response of the service for a deviation Δf (Hz), W (negative: reduce PCC power). */
export function requiredResponseW(p: FrequencyResponseParams, deltaFHz: number): number {
  if (p.service === "droop") {
    const ratedW = deltaFHz < 0 ? p.lowContractW : p.highContractW;
    return droopResponseW(deltaFHz, { droopFrac: p.droopFrac, ratedW, f0Hz: p.f0Hz, deadbandHz: p.droopDeadbandHz, maxW: ratedW });
  }
  return responsePowerW(deltaFHz, p.lowContractW, p.highContractW, CURVES[p.service]);
}

export function createFrequencyResponse(p: FrequencyResponseParams): Controller {
  const contractW = Math.max(p.lowContractW, p.highContractW);
  let hFreq = -1;
  let hSet = -1;
  let hPower = -1;
  let hAvailCharge = -1;
  let hAvailDischarge = -1;
  let hChargeWh = -1;
  let hDischargeWh = -1;
  const groups = p.gpuGroups.map((g) => ({ name: g, cap: -1, power: -1, count: -1, capMinW: 0, capMaxW: Infinity, gpus: 0, baselineW: NaN }));

  // Envelope of the required response over the delivery window (ring of the last steps).
  let ring = new Float64Array(1);
  let ringN = 0;
  let ringHead = 0;

  let idleBatteryW = 0;
  let capping = false;
  let active = false;
  let quietS = 0;
  let stale = false;
  let firstStep = true;
  let capsWritten = false;

  // KPI accumulators.
  let steps = 0;
  let compliantSteps = 0;
  let activeSteps = 0;
  let activeCompliant = 0;
  let availableSteps = 0;
  let requiredWs = 0;
  let deliveredWs = 0;
  let batteryWs = 0;
  let gpuWs = 0;
  let maxRequiredW = 0;
  let maxDeliveredW = 0;
  let maxShortfallW = 0;
  let responses = 0;

  const writeBattery = (port: PlantPort, w: number) => {
    if (hSet >= 0) port.write(hSet, w);
  };
  const releaseCaps = (port: PlantPort) => {
    for (const g of groups) port.write(g.cap, g.capMaxW);
  };

  const controller: Controller & { kpis(): KpiRow[] } = {
    id: p.id,
    start(port, ctx) {
      hFreq = port.measurement("grid.frequencyHz");
      if (p.battery !== undefined) {
        hSet = port.setpoint(`battery.${p.battery}.powerSetW`);
        hPower = port.measurement(`battery.${p.battery}.powerW`);
        hAvailCharge = port.measurement(`battery.${p.battery}.availableChargeW`);
        hAvailDischarge = port.measurement(`battery.${p.battery}.availableDischargeW`);
        hChargeWh = port.measurement(`battery.${p.battery}.chargeHeadroomWh`);
        hDischargeWh = port.measurement(`battery.${p.battery}.dischargeHeadroomWh`);
      }
      for (const g of groups) {
        g.cap = port.setpoint(`gpu.${g.name}.capW`);
        g.power = port.measurement(`gpu.${g.name}.powerW`);
        g.count = port.measurement(`gpu.${g.name}.gpus`);
        const capPoint = port.points.find((pt) => pt.name === `gpu.${g.name}.capW`);
        g.capMinW = capPoint?.min ?? 0;
        g.capMaxW = capPoint?.max ?? Infinity;
      }
      const windowSteps = Math.max(1, Math.round(p.deliveryS / ctx.periodS));
      ring = new Float64Array(windowSteps + 1);
      ringN = 0;
      ringHead = 0;
      ctx.decide(
        "enable_response",
        contractW,
        `${p.service}: low ${p.lowContractW} W, high ${p.highContractW} W by ${[p.battery === undefined ? "" : `battery ${p.battery}`, p.gpuGroups.length > 0 ? `GPU caps on ${p.gpuGroups.join(", ")}` : ""].filter((x) => x !== "").join(" and ")}`,
      );
    },
    step(port, ctx: ControllerContext) {
      const dtS = ctx.periodS;
      // 1. Judge what was delivered (measurements of k − 1) against the envelope required so far.
      const batteryW = hPower >= 0 ? port.read(hPower) : 0;
      let gpuDeliveredW = 0;
      const baselineGain = 1 - Math.exp(-dtS / GPU_BASELINE_S);
      for (const g of groups) {
        g.gpus = port.read(g.count);
        const powerW = port.read(g.power);
        if (capping) gpuDeliveredW += g.gpus * (powerW - g.baselineW);
        else g.baselineW = Number.isNaN(g.baselineW) ? powerW : g.baselineW + baselineGain * (powerW - g.baselineW);
      }
      const batteryDeliveredW = hPower >= 0 ? batteryW - idleBatteryW : 0;
      const deliveredW = batteryDeliveredW + gpuDeliveredW;
      let quietWindow = true;
      if (ringN > 0) {
        let lo = Infinity;
        let hi = -Infinity;
        for (let i = 0; i < ringN; i++) {
          const v = ring[i]!;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        quietWindow = lo === 0 && hi === 0;
        const tolW = p.toleranceFrac * contractW;
        const ok = deliveredW >= lo - tolW && deliveredW <= hi + tolW;
        steps++;
        if (ok) compliantSteps++;
        const shortfall = deliveredW < lo ? lo - deliveredW : deliveredW > hi ? deliveredW - hi : 0;
        if (shortfall > maxShortfallW) maxShortfallW = shortfall;
        if (active) {
          activeSteps++;
          if (ok) activeCompliant++;
        }
        deliveredWs += Math.abs(deliveredW) * dtS;
        batteryWs += Math.abs(batteryDeliveredW) * dtS;
        gpuWs += Math.abs(gpuDeliveredW) * dtS;
        const absDel = Math.abs(deliveredW);
        if (absDel > maxDeliveredW) maxDeliveredW = absDel;
        if (hPower >= 0) {
          const enduranceH = p.enduranceS / 3600;
          const powerOk = port.read(hAvailDischarge) >= p.lowContractW && port.read(hAvailCharge) >= p.highContractW;
          const energyOk = port.read(hDischargeWh) >= p.lowContractW * enduranceH && port.read(hChargeWh) >= p.highContractW * enduranceH;
          if (powerOk && energyOk) availableSteps++;
        }
      }

      // 2. The response asked for now, from the last frequency.
      const fresh = port.quality(hFreq) === QUALITY_OK && port.ageS(hFreq) <= 2 * ctx.periodS;
      // At the first step nothing has been measured yet: no response, and nothing to report.
      if (!fresh && !firstStep) {
        if (!stale) ctx.decide("hold_baseline", 0, "grid frequency not fresh: response withdrawn to the baseline");
        stale = true;
      } else {
        stale = false;
      }
      firstStep = false;
      const deltaFHz = fresh ? port.read(hFreq) - p.f0Hz : 0;
      const requiredW = requiredResponseW(p, deltaFHz);
      // The idle level (aux) is learnt once nothing has been asked for a whole delivery window.
      if (requiredW === 0 && quietWindow && hPower >= 0) idleBatteryW = batteryW;
      const absReq = Math.abs(requiredW);
      requiredWs += absReq * dtS;
      if (absReq > maxRequiredW) maxRequiredW = absReq;
      // Envelope ring: the last windowSteps + 1 required values.
      ring[ringHead] = requiredW;
      ringHead = (ringHead + 1) % ring.length;
      if (ringN < ring.length) ringN++;

      if (!active && absReq > START_FRAC * contractW) {
        active = true;
        quietS = 0;
        responses++;
        ctx.decide("response_start", requiredW, `Δf ${deltaFHz.toFixed(3)} Hz: ${p.service} asks ${Math.round(requiredW)} W`);
      } else if (active) {
        quietS = absReq < END_FRAC * contractW ? quietS + dtS : 0;
        if (quietS >= END_QUIET_S) {
          active = false;
          ctx.decide("response_end", requiredW, `|Δf| back near nominal for ${END_QUIET_S} s`);
        }
      }

      // 3. Deliver: battery first, the low-frequency remainder on GPU caps.
      let batteryPartW = requiredW;
      if (hPower >= 0) {
        const availDis = port.read(hAvailDischarge);
        const availCh = port.read(hAvailCharge);
        if (batteryPartW < -availDis) batteryPartW = -availDis;
        if (batteryPartW > availCh) batteryPartW = availCh;
        writeBattery(port, batteryPartW);
      } else {
        batteryPartW = 0;
      }
      const remainderW = requiredW - batteryPartW;
      if (groups.length > 0) {
        if (remainderW < 0) {
          let baselineW = 0;
          for (const g of groups) baselineW += g.gpus * g.baselineW;
          const y = baselineW > 0 ? Math.min(1, -remainderW / baselineW) : 0;
          for (const g of groups) {
            const capW = g.capMaxW * (1 - y);
            port.write(g.cap, capW < g.capMinW ? g.capMinW : capW);
          }
          if (!capping) ctx.decide("gpu_caps_on", remainderW, `battery short by ${Math.round(-remainderW)} W: GPU caps at ${(100 * (1 - y)).toFixed(1)} % of the limit`);
          capping = true;
          capsWritten = true;
        } else if (capping || !capsWritten) {
          releaseCaps(port);
          if (capping) ctx.decide("gpu_caps_off", 0, "no remainder for the GPUs: caps released");
          capping = false;
          capsWritten = true;
        }
      }
    },
    finish(_port, ctx) {
      ctx.decide("final_delivery", steps > 0 ? compliantSteps / steps : NaN, `${responses} response(s); compliant ${compliantSteps} of ${steps} steps`);
    },
    kpis() {
      const wh = (ws: number) => ws / 3600;
      return [
        { name: "fr_contract", value: contractW, unit: "W" },
        { name: "fr_responses", value: responses, unit: "count" },
        { name: "fr_required_energy", value: wh(requiredWs), unit: "Wh" },
        { name: "fr_delivered_energy", value: wh(deliveredWs), unit: "Wh" },
        { name: "fr_battery_energy", value: wh(batteryWs), unit: "Wh" },
        { name: "fr_gpu_energy", value: wh(gpuWs), unit: "Wh" },
        { name: "fr_max_required", value: maxRequiredW, unit: "W" },
        { name: "fr_max_delivered", value: maxDeliveredW, unit: "W" },
        { name: "fr_max_shortfall", value: maxShortfallW, unit: "W" },
        { name: "fr_compliance", value: steps > 0 ? compliantSteps / steps : NaN, unit: "fraction" },
        { name: "fr_compliance_in_response", value: activeSteps > 0 ? activeCompliant / activeSteps : NaN, unit: "fraction" },
        { name: "fr_availability", value: hPower >= 0 && steps > 0 ? availableSteps / steps : NaN, unit: "fraction" },
      ];
    },
  };
  return controller;
}
