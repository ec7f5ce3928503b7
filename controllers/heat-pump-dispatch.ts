import type { Controller, ControllerContext } from "../engine/controller.js";
import { QUALITY_OK, type PlantPort } from "../engine/port.js";

/**
 * Heat-pump dispatch for a data-centre heat-reuse plant feeding a district-heating network: it holds
 * the network's supply temperature at the operator's target and so meets its demand, by staging
 * (how many units run) and modulating (the heat each is asked for) the heat pumps. Points
 * (engine/site-heat.ts): it reads `heat.network.{supplyC, returnC, demandW, supplyTargetC}`, `heat.hp.heatW` and the
 * nameplate `heat.hp.{count, capacityW, minLoadW, maxSupplyC}`, and writes `heat.hp.<i>.{on, heatRequestW,
 * outletSetC}` and `heat.network.bypassKgS`.
 *
 * Heat wanted (W), every period:
 *   need = D + Kp·e + I,  e = T_target − T_supply,  I += Kp·e·Δt/T_i
 * D is the consumers' demand (measured: feed-forward); the PI trim supplies the pipes' losses and
 * whatever the feed-forward misses. (A feed-forward on the loop flow, G·(T_target − T_return), would
 * count the bypass flow as demand and stage units up while the return pipes warm.)
 * with anti-windup by conditional integration: the integral moves only while the running units can
 * deliver need (between their minimum loads and the total capacity) or the error moves need back
 * into that range, never while all units are off; and it is clamped so that need stays within
 * [0, units × capacity].
 *
 * Staging: n running units share need equally. One more unit starts when need has exceeded
 * n × capacity for `stageDelayS`; one stops when (n − 1) units could carry need at ≤ 90 % for
 * `stageDelayS`, or at once when each of the n would be below its minimum load. With one unit and a
 * need below its minimum load, the unit runs on/off against the pipes' thermal mass: it stops when
 * the supply is above target + band and starts again below target − band (or when need reaches the
 * minimum load). Flow target (bypass): while units run, the network's smallest flow is raised so
 * that the heat can be carried from the return temperature up to the outlet setpoint,
 * min(need, heat delivered + n·minLoad) / (cp·(outletSet − T_return)), and n units at their minimum load can run below their highest outlet,
 * n·minLoad / (cp·(maxSupply − 1 K − T_return)) (each difference at least 5 K). In summer the
 * consumers' own flow is too small to carry even the pipes' losses; the bypass water warms the return
 * pipes, as in real networks.
 *
 * Decisions are logged only when the number of running units changes (and when data goes stale or
 * fresh again): a day gives a handful, not one per period. Stale data (quality not ok, or older than
 * two periods) holds every output where it is.
 */
export interface HeatPumpDispatchParams {
  id: string;
  /** Proportional gain, W per K of supply error. */
  gainWpK: number;
  /** Integral time, s (0: no integral action). */
  resetTimeS: number;
  /** On/off band around the target when one unit at its minimum load is too much, K. */
  bandK: number;
  /** Time a staging condition must hold before a unit starts or stops, s. */
  stageDelayS: number;
  /** Condenser outlet setpoint above the supply target, K. */
  outletMarginK: number;
}

/** Water's specific heat, J/(kg·K) (models/thermal/fluids.ts WATER): converts the measured flow to W/K. */
const WATER_CP = 4_180;
/** Stop a unit when the others can carry the need at this share of their capacity. */
const STAGE_DOWN_FRAC = 0.9;
/** Smallest temperature difference used to size the bypass, K (guards a return near the outlet setpoint). */
const MIN_BYPASS_DT_K = 5;
/** The bypass lets units at their minimum load leave this far below their highest outlet, K. */
const BYPASS_MARGIN_K = 1;

