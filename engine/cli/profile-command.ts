import type { Argv } from "yargs";
import { fromEndpoint } from "../../hil/bindings/endpoint.js";
import { createModbusLink, LINK_OK, readAsync } from "../../hil/bindings/modbus-link.js";
import { loadProfile } from "../../hil/profile/load-profile.js";
import { profileMarkdown } from "../../hil/profiles/profile-readme.js";
import { scanSunSpec } from "../../hil/sunspec/sunspec-scan.js";
import { UserError } from "../../models/lib/errors.js";

/**
 * `dctwin profile check FILE..`: validates device profiles (every problem with its field path,
 * exit 2) and lists each one's points; `dctwin profile show FILE..`: the register map as Markdown
 * (what a PLC programmer needs to point a client at `dctwin serve`); `dctwin profile scan tcp://HOST:PORT`: finds a
 * SunSpec device's `SunS` marker (40000, 0, 50000), walks its model chain and prints the models,
 * the start of a profile for it (hil/sunspec/sunspec-profile.ts builds one from a scan).
 */
export const profileCommand = {
  command: "profile <action> [targets..]",
  describe: "device profiles: check FILE.. (validate, list the points), show FILE.. (the register map as Markdown) or scan ENDPOINT (walk a SunSpec device's model chain)",
  builder: (y: Argv) =>
    y
      .positional("action", { type: "string", choices: ["check", "show", "scan"], describe: "check, show or scan", demandOption: true })
      .positional("targets", { type: "string", array: true, describe: "profile files (check, show) or one device address (scan)" })
      .option("unit", { type: "number", default: 1, describe: "scan: Modbus unit id" })
      .option("timeout", { type: "number", default: 1000, describe: "scan: request timeout, ms" }),
  handler: async (argv: { action: string; targets?: string[]; unit: number; timeout: number }) => {
    const targets = argv.targets ?? [];
    if (targets.length === 0) throw new UserError(`profile ${argv.action}: name ${argv.action === "scan" ? "a device, e.g. tcp://127.0.0.1:502" : "one or more profile files"}`);
    if (argv.action === "show") {
      for (const file of targets) console.log([`## ${file}: ${loadProfile(file).name}`, "", ...profileMarkdown(loadProfile(file))].join("\n"));
      return;
    }
    if (argv.action === "check") {
      for (const file of targets) {
        const p = loadProfile(file);
        console.log(`ok: ${file}: ${p.name}, ${p.points.length} points${p.heartbeat ? `, heartbeat at ${p.heartbeat.address}` : ""}, ${p.initWrites.length} init writes`);
        for (const q of p.points) {
          const bounds = q.min !== undefined || q.max !== undefined ? ` [${q.min ?? "-inf"}, ${q.max ?? "inf"}]` : "";
          const fallback = q.fallback !== undefined ? ` fallback ${q.fallback}` : "";
          console.log(`  ${q.kind === "setpoint" ? "set " : "meas"} ${q.name.padEnd(36)} unit ${q.unitId} ${q.table} ${q.address} ${q.type}${q.scale !== 1 ? ` ×${q.scale}` : ""}${q.scaleFactor ? ` ×10^[${q.scaleFactor.address}]` : ""} ${q.unit}${bounds}${fallback}`);
        }
      }
      return;
    }
    if (targets.length !== 1) throw new UserError(`profile scan: got ${targets.length} addresses, expected one`);
    if (!Number.isInteger(argv.unit) || argv.unit < 0 || argv.unit > 247) throw new UserError(`--unit: got ${argv.unit}, expected a whole number 0-247`);
    const link = createModbusLink(fromEndpoint(targets[0]!, "profile scan"), { timeoutMs: argv.timeout, nowMs: () => performance.now() });
    await link.open();
    if (!link.up) throw new UserError(`profile scan: cannot connect to ${targets[0]}: ${link.lastError()}`);
    try {
      const read = async (unitId: number, address: number, count: number) => {
        const out = new Uint16Array(count);
        const code = await readAsync(link, unitId, "holding", address, count, out, 0);
        if (code !== LINK_OK) throw new Error(`read of ${count} registers at ${address}: ${code > 0 ? `Modbus exception ${code}` : link.lastError() || "failed"}`);
        return out;
      };
      const scan = await scanSunSpec(read, argv.unit);
      if (scan === undefined) throw new UserError(`profile scan: no SunSpec marker "SunS" at 40000, 0 or 50000 on unit ${argv.unit} of ${targets[0]}`);
      console.log(`SunSpec device at ${targets[0]}, unit ${scan.unitId}, base ${scan.base}:`);
      for (const m of scan.models) console.log(`  model ${String(m.id).padStart(5)} at ${m.address}, L = ${m.length}`);
      console.log(scan.endAddress !== undefined ? `  end marker at ${scan.endAddress}` : `  chain stopped: ${scan.stoppedBecause}`);
    } finally {
      await link.close();
    }
  },
};
