import type { Controller, ControllerContext } from "../engine/controller.js";
import { QUALITY_OK, type PlantPort } from "../engine/port.js";

/**
 * Heat-pump dispatch for a data-centre heat-reuse plant feeding a district-heating network: it holds
 * the network's supply temperature at the operator's target and so meets its demand, by staging (how
 * many units run) and modulating (the heat each is asked for) the heat pumps. It works as district
 * heating plants do: the plant controls the temperature of the water it sends out, and the heat
 * follows the flow the consumers draw.
 *
 * Points (engine/plant/site-heat.ts): reads `heat.network.{supplyC, returnC, flowKgS, supplyTargetC}`,
 * `heat.hp.heatW` and the nameplate `heat.hp.{count, capacityW, minLoadW, maxSupplyC}`; writes
 * `heat.hp.<i>.{on, heatRequestW, outletSetC}` and `heat.network.bypassKgS`.
 *
 * Every period:
 * - Outlet setpoint: T_out = T_target + trim, where trim (K, within [0, maxSupply − 1 K − T_target])
 *   is a PI on the network's supply temperature, e = T_target − T_supply:
 *   trim = Kp·e + I, I += Kp·e·Δt/T_i, so the water leaves warm enough to cover the supply pipes'
 *   losses. Anti-windup by conditional integration: I moves only while trim is inside its range (or
 *   e moves it back in), units run, and they deliver what they are asked (≥ 95 % of the last need:
 *   a source-limited plant does not wind it up).
 * - Heat wanted: need = G·(T_out − T_return), G = ṁ·cp of the measured network flow: the heat that
 *   brings the returning water to the outlet setpoint (feed-forward; each unit also stops at its
 *   outlet setpoint, so the plant never overheats the supply).
 * - Staging: n running units share need equally. One more starts when need has exceeded n ×
 *   capacity for `stageDelayS`; one stops when n − 1 units carry need at ≤ 90 % for `stageDelayS`,
 *   or at once when each of the n would be below its minimum load. With one unit and need below its
 *   minimum load the unit runs on/off against the pipes' thermal mass: it stops when the supply is
 *   above target + band and starts again below target − band (or once need reaches the minimum load).
 * - Bypass: while units run, the network's smallest flow lets them run at their minimum load below
 *   their highest outlet, (1 + b)·n·minLoad / (cp·(maxSupply − 1 K − T_return)) (difference ≥ 5 K);
 *   b grows by Δt/T_i while the flow, not the temperature, limits the heat (the trim is at its top,
 *   or a unit runs at its minimum load, outlet above its setpoint) and the supply is below target
 *   and not recovering (rising fast enough to close the error within T_i). It holds while the supply recovers and shrinks at the same rate once the trim has room;
 *   it never asks for more than 90 % of the running units' capacity (the bypass must not stage units up). In summer the
 *   consumers' own flow is too small to carry even the pipes' losses; the bypass water warms the
 *   return pipes, as in real networks.
 *
 * Decisions are logged only when the number of running units changes (and when data goes stale or
 * fresh again): a day gives a handful, not one per period. Stale data (quality not ok, or older than
 * two periods) holds every output where it is.
 */
export interface HeatPumpDispatchParams {
  id: string;
  /** Proportional gain of the outlet trim, K of outlet per K of supply error. */
  gainKpK: number;
  /** Integral time of the trim, s (0: no integral action). */
  resetTimeS: number;
  /** On/off band around the target when one unit at its minimum load is too much, K. */
  bandK: number;
  /** Time a staging condition must hold before a unit starts or stops, s. */
  stageDelayS: number;
}

/** Water's specific heat, J/(kg·K) (models/thermal/fluids.ts WATER): converts the measured flow to W/K. */
const WATER_CP = 4_180;
/** Stop a unit when the others can carry the need at this share of their capacity. */
const STAGE_DOWN_FRAC = 0.9;
/** Delivered heat below this share of the last need means the units are limited (anti-windup). */
const DELIVERY_TRACK_FRAC = 0.95;
/** Smallest temperature difference used to size the bypass, K (guards a return near the outlet limit). */
const MIN_BYPASS_DT_K = 5;
/** Units stay this far below their highest outlet, K. */
const OUTLET_MARGIN_K = 1;

