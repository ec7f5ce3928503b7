import type { Issue } from "../../models/lib/errors.js";
import { BATTERY_PRESETS, batteryParamIssues, type BatteryParams } from "../../models/storage/battery.js";
import type { BatterySpec } from "./scenario-types.js";

/** Scenario field of each model parameter, so a model issue names the field the user wrote. */
const FIELD_OF: Record<keyof BatteryParams, string> = {
  capacityWh: "energy",
  chargeMaxW: "chargeMax",
  dischargeMaxW: "dischargeMax",
  socMin: "socMin",
  socMax: "socMax",
  socInit: "socInitial",
  chargeEff: "chargeEfficiency",
  dischargeEff: "dischargeEfficiency",
  latencyS: "latency",
  tauS: "timeConstant",
  auxW: "aux",
  selfDischargePerDay: "selfDischarge",
};

/** The model parameters of a scenario battery: its preset, overridden by every field it sets. */
export function batteryParamsOf(spec: BatterySpec): BatteryParams {
  const preset = BATTERY_PRESETS[spec.preset] ?? BATTERY_PRESETS["siteBess10MWh"]!;
  return {
    capacityWh: spec.energy !== undefined ? spec.energy / 3600 : preset.capacityWh,
    chargeMaxW: spec.chargeMax ?? preset.chargeMaxW,
    dischargeMaxW: spec.dischargeMax ?? preset.dischargeMaxW,
    socMin: spec.socMin ?? preset.socMin,
    socMax: spec.socMax ?? preset.socMax,
    socInit: spec.socInitial ?? preset.socInit,
    chargeEff: spec.chargeEfficiency ?? preset.chargeEff,
    dischargeEff: spec.dischargeEfficiency ?? preset.dischargeEff,
    latencyS: spec.latency ?? preset.latencyS,
    tauS: spec.timeConstant ?? preset.tauS,
    auxW: spec.aux ?? preset.auxW,
    selfDischargePerDay: spec.selfDischarge ?? preset.selfDischargePerDay,
  };
}

/**
 * Relations between a battery's fields (window order, initial SOC inside it, ...), after the preset
 * is applied, each issue under `path.<scenario field>`.
 */
export function batterySpecIssues(spec: BatterySpec, path: string): Issue[] {
  return batteryParamIssues(batteryParamsOf(spec), "").map((issue) => {
    const field = FIELD_OF[issue.path as keyof BatteryParams] ?? issue.path;
    const value = field === "energy" && typeof issue.value === "number" ? `${issue.value}Wh` : issue.value;
    return { path: `${path}.${field}`, value, expected: issue.expected };
  });
}
