import type { SunSpecServed } from "./sunspec-served.js";
import type { ServedUnit } from "./served-unit.js";

/**
 * The behaviour a served SunSpec battery has on top of its registers: 704 WSet is followed only
 * while WSetEna is 1; when neither WSet nor WSetEna is written for WSetRvrtTms seconds, or 802
 * CtrlHb (once a controller has written it) stops changing that long, the device reverts:
 * WSet := WSetRvrt, WSetEna := WSetEnaRvrt, and WSetRvrtRem counts the seconds left meanwhile
 * (as hil/peers/battery_server.py, the independent peer, does). Times are simulated seconds.
 */

/** SunSpec 704 WSet with its enable and reversion registers, and 802's controller heartbeat. */
export interface WSetControl {
  ena: number;
  rvrt: number;
  enaRvrt: number | undefined;
  rvrtTms: number;
  rvrtRem: number | undefined;
  ctrlHb: number | undefined;
  /** 802 Hb, the device's own heartbeat. */
  hb: number | undefined;
  lastWriteS: number;
  hbValue: number;
  hbChangeS: number;
  hbSeen: boolean;
}


/** The 704 registers around WSet, with defaults a device starts with (disabled, no reversion). */
export function wsetControl(unit: ServedUnit, s: SunSpecServed): WSetControl {
  const at = (point: string) => s.address(704, point);
  const ena = at("WSetEna")!;
  const rvrt = at("WSetRvrt")!;
  const rvrtTms = at("WSetRvrtTms")!;
  const enaRvrt = at("WSetEnaRvrt");
  const rvrtRem = at("WSetRvrtRem");
  const ctrlHb = s.address(802, "CtrlHb");
  const v = unit.holding.values;
  v[ena] = 0;
  const mod = at("WSetMod");
  if (mod !== undefined) v[mod] = 1;
  v[rvrt] = 0;
  v[rvrt + 1] = 0;
  if (enaRvrt !== undefined) v[enaRvrt] = 1;
  v[rvrtTms] = 0;
  v[rvrtTms + 1] = 0;
  if (rvrtRem !== undefined) v.fill(0, rvrtRem, rvrtRem + 2);
  if (ctrlHb !== undefined) v[ctrlHb] = 0;
  const hb = s.address(802, "Hb");
  if (hb !== undefined) v[hb] = 0;
  return { ena, rvrt, enaRvrt, rvrtTms, rvrtRem, ctrlHb, hb, lastWriteS: 0, hbValue: 0, hbChangeS: 0, hbSeen: false };
}

export function isWSetControlRegister(c: WSetControl, address: number): boolean {
  return address === c.ena || address === c.rvrt || address === c.rvrt + 1 || address === c.rvrtTms || address === c.rvrtTms + 1;
}

/** The SunSpec name of the point holding `address` (`704.WSetEna`, `704.WSetRvrtTms`), or undefined. */
export function sunspecName(s: SunSpecServed | undefined, address: number): string | undefined {
  const found = s?.pointAt(address) ?? s?.pointAt(address - 1);
  return found === undefined ? undefined : `${found.model}.${found.point.name}`;
}

/** Values an enum register accepts: its symbols (704 WSetMod: only WATTS, the mode the twin serves). */
export function allowedValues(s: SunSpecServed, address: number): ReadonlySet<number> | undefined {
  const found = s.pointAt(address);
  if (found === undefined || found.point.symbols === undefined || found.point.type !== "enum16") return undefined;
  if (found.model === 704 && found.point.name === "WSetMod") return new Set([1]);
  return new Set(found.point.symbols.values());
}

/**
 * Checks the reversion timer at simulated time `tS` (and notes CtrlHb changes); when it has run
 * out, reverts the WSet registers at `wsetAddress` and WSetEna in `regs` and returns why, else
 * undefined. Keeps WSetRvrtRem up to date.
 */
export function checkWSetReversion(regs: Uint16Array, c: WSetControl, wsetAddress: number, tS: number): string | undefined {
  if (c.ctrlHb !== undefined && regs[c.ctrlHb] !== c.hbValue) {
    c.hbSeen = c.hbSeen || tS > 0;
    c.hbValue = regs[c.ctrlHb]!;
    c.hbChangeS = tS;
  }
  const tms = regs[c.rvrtTms]! * 0x10000 + regs[c.rvrtTms + 1]!;
  const armed = regs[c.ena] === 1 && tms > 0 && tms !== 0xffffffff;
  if (c.rvrtRem !== undefined) {
    regs[c.rvrtRem] = 0;
    regs[c.rvrtRem + 1] = armed ? Math.max(0, Math.ceil(tms - (tS - c.lastWriteS))) : 0;
  }
  if (!armed) return undefined;
  const sinceWriteS = tS - c.lastWriteS;
  const sinceHbS = c.hbSeen ? tS - c.hbChangeS : 0;
  if (sinceWriteS <= tms && sinceHbS <= tms) return undefined;
  regs[wsetAddress] = regs[c.rvrt]!;
  regs[wsetAddress + 1] = regs[c.rvrt + 1]!;
  if (c.enaRvrt !== undefined) regs[c.ena] = regs[c.enaRvrt]!;
  c.lastWriteS = tS;
  c.hbChangeS = tS;
  return `704 reversion after ${tms} s (${sinceWriteS > tms ? `WSet not written for ${sinceWriteS.toFixed(1)} s` : `CtrlHb unchanged for ${sinceHbS.toFixed(1)} s`})`;
}
