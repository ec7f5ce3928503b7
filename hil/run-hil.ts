import { createEventLog, realTimeRunRow } from "./run-record.js";
import type { KpiRow } from "../engine/kpis/kpi-row.js";
import type { WorkloadInputs } from "../engine/plant/workload-factory.js";
import type { Scenario } from "../engine/scenario/scenario-types.js";
import { createSimulation } from "../engine/simulation.js";
import type { Chunk, Sink } from "../engine/sinks/sink.js";
import { UserError } from "../models/lib/errors.js";
import { LINK_OK } from "./bindings/modbus-link.js";
import { createDevicePort, devicePortPointNames, type DeviceBinding } from "./device-port.js";
import { createHilRecorder, CY_COMPUTE, CY_PLANNED, CY_READ, CY_START, CY_T, CY_WRITE } from "./hil-recorder.js";
import { createResultWriter } from "./result-writer.js";
import { nextCycle, type OverrunPolicy, type WallClock } from "./pace.js";

export interface HilRunOptions {
  scenario: Scenario;
  runId: string;
  /** The scenario file, for the runs table. */
  scenarioName: string;
  devices: readonly DeviceBinding[];
  /** Send writes to the devices (otherwise a dry run: decisions and would-be writes recorded, nothing sent). */
  armed: boolean;
  overrun: OverrunPolicy;
  sink: Sink;
  inputs: WorkloadInputs;
  clock: WallClock;
  /** Aborted on Ctrl-C: the loop ends after its current cycle. */
  stop: AbortSignal;
  /**
   * Lockstep with a device that advances when told (the served twin, profile `advance`): no wall
   * clock; after each cycle's writes the next period number goes to the advance register, retried
   * until it is answered (a lost reply is harmless: writing the current number changes nothing).
   */
  lockstep?: { device: DeviceBinding; unitId: number; address: number };
  engineVersion: string;
  nodeVersion: string;
  isoNow: () => string;
  /** Told after each cycle, with its number (bench/hil-alloc.ts measures a window of cycles with it). */
  onCycleEnd?: (cycle: number) => void;
}

export interface HilSummary {
  cycles: number;
  periodS: number;
  missed: number;
  skipped: number;
  latenessMs: { p50: number; p99: number; max: number; early: number };
  simulatedS: number;
  wallS: number;
  stopped: boolean;
  kpis: KpiRow[];
}

/** Result submissions the writer may hold before the loop waits for it. */
const MAX_BACKLOG = 8;

/** Twin ticks per results chunk in HIL mode: 1,500 ticks is 60 s at 40 ms, a small write. */
const HIL_CHUNK_TICKS = 1500;

/**
 * Runs a scenario's controllers in real time against devices (and the twin for everything the
 * devices do not provide): the cycle is the fastest controller's period; each cycle reads the
 * devices, advances the twin one period (its controllers see the devices through the composite
 * port), writes the setpoints, and records its timing. Results go to the same tables as a
 * simulation plus hil_cycles and hil_io, committed as one run at the end (also after Ctrl-C,
 * with every cycle so far). At the end the setpoints go to their fallbacks.
 */
