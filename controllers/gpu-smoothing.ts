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
  let floorFrac = p.floorFrac;
  let windowMinW = Infinity;
  let windowMaxW = -Infinity;
  let windowStartS = 0;
  let holding = false;

  const writeFloor = (port: PlantPort) => {
    for (const h of floorHandles) port.write(h, floorFrac);
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
      windowStartS = ctx.tS;
      if (on) ctx.decide("enable_smoothing", floorFrac, `${p.mode} profile on ${p.groups.join(", ")}: floor ${floorFrac}, ramps +${p.rampUpWps}/-${p.rampDownWps} W/s, hold ${p.holdS} s`);
      else ctx.decide("smoothing_standby", floorFrac, `${p.mode} profile on ${p.groups.join(", ")} from ${p.prepareLeadS} s before an announced start of ${p.prepareFor.join(", ")} until ${p.prepareAfterS} s after its ramp`);
    },
    step(port, ctx: ControllerContext) {
      if (onlyWhenAnnounced) {
        const near = watch.preparing(port, ctx.tS, p.prepareLeadS, p.prepareAfterS);
        if (near !== on) {
          on = near;
          for (const h of onHandles) port.write(h, on ? 1 : 0);
          if (on) ctx.decide("enable_smoothing", floorFrac, `job ${p.prepareFor[watch.job]} announced to start at ${watch.startS} s: profile on (floor ${floorFrac})`, { subject: `job:${p.prepareFor[watch.job]}` });
          else ctx.decide("disable_smoothing", 0, "the announced start and its ramp are over: profile off");
        }
        if (!on) return;
      }
      if (p.mode !== "adaptive") return;
      const fresh = port.quality(pcc) === QUALITY_OK && port.ageS(pcc) <= 2 * ctx.periodS;
      if (!fresh) {
        if (!holding) ctx.decide("hold_floor", floorFrac, "PCC power measurement not fresh: floor held");
        holding = true;
        windowMinW = Infinity;
        windowMaxW = -Infinity;
        windowStartS = ctx.tS;
        return;
      }
      holding = false;
      const powerW = port.read(pcc);
      if (powerW < windowMinW) windowMinW = powerW;
      if (powerW > windowMaxW) windowMaxW = powerW;
      if (ctx.tS - windowStartS + 1e-9 < p.windowS) return;
      const swingW = windowMaxW - windowMinW;
      windowMinW = Infinity;
      windowMaxW = -Infinity;
      windowStartS = ctx.tS;
      if (swingW > p.targetSwingW && floorFrac < p.floorMaxFrac) {
        floorFrac = Math.min(p.floorMaxFrac, roundFrac(floorFrac + p.floorStepFrac));
        writeFloor(port);
        ctx.decide("raise_floor", floorFrac, `PCC swing ${Math.round(swingW)} W over ${p.windowS} s exceeds target ${p.targetSwingW} W`);
      } else if (swingW < LOWER_BELOW_FRAC * p.targetSwingW && floorFrac > p.floorMinFrac) {
        floorFrac = Math.max(p.floorMinFrac, roundFrac(floorFrac - p.floorStepFrac));
        writeFloor(port);
        ctx.decide("lower_floor", floorFrac, `PCC swing ${Math.round(swingW)} W is below ${LOWER_BELOW_FRAC} × target ${p.targetSwingW} W`);
      }
    },
    finish(port, ctx) {
      ctx.decide("final_floor", floorFrac, "floor at the end of the run");
    },
  };
}
