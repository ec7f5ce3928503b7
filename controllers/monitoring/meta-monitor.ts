/**
 * Meta monitoring: separates a passing blip from a persistent change in a deviation score D, for
 * many entities at once (racks, rows). Per entity, an exponential moving average of D, and a state:
 *
 * - NORMAL: D and its average at or below tau_fast.
 * - TRANSIENT: D or its average above tau_fast, not (yet) persistent: a blip, or the start of a change.
 * - PERSISTENT: the average has stayed above tau_persist for `persistSteps` steps in a row. It
 *   stays persistent until the average falls back below tau_fast (hysteresis: a score hovering
 *   around tau_persist does not make the state chatter).
 *
 * All state is in typed arrays: a step allocates nothing.
 *
 * Example: const m = createMetaMonitor(72, { tauFast: 2.1, tauPersist: 2.6, alpha: 0.2, persistSteps: 6 });
 *          m.step(rack, d); m.state[rack] === PERSISTENT.
 */
export const NORMAL = 0;
export const TRANSIENT = 1;
export const PERSISTENT = 2;
export const MONITOR_STATE_NAMES = ["normal", "transient", "persistent"] as const;

export interface MetaMonitorOptions {
  tauFast: number;
  tauPersist: number;
  /** Weight of the newest D in the average, 0 < alpha ≤ 1. */
  alpha: number;
  /** Steps the average must stay above tau_persist before the state is persistent (≥ 1). */
  persistSteps: number;
}

export interface MetaMonitor {
  readonly ema: Float64Array;
  readonly state: Uint8Array;
  /** Consecutive steps with the average above tau_persist. */
  readonly above: Int32Array;
  /** Feeds entity i's score; returns its new state. */
  step(i: number, d: number): number;
}

export function createMetaMonitor(entities: number, o: MetaMonitorOptions): MetaMonitor {
  if (!(o.alpha > 0 && o.alpha <= 1)) throw new RangeError(`createMetaMonitor: alpha ${o.alpha} is not in (0, 1]`);
  if (!(o.tauPersist >= o.tauFast)) throw new RangeError(`createMetaMonitor: tauPersist ${o.tauPersist} is below tauFast ${o.tauFast}`);
  if (!(Number.isInteger(o.persistSteps) && o.persistSteps >= 1)) throw new RangeError(`createMetaMonitor: persistSteps ${o.persistSteps} is not an integer ≥ 1`);
  const ema = new Float64Array(entities);
  const state = new Uint8Array(entities);
  const above = new Int32Array(entities);
  const started = new Uint8Array(entities);
  const { tauFast, tauPersist, alpha, persistSteps } = o;
  return {
    ema,
    state,
    above,
    step(i, d) {
      // The average starts at the first score (not at 0, which would hide a change present from the start).
      const e = started[i] === 1 ? ema[i]! + alpha * (d - ema[i]!) : d;
      started[i] = 1;
      ema[i] = e;
      above[i] = e > tauPersist ? above[i]! + 1 : 0;
      if (state[i] === PERSISTENT) {
        if (e < tauFast) state[i] = d > tauFast ? TRANSIENT : NORMAL;
      } else if (above[i]! >= persistSteps) {
        state[i] = PERSISTENT;
      } else {
        state[i] = d > tauFast || e > tauFast ? TRANSIENT : NORMAL;
      }
      return state[i]!;
    },
  };
}
