import type { RegisterType } from "../profile/profile-types.js";

/**
 * SunSpec point types and how they map onto profile register types, with the raw pattern each
 * uses for "not implemented" (pysunspec2 mb.py; hil-notes §3). Patterns are unsigned, high word
 * first, as hil/profile/register-codec.ts compares them.
 */

/** A SunSpec point type as model JSON spells it (int16, acc32, sunssf, string, ...). */
export type SunSpecType = string;

/** The profile register type a SunSpec numeric type reads as, or undefined (strings, 64-bit, addresses). */
export function profileType(type: SunSpecType): RegisterType | undefined {
  return PROFILE_TYPE[type];
}

/** The unsigned raw pattern that means "not implemented" for a SunSpec type, or undefined (strings, pad). */
export function notImplementedPattern(type: SunSpecType): number | undefined {
  return NOT_IMPLEMENTED[type];
}

const PROFILE_TYPE: Record<string, RegisterType> = Object.assign(Object.create(null) as Record<string, RegisterType>, {
  int16: "int16",
  sunssf: "int16",
  uint16: "uint16",
  acc16: "uint16",
  enum16: "uint16",
  bitfield16: "uint16",
  count: "uint16",
  raw16: "uint16",
  int32: "int32",
  uint32: "uint32",
  acc32: "uint32",
  enum32: "uint32",
  bitfield32: "uint32",
  float32: "float32",
});

const NOT_IMPLEMENTED: Record<string, number> = Object.assign(Object.create(null) as Record<string, number>, {
  int16: 0x8000,
  sunssf: 0x8000,
  uint16: 0xffff,
  enum16: 0xffff,
  bitfield16: 0xffff,
  count: 0xffff,
  raw16: 0xffff,
  acc16: 0,
  int32: 0x80000000,
  uint32: 0xffffffff,
  enum32: 0xffffffff,
  bitfield32: 0xffffffff,
  acc32: 0,
  float32: 0x7fc00000,
  pad: 0,
});
