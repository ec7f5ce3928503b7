import { createEventLog, realTimeRunRow } from "../run-record.js";
import type { KpiRow } from "../../engine/kpis/kpi-row.js";
import type { WorkloadInputs } from "../../engine/plant/workload-factory.js";
import type { Scenario } from "../../engine/scenario/scenario-types.js";
import { createSimulation } from "../../engine/simulation.js";
import type { Chunk, Sink } from "../../engine/sinks/sink.js";
import { createResultWriter } from "../result-writer.js";
import { createHilRecorder } from "../hil-recorder.js";
import type { WallClock } from "../pace.js";
import { createPduHandler, type ServedPdu } from "./pdu.js";
import { createServedDevices, type ServeClock, type ServedDeviceSpec, type ServedDevices } from "./served-devices.js";
import type { ServedUnit } from "./served-unit.js";

/** How the served twin keeps time: the wall clock (×1 or ×N), or one period per client advance. */
export type Pace = { kind: "realtime"; factor: number } | { kind: "lockstep" };

/** A started transport (TCP server, RTU server). */
export interface Transport {
  readonly name: string;
  close(): Promise<void>;
}

/** Starts the transports once the units exist; `event` records connection and framing events. */
export type StartTransports = (pdu: ServedPdu, units: readonly ServedUnit[], event: (source: string, kind: string, detail: string) => void) => Promise<Transport[]>;

export interface ServeRunOptions {
  /** The scenario as served: controllers moved to the wire already removed, batteries simulated. */
  scenario: Scenario;
  runId: string;
  scenarioName: string;
  devices: readonly ServedDeviceSpec[];
  pace: Pace;
  /** Served period: the twin advances this much per cycle (and per lockstep advance), s. */
  periodS: number;
  startTransports: StartTransports;
  sink: Sink;
  inputs: WorkloadInputs;
  clock: WallClock;
  stop: AbortSignal;
  engineVersion: string;
  nodeVersion: string;
  isoNow: () => string;
  /** Told once the transports listen (the CLI prints where, tests start clients). */
  onListening?: (served: ServedDevices) => void;
  /** Moved controllers, for the runs table. */
  movedControllers: readonly string[];
  /**
   * The device's own response time to a served setpoint, s: the moved controllers' actuation
   * latency (the scenario's model of the inverter's response), so a served write acts as the same
   * write made in-process would; the wire's own latency comes on top in realtime.
   */
  actuationLatencyS: number;
}

export interface ServeSummary {
  periods: number;
  overruns: number;
  simulatedS: number;
  wallS: number;
  stopped: boolean;
  writes: { accepted: number; refused: number };
  kpis: KpiRow[];
  warnings: readonly string[];
}

/** Twin ticks per results chunk: results are written while serving, a chunk at a time. */
const SERVE_CHUNK_TICKS = 1500;

/**
 * Serves a scenario as Modbus devices: each cycle applies the setpoints clients wrote, advances
 * the twin one period and publishes the new measurements into the registers. Realtime cycles start
 * at absolute deadlines (period / factor apart); a period that ends after the next deadline is an
 * overrun, counted and recorded (twin.overruns on the wire, `missed` in hil_cycles), and the twin
 * then runs the periods it owes back to back, so simulated time keeps up with the wall clock.
 * Lockstep cycles run only when a client writes the next period number to the advance register;
 * that write is answered after the period, so a slow client is never outrun. Results are the
 * simulation's tables plus hil_cycles (one row per period) and hil_io (every write, accepted or
 * refused, with the client's address), committed as one run at the end or on Ctrl-C.
 */
