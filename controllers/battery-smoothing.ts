import type { Controller, ControllerContext } from "../engine/controller.js";
import { QUALITY_OK, type PlantPort } from "../engine/port.js";
import { createAnnouncementWatch } from "./announcements.js";

/**
 * Battery smoothing at the PCC: keeps the PCC inside the grid connection's ramp, slow-ramp and swing
 * limits by planning a PCC target that satisfies them and asking the battery for the difference
 * between that target and the site load. Reads `site.loadW` (the PCC without storage) and the
 * battery's `socFrac`, `availableChargeW`, `availableDischargeW`; writes `battery.<id>.powerSetW`.
 *
 * The lesson it is built on: the command reaches the cells one tick plus the inverter chain later
 * (0.12 s latency + 0.05 s τ with siteBess10MWh). Chasing the whole load (setpoint = target − load)
 * answers every 1.2 s iteration edge ~0.16 s late and doubles the swing; acting on a moving average
 * lags every step by half a window (the step passes, then is undone). Predicting the edge from one
 * iteration earlier was measured too (this hall, battery only): a GPU edge is ~8 MW within one
 * 40 ms tick and the iteration period varies by a tick or more (jitter, stragglers), so each
 * one-tick timing error became an 8 MW spike; with the inverter's τ even a perfectly timed step
 * leaves ~40 % of the edge for a tick. So the battery takes only what is slow enough for it:
 *
 *   reference R: a low-pass of the load (τ referenceTimeS, at most referenceRateWps): its mean;
 *   T(k) = clamp(load + recoveryW,
 *                [R − allowance, R + allowance]                       (fast changes pass …)
 *              ∩ [T(k − ramp window) ± margin·rampLimit·window]      (… inside the 1 s ramp,
 *              ∩ [max T − margin·swing, min T + margin·swing]        … the swing over its window,
 *              ∩ [T(k − 60 s) ± margin·slowRampLimit·60 s])          … and the 60 s ramp)
 *   battery = T − load, clamped to what the battery can do now; T is then what it can deliver.
 *
 * Load changes smaller than the allowance (the periodic dips GPU smoothing leaves, a straggler)
 * pass to the PCC untouched: the battery does not chase them late. A larger change (a checkpoint's
 * 20 s dip, a job start or stop, a failure) engages the battery once it has lasted `confirmS`
 * (default 0: from its first step; 160 ms with siteBess10MWh's ~170 ms chain keeps it out of the
 * sub-second straggler dips it would only answer after they are over), and by induction the
 * planned T never breaks an enforced limit; the PCC differs from T by the load's change over the
 * chain's delay. The fast edges themselves belong to GPU smoothing or PSU buffers.
 *
 * SOC recovery: recoveryW = recoveryMaxW × clamp((socTarget − soc) / socBand, −1, 1) is added to the
 * wanted PCC, so the battery drifts back toward socTarget only inside the limits' headroom.
 * Preparation: ahead of the announced start of a job in `prepareFor`, the SOC target rises from
 * socTarget to `prepareSoc` over the first half of `prepareLeadS`, holds it until the start, and
 * returns to socTarget over `prepareLeadS` after the start (charge ahead of the job's start ramp,
 * inside the limits; the target moves gradually, so the recovery power never steps the PCC).
 * Decisions (ctx.decide): start, SOC recovery direction changes, saturation lasting ≥ 1 s and its
 * end, stale measurements, the final SOC.
 */
export interface BatterySmoothingParams {
  id: string;
  battery: string;
  /** Ramp limit over rampWindowS, W/s (Infinity: none). */
  rampLimitWps: number;
  rampWindowS: number;
  /** Slow-ramp limit over slowRampWindowS, W/s (Infinity: none). */
  slowRampLimitWps: number;
  slowRampWindowS: number;
  /** Peak-to-peak limit over swingWindowS, W (Infinity: none). */
  swingLimitW: number;
  swingWindowS: number;
  /** Share of each limit the planned target may use (the rest absorbs the chain's delay), (0, 1]. */
  margin: number;
  /**
   * How far the planned PCC may stray from its reference, W: changes of the load smaller than this
   * pass through to the PCC (left to GPU-side smoothing), larger ones engage the battery from their
   * first step. Infinity: no reference, only the windows.
   */
  allowanceW: number;
  /**
   * The reference is a low-pass of the wanted PCC (time constant referenceTimeS: it sits at the
   * load's mean, not its median, under a periodic load), moving at most referenceRateWps: slow,
   * so a 20 s checkpoint dip is carried by the battery.
   */
  referenceTimeS: number;
  referenceRateWps: number;
  /** How long a new excursion beyond the limits must last before the battery answers it, s (0: at once). */
  confirmS: number;
  socTarget: number;
  socBand: number;
  recoveryMaxW: number;
  /** Jobs whose announced starts it prepares for (job.<id>.announced*; none: never). */
  prepareFor: readonly string[];
  /** SOC target reached half-way through prepareLeadS before an announced start and held to it. */
  prepareSoc: number;
  /** How long before an announced start the preparation begins (and how long after it the target takes to return), s. */
  prepareLeadS: number;
}

