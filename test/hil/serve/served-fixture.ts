import { emptyUnit, type ServedTable, type ServedUnit, type WriteGate, type WriteVerdict } from "../../../hil/serve/served-unit.js";
import type { RegisterTable } from "../../../hil/profile/profile-types.js";

/**
 * A synthetic set of served units for the wire tests, standing in for what the twin side will build:
 * - unit 1 `bess1`: holding 40000-40099 mapped (value = 10 × offset), 40010-40011 writable;
 *   coils 100-103 mapped, 100 writable;
 * - unit 2 `meter1`: input 0-9 (1000 + address), coils 0-15 (0-7 writable), discrete 0-15 (odd = 1);
 * - unit 3 `bess2`: holding 40000-40019 mapped, 40010-40011 writable (a second device for broadcasts);
 * - unit 4 `wide`: everything at the spec's quantity limits: holding 0-199 and coils 0-1999 mapped
 *   and writable, discrete 0-1999 and input 0-124 mapped.
 * The gate refuses any value above 1000 with exception 03 and records every call.
 */
export function servedUnits(): ServedUnit[] {
  const bess1 = emptyUnit(1, "bess1");
  mapRange(bess1.holding, 40000, 100, (a) => 10 * (a - 40000));
  writableRange(bess1.holding, 40010, 2);
  mapRange(bess1.coil, 100, 4, () => 0);
  writableRange(bess1.coil, 100, 1);

  const meter1 = emptyUnit(2, "meter1");
  mapRange(meter1.input, 0, 10, (a) => 1000 + a);
  mapRange(meter1.coil, 0, 16, (a) => (a % 3 === 0 ? 1 : 0));
  writableRange(meter1.coil, 0, 8);
  mapRange(meter1.discrete, 0, 16, (a) => a & 1);

  const bess2 = emptyUnit(3, "bess2");
  mapRange(bess2.holding, 40000, 20, (a) => 7 * (a - 40000));
  writableRange(bess2.holding, 40010, 2);

  const wide = emptyUnit(4, "wide");
  mapRange(wide.holding, 0, 200, (a) => a);
  writableRange(wide.holding, 0, 200);
  mapRange(wide.coil, 0, 2000, (a) => a & 1);
  writableRange(wide.coil, 0, 2000);
  mapRange(wide.discrete, 0, 2000, (a) => (a % 5 === 0 ? 1 : 0));
  mapRange(wide.input, 0, 125, (a) => 0xffff - a);
  return [bess1, meter1, bess2, wide];
}

function mapRange(table: ServedTable, first: number, count: number, value: (address: number) => number): void {
  for (let a = first; a < first + count; a++) {
    table.mapped[a] = 1;
    table.values[a] = value(a);
  }
}

function writableRange(table: ServedTable, first: number, count: number): void {
  table.writable.fill(1, first, first + count);
}

export interface GateRecord {
  checks: { unitId: number; table: string; address: number; values: number[]; client: string }[];
  applied: { unitId: number; table: string; address: number; count: number; client: string }[];
  refused: { unitId: number; table: RegisterTable; address: number; count: number; code: number; reason: string; client: string }[];
}

export interface RecordingGate extends WriteGate {
  record: GateRecord;
  /** When set, `applied` returns this (lockstep: the reply waits for it). */
  appliedResult: (() => Promise<void>) | undefined;
  /** Stops recording (the fuzz test would otherwise keep every call). */
  recording: boolean;
  reset(): void;
}

// Verdicts are constants so that the gate itself allocates nothing (pdu.test.ts measures the handler).
const ACCEPT: WriteVerdict = { code: 0, reason: "" };
const ABOVE_BOUND: WriteVerdict = { code: 3, reason: "above 1000" };

/** The gate: values above 1000 are refused with 03 (a device's bound), everything else accepted. */
export function recordingGate(): RecordingGate {
  const gate: RecordingGate = {
    record: { checks: [], applied: [], refused: [] },
    appliedResult: undefined,
    recording: true,
    check(unit, table, address, values, count, client): WriteVerdict {
      if (gate.recording) gate.record.checks.push({ unitId: unit.unitId, table, address, values: Array.from(values.subarray(0, count)), client });
      for (let i = 0; i < count; i++) if (values[i] > 1000) return ABOVE_BOUND;
      return ACCEPT;
    },
    applied(unit, table, address, count, client) {
      if (gate.recording) gate.record.applied.push({ unitId: unit.unitId, table, address, count, client });
      return gate.appliedResult?.();
    },
    refused(unitId, table, address, count, code, reason, client) {
      if (gate.recording) gate.record.refused.push({ unitId, table, address, count, code, reason, client });
    },
    reset() {
      gate.record = { checks: [], applied: [], refused: [] };
      gate.appliedResult = undefined;
    },
  };
  return gate;
}

/** Copies of every table's values, to diff before and after. */
export function snapshot(units: readonly ServedUnit[]): Uint16Array[] {
  return units.flatMap((u) => [u.holding, u.input, u.coil, u.discrete].map((t) => t.values.slice()));
}

/** Addresses whose value changed where the table is not writable: "unit/table/address". */
export function changedOutsideWritable(units: readonly ServedUnit[], before: readonly Uint16Array[]): string[] {
  const out: string[] = [];
  let k = 0;
  for (const u of units) {
    for (const name of ["holding", "input", "coil", "discrete"] as const) {
      const table = u[name];
      const old = before[k++];
      for (let a = 0; a < old.length; a++) if (old[a] !== table.values[a] && table.writable[a] === 0) out.push(`${u.unitId}/${name}/${a}`);
    }
  }
  return out;
}
