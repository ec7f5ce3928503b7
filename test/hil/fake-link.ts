import { LINK_DOWN, LINK_OK, type LinkDone, type LinkObserver, type ModbusLink } from "../../hil/bindings/modbus-link.js";
import type { Endpoint } from "../../hil/bindings/endpoint.js";
import type { RegisterTable } from "../../hil/profile/profile-types.js";

/** One request the fake saw (including failed ones). */
export interface FakeRequest {
  op: "read" | "write";
  unitId: number;
  table: RegisterTable;
  address: number;
  count: number;
  /** Writes: the raw values sent. */
  values: number[];
}

/**
 * An in-memory ModbusLink for tests: one register map per unit and table, every request logged,
 * per-address outcomes (a Modbus exception code or a negative LINK_* code such as LINK_TIMEOUT)
 * injectable, `up` settable, and an optional `store` hook for devices that store something other
 * than what was written. No I/O, no timers.
 */
export class FakeLink implements ModbusLink {
  readonly endpoint: Endpoint = { kind: "tcp", host: "fake", port: 502 };
  observer: LinkObserver = () => undefined;
  up = true;
  readonly requests: FakeRequest[] = [];
  private readonly regs = new Map<string, number>();
  /** Outcome forced on any request touching unit/table/address. */
  readonly faults = new Map<string, number>();
  /** What the device stores for a written raw value (default: the value). */
  store: (unitId: number, table: RegisterTable, address: number, raw: number) => number = (_u, _t, _a, raw) => raw;
  private last = "";

  static key(unitId: number, table: RegisterTable, address: number): string {
    return `${unitId}/${table}/${address}`;
  }
  set(unitId: number, table: RegisterTable, address: number, ...raw: number[]): void {
    raw.forEach((v, i) => this.regs.set(FakeLink.key(unitId, table, address + i), v & 0xffff));
  }
  get(unitId: number, table: RegisterTable, address: number): number {
    return this.regs.get(FakeLink.key(unitId, table, address)) ?? 0;
  }
  fault(unitId: number, table: RegisterTable, address: number, code: number | undefined): void {
    if (code === undefined) this.faults.delete(FakeLink.key(unitId, table, address));
    else this.faults.set(FakeLink.key(unitId, table, address), code);
  }
  writes(): FakeRequest[] {
    return this.requests.filter((r) => r.op === "write");
  }
  reads(): FakeRequest[] {
    return this.requests.filter((r) => r.op === "read");
  }
  private outcome(unitId: number, table: RegisterTable, address: number, count: number): number {
    if (!this.up) {
      this.last = "not connected";
      return LINK_DOWN;
    }
    for (let a = address; a < address + count; a++) {
      const code = this.faults.get(FakeLink.key(unitId, table, a));
      if (code !== undefined) {
        this.last = `fault ${code} at ${a}`;
        return code;
      }
    }
    return LINK_OK;
  }
  async open(): Promise<void> {}
  // Requests answer at once (done runs before the call returns), as a link that is down does.
  read(unitId: number, table: RegisterTable, address: number, count: number, out: Uint16Array, outOffset: number, done: LinkDone): void {
    this.requests.push({ op: "read", unitId, table, address, count, values: [] });
    const code = this.outcome(unitId, table, address, count);
    if (code === LINK_OK) for (let i = 0; i < count; i++) out[outOffset + i] = this.get(unitId, table, address + i);
    done(code);
  }
  writeRegisters(unitId: number, address: number, values: Uint16Array, count: number, done: LinkDone): void {
    const raw = Array.from(values.subarray(0, count));
    this.requests.push({ op: "write", unitId, table: "holding", address, count, values: raw });
    const code = this.outcome(unitId, "holding", address, count);
    if (code === LINK_OK) raw.forEach((v, i) => this.set(unitId, "holding", address + i, this.store(unitId, "holding", address + i, v)));
    done(code);
  }
  writeCoil(unitId: number, address: number, on: boolean, done: LinkDone): void {
    this.requests.push({ op: "write", unitId, table: "coil", address, count: 1, values: [on ? 1 : 0] });
    const code = this.outcome(unitId, "coil", address, 1);
    if (code === LINK_OK) this.set(unitId, "coil", address, this.store(unitId, "coil", address, on ? 1 : 0));
    done(code);
  }
  lastError(): string {
    return this.last;
  }
  async close(): Promise<void> {}
}

/**
 * A lean in-memory ModbusLink for allocation measurements: one 65,536-register image per table
 * (any unit id), no request log, no string keys, answers at once, so it allocates nothing
 * itself; what a poll or flush over it allocates is the device port's own. `onWrite`
 * lets a bench make the device react (e.g. its power follow the setpoint).
 */
export class ImageLink implements ModbusLink {
  readonly endpoint: Endpoint = { kind: "tcp", host: "image", port: 502 };
  observer: LinkObserver = () => undefined;
  up = true;
  readonly image: Record<RegisterTable, Uint16Array> = {
    holding: new Uint16Array(65536),
    input: new Uint16Array(65536),
    coil: new Uint16Array(65536),
    discrete: new Uint16Array(65536),
  };
  onWrite: (table: RegisterTable, address: number, count: number) => void = () => undefined;
  requests = 0;

  async open(): Promise<void> {}
  read(_unitId: number, table: RegisterTable, address: number, count: number, out: Uint16Array, outOffset: number, done: LinkDone): void {
    this.requests++;
    if (!this.up) return done(LINK_DOWN);
    const src = this.image[table];
    for (let i = 0; i < count; i++) out[outOffset + i] = src[address + i]!;
    done(LINK_OK);
  }
  writeRegisters(_unitId: number, address: number, values: Uint16Array, count: number, done: LinkDone): void {
    this.requests++;
    if (!this.up) return done(LINK_DOWN);
    const dst = this.image.holding;
    for (let i = 0; i < count; i++) dst[address + i] = values[i]!;
    this.onWrite("holding", address, count);
    done(LINK_OK);
  }
  writeCoil(_unitId: number, address: number, on: boolean, done: LinkDone): void {
    this.requests++;
    if (!this.up) return done(LINK_DOWN);
    this.image.coil[address] = on ? 1 : 0;
    this.onWrite("coil", address, 1);
    done(LINK_OK);
  }
  lastError(): string {
    return this.up ? "" : "not connected";
  }
  async close(): Promise<void> {}
}
