import { UserError } from "../../models/lib/errors.js";
import { fromQuantity } from "../../models/lib/units.js";

/**
 * One fault the proxy injects between a Modbus client and its server (issue #12). One is active at
 * a time, switchable at run time:
 * - `none`: forward everything unchanged;
 * - `drop`: the link is down (TCP: client connections closed, new ones refused; RTU: every byte swallowed);
 * - `delay`: every reply reaches the client `delayMs` later than the server sent it;
 * - `drop-replies`: each reply is lost with `probability` (0-1; the proxy's seeded stream decides);
 * - `corrupt`: replies arrive damaged (RTU: both CRC bytes flipped; TCP: the PDU cut to half its length);
 * - `exception`: the proxy answers every request itself with Modbus exception `code`, forwarding nothing.
 */
export type Fault =
  | { kind: "none" }
  | { kind: "drop" }
  | { kind: "delay"; delayMs: number }
  | { kind: "drop-replies"; probability: number }
  | { kind: "corrupt" }
  | { kind: "exception"; code: number };

export type FaultKind = Fault["kind"];

export const FAULT_KINDS: readonly FaultKind[] = ["none", "drop", "delay", "drop-replies", "corrupt", "exception"];

/** The fault that changes nothing. */
export const NO_FAULT: Fault = Object.freeze({ kind: "none" });

/** Longest delay accepted, ms: beyond a minute every client has long given up. */
export const MAX_DELAY_MS = 60_000;

const EXPECTED = `one of none, drop, delay=DURATION (e.g. delay=200ms), drop-replies=P (0-1 or %, e.g. drop-replies=0.5), corrupt, exception=CODE (1-255, e.g. exception=4)`;

/**
 * Parses a fault as the command line and stdin write it: `drop`, `delay=200ms` or `delay 200ms`,
 * `drop-replies=0.5` (or `50%`), `corrupt`, `exception=4`, `none`. `what` names the source in
 * errors (`--schedule entry 2`, `stdin`). A delay needs a unit (a bare `200` is ambiguous).
 *
 * Example: fromFault("delay 200ms", "stdin") → { kind: "delay", delayMs: 200 }.
 */
export function fromFault(text: string, what: string): Fault {
  const trimmed = text.trim();
  const m = /^([a-z-]+)(?:\s*=\s*|\s+)?(.*)$/i.exec(trimmed);
  const bad = (why?: string) => new UserError(`${what}: got ${JSON.stringify(text)}, expected ${why ?? EXPECTED}`);
  if (m === null) throw bad();
  const kind = m[1]!.toLowerCase();
  const arg = m[2]!.trim();
  const noArg = (f: Fault): Fault => {
    if (arg !== "") throw bad(`${kind} without a value`);
    return f;
  };
  switch (kind) {
    case "none":
      return noArg(NO_FAULT);
    case "drop":
      return noArg({ kind: "drop" });
    case "corrupt":
      return noArg({ kind: "corrupt" });
    case "delay": {
      const s = /[a-z]\s*$/i.test(arg) ? fromQuantity(arg, "duration") : undefined;
      if (s === undefined || !(s >= 0) || s * 1000 > MAX_DELAY_MS) throw bad(`delay=DURATION with a unit, 0 to ${MAX_DELAY_MS / 1000}s, e.g. delay=200ms`);
      return { kind: "delay", delayMs: s * 1000 };
    }
    case "drop-replies": {
      const p = arg === "" ? undefined : fromQuantity(arg, "fraction");
      if (p === undefined || !(p >= 0 && p <= 1)) throw bad("drop-replies=P with P from 0 to 1 (or 0-100%), e.g. drop-replies=0.5");
      return { kind: "drop-replies", probability: p };
    }
    case "exception": {
      const code = Number(arg);
      if (!/^\d+$/.test(arg) || code < 1 || code > 255) throw bad("exception=CODE with CODE a Modbus exception code 1-255, e.g. exception=4 (server device failure)");
      return { kind: "exception", code };
    }
    default:
      throw bad();
  }
}

/**
 * Renders a fault as fromFault reads it.
 * Example: toFaultText({ kind: "drop-replies", probability: 0.5 }) → "drop-replies=0.5".
 */
export function toFaultText(f: Fault): string {
  switch (f.kind) {
    case "delay":
      return `delay=${f.delayMs}ms`;
    case "drop-replies":
      return `drop-replies=${f.probability}`;
    case "exception":
      return `exception=${f.code}`;
    default:
      return f.kind;
  }
}