export function createHeatPumpDispatch(p: HeatPumpDispatchParams): Controller {
  let hSupply = -1;
  let hReturn = -1;
  let hDemand = -1;
  let hHeat = -1;
  let targetC = 0;
  let units = 0;
  let capacityW = 0;
  let minLoadW = 0;
  let maxSupplyC = 0;
  const hOn: number[] = [];
  const hRequest: number[] = [];
  const hOutlet: number[] = [];
  let hBypass = -1;
  let running = 0;
  let integralW = 0;
  let upSinceS = -1;
  let downSinceS = -1;
  let holding = false;
  let lastTS = NaN;

  const apply = (port: PlantPort, needW: number, returnC: number, deliveredW: number) => {
    const outletC = targetC + p.outletMarginK;
    const share = running > 0 ? needW / running : 0;
    for (let i = 0; i < units; i++) {
      const on = i < running;
      if (port.commanded(hOn[i]!) !== (on ? 1 : 0)) port.write(hOn[i]!, on ? 1 : 0);
      port.write(hRequest[i]!, on ? share : 0);
      if (port.commanded(hOutlet[i]!) !== outletC) port.write(hOutlet[i]!, outletC);
    }
    const minLoadKgS = (running * minLoadW) / (WATER_CP * Math.max(MIN_BYPASS_DT_K, maxSupplyC - BYPASS_MARGIN_K - returnC));
    // Flow for the heat the units can add now: need, but at most what they delivered last period plus
    // one minimum load per unit (so the flow follows them as they ramp, and a source-limited plant
    // does not flood the return pipes with supply water).
    const carryW = Math.min(needW, deliveredW + running * minLoadW);
    const needKgS = carryW / (WATER_CP * Math.max(MIN_BYPASS_DT_K, outletC - returnC));
    port.write(hBypass, running > 0 ? Math.max(minLoadKgS, needKgS) : 0);
  };

  return {
    id: p.id,
    start(port, ctx) {
      hSupply = port.measurement("heat.network.supplyC");
      hReturn = port.measurement("heat.network.returnC");
      hDemand = port.measurement("heat.network.demandW");
      hHeat = port.measurement("heat.hp.heatW");
      targetC = port.read(port.measurement("heat.network.supplyTargetC"));
      units = port.read(port.measurement("heat.hp.count"));
      capacityW = port.read(port.measurement("heat.hp.capacityW"));
      minLoadW = port.read(port.measurement("heat.hp.minLoadW"));
      maxSupplyC = port.read(port.measurement("heat.hp.maxSupplyC"));
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
      const maxW = units * capacityW;
      const errorK = targetC - supplyC;
      const feedW = port.read(hDemand);
      let needW = feedW + p.gainWpK * errorK + integralW;
      // Anti-windup (conditional integration): integrate while the running units can deliver need
      // (within [running × minimum load, units × capacity]), or when the error moves need back into
      // that range; never while every unit is off or on/off cycling sets the heat instead.
      const lowW = running * minLoadW;
      const tracking = running > 0 && needW >= lowW && needW <= maxW;
      const backIn = running > 0 && ((needW < lowW && errorK > 0) || (needW > maxW && errorK < 0));
      if (p.resetTimeS > 0 && (tracking || backIn)) {
        integralW += (p.gainWpK * errorK * dtS) / p.resetTimeS;
        integralW = Math.min(maxW - feedW - p.gainWpK * errorK, Math.max(-feedW - p.gainWpK * errorK, integralW));
        needW = feedW + p.gainWpK * errorK + integralW;
      }
      needW = Math.min(maxW, Math.max(0, needW));

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
            why = `${running} units carry the need at ≤ ${STAGE_DOWN_FRAC * 100} % for ${p.stageDelayS} s`;
          }
        } else if (running === before) {
          downSinceS = -1;
        }
      }
      if (running !== before) {
        upSinceS = -1;
        downSinceS = -1;
        ctx.decide(running > before ? "stage_up" : "stage_down", running, `${why}; need ${(needW / 1e6).toFixed(3)} MW, supply ${supplyC.toFixed(2)} °C`);
      }
      apply(port, needW, returnC, port.read(hHeat));
    },
    finish(_port, ctx) {
      ctx.decide("final_stage", running, "heat pumps running at the end of the run");
    },
  };
}
