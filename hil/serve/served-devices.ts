import type { PlantPort } from "../../engine/port.js";
import { UserError } from "../../models/lib/errors.js";
import type { DeviceProfile, ProfilePoint, RegisterTable } from "../profile/profile-types.js";
import { decodeRegisters, encodeRegisters, registerCount } from "../profile/register-codec.js";
import { chooseScaleFactors } from "./scale-factors.js";
import { emptyUnit, type ServedTable, type ServedUnit, type WriteGate, type WriteVerdict } from "./served-unit.js";
import { allowedValues, checkWSetReversion, isWSetControlRegister, sunspecName, wsetControl, type WSetControl } from "./sunspec-controls.js";
import { serveSunSpecChain, type SunSpecServed } from "./sunspec-served.js";

/**
 * The twin's devices as Modbus units: each profile becomes a unit whose registers the serve loop
 * fills from the simulation after every period (publish) and whose accepted setpoint writes reach
 * the simulation before the next one (apply). What a device accepts is what its profile declares:
 * setpoints (within their bounds: outside is exception 03), the heartbeat and init-write registers
 * (SunSpec enums: only their symbols), and the twin clock's advance register; every other write is
 * refused by the PDU handler with exception 02 because nothing else is writable.
 *
 * Devices behave as real ones would: a SunSpec battery follows 704 WSet only while WSetEna is 1
 * and reverts (WSet := WSetRvrt, WSetEna := WSetEnaRvrt) when neither WSet nor WSetEna is written
 * for WSetRvrtTms seconds, or when 802 CtrlHb, once seen, stops changing that long; a plain
 * setpoint with `revertAfter` goes back to its fallback when not written again in time. Time is
 * simulated time, so reversion is as deterministic as the rest of the run.
 *
 * Points the scenario does not have are still served: measurements as "not implemented" (or 0),
 * setpoints as plain registers with no effect; each is listed in `warnings`. A stiff grid's
 * frequency and voltage (the twin's assumption when the scenario models neither) are served as
 * nominal.
 */

/** One device to serve: its name (e.g. `bess1`) and profile. */
export interface ServedDeviceSpec {
  name: string;
  profile: DeviceProfile;
}

/** The twin's clock as the served devices see it (the `twin.*` points and the advance register). */
export interface ServeClock {
  readonly pace: "lockstep" | "realtime" | "accelerated";
  readonly periodS: number;
  readonly periods: number;
  readonly simTimeS: number;
  readonly overruns: number;
  readonly done: boolean;
  /** Lockstep: runs one more period; resolves once the twin has advanced and published. */
  advance(): Promise<void>;
}

/** Where writes and device events go (the run's hil_io and events tables). */
export interface ServeRecord {
  write(device: string, point: string, value: number, outcome: "accepted" | "refused", detail: string, client: string): void;
  event(source: string, kind: string, value: number, detail: string): void;
}

export interface ServedDevicesOptions {
  devices: readonly ServedDeviceSpec[];
  port: PlantPort;
  clock: ServeClock;
  record: ServeRecord;
  /** Nominal grid frequency, served when the scenario models none, Hz. */
  nominalHz: number;
  /** Common-model strings: version and serial number (run id). */
  version: string;
  serialNumber: string;
}

export interface ServedDevices {
  units: readonly ServedUnit[];
  gate: WriteGate;
  /** Simulation and clock → registers; call after each period. */
  publish(): void;
  /** Accepted setpoints → simulation, after reversion checks; call before each period. */
  apply(): void;
  /** Points served without a source or effect in this scenario. */
  warnings: readonly string[];
  /** Every point or register name a write record may carry. */
  names: readonly string[];
}

/** Name of writes to addresses no point or register of the profile owns. */
export const UNMAPPED = "(unmapped)";

const OK: WriteVerdict = Object.freeze({ code: 0, reason: "" }) as WriteVerdict;
const TABLE_INDEX: Record<RegisterTable, number> = { holding: 0, input: 1, coil: 2, discrete: 3 };

