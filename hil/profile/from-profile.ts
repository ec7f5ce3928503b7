import { findForbiddenKeys } from "../../engine/scenario/find-forbidden-keys.js";
import { validate } from "../../engine/scenario/validate.js";
import { invalidInput, type Issue } from "../../models/lib/errors.js";
import type { Dimension } from "../../models/lib/units.js";
import { obj, type ObjectSpec } from "../../engine/scenario/spec.js";
import type { DeviceProfile, HeartbeatSpec, InitWrite, ProfilePoint, RegisterTable, RegisterType, WordOrder } from "./profile-types.js";
import { PROFILE_SPEC, UNIT_DIMENSION, pointSpec } from "./profile-spec.js";
import { encodeRegisters, registerCount } from "./register-codec.js";

/**
 * Validates profile data (parsed YAML or JSON) and normalises it to a DeviceProfile, reporting every
 * problem at once as a UserError (field path, value, what was expected). Beyond the field specs it
 * checks: keys `__proto__`/`constructor`/`prototype` anywhere; duplicate point names; setpoints on a
 * writable table (holding or coil) with `min`, `max` and a `fallback` inside them; 32-bit types only
 * in register tables and not past address 65535; no two points sharing a register within a unit and
 * table; `bool` on coils and discrete inputs, or on a register read as 0 / non-zero; bounds and
 * fallback that fit the register type (points without a scale-factor register); non-zero scale.
 *
 * Example: fromProfile(yaml.parse(text), "battery.yaml").points[0].address.
 */
export function fromProfile(data: unknown, source: string): DeviceProfile {
  const issues: Issue[] = [];
  findForbiddenKeys(data, "", issues);
  if (!isRecord(data)) {
    issues.push({ path: "", value: data, expected: "a mapping with name, unitId and points" });
    throw invalidInput(source, issues);
  }
  const headerInput = Object.fromEntries(Object.entries(data).filter(([key]) => key !== "points"));
  const header = validate(HEADER_SPEC, headerInput, "", issues) as RawHeader | undefined;
  const rawPoints = data["points"];
  const points: RawPoint[] = [];
  if (!Array.isArray(rawPoints)) {
    issues.push({ path: "points", value: rawPoints, expected: "a list of at least 1 point" });
  } else {
    if (rawPoints.length === 0) issues.push({ path: "points", value: rawPoints, expected: "a list of at least 1 point" });
    rawPoints.forEach((item, i) => {
      if (!isRecord(item)) {
        issues.push({ path: `points[${i}]`, value: item, expected: "a point: a mapping with name, kind, table, address, type, unit" });
        return;
      }
      const unit = typeof item["unit"] === "string" ? item["unit"] : undefined;
      const dimension = unit === undefined ? undefined : UNIT_DIMENSION[unit];
      const before = issues.length;
      const point = validate(specFor(dimension), item, `points[${i}]`, issues) as RawPoint | undefined;
      // Points with problems of their own are left out of the cross-field checks (their fields may be missing).
      if (point !== undefined && issues.length === before) points.push({ ...point, index: i, written: item });
    });
  }
  const headerOk = header !== undefined && !issues.some((issue) => !issue.path.startsWith("points"));
  if (!headerOk) throw invalidInput(source, issues);
  // Cross-field checks run on every point that validated on its own, so one pass reports everything.
  const profile = normalise(header, points);
  crossCheck(profile, points, issues);
  if (issues.length > 0) throw invalidInput(source, issues);
  return profile;
}

const HEADER_SPEC: ObjectSpec = obj(
  Object.fromEntries(Object.entries(PROFILE_SPEC.fields).filter(([key]) => key !== "points")),
  PROFILE_SPEC.doc,
  (PROFILE_SPEC.required ?? []).filter((key) => key !== "points"),
);

const pointSpecs = new Map<Dimension | undefined, ObjectSpec>();
function specFor(dimension: Dimension | undefined): ObjectSpec {
  let spec = pointSpecs.get(dimension);
  if (spec === undefined) {
    spec = pointSpec(dimension);
    pointSpecs.set(dimension, spec);
  }
  return spec;
}

interface RawHeader {
  name: string;
  description: string;
  unitId: number;
  maxReadGap?: number;
  heartbeat?: { unitId?: number; address: number; period: number };
  initWrites: { unitId?: number; address: number; raw: number; description: string }[];
  sunspec?: { base: number; models: number[] };
  advance?: { unitId?: number; address: number };
}

interface RawPoint {
  index: number;
  /** The point as the user wrote it, for issue values. */
  written: Record<string, unknown>;
  name: string;
  kind: "measurement" | "setpoint";
  unitId?: number;
  table: RegisterTable;
  address: number;
  type: RegisterType;
  wordOrder: WordOrder;
  scale: number;
  scaleFactor?: { table: RegisterTable; address: number };
  notImplemented?: number;
  unit: string;
  description: string;
  min?: number;
  max?: number;
  rampLimit?: number;
  minWriteInterval: number;
  staleAfter: number;
  fallback?: number;
  revertAfter?: number;
}

