import { existsSync, mkdirSync, rmSync } from "node:fs";
import { isIP } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Argv } from "yargs";
import { fromEndpoint } from "../../hil/bindings/endpoint.js";
import { HIL_TABLES } from "../../hil/hil-tables.js";
import { createWallClock } from "../../hil/pace.js";
import { loadProfile } from "../../hil/profile/load-profile.js";
import type { DeviceProfile } from "../../hil/profile/profile-types.js";
import { scenarioPointNames, servedScenario } from "../../hil/serve/moved-controllers.js";
import { runServe, type Pace, type Transport } from "../../hil/serve/run-serve.js";
import type { ServedDeviceSpec } from "../../hil/serve/served-devices.js";
import { startRtuServer } from "../../hil/serve/rtu-server.js";
import { startTcpServer } from "../../hil/serve/tcp-server.js";
import { UserError } from "../../models/lib/errors.js";
import { fromQuantity } from "../../models/lib/units.js";
import { loadInputs } from "../plant/load-inputs.js";
import type { Scenario } from "../scenario/scenario-types.js";
import { loadScenario } from "../scenario/load-scenario.js";
import { rowGroupSizeFor } from "../sinks/duckdb-sink.js";
import { createWorkerDuckDbSink } from "../sinks/worker-sink.js";
import { startLiveView } from "./live-view.js";
import { SIMULATION_TABLES } from "../simulation.js";
import { formatKpiTable } from "./format.js";
import { applyDuration, named } from "./hil-options.js";
import { ENGINE_VERSION } from "./version.js";

const PROFILES_DIR = fileURLToPath(new URL("../../../hil/profiles/", import.meta.url));

/** The shipped profiles served when no --profile is given, each when the scenario has its points. */
const DEFAULT_DEVICES: readonly { name: string; file: string; needs: string }[] = [
  { name: "bess1", file: "sunspec-battery.yaml", needs: "battery.bess1.powerSetW" },
  { name: "pcc", file: "sunspec-meter.yaml", needs: "pcc.powerW" },
  { name: "hall", file: "sunspec-hall-meter.yaml", needs: "site.loadW" },
  { name: "gpu", file: "gpu-caps.yaml", needs: "gpu.pretrain.capW" },
  { name: "skid", file: "cooling-skid.yaml", needs: "cdu.a1.supplyTempSetC" },
  { name: "twin", file: "twin-clock.yaml", needs: "" },
];

