import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { Argv } from "yargs";
import { fromEndpoint, toEndpointText } from "../../hil/bindings/endpoint.js";
import { createModbusLink, type ModbusLink } from "../../hil/bindings/modbus-link.js";
import type { DeviceBinding } from "../../hil/device-port.js";
import { HIL_TABLES } from "../../hil/hil-tables.js";
import { createWallClock, type OverrunPolicy } from "../../hil/pace.js";
import { loadProfile } from "../../hil/profile/load-profile.js";
import type { DeviceProfile } from "../../hil/profile/profile-types.js";
import { runHil } from "../../hil/run-hil.js";
import { UserError } from "../../models/lib/errors.js";
import { fromQuantity } from "../../models/lib/units.js";
import { loadInputs } from "../plant/load-inputs.js";
import { loadScenario } from "../scenario/load-scenario.js";
import { rowGroupSizeFor } from "../sinks/duckdb-sink.js";
import { createWorkerDuckDbSink } from "../sinks/worker-sink.js";
import { startLiveView } from "./live-view.js";
import { SIMULATION_TABLES } from "../simulation.js";
import { formatKpiTable } from "./format.js";
import { applyDuration, named } from "./hil-options.js";
import { ENGINE_VERSION } from "./version.js";

export const hilCommand = {
  command: "hil <scenario>",
  describe: "run a scenario's controllers in real time against Modbus devices (the twin simulates the rest); dry run unless --arm",
  builder: (y: Argv) =>
    y
      .positional("scenario", { type: "string", describe: "scenario file (YAML or JSON)", demandOption: true })
      .option("device", { type: "string", array: true, describe: "NAME=tcp://HOST:PORT or NAME=rtu:/dev/ttyX:BAUD:8N1 (repeatable)", demandOption: true })
      .option("profile", { type: "string", array: true, describe: "NAME=FILE: the device profile of device NAME (repeatable; FILE alone when there is one device)", demandOption: true })
      .option("duration", { type: "string", describe: "how long to run, e.g. 10min (default: the scenario's horizon)" })
      .option("arm", { type: "boolean", default: false, describe: "write to the devices (without it: a dry run, writes recorded as dry_run, nothing sent)" })
      .option("pace", { type: "string", choices: ["realtime", "lockstep"], default: "realtime", describe: "realtime: the wall clock; lockstep: no clock, the device with an `advance` register (a served twin) moves one period per cycle" })
      .option("overrun", { type: "string", choices: ["skip", "catch-up"], default: "skip", describe: "a cycle that ends after the next deadline: skip the missed cycles (counted) or run them back to back" })
      .option("timeout", { type: "string", default: "100ms", describe: "per-request Modbus timeout" })
      .option("out", { type: "string", describe: "DuckDB file to write (default results/<name>-hil.duckdb)" })
      .option("run-id", { type: "string", describe: "run id (default <name>-hil)" })
      .option("live", { type: "boolean", default: false, describe: "serve a live view of the run (the report's charts, updating as results are written) on 127.0.0.1; it stays up after the run until Ctrl-C" })
      .option("live-port", { type: "number", default: 0, describe: "port of the live view (default 0: any free port; the address is printed)" }),
  handler: async (argv: { scenario: string; device: string[]; profile: string[]; duration?: string; arm: boolean; pace: string; overrun: string; timeout: string; out?: string; runId?: string; live: boolean; livePort: number }) => {
    if (!(Number.isInteger(argv.livePort) && argv.livePort >= 0 && argv.livePort <= 65_535)) throw new UserError(`--live-port: got ${argv.livePort}, expected a port from 0 to 65535`);
    const scenario = loadScenario(argv.scenario);
    const timeoutS = fromQuantity(argv.timeout, "duration");
    if (timeoutS === undefined || !(timeoutS > 0) || timeoutS > 60) throw new UserError(`--timeout: got ${JSON.stringify(argv.timeout)}, expected a duration above 0 and at most 60s, such as "100ms"`);
    applyDuration(scenario, argv.duration);
    const endpoints = new Map<string, string>();
    for (const d of argv.device) {
      const [name, address] = named(d, "--device", "tcp://HOST:PORT");
      if (endpoints.has(name)) throw new UserError(`--device: device ${name} is given twice`);
      endpoints.set(name, address);
    }
    const profiles = new Map<string, DeviceProfile>();
    for (const p of argv.profile) {
      const pair = p.includes("=") ? named(p, "--profile", "FILE") : endpoints.size === 1 ? ([[...endpoints.keys()][0]!, p] as [string, string]) : undefined;
      if (pair === undefined) throw new UserError(`--profile: got ${JSON.stringify(p)}, expected NAME=FILE (there are ${endpoints.size} devices)`);
      if (!endpoints.has(pair[0])) throw new UserError(`--profile: got ${JSON.stringify(p)}, but no --device is named ${pair[0]} (devices: ${[...endpoints.keys()].join(", ")})`);
      if (profiles.has(pair[0])) throw new UserError(`--profile: device ${pair[0]} has two profiles`);
      profiles.set(pair[0], loadProfile(pair[1]));
    }
    const clock = createWallClock();
    // Devices at one address share one link: one TCP connection, or one half-duplex serial bus.
    const links = new Map<string, ModbusLink>();
    const devices: DeviceBinding[] = [...endpoints].map(([name, address]) => {
      const profile = profiles.get(name);
      if (profile === undefined) throw new UserError(`--device ${name}: no --profile ${name}=FILE for it`);
      const endpoint = fromEndpoint(address, `--device ${name}`);
      const key = toEndpointText(endpoint);
      const link = links.get(key) ?? createModbusLink(endpoint, { timeoutMs: timeoutS * 1000, nowMs: clock.nowMs });
      links.set(key, link);
      return { name, profile, link };
    });
    let lockstep: { device: DeviceBinding; unitId: number; address: number } | undefined;
    if (argv.pace === "lockstep") {
      const clocks = devices.filter((d) => d.profile.advance !== undefined);
      if (clocks.length !== 1) {
        throw new UserError(`--pace lockstep: needs exactly one device whose profile has an \`advance\` register (a served twin: --device twin=tcp://... --profile twin=hil/profiles/twin-clock.yaml); found ${clocks.length}`);
      }
      const d = clocks[0]!;
      lockstep = { device: d, unitId: d.profile.advance!.unitId, address: d.profile.advance!.address };
    }
    const runId = argv.runId ?? `${scenario.name}-hil`;
    const out = argv.out ?? `results/${scenario.name}-hil.duckdb`;
    mkdirSync(dirname(out), { recursive: true });
    const fileSink = createWorkerDuckDbSink(out, { rowGroupSize: rowGroupSizeFor([scenario.ticks]) });
    const live = argv.live ? await startLiveView(scenario, runId, fileSink, argv.livePort) : undefined;
    const sink = live?.sink ?? fileSink;
    let runFinished = false;
    let stopLive: () => void = () => undefined;
    const liveStopped = new Promise<void>((resolve) => (stopLive = resolve));
    if (live !== undefined) {
      process.stderr.write(`live view: ${live.url}\n`);
      // Listening from the start (see run-command.ts); during the run the handler below stops the loop.
      process.on("SIGINT", () => runFinished && stopLive());
    }
    await sink.open([...SIMULATION_TABLES, ...HIL_TABLES]);
    const stop = new AbortController();
    const onSignal = () => {
      if (stop.signal.aborted) process.exit(130);
      process.stderr.write("dctwin hil: stopping after this cycle (setpoints to their fallbacks); Ctrl-C again to quit at once\n");
      stop.abort();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    let summary;
    try {
      process.stderr.write(`dctwin hil: ${argv.arm ? "ARMED: writing to" : "dry run (no --arm): reading"} ${devices.map((d) => `${d.name} at ${endpoints.get(d.name)}`).join(", ")}\n`);
      summary = await runHil({
        scenario,
        runId,
        scenarioName: argv.scenario,
        devices,
        armed: argv.arm,
        overrun: argv.overrun as OverrunPolicy,
        sink,
        inputs: await loadInputs(scenario),
        clock,
        stop: stop.signal,
        ...(lockstep === undefined ? {} : { lockstep }),
        engineVersion: ENGINE_VERSION,
        nodeVersion: process.version,
        isoNow: () => new Date().toISOString(),
      });
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      await sink.close();
    }
    const l = summary.latenessMs;
    console.log(
      `${runId}: ${summary.cycles} cycles of ${summary.periodS * 1000} ms (${summary.simulatedS.toFixed(1)} s) in ${summary.wallS.toFixed(1)} s wall${summary.stopped ? ", stopped early" : ""}; ` +
        `lateness p50 ${l.p50.toFixed(3)} ms, p99 ${l.p99.toFixed(3)} ms, max ${l.max.toFixed(3)} ms, ${l.early} early; ${summary.missed} deadline misses, ${summary.skipped} cycles skipped`,
    );
    console.log(formatKpiTable(summary.kpis));
    console.log(`results: ${out} (run_id '${runId}'; tables hil_cycles, hil_io and the simulation's)`);
    if (live !== undefined) {
      runFinished = true;
      live.done({ ticks: Math.round(summary.simulatedS / scenario.dtS), wallS: summary.wallS, out, kpis: summary.kpis });
      process.stderr.write(`live view: still at ${live.url} (the finished run); Ctrl-C to stop\n`);
      await liveStopped;
      await live.close();
    }
  },
};