function normalise(header: RawHeader, points: readonly RawPoint[]): DeviceProfile {
  const profile: DeviceProfile = {
    name: header.name,
    description: header.description,
    ...(header.maxReadGap !== undefined ? { maxReadGap: header.maxReadGap } : {}),
    points: points.map((p) => {
      const point: ProfilePoint = {
        name: p.name,
        kind: p.kind,
        unitId: p.unitId ?? header.unitId,
        table: p.table,
        address: p.address,
        type: p.type,
        wordOrder: p.wordOrder,
        scale: p.scale,
        unit: p.unit,
        description: p.description,
        minWriteIntervalS: p.minWriteInterval,
        staleAfterS: p.staleAfter,
      };
      if (p.scaleFactor !== undefined) point.scaleFactor = { table: p.scaleFactor.table, address: p.scaleFactor.address };
      if (p.notImplemented !== undefined) point.notImplementedRaw = p.notImplemented;
      const isBoolSetpoint = p.type === "bool" && p.kind === "setpoint";
      const min = p.min ?? (isBoolSetpoint ? 0 : undefined);
      const max = p.max ?? (isBoolSetpoint ? 1 : undefined);
      if (min !== undefined) point.min = min;
      if (max !== undefined) point.max = max;
      if (p.rampLimit !== undefined) point.rampLimitPerS = p.rampLimit;
      if (p.fallback !== undefined) point.fallback = p.fallback;
      if (p.revertAfter !== undefined) point.revertAfterS = p.revertAfter;
      return point;
    }),
    initWrites: header.initWrites.map(
      (w): InitWrite => ({ unitId: w.unitId ?? header.unitId, address: w.address, raw: w.raw, description: w.description }),
    ),
  };
  if (header.heartbeat !== undefined) {
    const hb: HeartbeatSpec = { unitId: header.heartbeat.unitId ?? header.unitId, address: header.heartbeat.address, periodS: header.heartbeat.period };
    profile.heartbeat = hb;
  }
  if (header.sunspec !== undefined) profile.sunspec = { base: header.sunspec.base, models: [...header.sunspec.models] };
  if (header.advance !== undefined) profile.advance = { unitId: header.advance.unitId ?? header.unitId, address: header.advance.address };
  return profile;
}

function crossCheck(profile: DeviceProfile, raws: readonly RawPoint[], issues: Issue[]): void {
  if (profile.sunspec !== undefined && ![40000, 0, 50000].includes(profile.sunspec.base)) {
    issues.push({ path: "sunspec.base", value: profile.sunspec.base, expected: "40000, 0 or 50000: the addresses a SunSpec scanner probes" });
  }
  const names = new Map<string, number>();
  // key `${unitId}/${table}/${register}` → index of the point that took the register
  const taken = new Map<string, number>();
  const scratch = new Uint16Array(2);
  profile.points.forEach((point, k) => {
    const raw = raws[k]!;
    const at = (field: string) => `points[${raw.index}].${field}`;
    const first = names.get(point.name);
    if (first !== undefined) issues.push({ path: at("name"), value: point.name, expected: `a name not used before (points[${first}] has it)` });
    else names.set(point.name, raw.index);

    const bitTable = point.table === "coil" || point.table === "discrete";
    if (bitTable && point.type !== "bool") {
      issues.push({ path: at("type"), value: point.type, expected: `bool: a ${point.table} holds one bit` });
    }
    const size = registerCount(point.type);
    if (point.address + size - 1 > 65535) {
      issues.push({ path: at("address"), value: point.address, expected: `at most ${65536 - size}: a ${point.type} takes ${size} registers` });
    }
    if (point.scale === 0) issues.push({ path: at("scale"), value: point.scale, expected: "a non-zero number" });
    if (point.scaleFactor !== undefined && point.type === "bool") {
      issues.push({ path: at("scaleFactor"), value: raw.written["scaleFactor"], expected: "no scale factor on a bool" });
    }
    for (let r = 0; r < size; r++) {
      const key = `${point.unitId}/${point.table}/${point.address + r}`;
      const owner = taken.get(key);
      if (owner !== undefined) {
        issues.push({
          path: at("address"),
          value: point.address,
          expected: `registers not used by another point: ${point.table} ${point.address + r} of unit ${point.unitId} belongs to points[${owner}] (${raws.find((p) => p.index === owner)?.name})`,
        });
        break;
      }
    }
    for (let r = 0; r < size; r++) taken.set(`${point.unitId}/${point.table}/${point.address + r}`, raw.index);

    if (point.min !== undefined && point.max !== undefined && point.min > point.max) {
      issues.push({ path: at("max"), value: raw.written["max"], expected: `at least min (${point.min})` });
    }
    if (point.kind === "setpoint") {
      if (point.table !== "holding" && point.table !== "coil") {
        issues.push({ path: at("table"), value: point.table, expected: "holding or coil: a setpoint must be writable" });
      }
      if (point.min === undefined) issues.push({ path: at("min"), value: undefined, expected: "a value (required for setpoints): the lowest value a write may carry" });
      if (point.max === undefined) issues.push({ path: at("max"), value: undefined, expected: "a value (required for setpoints): the highest value a write may carry" });
      if (point.fallback === undefined) {
        issues.push({ path: at("fallback"), value: undefined, expected: "a value (required for setpoints): the safe value written when inputs go stale" });
      } else if ((point.min !== undefined && point.fallback < point.min) || (point.max !== undefined && point.fallback > point.max)) {
        issues.push({ path: at("fallback"), value: raw.written["fallback"], expected: `a value inside [min, max] = [${point.min}, ${point.max}]` });
      }
    } else {
      for (const field of ["fallback", "rampLimit", "revertAfter"] as const) {
        if (raw[field] !== undefined) issues.push({ path: at(field), value: raw.written[field], expected: "nothing: only setpoints have it" });
      }
    }
    // With a scale-factor register the raw range depends on the device; without one, check now.
    if (point.scaleFactor === undefined && point.type !== "bool") {
      for (const field of ["min", "max", "fallback"] as const) {
        const value = point[field];
        if (value === undefined) continue;
        const reason = encodeRegisters(point, value, scratch, 0, 0);
        if (reason !== null) issues.push({ path: at(field), value: raw.written[field], expected: `a value that fits the register: ${reason}` });
      }
    }
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
