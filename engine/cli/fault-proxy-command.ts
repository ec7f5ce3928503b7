import { createInterface } from "node:readline";
import type { Argv } from "yargs";
import { type Endpoint, fromEndpoint, toEndpointText } from "../../hil/bindings/endpoint.js";
import { createFaultProxy, type Fault, fromFault, fromFaultSchedule, runFaultSchedule, toFaultText, toStatsLine } from "../../hil/fault-proxy.js";
import { UserError } from "../../models/lib/errors.js";
import { fromQuantity } from "../../models/lib/units.js";

const STDIN_HELP = "a fault per line (none, drop, delay 200ms, drop-replies 0.5, corrupt, exception 4), stats, quit";

/**
 * `--listen` as the command line writes it: an endpoint, or a bare port meaning the loopback
 * (`5021` → tcp://127.0.0.1:5021): a fault proxy is a test tool and stays off the network unless
 * the user names another address.
 */
function fromListen(text: string): Endpoint {
  if (/^\d+$/.test(text)) return fromEndpoint(`tcp://127.0.0.1:${text}`, "--listen");
  return fromEndpoint(text, "--listen");
}

/**
 * `dctwin fault-proxy`: a Modbus fault proxy between a client and a server (hil/fault-proxy.ts)
 * for HIL testing. Faults come from `--fault` (from the start), a `--schedule` of timed faults, and
 * stdin, one per line, so a user can poke a running loop by hand. Each change is printed with its
 * time since the start and its source; Ctrl-C (or `quit`, or the end of `--duration`) prints a
 * one-line summary of what each fault did.
 */
