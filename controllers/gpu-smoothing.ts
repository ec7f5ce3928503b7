import type { Controller, ControllerContext } from "../engine/controller.js";
import { QUALITY_OK, type PlantPort } from "../engine/port.js";
import { createAnnouncementWatch } from "./announcements.js";

/**
 * GPU power smoothing, as site software applies it through the GPU management interface (NVML
 * power-smoothing profiles: PERCENT_TMP_FLOOR, RAMP_UP_RATE, RAMP_DOWN_RATE, RAMP_DOWN_HYSTERESIS;
 * docs/physics-sources.md §1.4). For each GPU group it enables smoothing with a floor and ramp limits.
 *
 * - static: writes the profile once at start.
 * - adaptive: watches the PCC power's peak-to-peak swing over `windowS` and moves the floor by
 *   `floorStepFrac` per window: up while the swing exceeds `targetSwingW`, down (to save the energy
 *   the floor burns) while it is below 70 % of the target; never outside [floorMinFrac, floorMaxFrac].
 *   When the PCC measurement is not fresh (quality not ok, or older than two periods) it holds the
 *   floor where it is and logs it once: no decision on stale data.
 * - on announcement (`prepareFor` jobs): the profile is on only from `prepareLeadS` before a watched
 *   job's announced start until `prepareAfterS` after its announced ramp; smoothing is off otherwise
 *   (the floor burns energy), so a job's start edge is smoothed when it was announced.
 */
export interface GpuSmoothingParams {
  id: string;
  groups: readonly string[];
  mode: "static" | "adaptive";
  floorFrac: number;
  rampUpWps: number;
  rampDownWps: number;
  holdS: number;
  targetSwingW: number;
  windowS: number;
  floorMinFrac: number;
  floorMaxFrac: number;
  floorStepFrac: number;
  /** Jobs whose announced starts switch the profile on (none: always on). */
  prepareFor: readonly string[];
  prepareLeadS: number;
  prepareAfterS: number;
}

/** Rounds a fraction to 1e-9 so repeated steps (0.05 + 0.05 + ...) give clean values in the log. */
function roundFrac(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

/** Share of the target below which the adaptive mode lowers the floor (hysteresis band). */
const LOWER_BELOW_FRAC = 0.7;

export function createGpuSmoothing(p: GpuSmoothingParams): Controller {
  const floorHandles: number[] = [];
  const onHandles: number[] = [];
  const watch = createAnnouncementWatch(p.prepareFor);
  const onlyWhenAnnounced = p.prepareFor.length > 0;
  let on = !onlyWhenAnnounced;
  let pcc = -1;
  // The floor and the swing window's state, in a typed array: a double in a closure variable is a new
  // heap number on every store (issue #17). [floor, window min W, window max W, window start s]
  const st = Float64Array.of(p.floorFrac, Infinity, -Infinity, 0);
  const FLOOR = 0;
  const MIN_W = 1;
  const MAX_W = 2;
  const START_S = 3;
  let holding = false;

  const writeFloor = (port: PlantPort) => {
    for (const h of floorHandles) port.write(h, st[FLOOR]!!);
  };

  return {
    id: p.id,
    start(port, ctx) {
      for (const group of p.groups) {
        onHandles.push(port.setpoint(`gpu.${group}.smoothingOn`));
        port.write(onHandles[onHandles.length - 1]!, on ? 1 : 0);
        port.write(port.setpoint(`gpu.${group}.rampUpWps`), p.rampUpWps);
        port.write(port.setpoint(`gpu.${group}.rampDownWps`), p.rampDownWps);
        port.write(port.setpoint(`gpu.${group}.holdS`), p.holdS);
        floorHandles.push(port.setpoint(`gpu.${group}.floorFrac`));
      }
      pcc = port.measurement("pcc.powerW");
      watch.start(port);
      writeFloor(port);
      st[START_S] = ctx.tS;
      if (on) ctx.decide("enable_smoothing", st[FLOOR]!, `${p.mode} profile on ${p.groups.join(", ")}: floor ${st[FLOOR]!}, ramps +${p.rampUpWps}/-${p.rampDownWps} W/s, hold ${p.holdS} s`);
      else ctx.decide("smoothing_standby", st[FLOOR]!, `${p.mode} profile on ${p.groups.join(", ")} from ${p.prepareLeadS} s before an announced start of ${p.prepareFor.join(", ")} until ${p.prepareAfterS} s after its ramp`);
    },
    step(port, ctx: ControllerContext) {
      if (onlyWhenAnnounced) {
        const near = watch.preparing(port, ctx.tS, p.prepareLeadS, p.prepareAfterS);
        if (near !== on) {
          on = near;
          for (const h of onHandles) port.write(h, on ? 1 : 0);
          if (on) ctx.decide("enable_smoothing", st[FLOOR]!, `job ${p.prepareFor[watch.job]} announced to start at ${watch.startS} s: profile on (floor ${st[FLOOR]!})`, { subject: `job:${p.prepareFor[watch.job]}` });
          else ctx.decide("disable_smoothing", 0, "the announced start and its ramp are over: profile off");
        }
        if (!on) return;
      }
      if (p.mode !== "adaptive") return;
      const fresh = port.quality(pcc) === QUALITY_OK && port.ageS(pcc) <= 2 * ctx.periodS;
      if (!fresh) {
        if (!holding) ctx.decide("hold_floor", st[FLOOR]!, "PCC power measurement not fresh: floor held");
        holding = true;
        st[MIN_W] = Infinity;
        st[MAX_W] = -Infinity;
        st[START_S] = ctx.tS;
        return;
      }
      holding = false;
      const powerW = port.read(pcc);
      if (powerW < st[MIN_W]!) st[MIN_W] = powerW;
      if (powerW > st[MAX_W]!) st[MAX_W] = powerW;
      if (ctx.tS - st[START_S]! + 1e-9 < p.windowS) return;
      const swingW = st[MAX_W]! - st[MIN_W]!;
      st[MIN_W] = Infinity;
      st[MAX_W] = -Infinity;
      st[START_S] = ctx.tS;
      if (swingW > p.targetSwingW && st[FLOOR]! < p.floorMaxFrac) {
        st[FLOOR] = Math.min(p.floorMaxFrac, roundFrac(st[FLOOR]! + p.floorStepFrac));
        writeFloor(port);
        ctx.decide("raise_floor", st[FLOOR]!, `PCC swing ${Math.round(swingW)} W over ${p.windowS} s exceeds target ${p.targetSwingW} W`);
      } else if (swingW < LOWER_BELOW_FRAC * p.targetSwingW && st[FLOOR]! > p.floorMinFrac) {
        st[FLOOR] = Math.max(p.floorMinFrac, roundFrac(st[FLOOR]! - p.floorStepFrac));
        writeFloor(port);
        ctx.decide("lower_floor", st[FLOOR]!, `PCC swing ${Math.round(swingW)} W is below ${LOWER_BELOW_FRAC} × target ${p.targetSwingW} W`);
      }
    },
    finish(port, ctx) {
      ctx.decide("final_floor", st[FLOOR]!, "floor at the end of the run");
    },
  };
}
