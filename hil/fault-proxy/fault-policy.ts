import { createRng } from "../../models/lib/rng.js";
import { type Fault, NO_FAULT } from "./fault.js";
import { emptyFaultProxyStats, type FaultProxyStats } from "./fault-stats.js";

/** What to do with a request from the client. */
export type RequestAction = "forward" | "swallow" | "exception";
/** What to do with a reply from the server (`delayMs` of `pass` is the time to hold it, 0 for none). */
export type ReplyAction = "pass" | "drop" | "corrupt";

/**
 * The decisions both transports share, and their counts: one place owns the active fault, the
 * seeded stream that picks which replies `drop-replies` loses, and the stats. A transport frames
 * the bytes, asks here, and carries the decision out.
 *
 * The stream is drawn once per reply while `drop-replies` is active and is never reset, so a run
 * with the same seed and the same sequence of replies loses the same ones.
 */
export interface FaultPolicy {
  readonly fault: Fault;
  readonly stats: FaultProxyStats;
  /** Makes `f` active (null: none). */
  set(f: Fault | null): void;
  /** Decides about one request frame (counts it). */
  request(): RequestAction;
  /** Decides about one reply frame from the server (counts it). */
  reply(): ReplyAction;
  /** Hold time for a reply that passes, ms (0 unless `delay` is active). */
  replyDelayMs(): number;
}

/** Creates the policy with no fault active; `seed` seeds `drop-replies`. */
export function createFaultPolicy(seed: number): FaultPolicy {
  const rng = createRng(seed, "fault-proxy/drop-replies");
  const stats = emptyFaultProxyStats();
  let fault: Fault = NO_FAULT;
  return {
    get fault() {
      return fault;
    },
    stats,
    set(f) {
      fault = f ?? NO_FAULT;
    },
    request() {
      stats.requests++;
      switch (fault.kind) {
        case "drop":
          stats.drop.framesSwallowed++;
          return "swallow";
        case "exception":
          return "exception";
        default:
          stats.forwarded++;
          return "forward";
      }
    },
    reply() {
      stats.serverReplies++;
      switch (fault.kind) {
        case "drop":
          stats.drop.framesSwallowed++;
          return "drop";
        case "drop-replies":
          if (rng.uniform() < fault.probability) {
            stats.dropReplies.dropped++;
            return "drop";
          }
          stats.dropReplies.passed++;
          return "pass";
        case "corrupt":
          stats.corrupt.replies++;
          return "corrupt";
        case "delay":
          stats.delay.replies++;
          stats.delay.totalAddedMs += fault.delayMs;
          return "pass";
        default:
          return "pass";
      }
    },
    replyDelayMs() {
      return fault.kind === "delay" ? fault.delayMs : 0;
    },
  };
}