export const serveCommand = {
  command: "serve <scenario>",
  describe: "run a scenario and serve its points as Modbus devices (SunSpec battery and meters, GPU caps, cooling skid, the twin's clock) for a real controller to drive",
  builder: (y: Argv) =>
    y
      .positional("scenario", { type: "string", describe: "scenario file (YAML or JSON)", demandOption: true })
      .option("modbus", { type: "string", default: "tcp://127.0.0.1:5020", describe: "Modbus TCP address to listen on, tcp://HOST:PORT (a non-loopback HOST needs --listen)" })
      .option("rtu", { type: "string", describe: "also serve Modbus RTU on a serial port: /dev/ttyX:BAUD:8N1" })
      .option("profile", { type: "string", array: true, describe: "NAME=FILE: serve device NAME by this profile (repeatable; default: the shipped profiles whose points the scenario has)" })
      .option("pace", { type: "string", default: "realtime", describe: "realtime (wall clock), lockstep (one period per write to the twin clock's advance register) or xN (N times faster, e.g. x10)" })
      .option("period", { type: "string", describe: "served period: the twin advances this much per cycle (default: the fastest moved controller's period, else 1s)" })
      .option("duration", { type: "string", describe: "how long to run in simulated time, e.g. 10min (default: the scenario's horizon)" })
      .option("listen", { type: "boolean", default: false, describe: "allow a non-loopback --modbus address (Modbus has no authentication: use with --allow)" })
      .option("allow", { type: "string", array: true, describe: "client addresses allowed to connect (IPs or CIDRs, e.g. 10.0.0.0/24; default: any that reaches the socket)" })
      .option("max-connections", { type: "number", default: 8, describe: "most TCP clients at once (more are refused)" })
      .option("out", { type: "string", describe: "DuckDB file to write (default results/<name>-serve.duckdb)" })
      .option("run-id", { type: "string", describe: "run id (default <name>-serve)" })
      .option("live", { type: "boolean", default: false, describe: "serve a live view of the run (the report's charts, updating as results are written) on 127.0.0.1; it stays up after the run until Ctrl-C" })
      .option("live-port", { type: "number", default: 0, describe: "port of the live view (default 0: any free port; the address is printed)" }),
  handler: async (argv: {
    scenario: string;
    modbus: string;
    rtu?: string;
    profile?: string[];
    pace: string;
    period?: string;
    duration?: string;
    listen: boolean;
    allow?: string[];
    maxConnections: number;
    out?: string;
    runId?: string;
    live: boolean;
    livePort: number;
  }) => {
    if (!(Number.isInteger(argv.livePort) && argv.livePort >= 0 && argv.livePort <= 65_535)) throw new UserError(`--live-port: got ${argv.livePort}, expected a port from 0 to 65535`);
    const loaded = loadScenario(argv.scenario);
    applyDuration(loaded, argv.duration);
    const tcp = fromEndpoint(argv.modbus, "--modbus");
    if (tcp.kind !== "tcp") throw new UserError(`--modbus: got ${JSON.stringify(argv.modbus)}, expected tcp://HOST:PORT (serial: --rtu /dev/ttyX:115200:8N1)`);
    if (!isLoopback(tcp.host) && !argv.listen) {
      throw new UserError(`--modbus: got ${JSON.stringify(argv.modbus)}: ${tcp.host} is not a loopback address; add --listen to serve other machines (Modbus has no authentication: pair it with --allow)`);
    }
    const rtu = argv.rtu === undefined ? undefined : rtuEndpoint(argv.rtu);
    if (rtu !== undefined && rtu.kind !== "rtu") throw new UserError(`--rtu: got ${JSON.stringify(argv.rtu)}, expected /dev/ttyX:BAUD:8N1`);
    if (rtu !== undefined && !existsSync(rtu.path)) throw new UserError(`--rtu: got ${JSON.stringify(argv.rtu)}, but ${rtu.path} does not exist`);
    const allow = (argv.allow ?? []).flatMap((a) => a.split(","));
    for (const a of allow) if (!validAllow(a)) throw new UserError(`--allow: got ${JSON.stringify(a)}, expected an IP address or a CIDR such as 10.0.0.0/24`);
    if (!Number.isInteger(argv.maxConnections) || argv.maxConnections < 1 || argv.maxConnections > 1000) {
      throw new UserError(`--max-connections: got ${JSON.stringify(argv.maxConnections)}, expected a whole number from 1 to 1000`);
    }
    const pace = parsePace(argv.pace);
    const inputs = await loadInputs(loaded);
    const devices = chooseDevices(argv.profile, loaded, inputs);
    const { scenario, moved } = servedScenario(loaded, devices.map((d) => d.profile), inputs);
    const periodS = servedPeriod(argv.period, moved.map((c) => c.period), scenario.dtS);
    const runId = argv.runId ?? `${scenario.name}-serve`;
    const out = argv.out ?? `results/${scenario.name}-serve.duckdb`;
    mkdirSync(dirname(out), { recursive: true });
    const existed = existsSync(out);
    const fileSink = createWorkerDuckDbSink(out, { rowGroupSize: rowGroupSizeFor([scenario.ticks]) });
    // The live view (as dctwin hil --live): a tap in front of the results sink, on 127.0.0.1.
    const live = argv.live ? await startLiveView(scenario, runId, fileSink, argv.livePort) : undefined;
    const sink = live?.sink ?? fileSink;
    let runFinished = false;
    let stopLive: () => void = () => undefined;
    const liveStopped = new Promise<void>((resolve) => (stopLive = resolve));
    if (live !== undefined) {
      process.stderr.write(`live view: ${live.url}\n`);
      process.on("SIGINT", () => runFinished && stopLive());
    }
    await sink.open([...SIMULATION_TABLES, ...HIL_TABLES]);
    const stop = new AbortController();
    const onSignal = () => {
      if (stop.signal.aborted) process.exit(130);
      process.stderr.write("dctwin serve: stopping (results are written); Ctrl-C again to quit at once\n");
      stop.abort();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    let summary;
    try {
      summary = await runServe({
        scenario,
        runId,
        scenarioName: argv.scenario,
        devices,
        pace,
        periodS,
        movedControllers: moved.map((c) => c.id),
        actuationLatencyS: moved.length === 0 ? 0 : Math.max(...moved.map((c) => c.actuationLatency)),
        startTransports: async (pdu, units, event) => {
          const transports: Transport[] = [];
          // A busy port or a serial device that will not open is the user's environment: exit 2, no stack.
          const asUserError = (what: string) => (error: unknown) => {
            throw new UserError(`${what}: ${(error instanceof Error ? error.message : String(error)).replace(/^Error: /, "")}`);
          };
          const server = await startTcpServer({
            host: tcp.host,
            port: tcp.port,
            handler: pdu,
            units,
            maxConnections: argv.maxConnections,
            ...(allow.length > 0 ? { allow } : {}),
            onEvent: (kind: string, detail: string) => event("modbus-tcp", kind, detail),
          }).catch(asUserError(`--modbus ${argv.modbus}`));
          transports.push({ name: `tcp://${tcp.host}:${server.port}`, close: () => server.close() });
          if (rtu !== undefined) {
            const serial = await startRtuServer({ endpoint: rtu, handler: pdu.handle, onEvent: (kind: string, detail: string) => event("modbus-rtu", kind, detail) }).catch(
              async (error: unknown) => {
                await server.close();
                return asUserError(`--rtu ${argv.rtu}`)(error);
              },
            );
            transports.push({ name: argv.rtu!, close: () => serial.close() });
          }
          return transports;
        },
        onListening: (served) => {
          const where = [`tcp://${tcp.host}:${tcp.port}`, ...(argv.rtu === undefined ? [] : [`rtu:${argv.rtu}`])].join(" and ");
          process.stderr.write(`dctwin serve: ${scenario.name} on ${where}, ${pace.kind === "lockstep" ? "lockstep (advance: twin-clock holding 0)" : `paced ${argv.pace}`}, period ${periodS * 1000} ms\n`);
          for (const d of devices) process.stderr.write(`  unit ${d.profile.points[0]!.unitId}: ${d.name} (${d.profile.name})\n`);
          if (moved.length > 0) process.stderr.write(`  moved to the wire (not run in the twin): ${moved.map((c) => c.id).join(", ")}\n`);
          for (const w of served.warnings) process.stderr.write(`  note: ${w}\n`);
        },
        sink,
        inputs,
        // No spin before a period: a client's request arriving then would wait for it (a served
        // device answers requests; its period boundaries need no sub-millisecond precision).
        clock: createWallClock(0),
        stop: stop.signal,
        engineVersion: ENGINE_VERSION,
        nodeVersion: process.version,
        isoNow: () => new Date().toISOString(),
      });
    } catch (error) {
      await live?.close();
      // Nothing served (a busy port, a serial device that will not open): leave no empty results file behind.
      if (!existed) {
        await sink.close();
        for (const f of [out, `${out}.wal`]) rmSync(f, { force: true });
      }
      throw error;
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      await sink.close();
    }
    console.log(
      `${runId}: ${summary.periods} periods (${summary.simulatedS.toFixed(1)} s simulated) in ${summary.wallS.toFixed(1)} s wall${summary.stopped ? ", stopped early" : ""}; ` +
        `${summary.overruns} overruns; writes: ${summary.writes.accepted} accepted, ${summary.writes.refused} refused`,
    );
    console.log(formatKpiTable(summary.kpis));
    console.log(`results: ${out} (run_id '${runId}'; hil_io holds every client write, hil_cycles every period)`);
    if (live !== undefined) {
      runFinished = true;
      live.done({ ticks: Math.round(summary.simulatedS / scenario.dtS), wallS: summary.wallS, out, kpis: summary.kpis });
      process.stderr.write(`live view: still at ${live.url} (the finished run); Ctrl-C to stop\n`);
      await liveStopped;
      await live.close();
    }
  },
};

/** `--rtu /dev/ttyX:BAUD:8N1` (an `rtu:` prefix is accepted too). */
function rtuEndpoint(text: string) {
  try {
    return fromEndpoint(text.startsWith("rtu:") ? text : `rtu:${text}`, "--rtu");
  } catch (error) {
    const why = error instanceof Error ? (/\(([^()]*)\)$/.exec(error.message)?.[1] ?? error.message) : String(error);
    throw new UserError(`--rtu: got ${JSON.stringify(text)}, expected /dev/ttyX:BAUD:8N1 such as /dev/ttyUSB0:115200:8N1 (${why})`);
  }
}

function parsePace(text: string): Pace {
  if (text === "lockstep") return { kind: "lockstep" };
  if (text === "realtime") return { kind: "realtime", factor: 1 };
  const m = /^x(\d+(?:\.\d+)?)$/.exec(text);
  const factor = m === null ? Number.NaN : Number(m[1]);
  if (!(factor >= 0.01 && factor <= 10_000)) throw new UserError(`--pace: got ${JSON.stringify(text)}, expected realtime, lockstep or xN with N from 0.01 to 10000 (e.g. x10)`);
  return { kind: "realtime", factor };
}

/** The --profile devices, or the shipped ones whose points the scenario has. */
function chooseDevices(texts: string[] | undefined, scenario: Scenario, inputs: Awaited<ReturnType<typeof loadInputs>>): ServedDeviceSpec[] {
  if (texts !== undefined && texts.length > 0) {
    const devices: ServedDeviceSpec[] = [];
    for (const t of texts) {
      const [name, file] = named(t, "--profile", "FILE");
      if (devices.some((d) => d.name === name)) throw new UserError(`--profile: device ${name} is given twice`);
      devices.push({ name, profile: loadProfile(file) });
    }
    return devices;
  }
  const names = new Set(scenarioPointNames(scenario, inputs));
  return DEFAULT_DEVICES.filter((d) => d.needs === "" || names.has(d.needs)).map((d) => ({ name: d.name, profile: loadProfile(join(PROFILES_DIR, d.file)) }));
}

function servedPeriod(text: string | undefined, movedPeriodsS: number[], dtS: number): number {
  let periodS: number;
  if (text !== undefined) {
    const parsed = fromQuantity(text, "duration");
    if (parsed === undefined || !(parsed > 0)) throw new UserError(`--period: got ${JSON.stringify(text)}, expected a duration such as "40ms"`);
    periodS = parsed;
  } else {
    periodS = movedPeriodsS.length > 0 ? Math.min(...movedPeriodsS) : 1;
  }
  const ticks = Math.round(periodS / dtS);
  if (ticks < 1 || Math.abs(ticks * dtS - periodS) > 1e-9 * periodS) throw new UserError(`--period: got ${JSON.stringify(text ?? `${periodS}s`)}, expected a whole number of the scenario's ${dtS * 1000} ms ticks`);
  return periodS;
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function validAllow(text: string): boolean {
  const [ip, bits, extra] = text.split("/");
  if (extra !== undefined || ip === undefined || isIP(ip) === 0) return false;
  if (bits === undefined) return true;
  const max = isIP(ip) === 4 ? 32 : 128;
  return /^\d+$/.test(bits) && Number(bits) <= max;
}
