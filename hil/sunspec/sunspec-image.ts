import { END_MODEL_ID, SUNS_MARKER, type ChainLayout } from "./sunspec-layout.js";
import { notImplementedPattern } from "./sunspec-types.js";
import type { ReadHolding } from "./sunspec-scan.js";

/**
 * An in-memory holding-register image of a SunSpec chain (marker, each model's ID and L, bodies set
 * to "not implemented", end marker), and a ReadHolding over such an image. Used to test the scanner
 * and profiles without a network, and as the starting image of a served SunSpec device.
 */

/** A block of holding registers starting at `start`. */
export interface RegisterImage {
  start: number;
  registers: Uint16Array;
}

/** Builds the image of a chain: every point not implemented, except ID and L. */
export function buildSunSpecImage(chain: ChainLayout): RegisterImage {
  const registers = new Uint16Array(chain.registerCount);
  registers[0] = SUNS_MARKER[0];
  registers[1] = SUNS_MARKER[1];
  for (const model of chain.models) {
    const at = model.address - chain.base;
    for (const point of model.layout.points) {
      const pattern = notImplementedPattern(point.type) ?? 0;
      if (point.size === 2) {
        registers[at + point.offset] = Math.floor(pattern / 0x10000);
        registers[at + point.offset + 1] = pattern % 0x10000;
      } else if (point.size === 1) {
        registers[at + point.offset] = pattern;
      } else if (point.type === "int64") {
        registers[at + point.offset] = 0x8000; // 0x8000000000000000, the rest already 0
      } else if (point.type === "uint64") {
        registers.fill(0xffff, at + point.offset, at + point.offset + point.size);
      }
    }
    registers[at] = model.id;
    registers[at + 1] = model.length;
  }
  registers[chain.endAddress - chain.base] = END_MODEL_ID;
  registers[chain.endAddress - chain.base + 1] = 0;
  return { start: chain.base, registers };
}

/** Writes a uint16 (or an int16, two's complement) into the image at a PDU address. */
export function setRegister(image: RegisterImage, address: number, value: number): void {
  const index = address - image.start;
  if (index < 0 || index >= image.registers.length) throw new RangeError(`address ${address} is outside the image`);
  image.registers[index] = value & 0xffff;
}

/**
 * A ReadHolding over an image, answering only `unitId`; reads outside the image or over `maxCount`
 * registers reject, as a device answering with Modbus exception 2 (illegal data address) would.
 */
export function imageReader(image: RegisterImage, unitId = 1, maxCount = 125): ReadHolding & { requests: [number, number][] } {
  const requests: [number, number][] = [];
  const read = async (unit: number, address: number, count: number): Promise<Uint16Array> => {
    requests.push([address, count]);
    if (unit !== unitId) throw new Error(`no answer from unit ${unit}`);
    const from = address - image.start;
    if (count < 1 || count > maxCount) throw new Error(`illegal data value: ${count} registers requested`);
    if (from < 0 || from + count > image.registers.length) throw new Error(`illegal data address ${address} (+${count})`);
    return image.registers.slice(from, from + count);
  };
  return Object.assign(read, { requests });
}
