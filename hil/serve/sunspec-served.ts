import type { SunSpecChainSpec } from "../profile/profile-types.js";
import { loadSunSpecModel } from "../sunspec/load-sunspec-models.js";
import { buildSunSpecImage } from "../sunspec/sunspec-image.js";
import { findPoint, layoutChain, modelLayout, type ChainLayout, type LaidOutPoint, type PlacedModel } from "../sunspec/sunspec-layout.js";
import type { ServedUnit } from "./served-unit.js";

/**
 * A served SunSpec device: the whole chain in the unit's holding registers (marker, every model,
 * end marker; points the twin does not serve read "not implemented"), the common model filled in,
 * and where the points with behaviour of their own live: 704's WSet and its reversion registers,
 * 802's heartbeats. A scanner (ours, pysunspec2, a vendor tool) walks the same chain a device has.
 */
export interface SunSpecServed {
  chain: ChainLayout;
  /** PDU address of a model point, or undefined when the chain lacks the model or the point. */
  address(model: number, point: string): number | undefined;
  /** The laid-out point at a PDU address (its first register), with its model id, or undefined. */
  pointAt(address: number): { model: number; point: LaidOutPoint } | undefined;
}

/** Common model strings: manufacturer, model, serial number, version. */
export interface CommonStrings {
  manufacturer: string;
  model: string;
  serialNumber: string;
  version: string;
}

/** Writes the chain into `unit.holding` (mapped from the marker through the end marker) and the common model. */
export function serveSunSpecChain(unit: ServedUnit, spec: SunSpecChainSpec, common: CommonStrings): SunSpecServed {
  const chain = layoutChain(spec.base, spec.models.map((id) => modelLayout(loadSunSpecModel(id))));
  const image = buildSunSpecImage(chain);
  unit.holding.values.set(image.registers, chain.base);
  unit.holding.mapped.fill(1, chain.base, chain.base + chain.registerCount);
  const byAddress = new Map<number, { model: number; point: LaidOutPoint }>();
  for (const m of chain.models) for (const p of m.layout.points) byAddress.set(m.address + p.offset, { model: m.id, point: p });
  const placed = (id: number): PlacedModel | undefined => chain.models.find((m) => m.id === id);
  const address = (model: number, point: string): number | undefined => {
    const m = placed(model);
    const p = m === undefined ? undefined : findPoint(m.layout, point);
    return m === undefined || p === undefined ? undefined : m.address + p.offset;
  };
  const text = (point: string, value: string) => {
    const at = address(1, point);
    const size = at === undefined ? 0 : byAddress.get(at)!.point.size;
    if (at !== undefined) writeString(unit.holding.values, at, size, value);
  };
  text("Mn", common.manufacturer);
  text("Md", common.model);
  text("SN", common.serialNumber);
  text("Vr", common.version);
  const da = address(1, "DA");
  if (da !== undefined) unit.holding.values[da] = unit.unitId;
  return { chain, address, pointAt: (a) => byAddress.get(a) };
}

/** ASCII, two characters per register (high byte first), NUL-padded, cut to `registers` × 2 bytes. */
function writeString(values: Uint16Array, address: number, registers: number, text: string): void {
  for (let r = 0; r < registers; r++) {
    const hi = text.charCodeAt(2 * r) & 0x7f || 0;
    const lo = text.charCodeAt(2 * r + 1) & 0x7f || 0;
    values[address + r] = (hi << 8) | lo;
  }
}
