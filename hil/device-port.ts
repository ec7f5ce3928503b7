import { unknownName, UserError } from "../models/lib/errors.js";
import { QUALITY_ERROR, QUALITY_OK, QUALITY_STALE, type PlantPort, type PointSpec, type Quality } from "../engine/port.js";
import { LINK_DOWN, LINK_OK, LINK_TIMEOUT, writeRegistersAsync, type ModbusLink } from "./bindings/modbus-link.js";
import { IO_AGE, IO_DETAIL_NUMBER, IO_READBACK, IO_T, IO_VALUE, OPS, OUTCOMES, type HilRecorder, type Outcome } from "./hil-recorder.js";
import { decodeInto, encodeFrom, registerCount } from "./profile/register-codec.js";
import type { DeviceProfile, ProfilePoint, RegisterTable } from "./profile/profile-types.js";

/** One device: its name on the command line, its profile and the bus it is on. */
export interface DeviceBinding {
  name: string;
  profile: DeviceProfile;
  link: ModbusLink;
}

export interface DevicePortOptions {
  /** Write to the devices only when armed; otherwise every write is recorded as dry_run and nothing is sent. */
  armed: boolean;
  /** Monotonic clock, ms. */
  nowMs: () => number;
  recorder: HilRecorder;
  /** Link and safety events (link lost / restored, fallback on / off, refused writes), for the events table. */
  event: (source: string, kind: string, value: number, detail: string) => void;
  /**
   * Registers a read may skip to join two points into one request (default 8). Reading a few unused
   * registers beats a round trip, but some PLCs answer exception 02 for unmapped addresses;
   * SunSpec devices map every register of a model, so their profiles can use up to 125.
   */
  maxGapRegisters?: number;
  /** An unchanged setpoint is sent again after this long, s (keeps device reversion timers fed). */
  reassertS?: number;
}

/**
 * The device port: a PlantPort over Modbus devices described by profiles, so a controller cannot
 * tell hardware from the twin. The real-time loop calls, per cycle: beginCycle, poll (read every
 * measurement in as few requests as the protocol allows), the controllers' steps (reads and writes
 * here touch only memory: no I/O, no allocation), then flush (send what the controllers wrote,
 * read it back, keep the heartbeat alive).
 *
 * Safety (field practice, hil-notes §5): only setpoints a profile declares exist; a write outside
 * the declared bounds is refused, not clamped, and recorded; ramp limits cap the change per second
 * and a minimum interval defers writes; nothing is sent unless armed (dry run records what would
 * have been); when a measurement a controller resolved goes stale or bad, or a device's link is
 * down, every setpoint a controller resolved goes to its declared fallback in the same cycle and
 * stays there until the inputs are good again.
 */
export interface DevicePort extends PlantPort {
  readonly devices: readonly DeviceBinding[];
  /** True while the setpoints are held at their fallbacks. */
  readonly inFallback: boolean;
  /** Whether a point of this name (and kind) is served by a device. */
  has(kind: PointSpec["kind"], name: string): boolean;
  /** Starts a cycle: `tS` its planned time since the start, `nowMs` the monotonic clock now. */
  beginCycle(cycle: number, tS: number): void;
  /**
   * Reads every device (measurements get their value, quality and age), then calls `done`. The
   * real-time loop's form: no promise, nothing allocated; `done` may run before pollThen returns.
   */
  pollThen(done: () => void): void;
  /** Sends pending setpoint writes (fallbacks when inputs are bad) and heartbeats, then calls `done`. */
  flushThen(done: () => void): void;
  /** pollThen as a promise. */
  poll(): Promise<void>;
  /** flushThen as a promise. */
  flush(): Promise<void>;
  /** Makes the profiles' init writes (reversion timers, enable flags); only when armed. */
  arm(): Promise<void>;
  /** Writes every resolved setpoint's fallback now (end of run, Ctrl-C). */
  safeStop(reason: string): Promise<void>;
}