interface Setpoint {
  device: string;
  unit: ServedUnit;
  point: ProfilePoint;
  handle: number | undefined;
  sfAddress: number | undefined;
  /** Last accepted value (NaN: none yet). */
  value: number;
  lastWriteS: number;
  /** Value last written to the simulation (NaN: none). */
  applied: number;
  wset: WSetControl | undefined;
}

type Owner =
  | { kind: "setpoint"; sp: Setpoint }
  | { kind: "register"; device: string; unit: ServedUnit; name: string; allowed?: ReadonlySet<number>; wset?: WSetControl; heartbeat?: boolean }
  | { kind: "measurement"; device: string; name: string }
  | { kind: "advance"; device: string };

function ownerDevice(owner: Owner): string {
  return owner.kind === "setpoint" ? owner.sp.device : owner.device;
}

function ownerName(owner: Owner): string {
  return owner.kind === "setpoint" ? owner.sp.point.name : owner.kind === "advance" ? "twin.advance" : owner.name;
}

const enum Source {
  Sim,
  Constant,
  Periods,
  SimTime,
  Period,
  Overruns,
  Done,
  Pace,
  Absent,
}

interface Measurement {
  unit: ServedUnit;
  table: ServedTable;
  point: ProfilePoint;
  source: Source;
  handle: number;
  constant: number;
  sfAddress: number | undefined;
  warned: boolean;
  device: string;
}