export function createBatterySmoothing(p: BatterySmoothingParams): Controller {
  let hLoad = -1;
  let hSoc = -1;
  let hCharge = -1;
  let hDischarge = -1;
  let hSet = -1;
  let rampSteps = 1;
  let swingSteps = 1;
  let slowSteps = 1;
  let ringSize = 1;
  // Planned PCC targets, one per step, in a ring indexed by step count.
  let target = new Float64Array(1);
  let steps = 0;
  let referenceW = NaN;
  let confirmSteps = 0;
  let outsideSteps = 0;
  let engaged = false;
  // Logged states (saturation only once it lasts a second: edges may clip for a tick or two).
  let saturated = false;
  let saturatedSteps = 0;
  let recovering = 0;
  let stale = false;
  const watch = createAnnouncementWatch(p.prepareFor);
  let preparing = false;

  const at = (ring: Float64Array, step: number) => ring[step % ringSize]!;

  return {
    id: p.id,
    start(port, ctx) {
      hLoad = port.measurement("site.loadW");
      hSoc = port.measurement(`battery.${p.battery}.socFrac`);
      hCharge = port.measurement(`battery.${p.battery}.availableChargeW`);
      hDischarge = port.measurement(`battery.${p.battery}.availableDischargeW`);
      hSet = port.setpoint(`battery.${p.battery}.powerSetW`);
      watch.start(port);
      const steps = (s: number) => Math.max(1, Math.round(s / ctx.periodS));
      rampSteps = steps(p.rampWindowS);
      swingSteps = steps(p.swingWindowS);
      slowSteps = steps(p.slowRampWindowS);
      confirmSteps = Math.round(p.confirmS / ctx.periodS);
      ringSize = Math.max(rampSteps, swingSteps, slowSteps) + 2;
      target = new Float64Array(ringSize);
      port.write(hSet, 0);
      ctx.decide(
        "enable_battery_smoothing",
        p.margin,
        `battery ${p.battery}: PCC kept within ${p.margin} × limits (ramp ${p.rampLimitWps} W/s over ${p.rampWindowS} s, slow ramp ${p.slowRampLimitWps} W/s over ${p.slowRampWindowS} s, swing ${p.swingLimitW} W over ${p.swingWindowS} s); confirm ${p.confirmS} s; allowance ${p.allowanceW} W around a reference (τ ${p.referenceTimeS} s, ≤ ${p.referenceRateWps} W/s); SOC target ${p.socTarget}`,
      );
    },
    step(port: PlantPort, ctx: ControllerContext) {
      const fresh = port.quality(hLoad) === QUALITY_OK && port.ageS(hLoad) <= 2 * ctx.periodS + 1e-9;
      if (!fresh) {
        // No decision on stale data: hold the battery where it is.
        if (!stale && steps > 0) ctx.decide("hold", port.commanded(hSet), "site load measurement not fresh: battery command held");
        stale = steps > 0;
        return;
      }
      stale = false;
      const s = steps;
      const estW = port.read(hLoad);

      // SOC recovery, inside the limits; toward prepareSoc ahead of an announced job start.
      const soc = port.read(hSoc);
      const prepare = watch.preparing(port, ctx.tS, p.prepareLeadS, p.prepareLeadS);
      if (prepare !== preparing) {
        preparing = prepare;
        if (prepare) ctx.decide("prepare_for_job", p.prepareSoc, `job ${p.prepareFor[watch.job]} announced to start at ${watch.startS} s: SOC target up to ${p.prepareSoc} by ${watch.startS - p.prepareLeadS / 2} s, back to ${p.socTarget} over ${p.prepareLeadS} s after the start`, { subject: `job:${p.prepareFor[watch.job]}` });
        else ctx.decide("preparation_over", p.socTarget, `the announced start is over: SOC target ${p.socTarget}`);
      }
      const socTarget = prepare ? preparedSocTarget(p, ctx.tS, watch.startS) : p.socTarget;
      let err = (socTarget - soc) / p.socBand;
      err = err > 1 ? 1 : err < -1 ? -1 : err;
      const recoveryW = p.recoveryMaxW * err;
      const direction = Math.abs(err) < 0.05 ? 0 : err > 0 ? 1 : -1;
      if (direction !== recovering) {
        recovering = direction;
        ctx.decide(direction === 0 ? "soc_recovered" : direction > 0 ? "soc_recovery_charge" : "soc_recovery_discharge", soc, `SOC ${soc.toFixed(3)} against target ${socTarget.toFixed(3)}: recovery power ${Math.round(recoveryW)} W`);
      }

      // The planned PCC: as wanted, inside every limit window.
      let lo = -Infinity;
      let hi = Infinity;
      if (s === 0) {
        lo = hi = estW + recoveryW;
      } else {
        if (Number.isFinite(p.rampLimitWps)) {
          const ref = at(target, Math.max(0, s - rampSteps));
          const band = p.margin * p.rampLimitWps * rampSteps * ctx.periodS;
          lo = ref - band;
          hi = ref + band;
        }
        if (Number.isFinite(p.swingLimitW)) {
          let max = -Infinity;
          let min = Infinity;
          for (let j = Math.max(0, s - swingSteps + 1); j < s; j++) {
            const v = at(target, j);
            if (v > max) max = v;
            if (v < min) min = v;
          }
          const band = p.margin * p.swingLimitW;
          if (max - band > lo) lo = max - band;
          if (min + band < hi) hi = min + band;
        }
        if (Number.isFinite(p.slowRampLimitWps)) {
          const ref = at(target, Math.max(0, s - slowSteps));
          const band = p.margin * p.slowRampLimitWps * slowSteps * ctx.periodS;
          // Only where it agrees with the faster limits (they keep the PCC inside it over time).
          if (ref + band >= lo && ref - band <= hi) {
            if (ref - band > lo) lo = ref - band;
            if (ref + band < hi) hi = ref + band;
          }
        }
      }
      const wanted = estW + recoveryW;
      if (Number.isFinite(p.allowanceW)) {
        // The rate-limited reference, and the allowance around it.
        const stepW = p.referenceRateWps * ctx.periodS;
        if (referenceW !== referenceW) referenceW = wanted;
        else {
          let moveW = ((wanted - referenceW) * ctx.periodS) / (p.referenceTimeS > ctx.periodS ? p.referenceTimeS : ctx.periodS);
          moveW = moveW > stepW ? stepW : moveW < -stepW ? -stepW : moveW;
          referenceW += moveW;
        }
        if (referenceW - p.allowanceW > lo) lo = Math.min(hi, referenceW - p.allowanceW);
        if (referenceW + p.allowanceW < hi) hi = Math.max(lo, referenceW + p.allowanceW);
      }
      let t = wanted < lo ? lo : wanted > hi ? hi : wanted;
      // A new excursion beyond the limits is answered once it has lasted confirmSteps: a dip shorter
      // than the chain's delay would be answered after it is over (a bump of the opposite sign).
      if (t === wanted) {
        outsideSteps = 0;
        engaged = false;
      } else if (!engaged) {
        if (++outsideSteps > confirmSteps) engaged = true;
        else t = wanted;
      }
      let batteryW = t - estW;
      const maxCharge = port.read(hCharge);
      const maxDischarge = port.read(hDischarge);
      const wantedBatteryW = batteryW;
      if (batteryW > maxCharge) batteryW = maxCharge;
      else if (batteryW < -maxDischarge) batteryW = -maxDischarge;
      t = estW + batteryW;
      saturatedSteps = batteryW !== wantedBatteryW ? saturatedSteps + 1 : 0;
      const longSaturated = saturatedSteps * ctx.periodS >= 1;
      if (longSaturated && !saturated) {
        saturated = true;
        ctx.decide("battery_saturated", wantedBatteryW, `for 1 s the battery could not hold the PCC target (wants ${Math.round(wantedBatteryW)} W, can ${Math.round(batteryW)} W, SOC ${soc.toFixed(3)}): the PCC follows the load`);
      } else if (saturatedSteps === 0 && saturated) {
        saturated = false;
        ctx.decide("battery_in_range", batteryW, "the battery holds the PCC target again");
      }
      target[s % ringSize] = t;
      port.write(hSet, batteryW);
      steps = s + 1;
    },
    finish(port, ctx) {
      ctx.decide("final_soc", port.read(hSoc), `battery ${p.battery} state of charge at the end of the run`);
    },
  };
}

/** The SOC target around an announced start at `startS` (see the preparation above). */
function preparedSocTarget(p: BatterySmoothingParams, tS: number, startS: number): number {
  const leadS = p.prepareLeadS;
  if (leadS <= 0) return p.socTarget;
  const rise = (tS - (startS - leadS)) / (leadS / 2);
  if (tS < startS) return p.socTarget + (p.prepareSoc - p.socTarget) * (rise < 0 ? 0 : rise > 1 ? 1 : rise);
  const fall = (tS - startS) / leadS;
  return p.prepareSoc + (p.socTarget - p.prepareSoc) * (fall > 1 ? 1 : fall);
}
