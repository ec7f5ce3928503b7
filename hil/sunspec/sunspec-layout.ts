/**
 * Register layout of SunSpec models from their JSON definitions (hil/maps/sunspec/model_<id>.json):
 * each point's offset within its model (the ID register is offset 0, L offset 1, the body from 2),
 * and a chain of models from a base address: `SunS` (0x5375 0x6E53) at base, then each model's
 * ID, L and L body registers, then the end marker 0xFFFF 0x0000. Pure: no I/O.
 *
 * Nested groups are laid out after their parent's points, in order. A group whose `count` is an
 * integer is repeated that many times. A group whose count is the name of a point (a repeating group
 * sized at run time, e.g. 705's curves) is laid out only when the caller gives its count; otherwise it
 * is skipped (recorded in `skipped`) and the model's length covers its fixed part only. Every
 * repeating group in the shipped models (1, 203, 701, 702, 704, 713, 802) is fixed, so none is skipped.
 *
 * Example: pointLayout(modelLayout(model1), "Mn").offset === 2, so Mn sits at base + 2 + 2.
 */

/** A point as model JSON defines it (fields this code uses). */
export interface SunSpecPointDef {
  name: string;
  type: string;
  size: number;
  sf?: string | number;
  access?: string;
  mandatory?: string;
  units?: string;
  value?: number | string;
  desc?: string;
  label?: string;
  symbols?: { name: string; value: number }[];
}

/** A group as model JSON defines it. */
export interface SunSpecGroupDef {
  name: string;
  type?: string;
  count?: number | string;
  points?: SunSpecPointDef[];
  groups?: SunSpecGroupDef[];
}

/** A model as model JSON defines it. */
export interface SunSpecModelDef {
  id: number;
  group: SunSpecGroupDef;
}

/** A point placed within its model. */
export interface LaidOutPoint {
  /** Point name; nested groups prefix theirs (`PFWInj.PF`), repeated instances index them (`Crv[1].Pt`). */
  name: string;
  /** Registers from the model's ID register. */
  offset: number;
  type: string;
  size: number;
  /** Full name of the sunssf point that scales this one (same group, else an enclosing one). */
  sfPoint?: string;
  /** A literal scale-factor exponent, when the JSON gives a number instead of a point name. */
  sfExponent?: number;
  writable: boolean;
  mandatory: boolean;
  units?: string;
  /** Fixed value from the JSON (ID's model id), if any. */
  value?: number;
  description: string;
  /** Enum / bitfield symbols by name (e.g. 704 WSetMod: WATTS → 1). */
  symbols?: ReadonlyMap<string, number>;
}

/** One model's layout. */
export interface ModelLayout {
  id: number;
  name: string;
  /** The model's L: registers after ID and L. */
  length: number;
  points: readonly LaidOutPoint[];
  /** Repeating groups left out, with the reason. */
  skipped: readonly string[];
}

/** A model placed in a chain. */
export interface PlacedModel {
  id: number;
  /** PDU address of the model's ID register. */
  address: number;
  /** L as on the wire. */
  length: number;
  layout: ModelLayout;
}

/** A chain of models from a base address. */
export interface ChainLayout {
  base: number;
  models: readonly PlacedModel[];
  /** Address of the end marker's 0xFFFF. */
  endAddress: number;
  /** Registers from base through the end marker's L (0x0000). */
  registerCount: number;
}

/** The `SunS` marker registers. */
export const SUNS_MARKER: readonly [number, number] = [0x5375, 0x6e53];
/** The model id that ends a chain. */
export const END_MODEL_ID = 0xffff;

/** Lays out one model from its JSON; `repeatCounts` sizes run-time repeating groups by group name. */
export function modelLayout(def: SunSpecModelDef, repeatCounts: Readonly<Record<string, number>> = {}): ModelLayout {
  const points: LaidOutPoint[] = [];
  const skipped: string[] = [];
  let offset = 0;
  const walk = (group: SunSpecGroupDef, prefix: string, scopes: readonly Map<string, string>[]): void => {
    const own = new Map<string, string>();
    const here = [own, ...scopes];
    const pending: { point: LaidOutPoint; sf: string }[] = [];
    for (const p of group.points ?? []) {
      const full = prefix + p.name;
      own.set(p.name, full);
      const point: LaidOutPoint = {
        name: full,
        offset,
        type: p.type,
        size: p.size,
        writable: p.access === "RW",
        mandatory: p.mandatory === "M",
        description: p.desc ?? p.label ?? "",
      };
      if (p.units !== undefined) point.units = p.units;
      if (typeof p.value === "number") point.value = p.value;
      if (p.symbols !== undefined) point.symbols = new Map(p.symbols.map((sym) => [sym.name, sym.value]));
      if (typeof p.sf === "number") point.sfExponent = p.sf;
      else if (typeof p.sf === "string") pending.push({ point, sf: p.sf });
      points.push(point);
      offset += p.size;
    }
    for (const { point, sf } of pending) {
      const found = here.map((scope) => scope.get(sf)).find((name) => name !== undefined);
      if (found === undefined) throw new Error(`model ${def.id}: point ${point.name} names scale factor ${sf}, which is not in its group or an enclosing one`);
      point.sfPoint = found;
    }
    for (const sub of group.groups ?? []) {
      let count: number;
      if (sub.count === undefined) count = 1;
      else if (typeof sub.count === "number") count = sub.count;
      else if (Object.prototype.hasOwnProperty.call(repeatCounts, sub.name)) count = repeatCounts[sub.name]!;
      else {
        skipped.push(`${prefix}${sub.name}: repeated ${sub.count} times, a count known only at run time (pass repeatCounts.${sub.name} to lay it out)`);
        continue;
      }
      for (let i = 0; i < count; i++) {
        const name = sub.count === undefined || sub.count === 1 ? `${prefix}${sub.name}.` : `${prefix}${sub.name}[${i}].`;
        walk(sub, name, here);
      }
    }
  };
  walk(def.group, "", []);
  const [id, length] = points;
  if (id?.name !== "ID" || length?.name !== "L" || id.offset !== 0 || length.offset !== 1) {
    throw new Error(`model ${def.id}: the first two points must be ID and L`);
  }
  return { id: def.id, name: def.group.name, length: offset - 2, points, skipped };
}

/** The laid-out point called `name` in a model, or undefined. */
export function findPoint(layout: ModelLayout, name: string): LaidOutPoint | undefined {
  return layout.points.find((p) => p.name === name);
}

/** Places models one after another from `base` (SunS at base, first model at base + 2, end marker after the last). */
export function layoutChain(base: number, layouts: readonly ModelLayout[]): ChainLayout {
  let address = base + 2;
  const models: PlacedModel[] = layouts.map((layout) => {
    const placed: PlacedModel = { id: layout.id, address, length: layout.length, layout };
    address += 2 + layout.length;
    return placed;
  });
  const registerCount = address + 2 - base;
  if (base < 0 || address + 1 > 0xffff) throw new Error(`SunSpec chain from ${base} needs ${registerCount} registers and runs past address 65535`);
  return { base, models, endAddress: address, registerCount };
}