/** Builds the units and their behaviour; a unit id used by two devices is a UserError. */
export function createServedDevices(o: ServedDevicesOptions): ServedDevices {
  const { port, clock, record } = o;
  const units = new Map<number, ServedUnit>();
  const owners = new Map<number, Owner>();
  const ownerKey = (unitId: number, table: RegisterTable, address: number) => (unitId * 4 + TABLE_INDEX[table]) * 0x10000 + address;
  const warnings: string[] = [];
  const names = new Set<string>([UNMAPPED]);
  const setpoints: Setpoint[] = [];
  const measurements: Measurement[] = [];
  const wsets: { unit: ServedUnit; device: string; sp: Setpoint; c: WSetControl }[] = [];
  const hbs: { unit: ServedUnit; address: number }[] = [];
  const simNames = new Map(port.points.map((p) => [`${p.kind}:${p.name}`, p]));
  const scratch = new Uint16Array(2);

  const unitFor = (id: number, device: string): ServedUnit => {
    let unit = units.get(id);
    if (unit === undefined) {
      unit = emptyUnit(id, device);
      units.set(id, unit);
    } else if (unit.name !== device) {
      throw new UserError(`--profile ${device}: unit id ${id} is already served for ${unit.name}; give each device its own unit id`);
    }
    return unit;
  };
  const own = (unit: ServedUnit, table: RegisterTable, address: number, size: number, owner: Owner, writable: boolean) => {
    const t = unit[table];
    for (let r = 0; r < size; r++) {
      t.mapped[address + r] = 1;
      if (writable) t.writable[address + r] = 1;
      owners.set(ownerKey(unit.unitId, table, address + r), owner);
    }
  };
  const sfOf = (unit: ServedUnit, address: number | undefined): number => {
    if (address === undefined) return 0;
    const v = unit.holding.values[address]!;
    return v >= 0x8000 ? v - 0x10000 : v;
  };

  for (const device of o.devices) {
    const profile = device.profile;
    const defaultUnit = unitFor(profile.points[0]!.unitId, device.name);
    const sunspec: SunSpecServed | undefined =
      profile.sunspec === undefined
        ? undefined
        : serveSunSpecChain(defaultUnit, profile.sunspec, { manufacturer: "dctwin", model: profile.name, serialNumber: `${o.serialNumber}/${device.name}`, version: o.version });
    // Scale factors: the finest that fits each point's bounds.
    for (const [address, sf] of chooseScaleFactors(profile.points)) {
      defaultUnit.holding.values[address] = sf & 0xffff;
      defaultUnit.holding.mapped[address] = 1;
    }
    for (const point of profile.points) {
      const unit = unitFor(point.unitId, device.name);
      const size = registerCount(point.type);
      const table = unit[point.table];
      names.add(point.name);
      if (point.kind === "setpoint") {
        const sim = simNames.get(`setpoint:${point.name}`);
        if (sim === undefined) warnings.push(`${device.name}: setpoint ${point.name} is not in the scenario: served as a plain register with no effect`);
        const sp: Setpoint = {
          device: device.name,
          unit,
          point,
          handle: sim === undefined ? undefined : port.setpoint(point.name),
          sfAddress: point.scaleFactor?.address,
          value: Number.NaN,
          lastWriteS: 0,
          applied: Number.NaN,
          wset: undefined,
        };
        setpoints.push(sp);
        own(unit, point.table, point.address, size, { kind: "setpoint", sp }, true);
        // The register shows what the twin is doing before any write.
        const initial = sp.handle === undefined ? point.fallback! : port.commanded(sp.handle);
        if (encodeRegisters(point, initial, scratch, 0, sfOf(unit, sp.sfAddress)) === null) table.values.set(scratch.subarray(0, size), point.address);
        if (sunspec !== undefined && point.address === sunspec.address(704, "WSet")) {
          const c = wsetControl(unit, sunspec);
          sp.wset = c;
          wsets.push({ unit, device: device.name, sp, c });
        }
      } else {
        const m: Measurement = { unit, table, point, source: Source.Absent, handle: -1, constant: Number.NaN, sfAddress: point.scaleFactor?.address, warned: false, device: device.name };
        if (simNames.has(`measurement:${point.name}`)) {
          m.source = Source.Sim;
          m.handle = port.measurement(point.name);
        } else if (point.name.startsWith("twin.") && TWIN_SOURCES[point.name] !== undefined) {
          m.source = TWIN_SOURCES[point.name]!;
        } else if (point.name === "grid.frequencyHz") {
          m.source = Source.Constant;
          m.constant = o.nominalHz;
        } else if (point.name === "grid.voltageFrac") {
          m.source = Source.Constant;
          m.constant = 1;
        } else {
          warnings.push(`${device.name}: measurement ${point.name} is not in the scenario: served as ${point.notImplementedRaw === undefined ? "0" : "not implemented"}`);
        }
        measurements.push(m);
        own(unit, point.table, point.address, size, { kind: "measurement", device: device.name, name: point.name }, false);
      }
    }
    // Registers a controller writes besides setpoints: the heartbeat and the init writes.
    if (profile.heartbeat !== undefined) {
      const unit = unitFor(profile.heartbeat.unitId, device.name);
      const name = sunspecName(sunspec, profile.heartbeat.address) ?? "heartbeat";
      names.add(name);
      own(unit, "holding", profile.heartbeat.address, 1, { kind: "register", device: device.name, unit, name, heartbeat: true }, true);
      hbs.push({ unit, address: profile.heartbeat.address });
    }
    for (const w of profile.initWrites) {
      const unit = unitFor(w.unitId, device.name);
      const name = sunspecName(sunspec, w.address) ?? `holding ${w.address}`;
      names.add(name);
      const owner: Owner = { kind: "register", device: device.name, unit, name };
      const allowed = sunspec === undefined ? undefined : allowedValues(sunspec, w.address);
      if (allowed !== undefined) owner.allowed = allowed;
      const wset = wsets.find((x) => x.unit === unit && isWSetControlRegister(x.c, w.address));
      if (wset !== undefined) owner.wset = wset.c;
      own(unit, "holding", w.address, 1, owner, true);
    }
    if (profile.advance !== undefined) {
      const unit = unitFor(profile.advance.unitId, device.name);
      names.add("twin.advance");
      own(unit, "holding", profile.advance.address, 1, { kind: "advance", device: device.name }, true);
    }
  }

  const decodeSetpoint = (sp: Setpoint, values: Uint16Array, offset: number) => decodeRegisters(sp.point, values, offset, sfOf(sp.unit, sp.sfAddress));

  const gate: WriteGate = {
    check(unit, table, address, values, count) {
      for (let i = 0; i < count; i++) {
        const owner = owners.get(ownerKey(unit.unitId, table, address + i));
        if (owner === undefined) continue;
        if (owner.kind === "setpoint") {
          const sp = owner.sp;
          const p = sp.point;
          // The value the point would hold: the request's registers over the current ones.
          const n = registerCount(p.type);
          const cur = unit[table].values;
          for (let r = 0; r < n; r++) {
            const a = p.address + r;
            scratch[r] = a >= address && a < address + count ? values[a - address]! : cur[a]!;
          }
          const v = decodeSetpoint(sp, scratch, 0);
          if (Number.isNaN(v)) return { code: 3, reason: `${p.name}: the "not implemented" value is not a setpoint` };
          if (v < p.min! || v > p.max!) return { code: 3, reason: `${p.name}: ${v} ${p.unit} is outside [${p.min}, ${p.max}] ${p.unit}` };
          i = p.address + n - 1 - address;
        } else if (owner.kind === "register") {
          const v = values[i]!;
          if (owner.allowed !== undefined && !owner.allowed.has(v)) return { code: 3, reason: `${owner.name}: ${v} is not one of ${[...owner.allowed].join(", ")}` };
        } else {
          const v = values[i]!;
          if (clock.pace !== "lockstep") return { code: 3, reason: `twin.advance: the twin is paced ${clock.pace}, not lockstep` };
          const now = clock.periods & 0xffff;
          if (v === now) continue;
          if (v !== ((now + 1) & 0xffff)) return { code: 3, reason: `twin.advance: write ${(now + 1) & 0xffff} (the next period) to advance, or ${now} (no change); got ${v}` };
          if (clock.done) return { code: 3, reason: "twin.advance: the twin has reached its horizon" };
        }
      }
      return OK;
    },
    applied(unit, table, address, count, client) {
      let advance: Promise<void> | undefined;
      const tS = clock.simTimeS;
      for (let i = 0; i < count; i++) {
        const owner = owners.get(ownerKey(unit.unitId, table, address + i));
        if (owner === undefined || owner.kind === "measurement") continue;
        if (owner.kind === "setpoint") {
          const sp = owner.sp;
          const n = registerCount(sp.point.type);
          sp.value = decodeSetpoint(sp, unit[table].values, sp.point.address);
          sp.lastWriteS = tS;
          if (sp.wset !== undefined) sp.wset.lastWriteS = tS;
          record.write(sp.device, sp.point.name, sp.value, "accepted", "", client);
          i = sp.point.address + n - 1 - address;
        } else if (owner.kind === "register") {
          const v = unit.holding.values[address + i]!;
          if (owner.wset !== undefined && address + i === owner.wset.ena) owner.wset.lastWriteS = tS;
          record.write(owner.device, owner.name, v, "accepted", "", client);
        } else {
          const v = unit.holding.values[address + i]!;
          record.write(owner.device, "twin.advance", v, "accepted", "", client);
          // Until the twin has advanced the register keeps the periods done.
          unit.holding.values[address + i] = clock.periods & 0xffff;
          if (v === ((clock.periods + 1) & 0xffff)) advance = clock.advance();
        }
      }
      return advance;
    },
    refused(unitId, table, address, count, code, reason, client) {
      const owner = owners.get(ownerKey(unitId, table, address));
      const device = owner === undefined ? (units.get(unitId)?.name ?? `unit ${unitId}`) : ownerDevice(owner);
      const name = owner === undefined ? UNMAPPED : ownerName(owner);
      record.write(device, name, Number.NaN, "refused", `exception ${String(code).padStart(2, "0")}: ${reason} (${table} ${address}, ${count} registers)`, client);
    },
  };

  const writeRegisters = (table: ServedTable, p: ProfilePoint, v: number, sf: number, m?: Measurement) => {
    const n = registerCount(p.type);
    if (!Number.isNaN(v) && encodeRegisters(p, v, scratch, 0, sf) === null) {
      table.values[p.address] = scratch[0]!;
      if (n === 2) table.values[p.address + 1] = scratch[1]!;
      return;
    }
    const pattern = p.notImplementedRaw ?? 0;
    if (n === 2) {
      table.values[p.address] = p.wordOrder === "high-first" ? Math.floor(pattern / 0x10000) : pattern % 0x10000;
      table.values[p.address + 1] = p.wordOrder === "high-first" ? pattern % 0x10000 : Math.floor(pattern / 0x10000);
    } else {
      table.values[p.address] = pattern & 0xffff;
    }
    if (m !== undefined && !m.warned && !Number.isNaN(v)) {
      m.warned = true;
      record.event(m.device, "served_out_of_range", v, `${p.name} = ${v} ${p.unit} does not fit its register (${p.type}); served as ${p.notImplementedRaw === undefined ? "0" : "not implemented"}`);
    }
  };

  let lastHbSecond = 0;
  const publish = () => {
    for (const m of measurements) {
      let v: number;
      switch (m.source) {
        case Source.Sim:
          // Never computed yet (before the first tick): absent, as a device that has not measured.
          v = port.ageS(m.handle) === Infinity ? Number.NaN : port.read(m.handle);
          break;
        case Source.Constant:
          v = m.constant;
          break;
        case Source.Periods:
          v = clock.periods % 0x10000;
          break;
        case Source.SimTime:
          v = clock.simTimeS;
          break;
        case Source.Period:
          v = clock.periodS;
          break;
        case Source.Overruns:
          v = clock.overruns % 0x10000;
          break;
        case Source.Done:
          v = clock.done ? 1 : 0;
          break;
        case Source.Pace:
          v = clock.pace === "lockstep" ? 0 : clock.pace === "realtime" ? 1 : 2;
          break;
        default:
          v = Number.NaN;
      }
      writeRegisters(m.table, m.point, v, sfOf(m.unit, m.sfAddress), m);
    }
    // 802 Hb: the device's own heartbeat, once per simulated second.
    const second = Math.floor(clock.simTimeS);
    if (second !== lastHbSecond) {
      for (const w of wsets) {
        const hb = w.c.hb;
        if (hb !== undefined) w.unit.holding.values[hb] = (w.unit.holding.values[hb]! + second - lastHbSecond) & 0xffff;
      }
      lastHbSecond = second;
    }
  };

  const apply = () => {
    const tS = clock.simTimeS;
    for (const w of wsets) revertWSet(w.unit, w.device, w.sp, w.c, tS);
    for (const sp of setpoints) {
      const p = sp.point;
      if (sp.wset === undefined && p.revertAfterS !== undefined && !Number.isNaN(sp.value) && sp.value !== p.fallback && tS - sp.lastWriteS > p.revertAfterS) {
        record.event(sp.device, "reversion", p.fallback!, `${p.name} not written for ${p.revertAfterS} s: back to its fallback ${p.fallback} ${p.unit}`);
        sp.value = p.fallback!;
        writeRegisters(sp.unit[p.table], p, sp.value, sfOf(sp.unit, sp.sfAddress));
      }
      let effective = sp.value;
      if (sp.wset !== undefined && sp.unit.holding.values[sp.wset.ena] !== 1) effective = p.fallback!;
      if (sp.handle === undefined || Number.isNaN(effective) || effective === sp.applied) continue;
      port.write(sp.handle, effective);
      sp.applied = effective;
    }
  };

  /** SunSpec 704 reversion (sunspec-controls.ts), then the setpoint follows the reverted WSet. */
  const revertWSet = (unit: ServedUnit, device: string, sp: Setpoint, c: WSetControl, tS: number) => {
    const why = checkWSetReversion(unit.holding.values, c, sp.point.address, tS);
    if (why === undefined) return;
    sp.value = decodeSetpoint(sp, unit.holding.values, sp.point.address);
    record.event(device, "reversion", sp.value, `${why}: ${sp.point.name} → ${sp.value} ${sp.point.unit}, WSetEna → ${unit.holding.values[c.ena]}`);
  };

  return { units: [...units.values()], gate, publish, apply, warnings, names: [...names] };
}

const TWIN_SOURCES: Readonly<Record<string, Source>> = Object.assign(Object.create(null) as Record<string, Source>, {
  "twin.periods": Source.Periods,
  "twin.simTimeS": Source.SimTime,
  "twin.periodS": Source.Period,
  "twin.overruns": Source.Overruns,
  "twin.done": Source.Done,
  "twin.pace": Source.Pace,
});
