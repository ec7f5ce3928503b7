import type { Controller } from "../engine/controller.js";
import type { PlantPort } from "../engine/port.js";
import { createPid, stepPid, type Pid } from "./pid.js";
import { fresh, unitIds } from "./point-ids.js";

/**
 * Heat-rejection control of the facility loops, through the port:
 * - fans: per loop a direct-acting PID on the loop's supply water (`facility.<loop>.supplyTempC`)
 *   against the trim chiller's setpoint less `marginK`, so free cooling does all it can and the
 *   chiller only trims what the fans cannot (fans flat out when the chiller runs); in cold weather the
 *   fans slow down instead of chilling the water far below its setpoint (models/thermal README: with
 *   fans at full speed in winter the water would fall below 0 °C). Fan power ∝ speed³.
 * - chiller staging: the trim chillers (`chiller.<loop>.on`) are enabled only once free cooling is
 *   exhausted (fans at full speed and the supply within marginK / 2 of the chiller setpoint) and
 *   disabled when the fans fall below CHILLER_OFF_FAN_FRAC: a chiller in series holds its setpoint at
 *   once, so left enabled it would take every transient the slower fans could have carried.
 * - warm-water reset (`warmReset`): the warm loop's chiller setpoint follows the coldest CDU supply
 *   setpoint less `cduApproachK` (the CDU exchangers need the facility water that much colder), within
 *   [warmMinC, warmMaxC] and at most 0.02 K/s: when the CDU controllers let the racks run warm, the
 *   facility water follows, and the dry coolers carry more of the year (docs/physics-sources.md §4: W32-W45).
 * PIDs in velocity form (pid.ts).
 */
export interface HeatRejectionControlParams {
  id: string;
  loops: readonly string[];
  marginK: number;
  fanRateFracPerS: number;
  kp: number;
  ki: number;
  warmReset: boolean;
  cduApproachK: number;
  warmMinC: number;
  warmMaxC: number;
}

interface Loop {
  id: string;
  supply: number;
  chillerSet: number;
  chillerOn: number;
  on: boolean;
  fanCmd: number;
  pid: Pid;
  atLimit: boolean;
}

/** Fan speed below which enabled chillers are switched off (hysteresis against the full-speed enable). */
const CHILLER_OFF_FAN_FRAC = 0.8;

/** Largest change of the reset chiller setpoint, K/s. */
const RESET_RATE_KPS = 0.02;

export function createHeatRejectionControl(p: HeatRejectionControlParams): Controller {
  const loops: Loop[] = [];
  const cduSets: number[] = [];
  let warmSet = -1;
  let resetAtLimit = false;

  const coldestCduSet = (port: PlantPort): number => {
    let coldest = Infinity;
    for (const h of cduSets) {
      const v = port.commanded(h);
      if (v < coldest) coldest = v;
    }
    return coldest;
  };

  return {
    id: p.id,
    start(port, ctx) {
      for (const id of unitIds(port, "facility", "fanSpeedCmd", p.loops, `controller ${p.id}`)) {
        const fanCmd = port.setpoint(`facility.${id}.fanSpeedCmd`);
        const chillerOn = port.setpoint(`chiller.${id}.on`);
        loops.push({
          id,
          supply: port.measurement(`facility.${id}.supplyTempC`),
          chillerSet: port.setpoint(`chiller.${id}.supplyTempSetC`),
          chillerOn,
          on: port.commanded(chillerOn) >= 0.5,
          fanCmd,
          pid: createPid({ kp: p.kp, ki: p.ki, outMin: 0, outMax: 1, ratePerS: p.fanRateFracPerS, direct: true }, port.commanded(fanCmd)),
          atLimit: false,
        });
      }
      if (p.warmReset && loops.some((l) => l.id === "warm")) {
        warmSet = loops.find((l) => l.id === "warm")!.chillerSet;
        for (const point of port.points) if (point.kind === "setpoint" && /^cdu\.[^.]+\.supplyTempSetC$/.test(point.name)) cduSets.push(port.setpoint(point.name));
      }
      ctx.decide("start", loops.length, `loops ${loops.map((l) => l.id).join(", ")}: fans hold the supply ${p.marginK} K below the chiller setpoint${warmSet >= 0 ? `; warm chiller setpoint reset to the coldest CDU setpoint − ${p.cduApproachK} K within ${p.warmMinC}-${p.warmMaxC} °C` : ""}`);
    },
    step(port, ctx) {
      if (warmSet >= 0 && cduSets.length > 0) {
        let target = coldestCduSet(port) - p.cduApproachK;
        target = target < p.warmMinC ? p.warmMinC : target > p.warmMaxC ? p.warmMaxC : target;
        const now = port.commanded(warmSet);
        const maxStep = RESET_RATE_KPS * ctx.periodS;
        const next = target > now + maxStep ? now + maxStep : target < now - maxStep ? now - maxStep : target;
        if (next !== now) port.write(warmSet, next);
        const atLimit = target <= p.warmMinC || target >= p.warmMaxC;
        if (atLimit !== resetAtLimit) {
          resetAtLimit = atLimit;
          ctx.decide(atLimit ? "warm_reset_at_limit" : "warm_reset_in_range", target, `coldest CDU supply setpoint ${coldestCduSet(port).toFixed(2)} °C`);
        }
      }
      for (const l of loops) {
        if (!fresh(port, l.supply, 3 * ctx.periodS)) continue;
        const setC = port.commanded(l.chillerSet);
        const supplyC = port.read(l.supply);
        const fan = stepPid(l.pid, setC - p.marginK, supplyC, ctx.periodS);
        port.write(l.fanCmd, fan);
        if (!l.on && fan >= 1 && supplyC > setC - p.marginK / 2) {
          l.on = true;
          port.write(l.chillerOn, 1);
          ctx.decide("chiller_on", setC, `facility.${l.id}: fans at full speed, supply ${supplyC.toFixed(2)} °C`);
        } else if (l.on && fan < CHILLER_OFF_FAN_FRAC) {
          l.on = false;
          port.write(l.chillerOn, 0);
          ctx.decide("chiller_off", setC, `facility.${l.id}: fans at ${fan.toFixed(2)}, free cooling suffices`);
        }
        const atLimit = fan <= 0 || fan >= 1;
        if (atLimit !== l.atLimit) {
          l.atLimit = atLimit;
          ctx.decide(atLimit ? "fans_at_limit" : "fans_in_range", fan, `facility.${l.id}: supply ${port.read(l.supply).toFixed(2)} °C`);
        }
      }
    },
    finish(port, ctx) {
      for (const l of loops) ctx.decide("final", l.pid.output, `facility.${l.id}: fans ${l.pid.output.toFixed(3)}, chiller setpoint ${port.commanded(l.chillerSet).toFixed(2)} °C`);
    },
  };
}
