import type { RegisterType, WordOrder } from "./profile-types.js";

/**
 * Converts between the raw registers of one point and its engineering value, without allocating:
 * decoding returns a number (NaN when the raw value means "not implemented"), encoding writes into a
 * caller-provided Uint16Array and returns `null` or the reason the value does not fit.
 *
 * Engineering value = raw × scale × 10^sf, where sf is the current value of the point's scale-factor
 * register (SunSpec `sunssf`, 0 when the point has none). Raw patterns are compared unsigned:
 * int16 "not implemented" is 0x8000, int32 is 0x80000000 (high word first, whatever the word order
 * on the wire). `bool` decodes to 1 for any non-zero register and encodes to 0 or 1, so it works on
 * coils, discrete inputs and on holding/input registers read as 0 / non-zero.
 *
 * Example: decodeRegisters(int16Point, Uint16Array.of(0xfff6), 0, -1) === -1.
 */

/** The fields of a point the codec needs (a ProfilePoint has them all). */
export interface CodecPoint {
  type: RegisterType;
  wordOrder: WordOrder;
  scale: number;
  notImplementedRaw?: number;
}

/** How many registers (or coils) a value of this type takes. */
export function registerCount(type: RegisterType): number {
  return type === "int32" || type === "uint32" || type === "float32" ? 2 : 1;
}

// One shared scratch buffer to reinterpret float32 bits; module-level so calls do not allocate.
const floatScratch = new DataView(new ArrayBuffer(4));

/** Decodes the point's registers at `raw[offset..]` to its engineering value; NaN when not implemented (or a float NaN). */
export function decodeRegisters(point: CodecPoint, raw: ArrayLike<number>, offset: number, sfExponent = 0): number {
  decodeInto(point, raw, offset, sfExponent, scratch, 0);
  return scratch[0]!;
}

/**
 * The value goes through a Float64Array: decodeInto writes it to `values[index]`, encodeFrom reads
 * it from there. V8 boxes a double that crosses a call it does not inline (a 16-byte heap number
 * per argument or result), and the real-time loop makes no garbage per cycle (issue #11).
 */
const scratch = new Float64Array(1);

/** decodeRegisters into `values[index]` (NaN when not implemented). */
export function decodeInto(point: CodecPoint, raw: ArrayLike<number>, offset: number, sfExponent: number, values: Float64Array, index: number): void {
  const first = raw[offset]! & 0xffff;
  let pattern = 0;
  if (registerCount(point.type) === 2) {
    const second = raw[offset + 1]! & 0xffff;
    const high = point.wordOrder === "high-first" ? first : second;
    const low = point.wordOrder === "high-first" ? second : first;
    pattern = high * 0x10000 + low;
  } else {
    pattern = first;
  }
  if (point.notImplementedRaw !== undefined && pattern === point.notImplementedRaw) {
    values[index] = Number.NaN;
    return;
  }
  // Initialised: a variable that may still be undefined on some path is kept boxed, a heap number per value.
  let value = 0;
  switch (point.type) {
    case "bool":
      values[index] = pattern === 0 ? 0 : 1;
      return;
    case "uint16":
    case "uint32":
      value = pattern;
      break;
    case "int16":
      value = pattern >= 0x8000 ? pattern - 0x10000 : pattern;
      break;
    case "int32":
      value = pattern >= 0x80000000 ? pattern - 0x100000000 : pattern;
      break;
    case "float32":
      floatScratch.setUint32(0, pattern);
      value = floatScratch.getFloat32(0);
      break;
  }
  // value × scale × 10^sf, written out here rather than in helpers: a double passed to a call V8
  // does not inline is boxed. Dividing by exact reciprocals keeps decimal results exact (57 × 0.01 → 0.57).
  const scale = point.scale;
  if (scale !== 1) {
    if (scale >= 1 || scale <= -1) {
      value *= scale;
    } else {
      const inverse = Math.round(1 / scale);
      value = Math.abs(1 / scale - inverse) < 1e-9 * Math.abs(inverse) ? value / inverse : value * scale;
    }
  }
  if (sfExponent > 0) value *= sfExponent < POW10.length ? POW10[sfExponent]! : 10 ** sfExponent;
  else if (sfExponent < 0) value /= -sfExponent < POW10.length ? POW10[-sfExponent]! : 10 ** -sfExponent;
  values[index] = value;
}

