import type { Controller } from "../engine/controller.js";
import { createAnnouncementWatch } from "./announcements.js";
import { createPid, stepPid, trackPid, type Pid } from "./pid.js";
import { fresh, unitIds } from "./point-ids.js";

/**
 * Supervisory CDU control through the port, one pair of loops per CDU (the CDU's own valve holds
 * the secondary supply at its setpoint; this controller moves that setpoint and the pump speed):
 * - supply temperature: a reverse-acting PID on the CDU's hottest GPU node (`cdu.<id>.gpuTempMaxC`)
 *   against `gpuTargetC`: as warm as the GPUs allow (warmer water means more free cooling, less
 *   chiller work and more reusable heat; docs/physics-sources.md §4: W32-W45 facility water), colder when a
 *   GPU runs hot; within [supplyMinC, supplyMaxC], rising at most `supplyRateKps` and falling at
 *   most `supplyFallRateKps` (cut fast, rise slowly: a job that restarts after an idle spell finds
 *   warm water and its GPUs heat within seconds); while the hottest GPU is more than 15 K below its
 *   target (idle GPUs: a failed job, a checkpoint) both loops hold their outputs instead of warming
 *   the water and slowing the pump for work that is not there (conditional integration), so the
 *   work finds the water and flow it left;
 * - pump speed: a direct-acting PID on the racks' rise (hottest rack coolant outlet − CDU supply,
 *   `cdu.<id>.coolantTempMaxC` − `cdu.<id>.supplyTempC`) against `riseTargetK` (the 1.5 L/min/kW
 *   guidance gives ~10 K, §4): slower when the racks are lightly loaded (pump power ∝ speed³,
 *   affinity laws), faster when the rise grows; within [pumpMinFrac, 1], speeding up at most
 *   `pumpRateFracPerS` and slowing down at most `pumpFallRateFracPerS` (fast up, slow down: the
 *   rack outlets respond within seconds of a load step, the CDU return much later).
 * PIDs in velocity form (pid.ts: anti-windup, rate limits, bumpless start from the plant's current
 * setpoints, measurements filtered over filterS). Pre-cooling: from `prepareLeadS` before the
 * announced start of a job in `prepareFor` until `prepareAfterS` after its ramp, the supply setpoint
 * is held at least `precoolK` below where it stood when the preparation began (never below
 * supplyMinC), so the job's first minutes find colder water; then the supply loop takes over from
 * there at its rate limits. When a measurement is stale (older than three periods) the loop holds its output and
 * logs it once. Decisions: the start, and each time a loop enters or leaves a limit.
 */
export interface CduControlParams {
  id: string;
  cdus: readonly string[];
  gpuTargetC: number;
  supplyMinC: number;
  supplyMaxC: number;
  supplyRateKps: number;
  /** Largest supply setpoint fall, K/s: cut fast when a GPU runs hot, rise slowly. */
  supplyFallRateKps: number;
  supplyKp: number;
  supplyKi: number;
  riseTargetK: number;
  pumpMinFrac: number;
  pumpRateFracPerS: number;
  pumpFallRateFracPerS: number;
  pumpKp: number;
  pumpKi: number;
  /** Measurement filter, s (pid.ts): GPU temperatures swing with every training iteration. */
  filterS: number;
  /** Jobs whose announced starts it pre-cools for (none: never). */
  prepareFor: readonly string[];
  precoolK: number;
  prepareLeadS: number;
  prepareAfterS: number;
}

interface Loop {
  id: string;
  gpu: number;
  supply: number;
  ret: number;
  coolantMax: number;
  supplySet: number;
  pumpCmd: number;
  supplyPid: Pid;
  pumpPid: Pid;
  supplyAtLimit: boolean;
  pumpAtLimit: boolean;
  stale: boolean;
  /** Highest supply setpoint while pre-cooling, °C (Infinity: not pre-cooling). */
  precoolC: number;
}

/** A hottest GPU this far below its target means idle GPUs: the supply loop holds (conditional integration). */
const IDLE_BAND_K = 15;

