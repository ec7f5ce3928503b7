import type { DeviceProfile } from "../profile/profile-types.js";
import { layoutChain, modelLayout, type ChainLayout, type SunSpecModelDef } from "./sunspec-layout.js";
import { sunspecProfile } from "./sunspec-profile.js";

/**
 * The definitions behind the shipped SunSpec profiles (hil/profiles/sunspec-battery.yaml and
 * sunspec-meter.yaml): which models, at which base, and which port point reads which SunSpec point.
 * The YAML files are generated from these (node dist/hil/profiles/generate-profiles.js) and a test
 * regenerates and compares them, so addresses cannot drift from the model JSON.
 *
 * Signs: SunSpec DER points (701 W, 704 WSet) count + as export (discharge); the twin's battery
 * counts + as charge (models/storage/battery.ts), hence scale −1 on both.
 */

/** Model ids of the battery, in chain order. */
export const BATTERY_MODELS: readonly number[] = [1, 802, 701, 704, 713];
/** Model ids of the PCC meter, in chain order. */
export const METER_MODELS: readonly number[] = [1, 203];
/** Base PDU address of both shipped chains. */
export const SHIPPED_BASE = 40000;

/** The battery's chain at 40000. */
export function batteryChain(model: (id: number) => SunSpecModelDef): ChainLayout {
  return layoutChain(SHIPPED_BASE, BATTERY_MODELS.map((id) => modelLayout(model(id))));
}

/** Model ids of the hall's feeder meter (float values: no scale factors, no 1 kW steps), in chain order. */
export const FLOAT_METER_MODELS: readonly number[] = [1, 213];

/** The float meter's chain at 40000. */
export function floatMeterChain(model: (id: number) => SunSpecModelDef): ChainLayout {
  return layoutChain(SHIPPED_BASE, FLOAT_METER_MODELS.map((id) => modelLayout(model(id))));
}

/** The meter's chain at 40000. */
export function meterChain(model: (id: number) => SunSpecModelDef): ChainLayout {
  return layoutChain(SHIPPED_BASE, METER_MODELS.map((id) => modelLayout(model(id))));
}

/** The SunSpec battery profile (unit id 1): power, SoC, charge/discharge limits, power setpoint, heartbeat. */
export function batteryProfile(model: (id: number) => SunSpecModelDef): DeviceProfile {
  return sunspecProfile({
    name: "sunspec-battery",
    description:
      "Battery (BESS 1) as SunSpec models 1, 802, 701, 704, 713 at base 40000, unit id 1. Signs as the twin: + charge, − discharge (scale −1 on SunSpec's + = export).",
    unitId: 1,
    models: batteryChain(model).models,
    points: {
      "battery.bess1.powerW": {
        model: 701,
        point: "W",
        scale: -1,
        unit: "W",
        description: "Active power at the AC terminals, + charging (SunSpec 701 W × −1, W_SF)",
        min: -12_000_000,
        max: 12_000_000,
      },
      "battery.bess1.socFrac": {
        model: 713,
        point: "SoC",
        scale: 0.01,
        unit: "fraction",
        description: "State of charge, 0-1 (SunSpec 713 SoC in %, Pct_SF, × 0.01)",
        min: 0,
        max: 1,
      },
      "battery.bess1.availableChargeW": {
        model: 802,
        point: "WChaRteMax",
        unit: "W",
        description: "Largest charge power the battery accepts (SunSpec 802 WChaRteMax, DC W, WChaDisChaMax_SF)",
        min: 0,
        max: 12_000_000,
      },
      "battery.bess1.availableDischargeW": {
        model: 802,
        point: "WDisChaRteMax",
        unit: "W",
        description: "Largest discharge power the battery delivers (SunSpec 802 WDisChaRteMax, DC W, WChaDisChaMax_SF)",
        min: 0,
        max: 12_000_000,
      },
      "battery.bess1.powerSetW": {
        model: 704,
        point: "WSet",
        kind: "setpoint",
        scale: -1,
        unit: "W",
        description: "Active power setpoint, + charging (SunSpec 704 WSet × −1, int32 W, WSet_SF)",
        min: -10_000_000,
        max: 10_000_000,
        rampLimitPerS: 250_000_000, // full scale in 40 ms: a guard against absurd steps, not a brake on smoothing
        minWriteIntervalS: 0,
        fallback: 0,
      },
    },
    heartbeat: { model: 802, point: "CtrlHb", periodS: 1 },
    initWrites: [
      { model: 704, point: "WSetMod", value: "WATTS", description: "704 WSetMod = WATTS (1): WSet is in watts" },
      { model: 704, point: "WSetRvrt", value: 0, description: "704 WSetRvrt = 0 W: the power the device reverts to" },
      { model: 704, point: "WSetRvrtTms", value: 5, description: "704 WSetRvrtTms = 5 s: revert when WSet is not refreshed for 5 s" },
      { model: 704, point: "WSetEna", value: "ENABLED", description: "704 WSetEna = ENABLED (1): follow WSet" },
    ],
  });
}

/** Line-to-neutral voltage the meters report at nominal: 11 kV line to line (a medium-voltage PCC, read through VTs). */
export const NOMINAL_LN_V = 11_000 / Math.sqrt(3);

/** The SunSpec PCC meter profile (unit id 2): site power, grid frequency, voltage, energy. */
export function meterProfile(model: (id: number) => SunSpecModelDef): DeviceProfile {
  return sunspecProfile({
    name: "sunspec-meter",
    description: "Site meter at the PCC as SunSpec models 1, 203 (three-phase wye meter) at base 40000, unit id 2. + = drawn from the grid.",
    unitId: 2,
    models: meterChain(model).models,
    points: {
      "pcc.powerW": { model: 203, point: "W", unit: "W", description: "Total active power, + imported from the grid (SunSpec 203 W, W_SF)", min: -30_000_000, max: 30_000_000 },
      "grid.frequencyHz": { model: 203, point: "Hz", unit: "Hz", description: "Grid frequency (SunSpec 203 Hz, Hz_SF)", min: 45, max: 65 },
      "grid.voltageFrac": {
        model: 203,
        point: "PhV",
        scale: 1 / NOMINAL_LN_V,
        unit: "fraction",
        description: "Line-to-neutral voltage, phase average, as a fraction of nominal 11 kV / √3 (SunSpec 203 PhV in V, V_SF)",
        min: 0,
        max: 1.5,
      },
      "pcc.energyImportedWh": { model: 203, point: "TotWhImp", unit: "Wh", description: "Energy imported, acc32 (0 = not implemented) (SunSpec 203 TotWhImp, TotWh_SF)", min: 0, max: 4e12 },
      "pcc.energyExportedWh": { model: 203, point: "TotWhExp", unit: "Wh", description: "Energy exported, acc32 (0 = not implemented) (SunSpec 203 TotWhExp, TotWh_SF)", min: 0, max: 4e12 },
    },
  });
}

/** The SunSpec feeder meter of the hall (unit id 3): the site load without storage, what a battery controller smooths. */
export function hallMeterProfile(model: (id: number) => SunSpecModelDef): DeviceProfile {
  return sunspecProfile({
    name: "sunspec-hall-meter",
    description:
      "Feeder meter of the hall (site load without storage) as SunSpec models 1, 213 (three-phase wye meter, float32) at base 40000, unit id 3. + = drawn by the hall.",
    unitId: 3,
    models: floatMeterChain(model).models,
    points: {
      "site.loadW": { model: 213, point: "W", unit: "W", description: "Site load without storage (SunSpec 213 W, float32)", min: -30_000_000, max: 30_000_000 },
    },
  });
}