export async function runServe(o: ServeRunOptions): Promise<ServeSummary> {
  const { scenario, clock } = o;
  const dtS = scenario.dtS;
  const periodTicks = Math.max(1, Math.round(o.periodS / dtS));
  const periodS = periodTicks * dtS;
  const sim = createSimulation(scenario, o.runId, { inputs: o.inputs, chunkTicks: SERVE_CHUNK_TICKS, deferFinish: true });

  const events = createEventLog();
  const event = (source: string, kind: string, value: number, detail: string) => events.add(sim.k * dtS, source, kind, value, detail);

  let wake: (() => void) | undefined;
  let advanced: (() => void)[] = [];
  const state = { periods: 0, overruns: 0 };
  const serveClock: ServeClock = {
    pace: o.pace.kind === "lockstep" ? "lockstep" : o.pace.factor === 1 ? "realtime" : "accelerated",
    periodS,
    get periods() {
      return state.periods;
    },
    get simTimeS() {
      return sim.k * dtS;
    },
    get overruns() {
      return state.overruns;
    },
    get done() {
      return sim.k >= sim.totalTicks;
    },
    advance: () =>
      new Promise<void>((resolve) => {
        advanced.push(resolve);
        wake?.();
      }),
  };
  let accepted = 0;
  let refused = 0;
  let deviceNames: string[] = [];
  let recorder: ReturnType<typeof createHilRecorder> | undefined;
  const pending: Parameters<NonNullable<typeof recorder>["io"]>[] = [];
  const served = createServedDevices({
    devices: o.devices,
    port: sim.port,
    clock: serveClock,
    nominalHz: scenario.frequency?.nominal ?? 50,
    version: o.engineVersion,
    serialNumber: o.runId,
    record: {
      write(device, point, value, outcome, detail, client) {
        if (outcome === "accepted") accepted++;
        else refused++;
        const row: Parameters<NonNullable<typeof recorder>["io"]> = [sim.k * dtS, state.periods, deviceIndex(device), pointIndex(point), "write", value, outcome, Number.NaN, Number.NaN, detail, undefined, undefined, client];
        if (recorder === undefined) pending.push(row);
        else recorder.io(...row);
      },
      event,
    },
  });
  deviceNames = [...new Set([...o.devices.map((d) => d.name), ...served.units.map((u) => u.name)])];
  const points = new Map(served.names.map((n, i) => [n, i]));
  const deviceIndex = (name: string) => {
    const i = deviceNames.indexOf(name);
    return i >= 0 ? i : deviceNames.length - 1;
  };
  const pointIndex = (name: string) => points.get(name) ?? 0;
  deviceNames.push("(unknown unit)");
  recorder = createHilRecorder(o.runId, deviceNames, served.names);
  for (const row of pending) recorder.io(...row);
  for (const w of served.warnings) event("serve", "served_without_source", 0, w);

  const pdu = createPduHandler(served.units, served.gate, { vendor: "dctwin", product: scenario.name, version: o.engineVersion });
  served.publish();
  await o.sink.beginRun(o.runId);
  const transports = await o.startTransports(pdu, served.units, (source, kind, detail) => event(source, kind, 0, detail));
  o.onListening?.(served);
  const wallStartMs = clock.nowMs();
  // Results are written behind the loop (hil/result-writer.ts), so a period never waits for the sink.
  const writer = createResultWriter(o.sink);
  const write = async (chunks: readonly Chunk[]) => {
    writer.submit(chunks);
    await writer.settle();
  };
  const pendingChunks: Chunk[] = [];
  o.stop.addEventListener("abort", () => wake?.(), { once: true });
  const waitForAdvance = () =>
    new Promise<void>((resolve) => {
      if (advanced.length > 0 || o.stop.aborted) return resolve();
      wake = resolve;
    });
  const latencyTicks = Math.round(o.actuationLatencyS / dtS);
  /** One period: setpoints in (stamped at the period's first tick, as an in-process controller's), twin forward, measurements out. */
  const runPeriod = () => {
    sim.port.beginTick(sim.k);
    sim.port.setLatencyTicks(latencyTicks);
    served.apply();
    const target = Math.min(sim.totalTicks, sim.k + periodTicks);
    while (sim.k < target) pendingChunks.push(...sim.advanceBy(target - sim.k));
    state.periods++;
    served.publish();
  };
  try {
    const wallPeriodMs = o.pace.kind === "lockstep" ? 0 : (periodS * 1000) / o.pace.factor;
    const t0 = clock.nowMs();
    let n = 0;
    while (sim.k < sim.totalTicks && !o.stop.aborted) {
      let planned: number;
      if (o.pace.kind === "lockstep") {
        await waitForAdvance();
        wake = undefined;
        if (o.stop.aborted) break;
        planned = clock.nowMs();
      } else {
        planned = t0 + n * wallPeriodMs;
        await clock.sleepUntil(planned);
      }
      const start = clock.nowMs();
      const tS = sim.k * dtS;
      runPeriod();
      const computed = clock.nowMs();
      const waiting = advanced;
      advanced = [];
      for (const resolve of waiting) resolve();
      const miss = o.pace.kind !== "lockstep" && computed > planned + wallPeriodMs;
      if (miss) state.overruns++;
      recorder.cycle(tS, n, planned - wallStartMs, start - wallStartMs, 0, computed - start, 0, miss, 0, false);
      n++;
      if (pendingChunks.length > 0) {
        const chunks = pendingChunks.splice(0, pendingChunks.length);
        writer.submit(chunks, () => sim.release(chunks));
      }
      writer.submit(recorder.drain(false));
      if (writer.failed !== undefined) throw writer.failed;
      const room = writer.room(8);
      if (room !== undefined) await room;
    }
    // The run is closed after the last period's timing (deferFinish): closing it (KPIs, spectra)
    // is not an overrun of the last period.
    const stopped = sim.k < sim.totalTicks;
    // Let the last advance's reply leave before the transports close.
    for (const resolve of advanced) resolve();
    await new Promise((r) => setTimeout(r, 50));
    for (const t of transports) await t.close();
    const last = sim.stop();
    await write(last);
    await write(recorder.drain(true));
    await write([events.chunk(o.runId)]);
    const wallS = (clock.nowMs() - wallStartMs) / 1000;
    await o.sink.endRun(
      realTimeRunRow({
        runId: o.runId,
        scenario: o.scenarioName,
        paramsJson: JSON.stringify({ serve: { devices: o.devices.map((d) => `${d.name}:${d.profile.name}`), pace: o.pace, periodS, moved: o.movedControllers } }),
        seed: scenario.seed,
        dtS,
        ticks: sim.k,
        engineVersion: o.engineVersion,
        nodeVersion: o.nodeVersion,
        startedAt: o.isoNow(),
        wallS,
      }),
    );
    return {
      periods: state.periods,
      overruns: state.overruns,
      simulatedS: sim.k * dtS,
      wallS,
      stopped,
      writes: { accepted, refused },
      kpis: sim.kpis(),
      warnings: served.warnings,
    };
  } catch (error) {
    for (const t of transports) await t.close().catch(() => undefined);
    await writer.settle().catch(() => undefined);
    await o.sink.abortRun(o.runId);
    throw error;
  }
}