export function createCduControl(p: CduControlParams): Controller {
  const loops: Loop[] = [];
  const watch = createAnnouncementWatch(p.prepareFor);
  let precooling = false;
  return {
    id: p.id,
    start(port, ctx) {
      for (const id of unitIds(port, "cdu", "supplyTempSetC", p.cdus, `controller ${p.id}`)) {
        const supplySet = port.setpoint(`cdu.${id}.supplyTempSetC`);
        const pumpCmd = port.setpoint(`cdu.${id}.pumpSpeedCmd`);
        loops.push({
          id,
          gpu: port.measurement(`cdu.${id}.gpuTempMaxC`),
          supply: port.measurement(`cdu.${id}.supplyTempC`),
          ret: port.measurement(`cdu.${id}.returnTempC`),
          coolantMax: port.measurement(`cdu.${id}.coolantTempMaxC`),
          supplySet,
          pumpCmd,
          // Bumpless start: from the setpoints the plant runs with.
          supplyPid: createPid({ kp: p.supplyKp, ki: p.supplyKi, outMin: p.supplyMinC, outMax: p.supplyMaxC, ratePerS: p.supplyRateKps, fallRatePerS: p.supplyFallRateKps, direct: false, filterS: p.filterS }, port.commanded(supplySet)),
          pumpPid: createPid({ kp: p.pumpKp, ki: p.pumpKi, outMin: p.pumpMinFrac, outMax: 1, ratePerS: p.pumpRateFracPerS, fallRatePerS: p.pumpFallRateFracPerS, direct: true }, port.commanded(pumpCmd)),
          supplyAtLimit: false,
          pumpAtLimit: false,
          stale: false,
          precoolC: Infinity,
        });
      }
      watch.start(port);
      ctx.decide("start", loops.length, `CDUs ${loops.map((l) => l.id).join(", ")}: GPU target ${p.gpuTargetC} °C (supply ${p.supplyMinC}-${p.supplyMaxC} °C), rise target ${p.riseTargetK} K (pump ≥ ${p.pumpMinFrac})`);
    },
    step(port, ctx) {
      const maxAgeS = 3 * ctx.periodS;
      const near = p.prepareFor.length > 0 && watch.preparing(port, ctx.tS, p.prepareLeadS, p.prepareAfterS);
      if (near !== precooling) {
        precooling = near;
        for (const l of loops) {
          if (near) {
            l.precoolC = Math.max(p.supplyMinC, l.supplyPid.output - p.precoolK);
          } else {
            // The loop goes on from the pre-cooled setpoint, at its rate limits.
            if (l.precoolC < l.supplyPid.output) trackPid(l.supplyPid, l.precoolC);
            l.precoolC = Infinity;
          }
        }
        if (near) ctx.decide("precool", p.precoolK, `job ${p.prepareFor[watch.job]} announced to start at ${watch.startS} s: supply setpoints held ${p.precoolK} K lower`, { subject: `job:${p.prepareFor[watch.job]}` });
        else ctx.decide("precool_over", 0, "the announced start and its ramp are over: the supply loops take over");
      }
      for (const l of loops) {
        if (!fresh(port, l.gpu, maxAgeS) || !fresh(port, l.coolantMax, maxAgeS)) {
          // Before the plant's first thermal step nothing has been measured yet: wait silently.
          if (!l.stale && Number.isFinite(port.ageS(l.gpu))) ctx.decide("hold", l.supplyPid.output, `cdu.${l.id}: measurements not fresh, outputs held`);
          l.stale = true;
          continue;
        }
        l.stale = false;
        // Idle GPUs (far below target) say nothing about the water the work needs: hold the setpoint.
        const gpuC = port.read(l.gpu);
        const idle = gpuC < p.gpuTargetC - IDLE_BAND_K;
        const loopC = idle ? l.supplyPid.output : stepPid(l.supplyPid, p.gpuTargetC, gpuC, ctx.periodS);
        const supplyC = loopC < l.precoolC ? loopC : l.precoolC;
        port.write(l.supplySet, supplyC);
        const riseK = port.read(l.coolantMax) - port.read(l.supply);
        const speed = idle ? l.pumpPid.output : stepPid(l.pumpPid, p.riseTargetK, riseK, ctx.periodS);
        port.write(l.pumpCmd, speed);
        const supplyLimit = supplyC <= p.supplyMinC || supplyC >= p.supplyMaxC;
        if (supplyLimit !== l.supplyAtLimit) {
          l.supplyAtLimit = supplyLimit;
          ctx.decide(supplyLimit ? "supply_at_limit" : "supply_in_range", supplyC, `cdu.${l.id}: hottest GPU ${port.read(l.gpu).toFixed(1)} °C against ${p.gpuTargetC} °C`);
        }
        const pumpLimit = speed <= p.pumpMinFrac || speed >= 1;
        if (pumpLimit !== l.pumpAtLimit) {
          l.pumpAtLimit = pumpLimit;
          ctx.decide(pumpLimit ? "pump_at_limit" : "pump_in_range", speed, `cdu.${l.id}: rise ${riseK.toFixed(2)} K against ${p.riseTargetK} K`);
        }
      }
    },
    finish(_port, ctx) {
      for (const l of loops) ctx.decide("final", l.supplyPid.output, `cdu.${l.id}: supply setpoint ${l.supplyPid.output.toFixed(2)} °C, pump ${l.pumpPid.output.toFixed(3)}`);
    },
  };
}
