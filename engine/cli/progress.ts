import { formatDuration } from "./format.js";

/**
 * Progress of a long run on a terminal: simulated time, speed (simulated s per wall s) and ETA on
 * one rewritten line of stderr. Off a terminal (CI, pipes) it prints nothing per chunk, so logs
 * stay clean; callers print a final line themselves.
 */
export function createProgress(stream: NodeJS.WriteStream, label: string, nowMs: () => number) {
  const startMs = nowMs();
  let lastMs = 0;
  const live = stream.isTTY === true;
  return {
    /** Simulated seconds done and in all. */
    update(simS: number, totalS: number): void {
      if (!live) return;
      const now = nowMs();
      if (now - lastMs < 200 && simS < totalS) return;
      lastMs = now;
      const elapsedS = (now - startMs) / 1000;
      const rate = elapsedS > 0 ? simS / elapsedS : 0;
      const etaS = rate > 0 ? (totalS - simS) / rate : 0;
      const pct = ((100 * simS) / totalS).toFixed(0).padStart(3);
      stream.write(`\r${label} ${pct}%  simulated ${formatDuration(simS)} / ${formatDuration(totalS)}  ${rate.toFixed(0)}× real time  ETA ${formatDuration(etaS)}   `);
    },
    done(): void {
      if (live) stream.write("\n");
    },
  };
}