export async function runHil(o: HilRunOptions): Promise<HilSummary> {
  const { scenario, clock } = o;
  if (scenario.controllers.length === 0) throw new UserError(`${o.scenarioName}: controllers: a HIL run needs at least one controller, the scenario has none`);
  const dtS = scenario.dtS;
  const periodTicks = Math.min(...scenario.controllers.map((c) => Math.round(c.period / dtS)));
  const periodS = periodTicks * dtS;
  const periodMs = periodS * 1000;
  const maxCycles = Math.ceil(scenario.ticks / periodTicks) + 1;
  const lateness = new Float64Array(maxCycles);

  const events = createEventLog();
  // The current cycle's time, s (a typed array: see the loop).
  const cycleT = new Float64Array(1);
  const event = (source: string, kind: string, value: number, detail: string) => events.add(cycleT[0]!, source, kind, value, detail);
  const recorder = createHilRecorder(o.runId, o.devices.map((d) => d.name), devicePortPointNames(o.devices));
  // In lockstep the device's time is simulated time: ages, ramp limits, write intervals and the
  // heartbeat count periods, not the wire's speed, so the run is the same however fast the link is.
  const portNowMs = o.lockstep === undefined ? clock.nowMs : () => cycleT[0]! * 1000;
  const port = createDevicePort(o.devices, { armed: o.armed, nowMs: portNowMs, recorder, event });
  for (const d of o.devices) {
    // Link events go to the events table with the device's name (the names of every device on a shared bus).
    const sharing = o.devices.filter((x) => x.link === d.link).map((x) => x.name).join("+");
    d.link.observer = (kind, detail) => event(sharing, kind, 0, detail);
  }
  // Devices on one bus share its link: open (and close) each link once.
  const links = [...new Set(o.devices.map((d) => d.link))];
  await Promise.all(links.map((l) => l.open()));
  const sim = createSimulation(scenario, o.runId, { inputs: o.inputs, devicePort: port, chunkTicks: HIL_CHUNK_TICKS, deferFinish: true });
  const wallStartMs = clock.nowMs();
  await o.sink.beginRun(o.runId);
  // Results are written behind the loop: a cycle hands its chunks over and goes on.
  const writer = createResultWriter(o.sink);
  const write = async (chunks: readonly Chunk[]) => {
    writer.submit(chunks);
    await writer.settle();
  };
  try {
    port.beginCycle(0, 0);
    await port.arm();
    const t0 = clock.nowMs() + periodMs;
    const lockstep = o.lockstep;
    // The loop runs on callbacks, one step after the other, with no promise, closure or array
    // per cycle (issue #11: garbage per cycle is GC pauses in the latency tail). Each step is a
    // function made once, and the cycle's times are kept in a typed array (a double in a closure
    // variable is a new heap number on every store).
    const times = new Float64Array(5);
    const PLANNED = 0;
    const START = 1;
    const READ = 2;
    const COMPUTED = 3;
    const CYCLE_T = 4;
    let n = 0;
    let cycles = 0;
    let missed = 0;
    let skippedTotal = 0;
    let skipped = 0;
    let advanceAttempt = 0;
    let over = false;
    const pendingChunks: Chunk[] = [];
    const advanceBuf = new Uint16Array(1);
    let endLoop: () => void = () => undefined;
    let failLoop: (error: unknown) => void = () => undefined;
    // A step that throws ends the loop with its error (it runs from a timer or a link's callback).
    const guarded = (step: () => void) => () => {
      if (over) return;
      try {
        step();
      } catch (error) {
        over = true;
        failLoop(error);
      }
    };
    // Cycles start from here: a cycle that completes without waiting (lockstep over a link that
    // answers at once) returns to this loop instead of nesting the next one inside it.
    let looping = false;
    let again = false;
    const kick = () => {
      again = true;
      if (looping) return;
      looping = true;
      while (again) {
        again = false;
        startCycle();
      }
      looping = false;
    };
    const startCycle = guarded(() => {
      if (sim.k >= sim.totalTicks || o.stop.aborted) {
        over = true;
        return endLoop();
      }
      if (lockstep !== undefined) {
        times[PLANNED] = clock.nowMs();
        return beginCycle();
      }
      times[PLANNED] = t0 + n * periodMs;
      clock.at(times[PLANNED]!, beginCycle);
    });
    const beginCycle = guarded(() => {
      times[START] = clock.nowMs();
      times[CYCLE_T] = n * periodS;
      cycleT[0] = times[CYCLE_T]!;
      port.beginCycle(n, times[CYCLE_T]!);
      port.pollThen(afterPoll);
    });
    const afterPoll = guarded(() => {
      times[READ] = clock.nowMs();
      // Advance the twin to the end of this cycle (past any skipped cycles: it keeps wall time).
      const targetK = Math.min(sim.totalTicks, (n + 1) * periodTicks);
      while (sim.k < targetK) {
        const chunks = sim.advanceBy(targetK - sim.k);
        for (let i = 0; i < chunks.length; i++) pendingChunks.push(chunks[i]!);
      }
      times[COMPUTED] = clock.nowMs();
      port.flushThen(afterFlush);
    });
    const afterFlush = guarded(() => {
      if (lockstep === undefined) return endCycle();
      advanceAttempt = 0;
      sendAdvance();
    });
    // Lockstep: the next period number goes to the advance register, retried until it is answered
    // (a lost reply is harmless: writing the current number changes nothing).
    const sendAdvance = guarded(() => {
      advanceBuf[0] = (n + 1) & 0xffff;
      lockstep!.device.link.writeRegisters(lockstep!.unitId, lockstep!.address, advanceBuf, 1, advanced);
    });
    const advanced = (code: number) => {
      if (over) return;
      try {
        if (code === LINK_OK || o.stop.aborted) return endCycle();
        const ls = lockstep!;
        event(ls.device.name, "advance_retry", code, `advance to period ${n + 1}: ${ls.device.link.lastError() || `code ${code}`}; retrying`);
        clock.at(clock.nowMs() + Math.min(1000, 50 * 2 ** Math.min(advanceAttempt++, 5)), sendAdvance);
      } catch (error) {
        over = true;
        failLoop(error);
      }
    };
    const row = recorder.cycleNumbers;
    const endCycle = guarded(() => {
      const end = clock.nowMs();
      lateness[cycles] = times[START]! - times[PLANNED]!;
      const miss = lockstep === undefined && end > times[PLANNED]! + periodMs;
      if (miss) missed++;
      row[CY_T] = times[CYCLE_T]!;
      row[CY_PLANNED] = times[PLANNED]! - wallStartMs;
      row[CY_START] = times[START]! - wallStartMs;
      row[CY_READ] = times[READ]! - times[START]!;
      row[CY_COMPUTE] = times[COMPUTED]! - times[READ]!;
      row[CY_WRITE] = end - times[COMPUTED]!;
      recorder.cycleRow(n, miss, skipped, port.inFallback);
      cycles++;
      // Results go to the writer after the cycle's own timing; it writes them while the loop waits
      // for the next deadline (only a backlog of MAX_BACKLOG submissions makes the loop wait).
      if (pendingChunks.length > 0) {
        const chunks = pendingChunks.splice(0, pendingChunks.length);
        writer.submit(chunks, () => sim.release(chunks));
      }
      const drained = recorder.drain(false);
      if (drained.length > 0) writer.submit(drained, () => recorder.release(drained));
      if (writer.failed !== undefined) throw writer.failed;
      if (!writer.whenRoom(MAX_BACKLOG, toNextCycle)) toNextCycle();
    });
    const toNextCycle = guarded(() => {
      o.onCycleEnd?.(n);
      const next = lockstep === undefined ? nextCycle(n, t0, periodMs, clock.nowMs(), o.overrun) : n + 1;
      skipped = next - n - 1;
      skippedTotal += skipped;
      n = next;
      kick();
    });
    await new Promise<void>((resolve, reject) => {
      endLoop = resolve;
      failLoop = reject;
      kick();
    });
    // The run is closed here, after the last cycle's timing (deferFinish): closing it (KPIs,
    // spectra: tens of ms) is not a late cycle.
    const stopped = sim.k < sim.totalTicks;
    const last = sim.stop();
    await port.safeStop(stopped ? "stopped before the horizon (Ctrl-C)" : "end of the run");
    await write(last);
    await write(recorder.drain(true));
    await write([events.chunk(o.runId)]);
    const wallS = (clock.nowMs() - wallStartMs) / 1000;
    await o.sink.endRun(
      realTimeRunRow({
        runId: o.runId,
        scenario: o.scenarioName,
        paramsJson: JSON.stringify({ hil: { devices: o.devices.map((d) => d.name), armed: o.armed, overrun: o.overrun, periodS, pace: o.lockstep === undefined ? "realtime" : "lockstep" } }),
        seed: scenario.seed,
        dtS,
        ticks: sim.k,
        engineVersion: o.engineVersion,
        nodeVersion: o.nodeVersion,
        startedAt: o.isoNow(),
        wallS,
      }),
    );
    const sorted = lateness.slice(0, cycles).sort();
    const q = (p: number) => (cycles === 0 ? Number.NaN : sorted[Math.min(cycles - 1, Math.ceil(p * cycles) - 1)]!);
    let early = 0;
    for (let i = 0; i < cycles; i++) if (sorted[i]! < 0) early++;
    return {
      cycles,
      periodS,
      missed,
      skipped: skippedTotal,
      latenessMs: { p50: q(0.5), p99: q(0.99), max: cycles === 0 ? Number.NaN : sorted[cycles - 1]!, early },
      simulatedS: sim.k * dtS,
      wallS,
      stopped,
      kpis: sim.kpis(),
    };
  } catch (error) {
    await writer.settle().catch(() => undefined);
    await o.sink.abortRun(o.runId);
    throw error;
  } finally {
    await Promise.all(links.map((l) => l.close()));
  }
}