/** Registers read together: one request. */
interface Block {
  device: number;
  unitId: number;
  table: RegisterTable;
  address: number;
  count: number;
  raw: Uint16Array;
  ok: boolean;
  error: string;
}

/** Where a point's registers (or its scale-factor register) sit in a block; block −1: not read. */
interface Slot {
  block: number;
  offset: number;
}

const MAX_REGISTERS = 125;
const MAX_BITS = 2000;

const QUALITY_NAME = ["ok", "stale", "error"] as const;
const OP_READ = OPS.indexOf("read");
const OP_WRITE = OPS.indexOf("write");
const OP_HEARTBEAT = OPS.indexOf("heartbeat");
/** Outcome indices (into OUTCOMES) of the qualities, by quality. */
const QUALITY_OUTCOME = QUALITY_NAME.map((q) => OUTCOMES.indexOf(q));
const outcomeIndex = (o: Outcome) => OUTCOMES.indexOf(o);
const ACCEPTED = outcomeIndex("accepted");
const REFUSED = outcomeIndex("refused");
const LIMITED = outcomeIndex("limited");
const DRY_RUN = outcomeIndex("dry_run");
const FAILED = outcomeIndex("failed");

export function createDevicePort(devices: readonly DeviceBinding[], options: DevicePortOptions): DevicePort {
  const { recorder, nowMs } = options;
  const reassertMs = (options.reassertS ?? 1) * 1000;
  const maxGap = options.maxGapRegisters ?? 8;
  const deviceIndex: number[] = [];
  const meas: ProfilePoint[] = [];
  const sets: ProfilePoint[] = [];
  const measDevice: number[] = [];
  const setDevice: number[] = [];
  const specs: PointSpec[] = [];
  const measByName = new Map<string, number>();
  const setByName = new Map<string, number>();
  devices.forEach((d, di) => {
    for (const p of d.profile.points) {
      const byName = p.kind === "measurement" ? measByName : setByName;
      if (byName.has(p.name)) throw new UserError(`device ${d.name}: point ${p.name} is also declared by device ${devices[p.kind === "measurement" ? measDevice[byName.get(p.name)!]! : setDevice[byName.get(p.name)!]!]!.name}`);
      if (p.kind === "measurement") {
        measByName.set(p.name, meas.length);
        meas.push(p);
        measDevice.push(di);
      } else {
        setByName.set(p.name, sets.length);
        sets.push(p);
        setDevice.push(di);
      }
      specs.push({ name: p.name, kind: p.kind, unit: p.unit, description: p.description, min: p.min, max: p.max, initial: p.kind === "setpoint" ? p.fallback ?? 0 : Number.NaN });
    }
    deviceIndex.push(di);
  });
  // Point names for the recorder: measurements, then setpoints, then one heartbeat per device.
  const recorderPoint = (kind: "m" | "s" | "h", i: number) => (kind === "m" ? i : kind === "s" ? meas.length + i : meas.length + sets.length + i);

  // Read plan: every measurement and every scale-factor register, grouped into blocks.
  const blocks: Block[] = [];
  const measSlot: Slot[] = [];
  const measSfSlot: Slot[] = [];
  const setSfSlot: Slot[] = [];
  const setReadSlot: Slot[] = [];
  {
    interface Item { device: number; unitId: number; table: RegisterTable; address: number; size: number; assign: (s: Slot) => void }
    const items: Item[] = [];
    meas.forEach((p, i) => {
      items.push({ device: measDevice[i]!, unitId: p.unitId, table: p.table, address: p.address, size: registerCount(p.type), assign: (s) => (measSlot[i] = s) });
      if (p.scaleFactor) items.push({ device: measDevice[i]!, unitId: p.unitId, table: p.scaleFactor.table, address: p.scaleFactor.address, size: 1, assign: (s) => (measSfSlot[i] = s) });
    });
    sets.forEach((p, i) => {
      if (p.scaleFactor) items.push({ device: setDevice[i]!, unitId: p.unitId, table: p.scaleFactor.table, address: p.scaleFactor.address, size: 1, assign: (s) => (setSfSlot[i] = s) });
      setReadSlot[i] = { block: -1, offset: 0 };
    });
    items.sort((a, b) => a.device - b.device || a.unitId - b.unitId || a.table.localeCompare(b.table) || a.address - b.address);
    let current: Block | undefined;
    for (const it of items) {
      const limit = it.table === "coil" || it.table === "discrete" ? MAX_BITS : MAX_REGISTERS;
      const gap = devices[it.device]!.profile.maxReadGap ?? maxGap;
      const fits =
        current !== undefined &&
        current.device === it.device &&
        current.unitId === it.unitId &&
        current.table === it.table &&
        it.address <= current.address + current.count + gap &&
        Math.max(current.address + current.count, it.address + it.size) - current.address <= limit;
      if (!fits) {
        current = { device: it.device, unitId: it.unitId, table: it.table, address: it.address, count: it.size, raw: new Uint16Array(0), ok: false, error: "not read yet" };
        blocks.push(current);
      } else {
        current!.count = Math.max(current!.count, it.address + it.size - current!.address);
      }
      it.assign({ block: blocks.length - 1, offset: it.address - current!.address });
    }
    for (const b of blocks) b.raw = new Uint16Array(b.count);
  }
  for (let i = 0; i < meas.length; i++) measSfSlot[i] ??= { block: -1, offset: 0 };
  for (let i = 0; i < sets.length; i++) setSfSlot[i] ??= { block: -1, offset: 0 };

  // Measurement state.
  const value = new Float64Array(meas.length).fill(Number.NaN);
  const sampledMs = new Float64Array(meas.length).fill(Number.NaN);
  const status = new Int8Array(meas.length).fill(QUALITY_ERROR);
  const measError: string[] = meas.map(() => "not read yet");
  const measResolved = new Uint8Array(meas.length);
  // Setpoint state.
  const commandedValue = Float64Array.from(sets, (p) => p.fallback ?? 0);
  const pending = new Uint8Array(sets.length);
  const pendingValue = new Float64Array(sets.length);
  const sentValue = new Float64Array(sets.length).fill(Number.NaN);
  const sentMs = new Float64Array(sets.length).fill(-Infinity);
  const setResolved = new Uint8Array(sets.length);
  // The detail of a ramp-limited write, up to the value sent (which the recorder appends when it cuts a chunk).
  const rampDetail = sets.map((p) => `ramp limit ${p.rampLimitPerS} ${p.unit}/s: `);
  const encodeBuf = new Uint16Array(2);
  const readbackBuf = new Uint16Array(2);
  const heartbeatBuf = new Uint16Array(1);
  const heartbeatCount = new Uint16Array(devices.length);
  const heartbeatMs = new Float64Array(devices.length).fill(-Infinity);

  let cycle = 0;
  // The cycle's planned time since the start, s, and its monotonic start, ms (in a typed array: a
  // double in a closure variable is a new heap number on every store).
  const cycleClock = new Float64Array(2);
  const T_S = 0;
  const NOW_MS = 1;
  let fallback = false;
  let fallbackWhy = "";
  const sfOf = (slot: Slot): number => {
    if (slot.block < 0) return 0;
    const b = blocks[slot.block]!;
    if (!b.ok) return Number.NaN;
    const raw = b.raw[slot.offset]!;
    // SunSpec sunssf: int16, 0x8000 = not implemented.
    if (raw === 0x8000) return Number.NaN;
    return raw >= 0x8000 ? raw - 0x10000 : raw;
  };
  const qualityOf = (i: number): Quality => {
    if (status[i] !== QUALITY_OK) return QUALITY_ERROR;
    return (cycleClock[NOW_MS]! - sampledMs[i]!) / 1000 > meas[i]!.staleAfterS ? QUALITY_STALE : QUALITY_OK;
  };
  // Rows go to the recorder with their numbers in its typed array (see HilRecorder.ioRow), and
  // values move between steps in typed arrays too: nothing here passes a double to a call, so a
  // cycle allocates nothing (issue #11).
  const io = recorder.ioNumbers;
  /** Records a write row of setpoint i with the value asked in io[IO_VALUE] and the readback in io[IO_READBACK]. */
  const recordWrite = (i: number, outcome: number, detail: string) => {
    io[IO_T] = cycleClock[T_S]!;
    io[IO_AGE] = Number.NaN;
    recorder.ioRow(cycle, setDevice[i]!, recorderPoint("s", i), OP_WRITE, outcome, detail, undefined, "");
  };
  const refuse = (i: number, asked: number, why: string) => {
    io[IO_VALUE] = asked;
    io[IO_READBACK] = Number.NaN;
    recordWrite(i, REFUSED, why);
    options.event("hil", "write_refused", asked, `${sets[i]!.name}: ${why}`);
  };

  // Sending one setpoint: write, then read back. The request in progress is described by these
  // (one at a time), its steps are functions made once, and `sendThen` is told when it is over.
  let sendI = 0;
  let sendN = 1;
  // [0]: the value being sent (set before send()), [1]: its readback.
  const sendValue = new Float64Array(2);
  let sendSf = 0;
  let sendThen: () => void = () => undefined;
  const sendReadBack = (code: number) => {
    const i = sendI;
    io[IO_VALUE] = sendValue[0]!;
    if (code !== LINK_OK) {
      io[IO_READBACK] = Number.NaN;
      recordWrite(i, ACCEPTED, `readback failed: ${linkReason(code, devices[setDevice[i]!]!.link)}`);
    } else {
      decodeInto(sets[i]!, readbackBuf, 0, sendSf, sendValue, 1);
      const same = readbackBuf[0] === encodeBuf[0] && (sendN === 1 || readbackBuf[1] === encodeBuf[1]);
      io[IO_VALUE] = sendValue[0]!;
      io[IO_READBACK] = sendValue[1]!;
      recordWrite(i, same ? ACCEPTED : FAILED, same ? "" : "readback differs from the value written");
    }
    sendThen();
  };
  const sendWritten = (code: number) => {
    const i = sendI;
    const p = sets[i]!;
    const d = devices[setDevice[i]!]!;
    if (code !== LINK_OK) {
      io[IO_VALUE] = sendValue[0]!;
      io[IO_READBACK] = Number.NaN;
      recordWrite(i, FAILED, linkReason(code, d.link));
      if (code > 0) options.event(d.name, "modbus_exception", code, `${p.name}: write answered with exception ${code}`);
      sendThen();
      return;
    }
    sentValue[i] = sendValue[0]!;
    sentMs[i] = cycleClock[NOW_MS]!;
    commandedValue[i] = sendValue[0]!;
    // Read back and verify: a device may clamp or ignore a write without an exception.
    d.link.read(p.unitId, p.table, p.address, sendN, readbackBuf, 0, sendReadBack);
  };
  /** Sends setpoint i's value, set in sendValue[0] (or records why not), then calls `then`. */
  const send = (i: number, then: () => void): void => {
    const p = sets[i]!;
    const d = devices[setDevice[i]!]!;
    const sf = sfOf(setSfSlot[i]!);
    io[IO_VALUE] = sendValue[0]!;
    io[IO_READBACK] = Number.NaN;
    if (sf !== sf) {
      recordWrite(i, FAILED, "its scale-factor register could not be read");
      return then();
    }
    const why = encodeFrom(p, sendValue, 0, encodeBuf, 0, sf);
    if (why !== null) {
      refuse(i, sendValue[0]!, why);
      return then();
    }
    if (!options.armed) {
      sentValue[i] = sendValue[0]!;
      sentMs[i] = cycleClock[NOW_MS]!;
      commandedValue[i] = sendValue[0]!;
      recordWrite(i, DRY_RUN, "");
      return then();
    }
    sendI = i;
    sendN = registerCount(p.type);
    sendSf = sf;
    sendThen = then;
    if (p.table === "coil") d.link.writeCoil(p.unitId, p.address, encodeBuf[0] !== 0, sendWritten);
    else d.link.writeRegisters(p.unitId, p.address, encodeBuf, sendN, sendWritten);
  };

  // poll: one request per block, in order, then the measurements are decoded.
  let pollBlock = 0;
  let pollDone: () => void = () => undefined;
  const pollNext = () => {
    if (pollBlock === blocks.length) return pollDecode();
    const b = blocks[pollBlock]!;
    devices[b.device]!.link.read(b.unitId, b.table, b.address, b.count, b.raw, 0, blockRead);
  };
  const blockRead = (code: number) => {
    const b = blocks[pollBlock]!;
    const link = devices[b.device]!.link;
    b.ok = code === LINK_OK;
    b.error = b.ok ? "" : linkReason(code, link);
    if (code > 0) options.event(devices[b.device]!.name, "modbus_exception", code, `read of ${b.table} ${b.address}+${b.count} on unit ${b.unitId}: exception ${code}`);
    pollBlock++;
    pollNext();
  };
  // [0]: a decoded value, [1]: when the poll's reads ended (the measurements' sample time), ms.
  const decoded = new Float64Array(2);
  const pollDecode = () => {
    decoded[1] = nowMs();
    const cycleMs = cycleClock[NOW_MS]!;
    let bad = -1;
    for (let i = 0; i < meas.length; i++) {
      const p = meas[i]!;
      const slot = measSlot[i]!;
      const b = blocks[slot.block]!;
      let reason = "";
      if (b.ok) {
        const sf = sfOf(measSfSlot[i]!);
        if (sf === sf) decodeInto(p, b.raw, slot.offset, sf, decoded, 0);
        else decoded[0] = Number.NaN;
        const v = decoded[0]!;
        if (v !== v) {
          status[i] = QUALITY_ERROR;
          reason = sf === sf ? "not implemented by the device" : "scale factor not readable";
        } else if ((p.min !== undefined && v < p.min) || (p.max !== undefined && v > p.max)) {
          status[i] = QUALITY_ERROR;
          value[i] = v;
          sampledMs[i] = decoded[1]!;
          reason = `outside its plausible range [${p.min ?? "-inf"}, ${p.max ?? "inf"}]`;
        } else {
          status[i] = QUALITY_OK;
          value[i] = v;
          sampledMs[i] = decoded[1]!;
        }
      } else {
        status[i] = QUALITY_ERROR;
        reason = b.error;
      }
      measError[i] = reason;
      const q = qualityOf(i);
      io[IO_T] = cycleClock[T_S]!;
      io[IO_VALUE] = value[i]!;
      // (Stored in each branch: a conditional expression of a double and NaN may be boxed.)
      if (sampledMs[i]! === sampledMs[i]!) io[IO_AGE] = Math.max(0, cycleMs - sampledMs[i]!) / 1000;
      else io[IO_AGE] = Number.NaN;
      io[IO_READBACK] = Number.NaN;
      recorder.ioRow(cycle, measDevice[i]!, recorderPoint("m", i), OP_READ, QUALITY_OUTCOME[q]!, reason, undefined, "");
      if (q !== QUALITY_OK && measResolved[i] === 1 && bad < 0) bad = i;
    }
    let down = -1;
    for (let d = 0; d < devices.length; d++) if (!devices[d]!.link.up) down = d;
    if (bad >= 0 || down >= 0) {
      if (!fallback) {
        fallback = true;
        fallbackWhy = down >= 0 ? `device ${devices[down]!.name} link down` : `${meas[bad]!.name} ${QUALITY_NAME[qualityOf(bad)]}${measError[bad] ? `: ${measError[bad]}` : ""}`;
        options.event("hil", "fallback_on", 1, `setpoints to their fallbacks: ${fallbackWhy}`);
        for (let i = 0; i < sets.length; i++) {
          if (setResolved[i] !== 1) continue;
          pending[i] = 1;
          pendingValue[i] = sets[i]!.fallback ?? 0;
        }
      }
    } else if (fallback) {
      fallback = false;
      options.event("hil", "fallback_off", 0, `inputs good again after: ${fallbackWhy}`);
      fallbackWhy = "";
    }
    pollDone();
  };

  // flush: the setpoints due, one after the other, then the heartbeats.
  let flushSet = 0;
  let flushDevice = 0;
  let flushDone: () => void = () => undefined;
  const flushNextSet = () => {
    flushSet++;
    flushSetpoints();
  };
  const flushSetpoints = () => {
    const cycleMs = cycleClock[NOW_MS]!;
    for (; flushSet < sets.length; flushSet++) {
      const i = flushSet;
      const p = sets[i]!;
      const due = pending[i] === 1 || (sentValue[i] === sentValue[i] && cycleMs - sentMs[i]! >= reassertMs);
      if (!due) continue;
      let target = pending[i] === 1 ? pendingValue[i]! : sentValue[i]!;
      // The minimum interval paces a controller's writes; a fallback goes out in the cycle it is decided.
      if (pending[i] === 1 && !fallback && p.minWriteIntervalS > 0 && cycleMs - sentMs[i]! < p.minWriteIntervalS * 1000) continue;
      pending[i] = 0;
      if (!fallback && p.rampLimitPerS !== undefined && sentValue[i] === sentValue[i]) {
        const stepMax = (p.rampLimitPerS * (cycleMs - sentMs[i]!)) / 1000;
        const from = sentValue[i]!;
        if (target > from + stepMax || target < from - stepMax) {
          const limited = target > from ? from + stepMax : from - stepMax;
          io[IO_T] = cycleClock[T_S]!;
          io[IO_VALUE] = target;
          io[IO_AGE] = Number.NaN;
          io[IO_READBACK] = Number.NaN;
          io[IO_DETAIL_NUMBER] = limited;
          recorder.ioRow(cycle, setDevice[i]!, recorderPoint("s", i), OP_WRITE, LIMITED, rampDetail[i]!, " sent instead", "");
          target = limited;
          // The rest of the way goes in later cycles (unless the controller writes again).
          pending[i] = 1;
        }
      }
      if (!devices[setDevice[i]!]!.link.up) {
        io[IO_VALUE] = target;
        io[IO_READBACK] = Number.NaN;
        recordWrite(i, FAILED, "link down");
        sentValue[i] = Number.NaN;
        // A fallback stays pending: it is sent once the link is back if the port still holds it.
        if (fallback) {
          pending[i] = 1;
          pendingValue[i] = target;
        }
        continue;
      }
      sendValue[0] = target;
      return send(i, flushNextSet);
    }
    flushDevice = 0;
    flushHeartbeats();
  };
  const heartbeatSent = (code: number) => {
    const d = flushDevice;
    if (code !== LINK_OK) {
      io[IO_T] = cycleClock[T_S]!;
      io[IO_VALUE] = heartbeatBuf[0]!;
      io[IO_AGE] = Number.NaN;
      io[IO_READBACK] = Number.NaN;
      recorder.ioRow(cycle, d, recorderPoint("h", d), OP_HEARTBEAT, FAILED, linkReason(code, devices[d]!.link), undefined, "");
    }
    flushDevice++;
    flushHeartbeats();
  };
  const flushHeartbeats = () => {
    const cycleMs = cycleClock[NOW_MS]!;
    for (; flushDevice < devices.length; flushDevice++) {
      const d = flushDevice;
      const hb = devices[d]!.profile.heartbeat;
      if (hb === undefined || cycleMs - heartbeatMs[d]! < hb.periodS * 1000) continue;
      heartbeatMs[d] = cycleMs;
      heartbeatCount[d] = (heartbeatCount[d]! + 1) & 0xffff;
      heartbeatBuf[0] = heartbeatCount[d]!;
      if (!options.armed) continue;
      return devices[d]!.link.writeRegisters(hb.unitId, hb.address, heartbeatBuf, 1, heartbeatSent);
    }
    flushDone();
  };

  const port: DevicePort = {
    devices,
    points: specs,
    get inFallback() {
      return fallback;
    },
    has: (kind, name) => (kind === "measurement" ? measByName.has(name) : setByName.has(name)),
    measurement(name) {
      const h = measByName.get(name);
      if (h === undefined) throw unknownName("device measurement", name, [...measByName.keys()]);
      measResolved[h] = 1;
      return h;
    },
    setpoint(name) {
      const h = setByName.get(name);
      if (h === undefined) throw unknownName("device setpoint", name, [...setByName.keys()]);
      setResolved[h] = 1;
      return h;
    },
    read: (h) => value[h]!,
    quality: (h) => qualityOf(h),
    // A value read during this cycle (after its start) is 0 s old, not negative.
    ageS: (h) => (sampledMs[h]! === sampledMs[h]! ? Math.max(0, cycleClock[NOW_MS]! - sampledMs[h]!) / 1000 : Infinity),
    write(h, v) {
      const p = sets[h]!;
      if (v !== v) return refuse(h, v, "NaN");
      if ((p.min !== undefined && v < p.min) || (p.max !== undefined && v > p.max)) {
        return refuse(h, v, `outside its bounds [${p.min ?? "-inf"}, ${p.max ?? "inf"}] ${p.unit}`);
      }
      if (fallback) return refuse(h, v, `holding the fallback: ${fallbackWhy}`);
      pending[h] = 1;
      pendingValue[h] = v;
    },
    commanded: (h) => commandedValue[h]!,
    beginCycle(c, tS) {
      cycle = c;
      cycleClock[T_S] = tS;
      cycleClock[NOW_MS] = nowMs();
    },
    pollThen(done) {
      pollDone = done;
      pollBlock = 0;
      pollNext();
    },
    flushThen(done) {
      flushDone = done;
      flushSet = 0;
      flushSetpoints();
    },
    poll: () => new Promise<void>((resolve) => port.pollThen(resolve)),
    flush: () => new Promise<void>((resolve) => port.flushThen(resolve)),
    async arm() {
      if (!options.armed) return;
      for (let d = 0; d < devices.length; d++) {
        const dev = devices[d]!;
        for (const w of dev.profile.initWrites) {
          const code = await writeRegistersAsync(dev.link, w.unitId, w.address, Uint16Array.of(w.raw), 1);
          recorder.io(cycleClock[T_S]!, cycle, d, recorderPoint("h", d), "init", w.raw, code === LINK_OK ? "accepted" : "failed", Number.NaN, Number.NaN, `${w.description}${code === LINK_OK ? "" : `: ${linkReason(code, dev.link)}`}`);
        }
      }
    },
    async safeStop(reason) {
      options.event("hil", "safe_stop", 0, reason);
      for (let i = 0; i < sets.length; i++) {
        if (setResolved[i] !== 1) continue;
        commandedValue[i] = sets[i]!.fallback ?? 0;
        if (!devices[setDevice[i]!]!.link.up) continue;
        sendValue[0] = commandedValue[i]!;
        await new Promise<void>((resolve) => send(i, resolve));
      }
    },
  };
  return port;
}

/** Names of every point the recorder indexes: measurements, setpoints, then each device's heartbeat. */
export function devicePortPointNames(devices: readonly DeviceBinding[]): string[] {
  const m: string[] = [];
  const s: string[] = [];
  for (const d of devices) for (const p of d.profile.points) (p.kind === "measurement" ? m : s).push(p.name);
  return [...m, ...s, ...devices.map((d) => `${d.name}.heartbeat`)];
}

function linkReason(code: number, link: ModbusLink): string {
  if (code > 0) return `Modbus exception ${code}`;
  if (code === LINK_TIMEOUT) return "timeout";
  if (code === LINK_DOWN) return "link down";
  return link.lastError() || "request failed";
}