export function createHeatPumpDispatch(p: HeatPumpDispatchParams): Controller {
  let hSupply = -1;
  let hReturn = -1;
  let hFlow = -1;
  let hHeat = -1;
  let hBypass = -1;
  const hOn: number[] = [];
  const hRequest: number[] = [];
  const hOutlet: number[] = [];
  let targetC = 0;
  let units = 0;
  let capacityW = 0;
  let minLoadW = 0;
  let trimMaxK = 0;
  let running = 0;
  let integralK = 0;
  let boostFrac = 0;
  let lastSupplyC = Infinity;
  let lastNeedW = 0;
  let upSinceS = -1;
  let downSinceS = -1;
  let holding = false;
  let lastTS = NaN;

  const apply = (port: PlantPort, needW: number, outletC: number, returnC: number, maxSupplyC: number) => {
    const share = running > 0 ? needW / running : 0;
    for (let i = 0; i < units; i++) {
      const on = i < running;
      if (port.commanded(hOn[i]!) !== (on ? 1 : 0)) port.write(hOn[i]!, on ? 1 : 0);
      port.write(hRequest[i]!, on ? share : 0);
      port.write(hOutlet[i]!, outletC);
    }
    const dT = Math.max(MIN_BYPASS_DT_K, maxSupplyC - OUTLET_MARGIN_K - returnC);
    // The bypass never asks for more heat than the running units' capacity: it must not stage units up.
    const boostMax = minLoadW > 0 ? (STAGE_DOWN_FRAC * capacityW) / minLoadW - 1 : 0;
    if (boostFrac > boostMax) boostFrac = boostMax;
    port.write(hBypass, (running * minLoadW * (1 + boostFrac)) / (WATER_CP * dT));
  };

  let maxSupplyC = 0;
  return {
    id: p.id,
    start(port, ctx) {
      hSupply = port.measurement("heat.network.supplyC");
      hReturn = port.measurement("heat.network.returnC");
      hFlow = port.measurement("heat.network.flowKgS");
      hHeat = port.measurement("heat.hp.heatW");
      targetC = port.read(port.measurement("heat.network.supplyTargetC"));
      units = port.read(port.measurement("heat.hp.count"));
      capacityW = port.read(port.measurement("heat.hp.capacityW"));
      minLoadW = port.read(port.measurement("heat.hp.minLoadW"));
      maxSupplyC = port.read(port.measurement("heat.hp.maxSupplyC"));
      trimMaxK = Math.max(0, maxSupplyC - OUTLET_MARGIN_K - targetC);
      for (let i = 0; i < units; i++) {
        hOn.push(port.setpoint(`heat.hp.${i}.on`));
        hRequest.push(port.setpoint(`heat.hp.${i}.heatRequestW`));
        hOutlet.push(port.setpoint(`heat.hp.${i}.outletSetC`));
      }
      hBypass = port.setpoint("heat.network.bypassKgS");
      ctx.decide("dispatch_start", units, `${units} × ${(capacityW / 1e6).toFixed(2)} MW heat pumps (minimum ${(minLoadW / 1e6).toFixed(2)} MW each), supply target ${targetC} °C ± ${p.bandK} K`);
    },
    step(port, ctx: ControllerContext) {
      const fresh = port.quality(hSupply) === QUALITY_OK && port.ageS(hSupply) <= 2 * ctx.periodS;
      if (!fresh) {
        if (port.ageS(hSupply) === Infinity) return; // nothing measured yet (first period of the run)
        if (!holding) ctx.decide("hold", running, "network measurements not fresh: outputs held");
        holding = true;
        lastTS = NaN;
        return;
      }
      if (holding) ctx.decide("resume", running, "network measurements fresh again");
      holding = false;
      const dtS = Number.isNaN(lastTS) ? ctx.periodS : ctx.tS - lastTS;
      lastTS = ctx.tS;
      const supplyC = port.read(hSupply);
      const returnC = port.read(hReturn);
      const flowWpK = port.read(hFlow) * WATER_CP;
      const deliveredW = port.read(hHeat);

      // Outlet trim (PI with conditional integration).
      const errorK = targetC - supplyC;
      let trimK = p.gainKpK * errorK + integralK;
      const starved = errorK > 0 && deliveredW < DELIVERY_TRACK_FRAC * lastNeedW;
      const inside = trimK >= 0 && trimK <= trimMaxK;
      const backIn = (trimK < 0 && errorK > 0) || (trimK > trimMaxK && errorK < 0);
      if (p.resetTimeS > 0 && running > 0 && !starved && (inside || backIn)) {
        integralK += (p.gainKpK * errorK * dtS) / p.resetTimeS;
        integralK = Math.min(trimMaxK - p.gainKpK * errorK, Math.max(-p.gainKpK * errorK, integralK));
        trimK = p.gainKpK * errorK + integralK;
      }
      trimK = Math.min(trimMaxK, Math.max(0, trimK));
      const outletC = targetC + trimK;
      const needW = Math.min(units * capacityW, Math.max(0, flowWpK * (outletC - returnC)));
      // The flow limits the heat when the outlet is at its highest, or when a unit runs at its minimum
      // load (its outlet already above the setpoint) and the supply still falls short: then raise the
      // bypass (by one minimum-load flow per reset time) while the supply is low and not recovering,
      // and lower it again otherwise. (The network's mass makes the supply slow: growing while it
      // already recovers would wind the bypass up.)
      const rate = p.resetTimeS > 0 ? dtS / p.resetTimeS : 0;
      // "Recovering": rising fast enough to close the error within one reset time.
      const rising = p.resetTimeS > 0 && supplyC - lastSupplyC >= (errorK * dtS) / p.resetTimeS;
      lastSupplyC = supplyC;
      const flowLimited = trimK >= trimMaxK || needW < running * minLoadW;
      if (running > 0 && flowLimited && errorK > 0 && !starved) {
        if (!rising) boostFrac += rate;
      } else {
        boostFrac = Math.max(0, boostFrac - rate);
      }

      // Staging.
      const before = running;
      let why = "";
      if (running === 0) {
        if (needW >= minLoadW || supplyC < targetC - p.bandK) {
          running = 1;
          why = needW >= minLoadW ? "need reached one unit's minimum load" : `supply ${supplyC.toFixed(2)} °C below target − band`;
        }
      } else if (running === 1 && needW < minLoadW) {
        if (supplyC > targetC + p.bandK) {
          running = 0;
          why = `need below the minimum load and supply ${supplyC.toFixed(2)} °C above target + band`;
        }
      } else if (running > 1 && needW < running * minLoadW) {
        running = Math.max(1, Math.floor(needW / minLoadW));
        why = `each of ${before} units would be below its minimum load`;
      }
      if (running === before && running > 0) {
        if (needW > running * capacityW && running < units) {
          if (upSinceS < 0) upSinceS = ctx.tS;
          if (ctx.tS - upSinceS >= p.stageDelayS) {
            running++;
            why = `need above ${before} × capacity for ${p.stageDelayS} s`;
          }
        } else {
          upSinceS = -1;
        }
        if (running === before && running > 1 && needW < STAGE_DOWN_FRAC * (running - 1) * capacityW) {
          if (downSinceS < 0) downSinceS = ctx.tS;
          if (ctx.tS - downSinceS >= p.stageDelayS) {
            running--;
            why = `${running} unit(s) carry the need at ≤ ${STAGE_DOWN_FRAC * 100} % for ${p.stageDelayS} s`;
          }
        } else if (running === before) {
          downSinceS = -1;
        }
      }
      if (running !== before) {
        upSinceS = -1;
        downSinceS = -1;
        ctx.decide(running > before ? "stage_up" : "stage_down", running, `${why}; need ${(needW / 1e6).toFixed(3)} MW, supply ${supplyC.toFixed(2)} °C, outlet setpoint ${outletC.toFixed(2)} °C`);
      }
      lastNeedW = running > 0 ? needW : 0;
      apply(port, needW, outletC, returnC, maxSupplyC);
    },
    finish(_port, ctx) {
      ctx.decide("final_stage", running, "heat pumps running at the end of the run");
    },
  };
}
