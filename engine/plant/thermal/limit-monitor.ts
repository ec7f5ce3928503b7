/**
 * Violation episodes of named points against a limit: an episode starts on the first step a value
 * is beyond the limit and ends on the first step it is back; each episode is reported once, when it
 * ends (or at finish), with its start time, worst value and duration. Allocation-free per step.
 */
export interface LimitMonitor {
  /** Checks point i's value at the step starting at tS and lasting dtS. */
  check(i: number, value: number, tS: number, dtS: number): void;
  /** Reports episodes still open at tEndS. */
  finish(tEndS: number): void;
  /** Episodes reported so far and time beyond the limit, s, summed over points. */
  readonly episodes: number;
  readonly beyondS: number;
}

export function createLimitMonitor(
  names: readonly string[],
  limit: number,
  above: boolean,
  kind: string,
  unit: string,
  report: (tS: number, kind: string, value: number, detail: string) => void,
): LimitMonitor {
  const n = names.length;
  const startS = new Float64Array(n).fill(NaN);
  const worst = new Float64Array(n);
  let episodes = 0;
  let beyondS = 0;
  const close = (i: number, endS: number) => {
    episodes++;
    report(startS[i]!, kind, worst[i]!, `${names[i]}: worst ${worst[i]!.toFixed(2)} ${unit} against ${limit} ${unit} for ${(endS - startS[i]!).toFixed(0)} s`);
    startS[i] = NaN;
  };
  return {
    check(i, value, tS, dtS) {
      const beyond = above ? !(value <= limit) : value < limit;
      if (beyond) {
        beyondS += dtS;
        if (Number.isNaN(startS[i]!)) {
          startS[i] = tS;
          worst[i] = value;
        } else if (above ? value > worst[i]! : value < worst[i]!) {
          worst[i] = value;
        }
      } else if (!Number.isNaN(startS[i]!)) {
        close(i, tS);
      }
    },
    finish(tEndS) {
      for (let i = 0; i < n; i++) if (!Number.isNaN(startS[i]!)) close(i, tEndS);
    },
    get episodes() {
      return episodes;
    },
    get beyondS() {
      return beyondS;
    },
  };
}
