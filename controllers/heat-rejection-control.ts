import type { Controller } from "../engine/controller.js";
import { createPid, stepPid, type Pid } from "./pid.js";
import { fresh, unitIds } from "./point-ids.js";

/**
 * Dry-cooler / cooling-tower fan control of the facility loops, through the port: per loop a
 * direct-acting PID on the loop's supply water (`facility.<loop>.supplyTempC`) against the trim
 * chiller's setpoint less `marginK`, so free cooling does all it can and the chiller only trims what
 * the fans cannot (fans flat out when the chiller runs); in cold weather the fans slow down instead of
 * chilling the water far below its setpoint (models/thermal README: with fans at full speed in winter
 * the water would fall below 0 °C). Fan power ∝ speed³. PIDs in velocity form (pid.ts).
 */
export interface HeatRejectionControlParams {
  id: string;
  loops: readonly string[];
  marginK: number;
  fanRateFracPerS: number;
  kp: number;
  ki: number;
}

interface Loop {
  id: string;
  supply: number;
  chillerSet: number;
  fanCmd: number;
  pid: Pid;
  atLimit: boolean;
}

export function createHeatRejectionControl(p: HeatRejectionControlParams): Controller {
  const loops: Loop[] = [];
  return {
    id: p.id,
    start(port, ctx) {
      for (const id of unitIds(port, "facility", "fanSpeedCmd", p.loops, `controller ${p.id}`)) {
        const fanCmd = port.setpoint(`facility.${id}.fanSpeedCmd`);
        loops.push({
          id,
          supply: port.measurement(`facility.${id}.supplyTempC`),
          chillerSet: port.setpoint(`chiller.${id}.supplyTempSetC`),
          fanCmd,
          pid: createPid({ kp: p.kp, ki: p.ki, outMin: 0, outMax: 1, ratePerS: p.fanRateFracPerS, direct: true }, port.commanded(fanCmd)),
          atLimit: false,
        });
      }
      ctx.decide("start", loops.length, `loops ${loops.map((l) => l.id).join(", ")}: fans hold the supply ${p.marginK} K below the chiller setpoint`);
    },
    step(port, ctx) {
      for (const l of loops) {
        if (!fresh(port, l.supply, 3 * ctx.periodS)) continue;
        const fan = stepPid(l.pid, port.commanded(l.chillerSet) - p.marginK, port.read(l.supply), ctx.periodS);
        port.write(l.fanCmd, fan);
        const atLimit = fan <= 0 || fan >= 1;
        if (atLimit !== l.atLimit) {
          l.atLimit = atLimit;
          ctx.decide(atLimit ? "fans_at_limit" : "fans_in_range", fan, `facility.${l.id}: supply ${port.read(l.supply).toFixed(2)} °C`);
        }
      }
    },
    finish(_port, ctx) {
      for (const l of loops) ctx.decide("final", l.pid.output, `facility.${l.id}: fans ${l.pid.output.toFixed(3)}`);
    },
  };
}
