/**
 * Real-time pacing for the HIL loop: cycle n starts at t0 + n × period (absolute deadlines, so
 * nothing accumulates), reached with a coarse timer that wakes `spinMs` early and a short spin on
 * the monotonic clock, because libuv timers work in whole milliseconds and can fire up to ~1 ms
 * early (hil-notes §4: the hybrid had no early starts where a plain timer started 330 of 500
 * early). The spin costs at most `spinMs` of CPU per cycle.
 */
export interface WallClock {
  /** Monotonic time, ms (performance.now()). */
  nowMs(): number;
  /** Resolves at `deadlineMs` or just after, never before. */
  sleepUntil(deadlineMs: number): Promise<void>;
}

/** The process's monotonic clock with the timer-then-spin wait. */
export function createWallClock(spinMs = 2): WallClock {
  const nowMs = () => performance.now();
  return {
    nowMs,
    sleepUntil(deadlineMs) {
      return new Promise<void>((resolve) => {
        const spin = () => {
          while (nowMs() < deadlineMs) {
            // Busy-wait the last stretch: a timer cannot land inside a millisecond.
          }
          resolve();
        };
        const waitMs = deadlineMs - nowMs() - spinMs;
        if (waitMs > 0) setTimeout(spin, Math.floor(waitMs));
        else spin();
      });
    },
  };
}

/** What to do when a cycle ends after the next one's deadline. */
export type OverrunPolicy = "skip" | "catch-up";

/**
 * The index of the next cycle to run after cycle `n` ended at `endMs`: n + 1 with catch-up (late
 * cycles run back to back until the schedule is met), or with skip the first cycle whose deadline
 * is still ahead (the cycles in between are skipped and counted).
 *
 * Example: nextCycle(3, 0, 40, 171, "skip") === 5 (cycle 4's deadline, 160 ms, has passed).
 */
export function nextCycle(n: number, t0Ms: number, periodMs: number, endMs: number, policy: OverrunPolicy): number {
  if (policy === "catch-up") return n + 1;
  const due = Math.floor((endMs - t0Ms) / periodMs) + 1;
  return Math.max(n + 1, due);
}
