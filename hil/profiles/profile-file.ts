import { stringify } from "yaml";
import type { DeviceProfile } from "../profile/profile-types.js";

/**
 * Turns a DeviceProfile back into the profile-file shape (hil/profile/profile-spec.ts) and into YAML
 * text, writing powers, ramps and durations with units (`-10MW`, `5MW/s`, `2s`) and leaving out
 * fields at their defaults. fromProfile(toProfileFile(p)) equals p. Pure.
 */

/** The profile-file data of a profile (unit ids equal to the profile's are left out). */
export function toProfileFile(profile: DeviceProfile): Record<string, unknown> {
  const unitId = profile.points[0]?.unitId ?? 1;
  const withUnit = (id: number) => (id === unitId ? {} : { unitId: id });
  const file: Record<string, unknown> = { name: profile.name, description: profile.description, unitId };
  if (profile.maxReadGap !== undefined) file["maxReadGap"] = profile.maxReadGap;
  if (profile.heartbeat !== undefined) {
    file["heartbeat"] = { ...withUnit(profile.heartbeat.unitId), address: profile.heartbeat.address, period: `${profile.heartbeat.periodS}s` };
  }
  if (profile.sunspec !== undefined) file["sunspec"] = { base: profile.sunspec.base, models: [...profile.sunspec.models] };
  if (profile.advance !== undefined) file["advance"] = { ...withUnit(profile.advance.unitId), address: profile.advance.address };
  if (profile.initWrites.length > 0) {
    file["initWrites"] = profile.initWrites.map((w) => ({ ...withUnit(w.unitId), address: w.address, raw: w.raw, description: w.description }));
  }
  file["points"] = profile.points.map((p) => {
    const out: Record<string, unknown> = { name: p.name, kind: p.kind, ...withUnit(p.unitId), table: p.table, address: p.address, type: p.type };
    if (p.wordOrder !== "high-first") out["wordOrder"] = p.wordOrder;
    if (p.scale !== 1) out["scale"] = p.scale;
    if (p.scaleFactor !== undefined) out["scaleFactor"] = { table: p.scaleFactor.table, address: p.scaleFactor.address };
    if (p.notImplementedRaw !== undefined) out["notImplemented"] = p.notImplementedRaw;
    out["unit"] = p.unit;
    if (p.description !== "") out["description"] = p.description;
    if (p.min !== undefined) out["min"] = withUnitText(p.min, p.unit);
    if (p.max !== undefined) out["max"] = withUnitText(p.max, p.unit);
    if (p.rampLimitPerS !== undefined) out["rampLimit"] = p.unit === "W" ? withUnitText(p.rampLimitPerS, "W", "/s") : p.rampLimitPerS;
    if (p.minWriteIntervalS !== 0) out["minWriteInterval"] = `${p.minWriteIntervalS}s`;
    if (p.staleAfterS !== 2) out["staleAfter"] = `${p.staleAfterS}s`;
    if (p.fallback !== undefined) out["fallback"] = withUnitText(p.fallback, p.unit);
    if (p.revertAfterS !== undefined) out["revertAfter"] = `${p.revertAfterS}s`;
    return out;
  });
  return file;
}

/** The profile as YAML text, after a comment header (each line prefixed with `# `). */
export function profileYaml(profile: DeviceProfile, header: readonly string[]): string {
  const comment = header.map((line) => `# ${line}`.trimEnd()).join("\n");
  return `${comment}\n${stringify(toProfileFile(profile), { lineWidth: 0 })}`;
}

/** 10000000 W → "10MW", 5000 W → "5kW", 45 Hz → "45Hz"; other units stay numbers. */
function withUnitText(value: number, unit: string, suffix = ""): number | string {
  if (unit === "W") {
    if (value !== 0 && value % 1_000_000 === 0) return `${value / 1_000_000}MW${suffix}`;
    if (value !== 0 && value % 1_000 === 0) return `${value / 1_000}kW${suffix}`;
    return `${value}W${suffix}`;
  }
  if (unit === "Hz") return `${value}Hz`;
  return value;
}
