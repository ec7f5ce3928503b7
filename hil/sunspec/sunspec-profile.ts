import type { DeviceProfile, HeartbeatSpec, InitWrite, ProfilePoint } from "../profile/profile-types.js";
import { encodeRegisters } from "../profile/register-codec.js";
import { findPoint, modelLayout, type LaidOutPoint, type PlacedModel, type SunSpecModelDef } from "./sunspec-layout.js";
import type { ScanResult } from "./sunspec-scan.js";
import { notImplementedPattern, profileType } from "./sunspec-types.js";

/**
 * Builds a DeviceProfile from SunSpec models placed at known addresses (a planned layout, or what a
 * scan found) and a mapping of port point names to SunSpec points. Each point reads the holding
 * registers of its SunSpec point, with the SunSpec type's "not implemented" raw, its `sunssf`
 * register as `scaleFactor` (or a literal sf folded into `scale`), and the mapping's extra `scale`
 * (e.g. 0.01 for % → fraction, −1 to flip SunSpec's "+ = export" to the port's "+ = charge").
 * Pure: the model definitions are passed in.
 *
 * Example: sunspecProfile({ ..., points: { "battery.bess1.socFrac": { model: 713, point: "SoC", scale: 0.01, unit: "fraction" } } }).
 */

/** Where one port point lives in SunSpec terms, plus its profile fields. */
export interface SunSpecPointRef {
  model: number;
  point: string;
  /** Which model of that id, when a device has several (default 0: the first). */
  instance?: number;
  kind?: "measurement" | "setpoint";
  /** Extra factor on top of the SunSpec scale factor (default 1). */
  scale?: number;
  /** Unit of the engineering value (default: the SunSpec units). */
  unit?: string;
  description?: string;
  min?: number;
  max?: number;
  rampLimitPerS?: number;
  minWriteIntervalS?: number;
  staleAfterS?: number;
  fallback?: number;
}

/** A register write made when armed, named in SunSpec terms; `value` is raw (unscaled) or an enum symbol. */
export interface SunSpecInitWrite {
  model: number;
  point: string;
  instance?: number;
  value: number | string;
  description: string;
}

/** Inputs of sunspecProfile. */
export interface SunSpecProfileOptions {
  name: string;
  description: string;
  unitId: number;
  models: readonly PlacedModel[];
  points: Readonly<Record<string, SunSpecPointRef>>;
  heartbeat?: { model: number; point: string; instance?: number; periodS: number };
  initWrites?: readonly SunSpecInitWrite[];
  /** Default staleness of measurements, s (default 2). */
  staleAfterS?: number;
}

/** Joins a scan result with model definitions into placed models; unknown model ids are left out. */
export function placeScannedModels(scan: ScanResult, defs: ReadonlyMap<number, SunSpecModelDef>): PlacedModel[] {
  const placed: PlacedModel[] = [];
  for (const found of scan.models) {
    const def = defs.get(found.id);
    if (def === undefined) continue;
    const layout = modelLayout(def);
    if (layout.length > found.length) {
      throw new Error(`model ${found.id} at ${found.address}: the device says L = ${found.length}, the definition needs at least ${layout.length}`);
    }
    placed.push({ id: found.id, address: found.address, length: found.length, layout });
  }
  return placed;
}

