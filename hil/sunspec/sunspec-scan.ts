import { END_MODEL_ID, SUNS_MARKER } from "./sunspec-layout.js";

/**
 * Finds a device's SunSpec models over an injected transport, as pysunspec2's `scan()` does: probe
 * the base addresses 40000, 0 and 50000 with a 3-register read for `SunS`, then walk the chain from
 * base + 2 reading each model's ID, then (separately, since some devices give no L for the end
 * model) its L, until ID 0xFFFF. Reads never exceed 125 registers. No I/O of its own.
 *
 * Example: (await scanSunSpec(readHolding, 1))?.models.map((m) => m.id) → [1, 802, 701, 704, 713].
 */

/** Reads `count` holding registers (FC3) of a unit from a PDU address; rejects on an exception or timeout. */
export type ReadHolding = (unitId: number, address: number, count: number) => Promise<Uint16Array>;

/** Base addresses probed for `SunS`, in pysunspec2's order. */
export const SCAN_BASES: readonly number[] = [40000, 0, 50000];

/** Most registers one read request may ask for (Modbus FC3 limit, pysunspec2's cap). */
export const MAX_READ_REGISTERS = 125;

/** A model found on the device. */
export interface ScannedModel {
  id: number;
  /** PDU address of the model's ID register. */
  address: number;
  /** L as the device reports it. */
  length: number;
  /** ID, L and body registers (only with `readBodies`). */
  registers?: Uint16Array;
}

/** What a scan found. */
export interface ScanResult {
  unitId: number;
  base: number;
  models: ScannedModel[];
  /** Address of the 0xFFFF end marker; undefined when the walk stopped early (see `stoppedBecause`). */
  endAddress?: number;
  stoppedBecause?: string;
}

/** Options of scanSunSpec. */
export interface ScanOptions {
  bases?: readonly number[];
  /** Also read each model's registers (in requests of at most 125). */
  readBodies?: boolean;
  /** Stop after this many models (a guard against a chain that never ends). */
  maxModels?: number;
}

/** Scans a unit for a SunSpec chain; undefined when no base holds `SunS`. */
export async function scanSunSpec(readHolding: ReadHolding, unitId: number, options: ScanOptions = {}): Promise<ScanResult | undefined> {
  const maxModels = options.maxModels ?? 64;
  for (const base of options.bases ?? SCAN_BASES) {
    let probe: Uint16Array;
    try {
      probe = await readHolding(unitId, base, 3);
    } catch {
      continue;
    }
    if (probe[0] !== SUNS_MARKER[0] || probe[1] !== SUNS_MARKER[1]) continue;
    const result: ScanResult = { unitId, base, models: [] };
    let address = base + 2;
    while (true) {
      if (result.models.length >= maxModels) {
        result.stoppedBecause = `more than ${maxModels} models`;
        break;
      }
      let id: number;
      let length: number;
      try {
        id = (await readHolding(unitId, address, 1))[0]!;
        if (id === END_MODEL_ID) {
          result.endAddress = address;
          break;
        }
        length = (await readHolding(unitId, address + 1, 1))[0]!;
      } catch (error) {
        result.stoppedBecause = `reading the model header at ${address} failed: ${(error as Error).message}`;
        break;
      }
      if (address + 2 + length > 0x10000) {
        result.stoppedBecause = `model ${id} at ${address} has L = ${length}, which runs past address 65535`;
        break;
      }
      const model: ScannedModel = { id, address, length };
      if (options.readBodies) {
        try {
          model.registers = await readBlock(readHolding, unitId, address, length + 2);
        } catch (error) {
          result.stoppedBecause = `reading model ${id} at ${address} failed: ${(error as Error).message}`;
          break;
        }
      }
      result.models.push(model);
      address += 2 + length;
    }
    return result;
  }
  return undefined;
}

/** Reads `count` registers from `address` in requests of at most 125. */
export async function readBlock(readHolding: ReadHolding, unitId: number, address: number, count: number): Promise<Uint16Array> {
  const out = new Uint16Array(count);
  for (let done = 0; done < count; done += MAX_READ_REGISTERS) {
    const n = Math.min(MAX_READ_REGISTERS, count - done);
    const part = await readHolding(unitId, address + done, n);
    if (part.length !== n) throw new Error(`asked for ${n} registers at ${address + done}, got ${part.length}`);
    out.set(part, done);
  }
  return out;
}