/** 10^n for n = 0..22, each exact in a double. */
const POW10 = Float64Array.from({ length: 23 }, (_, n) => 10 ** n);

/** Encodes an engineering value into `out[offset..]`; returns null on success or why the value does not fit (then `out` is untouched). */
export function encodeRegisters(point: CodecPoint, value: number, out: Uint16Array, offset: number, sfExponent = 0): string | null {
  scratch[0] = value;
  return encodeFrom(point, scratch, 0, out, offset, sfExponent);
}

/** encodeRegisters of `values[index]`. */
export function encodeFrom(point: CodecPoint, values: Float64Array, index: number, out: Uint16Array, offset: number, sfExponent: number): string | null {
  const value = values[index]!;
  if (!Number.isFinite(value)) return `value ${value} is not a finite number`;
  if (point.type === "bool") {
    out[offset] = value === 0 ? 0 : 1;
    return null;
  }
  // value / (scale × 10^sf), the inverse of decodeInto's scaling, before rounding (written out: see there).
  let exact = value;
  if (sfExponent > 0) exact /= sfExponent < POW10.length ? POW10[sfExponent]! : 10 ** sfExponent;
  else if (sfExponent < 0) exact *= -sfExponent < POW10.length ? POW10[-sfExponent]! : 10 ** -sfExponent;
  const scale = point.scale;
  if (scale !== 1) {
    const factor = 1 / scale;
    if (factor >= 1 || factor <= -1) {
      exact *= factor;
    } else {
      const inverse = Math.round(1 / factor);
      exact = Math.abs(1 / factor - inverse) < 1e-9 * Math.abs(inverse) ? exact / inverse : exact * factor;
    }
  }
  let pattern = 0;
  switch (point.type) {
    case "float32": {
      floatScratch.setFloat32(0, exact);
      const stored = floatScratch.getFloat32(0);
      if (!Number.isFinite(stored)) return `value ${value} overflows float32 after scaling`;
      pattern = floatScratch.getUint32(0);
      break;
    }
    case "int16":
    case "uint16":
    case "int32":
    case "uint32": {
      const rounded = Math.round(exact);
      const range = RANGE[point.type];
      const lo = range[0];
      const hi = range[1];
      if (rounded < lo || rounded > hi) {
        return `value ${value} is raw ${rounded} after scaling (scale ${point.scale}, sf ${sfExponent}), outside ${point.type} range ${lo}..${hi}`;
      }
      pattern = rounded < 0 ? rounded + (point.type === "int16" ? 0x10000 : 0x100000000) : rounded;
      if (point.notImplementedRaw !== undefined && pattern === point.notImplementedRaw) {
        return `value ${value} encodes to raw 0x${pattern.toString(16)}, which means "not implemented" for this point`;
      }
      break;
    }
  }
  if (registerCount(point.type) === 2) {
    const high = Math.floor(pattern / 0x10000);
    const low = pattern % 0x10000;
    out[offset] = point.wordOrder === "high-first" ? high : low;
    out[offset + 1] = point.wordOrder === "high-first" ? low : high;
  } else {
    out[offset] = pattern;
  }
  return null;
}

const RANGE: Record<"int16" | "uint16" | "int32" | "uint32", readonly [number, number]> = {
  int16: [-0x8000, 0x7fff],
  uint16: [0, 0xffff],
  int32: [-0x80000000, 0x7fffffff],
  uint32: [0, 0xffffffff],
};

