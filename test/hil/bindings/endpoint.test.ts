import { test } from "uvu";
import * as assert from "uvu/assert";
import { UserError } from "../../../models/lib/errors.js";
import { fromEndpoint, toEndpointText, type Endpoint } from "../../../hil/bindings/endpoint.js";

test("fromEndpoint reads tcp://HOST:PORT, IPv6 in brackets and rtu with defaults or explicit framing", () => {
  const cases: [string, Endpoint][] = [
    ["tcp://127.0.0.1:5020", { kind: "tcp", host: "127.0.0.1", port: 5020 }],
    ["tcp://plc-1.local:502", { kind: "tcp", host: "plc-1.local", port: 502 }],
    ["tcp://[::1]:502", { kind: "tcp", host: "::1", port: 502 }],
    ["tcp://[fe80::1:2]:65535", { kind: "tcp", host: "fe80::1:2", port: 65535 }],
    ["rtu:/dev/ttyUSB0", { kind: "rtu", path: "/dev/ttyUSB0", baudRate: 19200, dataBits: 8, parity: "even", stopBits: 1 }],
    ["rtu:/dev/ttyUSB0:115200:8N1", { kind: "rtu", path: "/dev/ttyUSB0", baudRate: 115200, dataBits: 8, parity: "none", stopBits: 1 }],
    ["rtu:/dev/ttyS1:9600", { kind: "rtu", path: "/dev/ttyS1", baudRate: 9600, dataBits: 8, parity: "even", stopBits: 1 }],
    ["rtu:/dev/ttyS1:9600:7O2", { kind: "rtu", path: "/dev/ttyS1", baudRate: 9600, dataBits: 7, parity: "odd", stopBits: 2 }],
  ];
  for (const [text, expected] of cases) assert.equal(fromEndpoint(text, "--device x"), expected, text);
});

test("bad endpoints throw a UserError naming the option and the value", () => {
  const bad = [
    "tcp://127.0.0.1", // no port
    "tcp://127.0.0.1:", // empty port
    "tcp://127.0.0.1:0",
    "tcp://127.0.0.1:70000",
    "tcp://127.0.0.1:50x",
    "tcp://[::1]",
    "tcp://bad host:502",
    "udp://127.0.0.1:502", // unknown scheme
    "127.0.0.1:502",
    "rtu:ttyUSB0", // relative serial path
    "rtu:dev/ttyUSB0:9600:8N1",
    "rtu:/dev/ttyUSB0:115200:9N1", // bad framing
    "rtu:/dev/ttyUSB0:115200:8X1",
    "rtu:/dev/ttyUSB0:115200:8N1:extra",
    "rtu:/dev/ttyUSB0:fast",
    "rtu:/dev/ttyUSB0:100",
  ];
  for (const text of bad) {
    try {
      fromEndpoint(text, "--device bess1");
    } catch (error) {
      assert.instance(error, UserError, text);
      const message = (error as Error).message;
      assert.ok(message.includes("--device bess1"), `${text}: ${message}`);
      assert.ok(message.includes(JSON.stringify(text)), `${text}: ${message}`);
      continue;
    }
    assert.unreachable(`${text} was accepted`);
  }
});

test("the reason names what is wrong: no port, port range, scheme, path, framing", () => {
  const why = (text: string) => {
    try {
      fromEndpoint(text, "--device d");
    } catch (error) {
      return (error as Error).message;
    }
    return "";
  };
  assert.match(why("tcp://host"), /no port/);
  assert.match(why("tcp://host:0"), /not 1-65535/);
  assert.match(why("tcp://host:70000"), /not 1-65535/);
  assert.match(why("serial:/dev/x"), /unknown scheme/);
  assert.match(why("rtu:ttyUSB0"), /absolute path/);
  assert.match(why("rtu:/dev/ttyUSB0:115200:9N1"), /framing "9N1"/);
});

test("toEndpointText renders what fromEndpoint reads back to the same endpoint", () => {
  const texts = ["tcp://127.0.0.1:5020", "tcp://[::1]:502", "tcp://plc.local:1", "rtu:/dev/ttyUSB0:115200:8N1", "rtu:/dev/ttyS0:19200:8E1", "rtu:/dev/ttyAMA0:9600:7O2"];
  for (const text of texts) {
    const e = fromEndpoint(text, "x");
    assert.is(toEndpointText(e), text);
    assert.equal(fromEndpoint(toEndpointText(e), "x"), e);
  }
  // Defaults are written out.
  assert.is(toEndpointText(fromEndpoint("rtu:/dev/ttyUSB0", "x")), "rtu:/dev/ttyUSB0:19200:8E1");
});

test.run();
