import { QUALITY_OK, type PlantPort } from "../engine/port.js";

/**
 * What infrastructure controllers need from job announcements (engine/plant/site-jobs.ts publishes
 * `job.<id>.announcedStartS`, `announcedPeakW`, `announcedBaselineW`, `announcedRampWps` from the
 * announcement on; NaN with quality error before): whether a watched job's announced start is near,
 * so a controller can prepare for it (pre-charge the battery, pre-cool, raise smoothing) and stand
 * down once the start is over. Reads only the port; no allocation per step.
 *
 * Example: const watch = createAnnouncementWatch(["pretrain"]); watch.start(port);
 *          if (watch.preparing(port, ctx.tS, 1800, 300)) …
 */
export interface AnnouncementWatch {
  /** Resolves the jobs' announcement points (call from the controller's start). */
  start(port: PlantPort): void;
  /**
   * True while now is within `leadS` before a watched job's announced start, or within `afterS`
   * after it plus its announced ramp time ((peak − baseline) ÷ ramp rate).
   */
  preparing(port: PlantPort, nowS: number, leadS: number, afterS: number): boolean;
  /** The job whose start `preparing` last found near (its index in the watched list; −1: none). */
  readonly job: number;
  /** The announced start of that job, s (NaN when none). */
  readonly startS: number;
}

export function createAnnouncementWatch(jobs: readonly string[]): AnnouncementWatch {
  const startH: number[] = [];
  const peakH: number[] = [];
  const baseH: number[] = [];
  const rampH: number[] = [];
  // [0]: the announced start found near (a typed array: a double in a closure variable is boxed on every store).
  const found = Float64Array.of(Number.NaN);
  let job = -1;
  return {
    start(port) {
      for (const id of jobs) {
        startH.push(port.measurement(`job.${id}.announcedStartS`));
        peakH.push(port.measurement(`job.${id}.announcedPeakW`));
        baseH.push(port.measurement(`job.${id}.announcedBaselineW`));
        rampH.push(port.measurement(`job.${id}.announcedRampWps`));
      }
    },
    preparing(port, nowS, leadS, afterS) {
      job = -1;
      found[0] = Number.NaN;
      for (let j = 0; j < startH.length; j++) {
        if (port.quality(startH[j]!) !== QUALITY_OK) continue;
        const startS = port.read(startH[j]!);
        const rampWps = port.read(rampH[j]!);
        const riseW = port.read(peakH[j]!) - port.read(baseH[j]!);
        const rampS = rampWps > 0 && riseW > 0 ? riseW / rampWps : 0;
        if (nowS >= startS - leadS && nowS <= startS + rampS + afterS) {
          job = j;
          found[0] = startS;
          return true;
        }
      }
      return false;
    },
    get job() {
      return job;
    },
    get startS() {
      return found[0]!;
    },
  };
}
