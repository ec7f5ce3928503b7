import { UserError } from "../../models/lib/errors.js";
import { fromQuantity } from "../../models/lib/units.js";
import { type Fault, fromFault } from "./fault.js";

/** One timed fault: from `atS` after the proxy started, for `forS` (then back to none), or until the next entry when `forS` is undefined. */
export interface ScheduledFault {
  atS: number;
  fault: Fault;
  forS: number | undefined;
}

const EXPECTED_ENTRY = `"AT FAULT [FOR]", e.g. "10s drop 5s" or "20s delay=200ms 5s" (durations with units; entries separated by ";")`;

/**
 * Parses a fault schedule as `--schedule` writes it: entries `AT FAULT [FOR]` separated by `;`,
 * starting times measured from the proxy's start, in increasing order and not overlapping (an entry
 * starts after the previous one ended). A fault written with a value uses `=` (`delay=200ms`), since a
 * space would be ambiguous with FOR. `what` names the option in errors. An empty text is an empty
 * schedule.
 *
 * Example: fromFaultSchedule("10s drop 5s; 20s delay=200ms", "--schedule") →
 *   [{ atS: 10, fault: { kind: "drop" }, forS: 5 }, { atS: 20, fault: { kind: "delay", delayMs: 200 }, forS: undefined }].
 */
export function fromFaultSchedule(text: string, what: string): ScheduledFault[] {
  const out: ScheduledFault[] = [];
  const entries = text.split(";").map((e) => e.trim());
  if (entries.length === 1 && entries[0] === "") return out;
  entries.forEach((entry, i) => {
    const where = `${what} entry ${i + 1}`;
    const bad = (why: string) => new UserError(`${where}: got ${JSON.stringify(entry)}, expected ${why}`);
    const words = entry.split(/\s+/).filter((w) => w !== "");
    if (words.length < 2 || words.length > 3) throw bad(EXPECTED_ENTRY);
    const atS = duration(words[0]!);
    if (atS === undefined || atS < 0) throw bad(`a start time with a unit first, e.g. "10s", then FAULT [FOR]; ${JSON.stringify(words[0])} is not one`);
    const fault = fromFault(words[1]!, where);
    let forS: number | undefined;
    if (words.length === 3) {
      forS = duration(words[2]!);
      if (forS === undefined || !(forS > 0)) throw bad(`FOR, the fault's duration, above 0 with a unit, e.g. "5s"; ${JSON.stringify(words[2])} is not one`);
    }
    const prev = out[out.length - 1];
    if (prev !== undefined) {
      const prevEndS = prev.atS + (prev.forS ?? 0);
      if (atS <= prev.atS || atS < prevEndS) throw bad(`a start after the previous entry ${prev.forS !== undefined ? `ended (at ${prevEndS}s)` : `started (at ${prev.atS}s)`}: entries in time order, not overlapping`);
    }
    out.push({ atS, fault, forS });
  });
  return out;
}

/** A duration in seconds; the unit is required (`10` alone could be seconds or ms). */
function duration(word: string): number | undefined {
  return /[a-z]$/i.test(word) ? fromQuantity(word, "duration") : undefined;
}