/** Builds the profile; a reference to a missing model or point, or a setpoint on a read-only point, throws. */
export function sunspecProfile(options: SunSpecProfileOptions): DeviceProfile {
  const locate = (model: number, name: string, instance = 0): { placed: PlacedModel; point: LaidOutPoint } => {
    const placed = options.models.filter((m) => m.id === model)[instance];
    if (placed === undefined) throw new Error(`no model ${model} (instance ${instance}) among ${options.models.map((m) => m.id).join(", ")}`);
    const point = findPoint(placed.layout, name);
    if (point === undefined) throw new Error(`model ${model} has no point ${name}`);
    return { placed, point };
  };
  const points = Object.entries(options.points).map(([name, ref]): ProfilePoint => {
    const { placed, point } = locate(ref.model, ref.point, ref.instance);
    const type = profileType(point.type);
    if (type === undefined) throw new Error(`${name}: ${ref.model}.${ref.point} is a ${point.type}, which a profile point cannot read`);
    const kind = ref.kind ?? "measurement";
    if (kind === "setpoint" && !point.writable) throw new Error(`${name}: ${ref.model}.${ref.point} is read-only`);
    let scale = ref.scale ?? 1;
    if (point.sfExponent !== undefined) scale = point.sfExponent >= 0 ? scale * 10 ** point.sfExponent : scale / 10 ** -point.sfExponent;
    const out: ProfilePoint = {
      name,
      kind,
      unitId: options.unitId,
      table: "holding",
      address: placed.address + point.offset,
      type,
      wordOrder: "high-first",
      scale,
      unit: ref.unit ?? point.units ?? "",
      description: ref.description ?? `SunSpec ${ref.model} ${ref.point}: ${point.description}`,
      minWriteIntervalS: ref.minWriteIntervalS ?? 0,
      staleAfterS: ref.staleAfterS ?? options.staleAfterS ?? 2,
    };
    if (point.sfPoint !== undefined) {
      const sf = findPoint(placed.layout, point.sfPoint)!;
      out.scaleFactor = { table: "holding", address: placed.address + sf.offset };
    }
    const pattern = notImplementedPattern(point.type);
    if (pattern !== undefined) out.notImplementedRaw = pattern;
    if (ref.min !== undefined) out.min = ref.min;
    if (ref.max !== undefined) out.max = ref.max;
    if (ref.rampLimitPerS !== undefined) out.rampLimitPerS = ref.rampLimitPerS;
    if (ref.fallback !== undefined) out.fallback = ref.fallback;
    return out;
  });
  // Every register of a SunSpec model is mapped, so reads may span whole models.
  const profile: DeviceProfile = { name: options.name, description: options.description, maxReadGap: 124, points, initWrites: [] };
  const first = options.models[0];
  if (first !== undefined) profile.sunspec = { base: first.address - 2, models: options.models.map((m) => m.id) };
  if (options.heartbeat !== undefined) {
    const { placed, point } = locate(options.heartbeat.model, options.heartbeat.point, options.heartbeat.instance);
    if (!point.writable || point.size !== 1) throw new Error(`heartbeat ${options.heartbeat.model}.${options.heartbeat.point} is not a writable single register`);
    const heartbeat: HeartbeatSpec = { unitId: options.unitId, address: placed.address + point.offset, periodS: options.heartbeat.periodS };
    profile.heartbeat = heartbeat;
  }
  for (const write of options.initWrites ?? []) profile.initWrites.push(...initWritesOf(write, options.unitId, locate));
  return profile;
}

/** The single-register writes of one SunSpec init write: one for 16-bit points, high word then low word for 32-bit. */
function initWritesOf(
  write: SunSpecInitWrite,
  unitId: number,
  locate: (model: number, name: string, instance?: number) => { placed: PlacedModel; point: LaidOutPoint },
): InitWrite[] {
  const { placed, point } = locate(write.model, write.point, write.instance);
  const where = `init write ${write.model}.${write.point}`;
  if (!point.writable) throw new Error(`${where}: the point is read-only`);
  const type = profileType(point.type);
  if (type === undefined || type === "float32") throw new Error(`${where}: a ${point.type} cannot be written as a raw integer`);
  let raw: number;
  if (typeof write.value === "string") {
    const value = point.symbols?.get(write.value);
    if (value === undefined) throw new Error(`${where}: no symbol ${write.value}; known: ${[...(point.symbols?.keys() ?? [])].join(", ")}`);
    raw = value;
  } else {
    raw = write.value;
  }
  const registers = new Uint16Array(2);
  const reason = encodeRegisters({ type, wordOrder: "high-first", scale: 1 }, raw, registers, 0, 0);
  if (reason !== null) throw new Error(`${where}: ${reason}`);
  const address = placed.address + point.offset;
  if (point.size === 1) return [{ unitId, address, raw: registers[0]!, description: write.description }];
  return [
    { unitId, address, raw: registers[0]!, description: `${write.description} (high word)` },
    { unitId, address: address + 1, raw: registers[1]!, description: `${write.description} (low word)` },
  ];
}
