import { createDevicePort, devicePortPointNames, type DeviceBinding } from "../../hil/device-port.js";
import { createHilRecorder } from "../../hil/hil-recorder.js";
import { loadProfile } from "../../hil/profile/load-profile.js";
import { allocatedBytes } from "../alloc-meter.js";
import { ROOT } from "../helpers.js";
import { ImageLink } from "./fake-link.js";

/**
 * Run by test/hil/device-port.test.ts in a process of its own: the bytes a steady poll / write /
 * flush cycle of the SunSpec battery allocates over an in-memory link. ImageLink allocates nothing
 * itself and answers at once, so pollThen / flushThen run the cycle's reads, its ramp-limited
 * write and the readback synchronously: what is counted is the device port's and the recorder's
 * own garbage. Prints one JSON line.
 */
const link = new ImageLink();
const h = link.image.holding;
h[40250] = 3; // W_SF
h[40124] = 3; // WChaDisChaMax_SF
h[40360] = 50; // SoC %
h[40074] = 10_000; // WChaRteMax, kW
h[40075] = 10_000; // WDisChaRteMax, kW
const devices: DeviceBinding[] = [{ name: "bess1", profile: loadProfile(`${ROOT}hil/profiles/sunspec-battery.yaml`), link }];
const capacity = 1 << 18;
const recorder = createHilRecorder("r", ["bess1"], devicePortPointNames(devices), capacity);
const clock = new Float64Array(1);
const port = createDevicePort(devices, { armed: true, nowMs: () => clock[0]!, recorder, event: () => undefined });
const hSet = port.setpoint("battery.bess1.powerSetW");
for (const p of devices[0]!.profile.points) if (p.kind === "measurement") port.measurement(p.name);
let n = 0;
let polled = 0;
let flushed = 0;
const onPolled = () => {
  polled++;
};
const onFlushed = () => {
  flushed++;
};
const cycles = (count: number) => {
  for (let i = 0; i < count; i++, n++) {
    clock[0] = n * 40;
    port.beginCycle(n, n * 0.04);
    port.pollThen(onPolled);
    // Steps beyond the 5 MW/s ramp limit: a limited write and its readback every cycle.
    port.write(hSet, (n % 2) * 5e6);
    port.flushThen(onFlushed);
  }
};
// Warm-up: the hot path optimised (compiled on a background thread: given a moment to land).
cycles(20_000);
await new Promise((resolve) => setTimeout(resolve, 100));
// The window ends before the recorder's first cut (a cut also replaces the columns hot code holds).
const rowsPerCycle = recorder.counts().io / n;
const between = Math.floor((capacity - recorder.counts().io) / rowsPerCycle) - 10;
const requests = link.requests;
const { bytes } = await allocatedBytes(() => cycles(between));
const requestsPerCycle = (link.requests - requests) / between;
// Then cycles across cuts (every `capacity` rows the recorder makes a chunk), each chunk handed
// back as the loop does once it is written: the columns are reused, and what a cut still makes is
// the chunk itself and the text of details that end in a number (the ramp-limited write here).
const small = createHilRecorder("r", ["bess1"], devicePortPointNames(devices), 4096);
const portSmall = createDevicePort(devices, { armed: true, nowMs: () => clock[0]!, recorder: small, event: () => undefined });
const hSmall = portSmall.setpoint("battery.bess1.powerSetW");
for (const p of devices[0]!.profile.points) if (p.kind === "measurement") portSmall.measurement(p.name);
const cyclesSmall = (count: number) => {
  for (let i = 0; i < count; i++, n++) {
    clock[0] = n * 40;
    portSmall.beginCycle(n, n * 0.04);
    portSmall.pollThen(onPolled);
    portSmall.write(hSmall, (n % 2) * 5e6);
    portSmall.flushThen(onFlushed);
    const drained = small.drain(false);
    if (drained.length > 0) small.release(drained);
  }
};
cyclesSmall(20_000);
await new Promise((resolve) => setTimeout(resolve, 100));
const cut = await allocatedBytes(() => cyclesSmall(between));
if (polled !== n || flushed !== n) throw new Error(`polls ${polled}, flushes ${flushed} of ${n} cycles completed before their calls returned`);
console.log(JSON.stringify({ cycles: between, rowsPerCycle, requestsPerCycle, perCycle: bytes / between, cutPerCycle: cut.bytes / between }));
