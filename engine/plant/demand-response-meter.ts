import { createDemandResponseSchedule, demandResponseIndexAt } from "../../models/signals/demand-response.js";
import type { KpiRow } from "../kpis/kpi-row.js";
import type { Scenario } from "../scenario/scenario-types.js";
import type { SimPort } from "../sim-port.js";

/**
 * Demand-response events of the scenario (`demandResponse`) and the meter that judges what the site
 * delivered, as an aggregator or system operator would: from the PCC power, not from what a
 * controller says it did.
 *
 * - Baseline: the mean PCC power over `baselineWindow` before the event's announcement (before
 *   anyone could act on it, so pre-charging a battery after the notice cannot inflate it); when
 *   the run is younger than the window, over what there is.
 * - Delivered reduction = baseline − PCC power, tick by tick.
 * - Judged on the mean over each `settlementPeriod` from the start; a period counts toward
 *   compliance once it starts at or after start + responseTime, and is met when its mean is at
 *   least the requested reduction. Time to reach: the first whole second after start whose mean
 *   reduction is at least the request.
 *
 * Port (measurements, published every tick): `dr.requestedW` (the reduction asked now; 0 outside
 * every window), `dr.announcedW` (the reduction of the event announced or running, 0 if none),
 * `dr.startInS` / `dr.endInS` (time to its start, negative once started, and to its end; 0 if
 * none), `dr.baselineW` (its baseline, 0 before its announcement).
 */
export interface DemandResponseMeter {
  /** False without demandResponse events: then step() need not be called. */
  readonly active: boolean;
  /** Steps tick k with its PCC power and publishes the points for k. */
  step(k: number, pccW: number): void;
  finish(): void;
  kpis(): KpiRow[];
}

