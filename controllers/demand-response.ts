import type { Controller, ControllerContext } from "../engine/controller.js";
import type { PlantPort } from "../engine/port.js";

/**
 * Demand response: meets a declared reduction of the PCC power (the `dr.*` points the engine's
 * meter publishes: requested reduction, baseline, time to start and end) with three resources, in
 * merit order:
 *
 * 1. Deferral: flexible training jobs (`defer`) are paused at the start (`workload.<id>.paused`):
 *    each finishes the iteration in progress and holds its GPUs idle; no work is lost, it is done
 *    later. Used only when the battery alone cannot hold the reduction for the whole event.
 * 2. The battery (`battery`): discharges what the load reduction leaves, at most what it can
 *    sustain to the end of the event (dischargeHeadroomWh / time left, and its power limit).
 *    Between the announcement and the start it charges toward `prepareSoc`; after the event it
 *    returns to `socTarget` at `chargePower`.
 * 3. GPU caps (`capGroups`, `gpu.<group>.capW`): lowered while a shortfall remains, raised while
 *    the reduction exceeds the target, within [capMin, 1] × the GPU power limit.
 *
 * It aims at requested × (1 + overDelivery), judged each second on the mean of the site load (the
 * PCC without storage) over that second: the load swings with every training iteration, so a
 * single tick is no measure. After the event the caps and the battery are released linearly over
 * `releaseS` (a sudden return would break the grid's ramp limit) and the jobs resume.
 * Decisions are logged at the announcement, the start (the plan), each 0.05 step of the cap
 * reached for the first time in an event, the end, and when the SOC is back at its target.
 */
export interface DemandResponseParams {
  id: string;
  defer: readonly string[];
  capGroups: readonly string[];
  battery?: string;
  capMinFrac: number;
  overDeliveryFrac: number;
  prepareSoc: number;
  socTarget: number;
  chargePowerW: number;
  releaseS: number;
}

const IDLE = 0;
const PREPARING = 1;
const ACTIVE = 2;
const RELEASING = 3;
const STATE_NAMES = ["idle", "preparing", "active", "releasing"];

/** Cap change per second per unit of relative shortfall (shortfall ÷ requested). */
const CAP_GAIN_PER_S = 0.3;
/** Outside events the battery command moves at most this much per second (no steps at the PCC). */
const SLEW_WPS = 500e3;

