import { list, num, obj, oneOf, optionalObj, quantity, str, type ObjectSpec, type Spec } from "../../engine/scenario/spec.js";
import type { Dimension } from "../../models/lib/units.js";

/**
 * The device-profile file format (YAML or JSON), in the scenario spec language of
 * engine/scenario/spec.ts: one definition drives validation with field paths, defaults and the
 * editor JSON Schema (hil/profiles/profile.schema.json).
 *
 * A point's `min`, `max`, `fallback` and `rampLimit` are in the point's own `unit`. When that unit
 * is one models/lib/units.ts knows (W, VA, Hz, °C, fraction, s, J), they also accept text with a
 * unit (`-10MW`, `20MW/s`, `45C`, `90%`); other units (V, A, Wh, %, ...) take bare numbers.
 */

/** Modbus tables a point may live in. */
export const TABLES = ["holding", "input", "coil", "discrete"] as const;
/** Register types a point may have. */
export const REGISTER_TYPES = ["int16", "uint16", "int32", "uint32", "float32", "bool"] as const;
/** Word orders of 32-bit values. */
export const WORD_ORDERS = ["high-first", "low-first"] as const;

/** Point units whose bounds accept quantities with units, and the dimension they parse as. */
export const UNIT_DIMENSION: Readonly<Record<string, Dimension>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, Dimension>, {
    W: "power",
    VA: "apparentPower",
    Hz: "frequency",
    "°C": "temperature",
    C: "temperature",
    fraction: "fraction",
    s: "duration",
    J: "energy",
  }),
);

const unitIdSpec = (doc: string) => num(doc, { integer: true, min: 0, max: 247 });
const addressSpec = (doc: string) => num(doc, { integer: true, min: 0, max: 65535 });

/** The spec of one point, with bound fields parsed for `dimension` (undefined: bare numbers). */
export function pointSpec(dimension: Dimension | undefined): ObjectSpec {
  const value = (doc: string): Spec => (dimension === undefined ? num(doc) : quantity(dimension, doc));
  const ramp = (doc: string): Spec => (dimension === "power" ? quantity("rampRate", doc, { min: 0 }) : num(doc, { min: 0 }));
  return obj(
    {
      name: str("Port point name, e.g. battery.bess1.powerSetW", {
        pattern: "^[A-Za-z][A-Za-z0-9_-]*(\\.[A-Za-z0-9_-]+)*$",
        patternDoc: "a dotted name such as battery.bess1.powerSetW",
      }),
      kind: oneOf(["measurement", "setpoint"], "A measurement is read; a setpoint is written"),
      unitId: unitIdSpec("Modbus unit id of this point (default: the profile's unitId)"),
      table: oneOf(TABLES, "Modbus table: holding (FC3/6/16), input (FC4), coil (FC1/5/15), discrete (FC2)"),
      address: addressSpec("PDU address, 0-based, of the point's first register"),
      type: oneOf(REGISTER_TYPES, "Register type; 32-bit types take two registers"),
      wordOrder: oneOf(WORD_ORDERS, "Word order of 32-bit values", "high-first"),
      scale: num("Engineering value = raw × scale × 10^(scale-factor register)", { default: 1 }),
      scaleFactor: optionalObj(
        {
          table: oneOf(["holding", "input"], "Table of the scale-factor register", "holding"),
          address: addressSpec("PDU address of the int16 scale-factor register (SunSpec sunssf)"),
        },
        "A register of the same unit whose int16 value v scales the point by 10^v",
        ["address"],
      ),
      notImplemented: num("Raw value (unsigned pattern, high word first) that means 'not implemented': read as absent", {
        integer: true,
        min: 0,
        max: 0xffffffff,
      }),
      unit: str("Unit of the engineering value: W, fraction, Hz, °C, V, ..."),
      description: str("What the point is", { default: "" }),
      min: value("Setpoints: lowest value a write may carry. Measurements: lowest plausible value"),
      max: value("Setpoints: highest value a write may carry. Measurements: highest plausible value"),
      rampLimit: ramp("Setpoints: largest change per second between consecutive writes, in unit/s"),
      minWriteInterval: quantity("duration", "Setpoints: shortest time between two writes", { min: 0, default: 0 }),
      staleAfter: quantity("duration", "A value older than this is stale", { above: 0, default: "2s" }),
      fallback: value("Setpoints: the safe value written when an input is stale or the link drops"),
      revertAfter: quantity("duration", "Setpoints: the device goes back to the fallback when the setpoint is not written again within this time", { above: 0 }),
    },
    "One point of the device",
    ["name", "kind", "table", "address", "type", "unit"],
  );
}

/** The whole profile file; `points` items are validated per point with pointSpec(dimension of its unit). */
export const PROFILE_SPEC: ObjectSpec = obj(
  {
    name: str("Profile name"),
    description: str("What device this is", { default: "" }),
    maxReadGap: num("Unused registers one read may span to join two points (default 8; SunSpec devices map every register: 125)", { integer: true, min: 0, max: 124 }),
    unitId: unitIdSpec("Default Modbus unit id of the points"),
    heartbeat: optionalObj(
      {
        unitId: unitIdSpec("Unit id (default: the profile's unitId)"),
        address: addressSpec("Holding register the port keeps incrementing (SunSpec 802 CtrlHb)"),
        period: quantity("duration", "Time between increments", { above: 0, default: "1s" }),
      },
      "A register the port increments so the device knows the controller is alive",
      ["address"],
    ),
    initWrites: list(
      obj(
        {
          unitId: unitIdSpec("Unit id (default: the profile's unitId)"),
          address: addressSpec("Holding register PDU address"),
          raw: num("Raw register value (uint16)", { integer: true, min: 0, max: 65535 }),
          description: str("Why this write is made", { default: "" }),
        },
        "A single register write made when the port arms",
        ["address", "raw"],
      ),
      "Writes made once when armed, in order (e.g. SunSpec 704 WSetRvrtTms, WSetEna)",
      { default: [] },
    ),
    sunspec: optionalObj(
      {
        base: addressSpec("PDU address of the SunS marker (SunSpec devices use 40000, 0 or 50000)"),
        models: list(num("SunSpec model id", { integer: true, min: 1, max: 65534 }), "Model ids in chain order", { minItems: 1 }),
      },
      "A SunSpec device: the chain the served twin builds (marker, models, end marker)",
      ["base", "models"],
    ),
    advance: optionalObj(
      {
        unitId: unitIdSpec("Unit id (default: the profile's unitId)"),
        address: addressSpec("Holding register: write the next period number to advance one period; reads the periods done"),
      },
      "A device that advances only when told (the served twin in lockstep)",
      ["address"],
    ),
    points: list(pointSpec(undefined), "The device's points", { minItems: 1 }),
  },
  "A device profile: how port points map onto Modbus registers",
  ["name", "unitId", "points"],
);