export function createDemandResponseMeter(
  scenario: Scenario,
  port: SimPort,
  event: (tS: number, source: string, kind: string, value: number, detail: string) => void,
): DemandResponseMeter {
  const spec = scenario.demandResponse;
  const events = spec?.events ?? [];
  const dtS = scenario.dtS;
  const schedule = createDemandResponseSchedule(events.map((e) => ({ id: e.id, startS: e.start, durationS: e.duration, reductionW: e.reduction, noticeS: e.notice })));
  const n = schedule.count;
  const responseS = Float64Array.from(schedule.ids, (id) => events.find((e) => e.id === id)!.responseTime);
  const m = (name: string, unit: string, description: string) => (n > 0 ? port.addMeasurement({ name: `dr.${name}`, unit, description, initial: 0 }) : -1);
  const hRequested = m("requestedW", "W", "demand-response reduction asked now (0 outside every event window)");
  const hAnnounced = m("announcedW", "W", "reduction of the event announced or running (0 if none)");
  const hStartIn = m("startInS", "s", "time to the start of that event (negative once started; 0 if none)");
  const hEndIn = m("endInS", "s", "time to the end of that event (0 if none)");
  const hBaseline = m("baselineW", "W", "baseline PCC power of that event (0 before its announcement)");

  // Baseline: per-second means of the PCC over the last baselineWindow seconds.
  const secondTicks = Math.max(1, Math.round(1 / dtS));
  const ringSeconds = Math.max(1, Math.round((spec?.baselineWindow ?? 1) / (secondTicks * dtS)));
  const ring = new Float64Array(ringSeconds);
  let ringCount = 0;
  let secondSum = 0;
  let secondTicksSeen = 0;
  const settlementTicks = Math.max(1, Math.round((spec?.settlementPeriod ?? 60) / dtS));

  // Per event.
  const baselineW = new Float64Array(n).fill(NaN);
  const deliveredWs = new Float64Array(n);
  const reachedS = new Float64Array(n).fill(NaN);
  const periodsJudged = new Float64Array(n);
  const periodsMet = new Float64Array(n);
  const worstPeriodFrac = new Float64Array(n).fill(Infinity);
  let current = -1;
  let started = false;
  let periodSum = 0;
  let periodTicks = 0;
  let periodStartS = 0;
  let reachSum = 0;
  let reachTicks = 0;

  const closePeriod = (i: number) => {
    if (periodTicks === 0) return;
    const meanW = periodSum / periodTicks;
    if (periodStartS >= schedule.startS[i]! + responseS[i]! - 1e-9 && periodTicks === settlementTicks) {
      periodsJudged[i]++;
      if (meanW >= schedule.reductionW[i]!) periodsMet[i]++;
      const frac = meanW / schedule.reductionW[i]!;
      if (frac < worstPeriodFrac[i]!) worstPeriodFrac[i] = frac;
    }
    periodSum = 0;
    periodTicks = 0;
  };

  const endEvent = (i: number, tS: number) => {
    closePeriod(i);
    const windowS = schedule.endS[i]! - schedule.startS[i]!;
    const meanW = deliveredWs[i]! / windowS;
    event(
      tS,
      "demand-response",
      "dr_end",
      meanW,
      `${schedule.ids[i]}: mean reduction ${(meanW / 1e6).toFixed(3)} MW of ${(schedule.reductionW[i]! / 1e6).toFixed(3)} MW asked; ${periodsMet[i]}/${periodsJudged[i]} settlement periods met; ${Number.isNaN(reachedS[i]!) ? "never reached" : `reached after ${reachedS[i]!.toFixed(0)} s`}`,
    );
  };

  return {
    active: n > 0,
    step(k, pccW) {
      const tS = k * dtS;
      // Baseline history.
      secondSum += pccW;
      if (++secondTicksSeen === secondTicks) {
        ring[ringCount % ringSeconds] = secondSum / secondTicks;
        ringCount++;
        secondSum = 0;
        secondTicksSeen = 0;
      }
      const i = demandResponseIndexAt(schedule, tS);
      if (i !== current) {
        if (current >= 0 && started) endEvent(current, tS);
        current = i;
        started = false;
        if (i >= 0) {
          const have = Math.min(ringCount, ringSeconds);
          let sum = 0;
          for (let j = 0; j < have; j++) sum += ring[j]!;
          baselineW[i] = have > 0 ? sum / have : pccW;
          event(tS, "demand-response", "dr_announced", schedule.reductionW[i]!, `${schedule.ids[i]}: reduce ${(schedule.reductionW[i]! / 1e6).toFixed(3)} MW from ${schedule.startS[i]} s for ${schedule.endS[i]! - schedule.startS[i]!} s, within ${responseS[i]} s; baseline ${(baselineW[i]! / 1e6).toFixed(3)} MW`);
        }
      }
      let requestedW = 0;
      if (i >= 0 && tS >= schedule.startS[i]! - 1e-9) {
        if (!started) {
          started = true;
          periodStartS = tS;
          periodSum = 0;
          periodTicks = 0;
          reachSum = 0;
          reachTicks = 0;
          event(tS, "demand-response", "dr_start", schedule.reductionW[i]!, schedule.ids[i]!);
        }
        requestedW = schedule.reductionW[i]!;
        const deliveredW = baselineW[i]! - pccW;
        deliveredWs[i] += deliveredW * dtS;
        periodSum += deliveredW;
        if (++periodTicks === settlementTicks) {
          closePeriod(i);
          periodStartS = tS + dtS;
        }
        if (Number.isNaN(reachedS[i]!)) {
          reachSum += deliveredW;
          if (++reachTicks === secondTicks) {
            if (reachSum / secondTicks >= requestedW) {
              reachedS[i] = tS + dtS - schedule.startS[i]!;
              event(tS + dtS, "demand-response", "dr_reached", reachedS[i]!, `${schedule.ids[i]}: full reduction after ${reachedS[i]!.toFixed(1)} s (asked within ${responseS[i]} s)`);
            }
            reachSum = 0;
            reachTicks = 0;
          }
        }
      }
      port.publish(hRequested, requestedW, k);
      port.publish(hAnnounced, i >= 0 ? schedule.reductionW[i]! : 0, k);
      port.publish(hStartIn, i >= 0 ? schedule.startS[i]! - tS : 0, k);
      port.publish(hEndIn, i >= 0 ? schedule.endS[i]! - tS : 0, k);
      port.publish(hBaseline, i >= 0 ? baselineW[i]! : 0, k);
    },
    finish() {
      if (current >= 0 && started) endEvent(current, scenario.ticks * dtS);
    },
    kpis() {
      if (n === 0) return [];
      let requestedWs = 0;
      let delivered = 0;
      let judged = 0;
      let met = 0;
      let worst = Infinity;
      let slowest = 0;
      let seen = 0;
      for (let i = 0; i < n; i++) {
        // Events cut by the horizon count for the part inside it.
        const endS = Math.min(schedule.endS[i]!, scenario.horizonS);
        if (endS <= schedule.startS[i]!) continue;
        seen++;
        requestedWs += schedule.reductionW[i]! * (endS - schedule.startS[i]!);
        delivered += deliveredWs[i]!;
        judged += periodsJudged[i]!;
        met += periodsMet[i]!;
        if (worstPeriodFrac[i]! < worst) worst = worstPeriodFrac[i]!;
        slowest = Math.max(slowest, Number.isNaN(reachedS[i]!) ? Infinity : reachedS[i]!);
      }
      return [
        { name: "dr_events", value: seen, unit: "count" },
        { name: "dr_requested_energy", value: requestedWs / 3600, unit: "Wh" },
        { name: "dr_delivered_energy", value: delivered / 3600, unit: "Wh" },
        { name: "dr_delivered_fraction", value: requestedWs > 0 ? delivered / requestedWs : NaN, unit: "fraction" },
        { name: "dr_compliance", value: judged > 0 ? met / judged : NaN, unit: "fraction" },
        { name: "dr_worst_period_fraction", value: Number.isFinite(worst) ? worst : NaN, unit: "fraction" },
        { name: "dr_time_to_reach_max", value: seen > 0 && Number.isFinite(slowest) ? slowest : NaN, unit: "s" },
      ];
    },
  };
}