export const faultProxyCommand = {
  command: "fault-proxy",
  describe: "a Modbus proxy that injects faults between a client and a server (link drop, delay, lost or damaged replies, exception replies); TCP or RTU",
  builder: (y: Argv) =>
    y
      .option("listen", { type: "string", demandOption: true, describe: "where clients connect: tcp://HOST:PORT (a bare PORT means 127.0.0.1) or rtu:/dev/ttyX:BAUD:8N1 (the client's line)" })
      .option("to", { type: "string", demandOption: true, describe: "the server: tcp://HOST:PORT or rtu:/dev/ttyX:BAUD:8N1 (same transport as --listen)" })
      .option("fault", { type: "string", default: "none", describe: "fault from the start: none, drop, delay=200ms, drop-replies=0.5, corrupt, exception=4" })
      .option("schedule", { type: "string", describe: 'timed faults, "AT FAULT [FOR]; ...", e.g. "10s drop 5s; 20s delay=200ms 5s; 30s drop-replies=0.5 5s; 40s exception=4 5s; 50s corrupt 5s"' })
      .option("seed", { type: "string", default: "1", describe: "seed of the stream that picks which replies drop-replies loses" })
      .option("duration", { type: "string", describe: "stop after this long, e.g. 2min (default: run until Ctrl-C or quit)" })
      .option("verbose", { type: "boolean", default: false, describe: "also print client connections and disconnections" })
      .example('$0 fault-proxy --listen 5021 --to tcp://127.0.0.1:5020 --schedule "10s drop 5s; 20s delay=200ms 5s"', "point the client at port 5021 instead of 5020"),
  handler: async (argv: { listen: string; to: string; fault: string; schedule?: string; seed: string; duration?: string; verbose: boolean }) => {
    const listen = fromListen(argv.listen);
    const upstream = fromEndpoint(argv.to, "--to");
    if (listen.kind !== upstream.kind) {
      throw new UserError(`--listen ${JSON.stringify(argv.listen)} and --to ${JSON.stringify(argv.to)}: expected both TCP or both RTU (the proxy is not a TCP/RTU gateway)`);
    }
    const initial = fromFault(argv.fault, "--fault");
    const schedule = fromFaultSchedule(argv.schedule ?? "", "--schedule");
    const seed = Number(argv.seed);
    if (!/^\d+$/.test(argv.seed) || !Number.isSafeInteger(seed)) throw new UserError(`--seed: got ${JSON.stringify(argv.seed)}, expected a whole number such as 7`);
    let durationS: number | undefined;
    if (argv.duration !== undefined) {
      durationS = /[a-z]$/i.test(argv.duration) ? fromQuantity(argv.duration, "duration") : undefined;
      if (durationS === undefined || !(durationS > 0)) throw new UserError(`--duration: got ${JSON.stringify(argv.duration)}, expected a duration above 0 with a unit, such as "2min"`);
    }

    const say = (line: string) => process.stdout.write(`fault-proxy: ${line}\n`);
    const warn = (line: string) => process.stderr.write(`fault-proxy: ${line}\n`);
    let proxy;
    try {
      proxy = await createFaultProxy({
        listen,
        upstream,
        seed,
        fault: initial,
        onEvent: (kind, detail) => {
          if (kind === "fault") return; // printed below, with its source
          if ((kind === "connection" || kind === "disconnection") && !argv.verbose) return;
          warn(`${kind}: ${detail}`);
        },
      });
    } catch (error) {
      if (error instanceof UserError) throw error;
      // The port is taken, the serial device missing or busy: the user's setup, not a bug.
      throw new UserError(`--listen ${toEndpointText(listen)} / --to ${toEndpointText(upstream)}: cannot start: ${(error as Error).message}`);
    }
    const startMs = performance.now();
    const at = () => `t=${((performance.now() - startMs) / 1000).toFixed(3)}s`;
    const listenText = listen.kind === "tcp" ? toEndpointText({ ...listen, port: proxy.port }) : toEndpointText(listen);
    say(`${listenText} -> ${toEndpointText(upstream)}, fault ${toFaultText(initial)}, seed ${seed}${schedule.length > 0 ? `, a schedule of ${schedule.length} ${schedule.length === 1 ? "entry" : "entries"}` : ""}; stdin: ${STDIN_HELP}`);

    const apply = (fault: Fault | null, source: string) => {
      say(`${at()} fault ${toFaultText(fault ?? { kind: "none" })} (${source})`);
      void proxy.setFault(fault);
    };

    let stopped!: (why: string) => void;
    const done = new Promise<string>((resolve) => (stopped = resolve));
    let stopping = false;
    const stop = (why: string) => {
      if (stopping) return;
      stopping = true;
      stopped(why);
    };

    const run = runFaultSchedule(
      schedule,
      (c) => {
        const n = schedule.indexOf(c.entry) + 1;
        apply(c.fault, c.edge === "start" ? `schedule entry ${n}${c.entry.forS !== undefined ? `, for ${c.entry.forS}s` : ""}` : `schedule entry ${n} ended`);
      },
      () => {
        if (schedule.length > 0) say(`${at()} schedule done`);
      },
    );
    const durationTimer = durationS !== undefined ? setTimeout(() => stop("duration"), durationS * 1000) : undefined;

    const rl = createInterface({ input: process.stdin, terminal: false });
    rl.on("line", (line) => {
      const text = line.trim();
      if (text === "") return;
      if (text === "quit" || text === "exit") return stop("quit");
      if (text === "stats") return say(`${at()} ${toStatsLine(proxy.stats())}`);
      if (text === "help" || text === "?") return say(STDIN_HELP);
      try {
        apply(fromFault(text, "stdin"), "stdin");
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        warn(error.message);
      }
    });
    // Ctrl-D at a terminal means "done"; a closed pipe or /dev/null (a background run) does not.
    rl.on("close", () => {
      if (process.stdin.isTTY) stop("end of input");
    });
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(130);
      stop(signal);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);

    const why = await done;
    run.stop();
    if (durationTimer !== undefined) clearTimeout(durationTimer);
    rl.close();
    process.stdin.destroy();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await proxy.close();
    say(`${at()} stopped (${why}); ${toStatsLine(proxy.stats())}`);
  },
};
