/** Site batteries and demand-response events (see scenario-spec.ts, engine/plant/site-storage.ts). */
import { BATTERY_PRESETS } from "../../models/storage/battery.js";
import { bool, list, obj, oneOf, optionalObj, quantity, str } from "./spec.js";
import { ID } from "./spec-ids.js";

const battery = obj(
  {
    id: str("unique battery id; names its port points battery.<id>.*", ID),
    preset: oneOf(Object.keys(BATTERY_PRESETS), "parameter set the fields below override (models/storage/battery.ts)", "siteBess10MWh"),
    energy: quantity("energy", "nameplate energy of the cells, SOC 0 to 1 (preset: 10MWh)", { above: 0 }),
    chargeMax: quantity("power", "largest charging power at the inverter's AC terminals (preset: 10MW)", { min: 0 }),
    dischargeMax: quantity("power", "largest discharging power at the inverter's AC terminals (preset: 10MW)", { min: 0 }),
    socMin: quantity("fraction", "lowest state of charge the inverter allows (preset: 5%)", { min: 0, max: 1 }),
    socMax: quantity("fraction", "highest state of charge the inverter allows (preset: 95%)", { min: 0, max: 1 }),
    socInitial: quantity("fraction", "state of charge at t = 0 (preset: 50%)", { min: 0, max: 1 }),
    chargeEfficiency: quantity("fraction", "one-way efficiency AC → cells (preset: √0.85 = 92.2%)", { above: 0, max: 1 }),
    dischargeEfficiency: quantity("fraction", "one-way efficiency cells → AC (preset: √0.85 = 92.2%)", { above: 0, max: 1 }),
    latency: quantity("duration", "measurement → controller → inverter delay, whole ticks (preset: 120ms)", { min: 0, max: 60 }),
    timeConstant: quantity("duration", "first-order time constant of the inverter's power response (preset: 50ms)", { min: 0, max: 60 }),
    aux: quantity("power", "auxiliary load (HVAC, controls), drawn at all times (preset: 30kW)", { min: 0 }),
    selfDischarge: quantity("fraction", "cell self-discharge per day (preset: 0)", { min: 0, max: 0.5 }),
    cellTemperature: quantity("temperature", "cell temperature for the degradation model (BLAST-Lite, fitted 10-45 °C)", { min: -20, max: 60, default: "25C" }),
    external: bool("a real device, not simulated (hardware in the loop): its measured AC power enters the PCC sum and its setpoint goes to the device; runs only under `dctwin hil` with a device profile that declares battery.<id>.powerW, socFrac and powerSetW", false),
  },
  "a site battery (BESS) at the PCC; fields left out take the preset's value",
  ["id"],
);

export const storage = optionalObj(
  {
    batteries: list(battery, "site batteries at the PCC, each with setpoint battery.<id>.powerSetW", { default: [] }),
  },
  "energy storage of the site",
);

export const demandResponse = optionalObj(
  {
    events: list(
      obj(
        {
          id: str("event name, for the events table and the decisions", ID),
          start: quantity("duration", "start of the reduction window, from t = 0", { min: 0 }),
          duration: quantity("duration", "length of the reduction window", { above: 0 }),
          reduction: quantity("power", "reduction asked of the PCC power against the baseline", { above: 0 }),
          notice: quantity("duration", "how long before start the event is announced", { min: 0, default: 0 }),
          responseTime: quantity("duration", "time after start by which the full reduction must be reached", { min: 0, default: "30s" }),
        },
        "one demand-response event: reduce by `reduction` within `responseTime` of `start`, for `duration`",
        ["id", "start", "duration", "reduction"],
      ),
      "demand-response events",
      { minItems: 1 },
    ),
    baselineWindow: quantity("duration", "the baseline is the mean PCC power over this window before the announcement", { above: 0, default: "15min" }),
    settlementPeriod: quantity("duration", "delivery is judged on the mean reduction over each period of this length", { above: 0, default: "1min" }),
  },
  "demand-response events declared for the run; the engine meters what the site delivered (omit: none)",
);
