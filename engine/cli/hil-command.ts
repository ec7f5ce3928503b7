import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { Argv } from "yargs";
import { fromEndpoint } from "../../hil/bindings/endpoint.js";
import { createModbusLink } from "../../hil/bindings/modbus-link.js";
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
import { createDuckDbSink, rowGroupSizeFor } from "../sinks/duckdb-sink.js";
import { SIMULATION_TABLES } from "../simulation.js";
import { formatKpiTable } from "./format.js";
import { ENGINE_VERSION } from "./version.js";

const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** Splits `NAME=VALUE`; `what` names the option in errors. */
function named(text: string, what: string, valueDoc: string): [string, string] {
  const eq = text.indexOf("=");
  const name = eq > 0 ? text.slice(0, eq) : "";
  if (!NAME.test(name)) throw new UserError(`${what}: got ${JSON.stringify(text)}, expected NAME=${valueDoc} with NAME a letter then letters, digits, _ or -`);
  return [name, text.slice(eq + 1)];
}

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
      .option("overrun", { type: "string", choices: ["skip", "catch-up"], default: "skip", describe: "a cycle that ends after the next deadline: skip the missed cycles (counted) or run them back to back" })
      .option("timeout", { type: "string", default: "100ms", describe: "per-request Modbus timeout" })
      .option("out", { type: "string", describe: "DuckDB file to write (default results/<name>-hil.duckdb)" })
      .option("run-id", { type: "string", describe: "run id (default <name>-hil)" }),
  handler: async (argv: { scenario: string; device: string[]; profile: string[]; duration?: string; arm: boolean; overrun: string; timeout: string; out?: string; runId?: string }) => {
    const scenario = loadScenario(argv.scenario);
    const timeoutS = fromQuantity(argv.timeout, "duration");
    if (timeoutS === undefined || !(timeoutS > 0) || timeoutS > 60) throw new UserError(`--timeout: got ${JSON.stringify(argv.timeout)}, expected a duration above 0 and at most 60s, such as "100ms"`);
    if (argv.duration !== undefined) {
      const durationS = fromQuantity(argv.duration, "duration");
      if (durationS === undefined || !(durationS > 0)) throw new UserError(`--duration: got ${JSON.stringify(argv.duration)}, expected a duration such as "10min"`);
      const ticks = Math.round(durationS / scenario.dtS);
      if (Math.abs(ticks * scenario.dtS - durationS) > 1e-9 * durationS) throw new UserError(`--duration: got ${JSON.stringify(argv.duration)}, expected a whole number of ${scenario.dtS * 1000} ms ticks`);
      scenario.ticks = ticks;
      scenario.horizonS = ticks * scenario.dtS;
    }
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
    const devices: DeviceBinding[] = [...endpoints].map(([name, address]) => {
      const profile = profiles.get(name);
      if (profile === undefined) throw new UserError(`--device ${name}: no --profile ${name}=FILE for it`);
      const link = createModbusLink(fromEndpoint(address, `--device ${name}`), { timeoutMs: timeoutS * 1000, nowMs: clock.nowMs });
      return { name, profile, link };
    });
    const runId = argv.runId ?? `${scenario.name}-hil`;
    const out = argv.out ?? `results/${scenario.name}-hil.duckdb`;
    mkdirSync(dirname(out), { recursive: true });
    const sink = createDuckDbSink(out, { rowGroupSize: rowGroupSizeFor([scenario.ticks]) });
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
  },
};
