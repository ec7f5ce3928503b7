/**
 * Real-time pacing for the HIL loop: cycle n starts at t0 + n × period (absolute deadlines, so
 * nothing accumulates), reached with a coarse timer that wakes `spinMs` early and a short spin on
 * the monotonic clock, because libuv timers work in whole milliseconds and can fire up to ~1 ms
 * early (hil-notes §4: the hybrid had no early starts where a plain timer started 330 of 500
 * early). The spin costs at most `spinMs` of CPU per cycle.
 *
 * The spin reads the clock sparingly: every performance.now() returns a fresh heap number (16 B),
 * and a spin that reads it back to back does so ~40,000 times in 2 ms, which was ~550 KB of garbage
 * per 40 ms cycle (issue #11). It busy-waits in chunks of integer work instead, each at most
 * CHUNK_MS and at most half the time left (the work's speed is measured on every chunk), so it
 * reads the clock ~20 times per cycle and still closes on the deadline to within a microsecond
 * or so. A chunk overshoots only if the work runs more than twice as slowly as just measured (a
 * preempted chunk is late whatever the spin does); CHUNK_MS bounds the first chunk, sized from
 * the previous cycle's speed.
 */
export interface WallClock {
  /** Monotonic time, ms (performance.now()). */
  nowMs(): number;
  /** Resolves at `deadlineMs` or just after, never before. */
  sleepUntil(deadlineMs: number): Promise<void>;
  /**
   * Calls `then` at `deadlineMs` or just after, never before: the real-time loop's form, which
   * allocates nothing here (Node's timer itself allocates ~170 B per call; every libuv timer does).
   * One at a time: a second call before the first has fired replaces it.
   */
  at(deadlineMs: number, then: () => void): void;
}

/** Longest stretch of busy work between two clock reads, ms. */
const CHUNK_MS = 0.25;
/** Fewest iterations per chunk (well under a microsecond), so the speed estimate can always recover. */
const MIN_CHUNK = 16;

/** Result of the busy work, kept so the optimiser cannot drop the loop. */
let busySink = 0;
/** `n` iterations of small-integer work: no clock read, no allocation (values stay Smis). */
function busy(n: number): void {
  let x = busySink;
  for (let i = 0; i < n; i++) x = ((x ^ i) + 1) & 0xfffff;
  busySink = x;
}

/** The process's monotonic clock with the timer-then-spin wait. */
export function createWallClock(spinMs = 2): WallClock {
  const nowMs = () => performance.now();
  // Busy iterations per ms, measured on each chunk; starts low so the first chunk cannot overshoot.
  // (In a typed array: a double in a closure variable is a new heap number on every store.)
  const perMs = Float64Array.of(1000);
  // Spins to the deadline, then resolves the sleep (from here, as the timer's callback).
  const spin = (deadlineMs: number, resolve: () => void): void => {
    let t = nowMs();
    while (t < deadlineMs) {
      const n = Math.max(MIN_CHUNK, Math.floor(Math.min((deadlineMs - t) * 0.5, CHUNK_MS) * perMs[0]!));
      busy(n);
      const after = nowMs();
      // Faster than thought: at most ×4 per chunk (a preempted chunk only lowers the estimate).
      if (after > t) perMs[0] = Math.min(n / (after - t), perMs[0]! * 4);
      t = after;
    }
    resolve();
  };
  // The pending at(): its deadline (in a typed array, see perMs) and callback; one timer at a time.
  const atDeadline = new Float64Array(1);
  let atThen: () => void = () => undefined;
  let atTimer: NodeJS.Timeout | undefined;
  const atFire = () => {
    atTimer = undefined;
    spin(atDeadline[0]!, atThen);
  };
  return {
    nowMs,
    sleepUntil(deadlineMs) {
      return new Promise<void>((resolve) => {
        const waitMs = deadlineMs - nowMs() - spinMs;
        if (waitMs > 0) setTimeout(spin, Math.floor(waitMs), deadlineMs, resolve);
        else spin(deadlineMs, resolve);
      });
    },
    at(deadlineMs, then) {
      if (atTimer !== undefined) clearTimeout(atTimer);
      atDeadline[0] = deadlineMs;
      atThen = then;
      const waitMs = deadlineMs - nowMs() - spinMs;
      if (waitMs > 0) atTimer = setTimeout(atFire, Math.floor(waitMs));
      else atFire();
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
