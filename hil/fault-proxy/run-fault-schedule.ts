import { type Fault, NO_FAULT } from "./fault.js";
import type { ScheduledFault } from "./fault-schedule.js";

/** One switch the schedule makes: at `atS` after its start, `fault` becomes active (`none` when an entry's FOR ends). */
export interface FaultChange {
  atS: number;
  fault: Fault;
  /** The entry that caused it, and whether this is its start or its end. */
  entry: ScheduledFault;
  edge: "start" | "end";
}

/**
 * The switches a schedule makes, in time order: each entry's start, and its end (back to none)
 * unless the next entry starts at that very moment.
 * Example: toFaultChanges(fromFaultSchedule("1s drop 2s; 3s corrupt", …)) → drop at 1, corrupt at 3 (no none in between).
 */
export function toFaultChanges(schedule: readonly ScheduledFault[]): FaultChange[] {
  const out: FaultChange[] = [];
  schedule.forEach((entry, i) => {
    out.push({ atS: entry.atS, fault: entry.fault, entry, edge: "start" });
    if (entry.forS === undefined) return;
    const endS = entry.atS + entry.forS;
    const next = schedule[i + 1];
    if (next === undefined || next.atS > endS) out.push({ atS: endS, fault: NO_FAULT, entry, edge: "end" });
  });
  return out;
}

/**
 * Runs a schedule from now: calls `apply` at each change's time. Each timer aims at start + atS
 * (not at the previous change plus a gap), so the switches do not drift; one that fires early
 * (libuv, hil-notes §4) is re-armed. `onDone` is called after the last change. stop() cancels what
 * is left.
 */
export function runFaultSchedule(
  schedule: readonly ScheduledFault[],
  apply: (change: FaultChange) => void,
  onDone: () => void = () => undefined,
  nowMs: () => number = () => performance.now(),
): { stop(): void } {
  const changes = toFaultChanges(schedule);
  const startMs = nowMs();
  let next = 0;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    if (next >= changes.length) {
      timer = undefined;
      onDone();
      return;
    }
    timer = setTimeout(fire, Math.max(0, Math.ceil(startMs + changes[next]!.atS * 1000 - nowMs())));
  };
  const fire = () => {
    while (next < changes.length && nowMs() >= startMs + changes[next]!.atS * 1000) apply(changes[next++]!);
    arm();
  };
  arm();
  return {
    stop() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      next = changes.length;
    },
  };
}
