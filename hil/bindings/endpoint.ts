import { UserError } from "../../models/lib/errors.js";

/** Where a device is: Modbus TCP at host:port, or Modbus RTU on a serial port with its line settings. */
export type Endpoint =
  | { kind: "tcp"; host: string; port: number }
  | { kind: "rtu"; path: string; baudRate: number; dataBits: 7 | 8; parity: "none" | "even" | "odd"; stopBits: 1 | 2 };

const PARITY = { N: "none", E: "even", O: "odd" } as const;

/**
 * Parses a device address as the command line writes it: `tcp://HOST:PORT` or
 * `rtu:/dev/ttyX:115200:8N1` (baud and framing optional: 19,200 Bd 8E1 is the Modbus default).
 * `what` names the option in error messages.
 *
 * Example: fromEndpoint("tcp://127.0.0.1:5020", "--device bess1") → { kind: "tcp", host: "127.0.0.1", port: 5020 }.
 */
export function fromEndpoint(text: string, what: string): Endpoint {
  const expected = `tcp://HOST:PORT or rtu:/dev/ttyX:BAUD:8N1`;
  const bad = (why: string) => new UserError(`${what}: got ${JSON.stringify(text)}, expected ${expected} (${why})`);
  if (text.startsWith("tcp://")) {
    const rest = text.slice(6);
    const colon = rest.lastIndexOf(":");
    if (colon <= 0) throw bad("no port");
    const host = rest.slice(0, colon).replace(/^\[(.*)\]$/, "$1");
    const portText = rest.slice(colon + 1);
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) throw bad(`port ${JSON.stringify(portText)} is not 1-65535`);
    if (!/^[A-Za-z0-9.:-]+$/.test(host)) throw bad(`host ${JSON.stringify(host)}`);
    return { kind: "tcp", host, port };
  }
  if (text.startsWith("rtu:")) {
    const parts = text.slice(4).split(":");
    const path = parts[0] ?? "";
    if (!path.startsWith("/")) throw bad("the serial port must be an absolute path");
    const baudText = parts[1] ?? "19200";
    const baudRate = Number(baudText);
    if (!/^\d+$/.test(baudText) || baudRate < 300 || baudRate > 4_000_000) throw bad(`baud rate ${JSON.stringify(baudText)}`);
    const framing = parts[2] ?? "8E1";
    const m = /^([78])([NEO])([12])$/.exec(framing);
    if (m === null || parts.length > 3) throw bad(`framing ${JSON.stringify(framing)} is not like 8N1, 8E1 or 8O2`);
    return {
      kind: "rtu",
      path,
      baudRate,
      dataBits: Number(m[1]) as 7 | 8,
      parity: PARITY[m[2] as keyof typeof PARITY],
      stopBits: Number(m[3]) as 1 | 2,
    };
  }
  throw bad("unknown scheme");
}

/** Renders an endpoint as fromEndpoint reads it. */
export function toEndpointText(e: Endpoint): string {
  if (e.kind === "tcp") return `tcp://${e.host.includes(":") ? `[${e.host}]` : e.host}:${e.port}`;
  return `rtu:${e.path}:${e.baudRate}:${e.dataBits}${e.parity[0]!.toUpperCase()}${e.stopBits}`;
}
