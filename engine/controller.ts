import type { KpiRow } from "./kpis/kpi-row.js";
import type { PlantPort } from "./port.js";
import type { Rng } from "../models/lib/rng.js";

/**
 * A controller is software a site could deploy: it sees points through a PlantPort, writes
 * setpoints, keeps its own state, and never touches model state. Lifecycle: start, step (every
 * `periodTicks` ticks), finish. At tick k it sees measurements of tick k-1 and its writes act from
 * tick k (plus the port's actuation latency).
 */
export interface Controller {
  readonly id: string;
  /** Resolve handles and write initial setpoints. */
  start(port: PlantPort, ctx: ControllerContext): void;
  /** One control step. Must not allocate on the hot path. */
  step(port: PlantPort, ctx: ControllerContext): void;
  /** Last chance to log a final decision. */
  finish(port: PlantPort, ctx: ControllerContext): void;
  /** The controller's own record of what it delivered, as KPIs (read after finish). */
  kpis?(): KpiRow[];
}

/** What the engine tells a controller each step: time as an integer tick, plus logging. */
export interface ControllerContext {
  /** Integer tick index. */
  k: number;
  /** Simulated time, k × dtS. */
  tS: number;
  /** Base tick, in seconds. */
  dtS: number;
  /** Controller period, in seconds. */
  periodS: number;
  /** The controller's own seeded random stream. */
  rng: Rng;
  /** Appends an entry to the decision audit log (rare events only: mode changes, new targets). */
  decide(action: string, value: number, reason: string): void;
}