export function createDemandResponse(p: DemandResponseParams): Controller {
  let hRequested = -1;
  let hStartIn = -1;
  let hEndIn = -1;
  let hBaseline = -1;
  let hLoad = -1;
  let hSoc = -1;
  let hDischarge = -1;
  let hHeadroom = -1;
  let hBatterySet = -1;
  const pauseHandles: number[] = [];
  const capHandles: number[] = [];
  const capMaxW: number[] = [];
  const hasBattery = p.battery !== undefined;

  let state = IDLE;
  let capFrac = 1;
  let capLoggedFrac = 1;
  let deferring = false;
  let batteryW = 0;
  let releaseStartS = 0;
  let releaseCapFrac = 1;
  let releaseBatteryW = 0;
  let recovering = false;
  let commandW = 0;
  // Mean of the site load over the current second.
  let loadSum = 0;
  let loadCount = 0;
  let nextDecisionS = 0;

  const setState = (next: number, ctx: ControllerContext, value: number, reason: string) => {
    state = next;
    ctx.decide(STATE_NAMES[next]!, value, reason);
  };
  const writeCaps = (port: PlantPort) => capHandles.forEach((h, i) => port.write(h, capFrac * capMaxW[i]!));
  /** Moves the battery command toward targetW by at most SLEW_WPS × 1 s (one decision). */
  const slewBattery = (port: PlantPort, targetW: number) => {
    commandW = targetW > commandW + SLEW_WPS ? commandW + SLEW_WPS : targetW < commandW - SLEW_WPS ? commandW - SLEW_WPS : targetW;
    port.write(hBatterySet, commandW);
  };
  const writePause = (port: PlantPort, on: boolean) => {
    deferring = on;
    for (const h of pauseHandles) port.write(h, on ? 1 : 0);
  };

  return {
    id: p.id,
    start(port, ctx) {
      hRequested = port.measurement("dr.requestedW");
      hStartIn = port.measurement("dr.startInS");
      hEndIn = port.measurement("dr.endInS");
      hBaseline = port.measurement("dr.baselineW");
      hLoad = port.measurement("site.loadW");
      for (const id of p.defer) pauseHandles.push(port.setpoint(`workload.${id}.paused`));
      for (const group of p.capGroups) {
        const name = `gpu.${group}.capW`;
        capHandles.push(port.setpoint(name));
        capMaxW.push(port.points.find((x) => x.name === name)!.max!);
      }
      if (hasBattery) {
        hSoc = port.measurement(`battery.${p.battery}.socFrac`);
        hDischarge = port.measurement(`battery.${p.battery}.availableDischargeW`);
        hHeadroom = port.measurement(`battery.${p.battery}.dischargeHeadroomWh`);
        hBatterySet = port.setpoint(`battery.${p.battery}.powerSetW`);
      }
      ctx.decide("enable_demand_response", p.overDeliveryFrac, `defer ${p.defer.join(", ") || "nothing"}; battery ${p.battery ?? "none"}; caps on ${p.capGroups.join(", ") || "nothing"} down to ${p.capMinFrac} of the limit`);
    },
    step(port, ctx) {
      loadSum += port.read(hLoad);
      loadCount++;
      if (ctx.tS + 1e-9 < nextDecisionS) return;
      nextDecisionS = ctx.tS + 1;
      const loadW = loadSum / loadCount;
      loadSum = 0;
      loadCount = 0;
      const requestedW = port.read(hRequested);
      const startInS = port.read(hStartIn);
      const endInS = port.read(hEndIn);
      const baselineW = port.read(hBaseline);
      const soc = hasBattery ? port.read(hSoc) : NaN;

      if (requestedW > 0) {
        const targetW = requestedW * (1 + p.overDeliveryFrac);
        // What the battery can hold to the end of the event.
        const sustainW = hasBattery ? Math.min(port.read(hDischarge), (port.read(hHeadroom) * 3600) / Math.max(endInS, 1)) : 0;
        if (state !== ACTIVE) {
          const defer = p.defer.length > 0 && sustainW < targetW;
          if (defer) writePause(port, true);
          setState(ACTIVE, ctx, targetW, `event started: target reduction ${Math.round(targetW)} W against baseline ${Math.round(baselineW)} W; battery can hold ${Math.round(sustainW)} W to the end; ${defer ? `deferring ${p.defer.join(", ")}` : "no deferral needed"}`);
          capLoggedFrac = capFrac;
        }
        // Reduction of the load itself (deferral and caps); the battery covers what is left.
        const loadReductionW = baselineW - loadW;
        const wantBatteryW = targetW - loadReductionW;
        batteryW = wantBatteryW < 0 ? 0 : wantBatteryW > sustainW ? sustainW : wantBatteryW;
        if (hasBattery) port.write(hBatterySet, (commandW = -batteryW));
        // Caps: integral action on the shortfall (or surplus) after the battery.
        if (capHandles.length > 0) {
          const shortfallW = targetW - loadReductionW - batteryW;
          let next = capFrac - (CAP_GAIN_PER_S * shortfallW) / requestedW;
          next = next < p.capMinFrac ? p.capMinFrac : next > 1 ? 1 : next;
          if (Math.abs(next - capFrac) > 1e-6) {
            capFrac = next;
            writeCaps(port);
            if (capFrac <= capLoggedFrac - 0.05) {
              capLoggedFrac = Math.ceil(capFrac * 20) / 20;
              ctx.decide("lower_caps", capFrac, `shortfall ${Math.round(shortfallW)} W after deferral and battery (${Math.round(batteryW)} W)`);
            }
          }
        }
        return;
      }

      if (state === ACTIVE) {
        // The event is over: release over releaseS.
        if (deferring) writePause(port, false);
        releaseStartS = ctx.tS;
        releaseCapFrac = capFrac;
        releaseBatteryW = batteryW;
        setState(RELEASING, ctx, capFrac, `event over: jobs resume; caps from ${capFrac.toFixed(3)} and battery from ${Math.round(batteryW)} W released over ${p.releaseS} s`);
      }
      if (state === RELEASING) {
        const x = p.releaseS > 0 ? Math.min(1, (ctx.tS - releaseStartS) / p.releaseS) : 1;
        capFrac = releaseCapFrac + (1 - releaseCapFrac) * x;
        batteryW = releaseBatteryW * (1 - x);
        if (capHandles.length > 0) writeCaps(port);
        if (hasBattery) port.write(hBatterySet, (commandW = -batteryW));
        if (x < 1) return;
        setState(IDLE, ctx, soc, "released");
        recovering = hasBattery;
      }
      if (!hasBattery) return;
      if (startInS > 0 && baselineW > 0) {
        // Announced: charge toward prepareSoc, if the notice leaves time.
        if (state !== PREPARING) setState(PREPARING, ctx, soc, `event announced, starts in ${Math.round(startInS)} s: charging toward SOC ${p.prepareSoc}`);
        slewBattery(port, soc < p.prepareSoc ? p.chargePowerW : 0);
        return;
      }
      if (state === PREPARING) setState(IDLE, ctx, soc, "preparation over");
      // Between events: back to socTarget.
      const errFrac = p.socTarget - soc;
      if (Math.abs(errFrac) < 0.005) {
        slewBattery(port, 0);
        if (recovering) ctx.decide("soc_recovered", soc, `battery back at SOC ${p.socTarget}`);
        recovering = false;
      } else {
        // Full charge power beyond 5 % SOC error, proportional inside it.
        const x = errFrac / 0.05;
        slewBattery(port, p.chargePowerW * (x > 1 ? 1 : x < -1 ? -1 : x));
      }
    },
    finish(port, ctx) {
      ctx.decide("final_state", capFrac, `${STATE_NAMES[state]}; caps at ${capFrac.toFixed(3)} of the limit${hasBattery ? `; battery SOC ${port.read(hSoc).toFixed(3)}` : ""}`);
    },
  };
}
