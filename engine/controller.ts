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
  /**
   * Appends a decision to the run's audit (the `decisions` table; rare events only: mode changes,
   * new targets, a job started or deferred). `detail` says what the decision weighed (docs/audit.md);
   * the engine adds the grid signals in force, numbers the row and chains its hash: a controller
   * never hashes. Call it from start, step or finish.
   */
  decide(action: string, value: number, reason: string, detail?: DecisionDetail): void;
}

/**
 * What a decision weighed, for the audit. Every field is optional; a controller that gives none
 * still gets a chained row with the signals in force. Built only when deciding (rare), so its
 * allocation does not matter; the engine serialises it at once (later changes to the object do not
 * reach the record).
 */
export interface DecisionDetail {
  /** Kind of decision, e.g. `cap`, `start`, `defer`, `mode` (default: the action). */
  type?: string;
  /** What it acts on, e.g. `cap:train-a`, `job:ft-7`, `battery:bess1` ('' when none). */
  subject?: string;
  /** Inputs it saw beyond the grid signals the engine adds: measurements, forecast summaries (`carbon.min24h`). */
  inputs?: Readonly<Record<string, number | string>>;
  /** Constraints evaluated and their outcome. */
  constraints?: readonly DecisionConstraint[];
  /** Options weighed, with their predicted cost and carbon; `chosen` marks the one taken. */
  alternatives?: readonly DecisionAlternative[];
  /** Predicted saving of the choice against the reference alternative, in the price's currency. */
  savingCost?: number;
  /** Predicted carbon saving of the choice against the reference alternative, kg CO2. */
  savingCarbonKg?: number;
}

export interface DecisionConstraint {
  name: string;
  ok: boolean;
  detail?: string;
}

export interface DecisionAlternative {
  option: string;
  /** Predicted cost, in the currency of the run's price signal. */
  cost?: number;
  /** Predicted emissions, kg CO2. */
  carbonKg?: number;
  chosen?: boolean;
  note?: string;
}
