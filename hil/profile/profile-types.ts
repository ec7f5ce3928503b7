/**
 * A device profile, after validation: how the port points of one device (the same names the sim
 * port uses, e.g. `battery.bess1.powerSetW`) map onto Modbus registers. Profiles are data (YAML or
 * JSON, see hil/profile/profile-spec.ts); this is the normalised form the device port works from.
 * Addresses are PDU addresses (0-based, as they travel on the wire): holding register 40001 in the
 * old 1-based "4xxxx" notation is PDU address 40000 here only if the vendor says so; SunSpec's base
 * 40000 is a PDU address.
 */

/** The four Modbus tables: holding (FC3/6/16), input (FC4), coil (FC1/5/15), discrete input (FC2). */
export type RegisterTable = "holding" | "input" | "coil" | "discrete";

/**
 * How a value is laid out in registers. 32-bit types take two registers; `bool` is one coil or
 * discrete input (or a register read as 0 / non-zero).
 */
export type RegisterType = "int16" | "uint16" | "int32" | "uint32" | "float32" | "bool";

/** Word order of 32-bit values: `high-first` (Modbus / SunSpec big-endian) or `low-first`. */
export type WordOrder = "high-first" | "low-first";

/** A register of the same unit whose int16 value v scales a point by 10^v (SunSpec `sunssf`). */
export interface ScaleFactorRef {
  table: RegisterTable;
  address: number;
}

/** One point of a device. */
export interface ProfilePoint {
  /** Port point name, e.g. `battery.bess1.socFrac`. */
  name: string;
  /** A measurement is read; a setpoint is written (and read back when the table allows it). */
  kind: "measurement" | "setpoint";
  /** Modbus unit id (slave id), 0-247 (0 only for broadcast writes). */
  unitId: number;
  table: RegisterTable;
  /** PDU address, 0-based. */
  address: number;
  type: RegisterType;
  wordOrder: WordOrder;
  /** Engineering value = raw × scale × 10^(scale-factor register), in `unit`. */
  scale: number;
  scaleFactor?: ScaleFactorRef;
  /** Raw value that means "not implemented" (SunSpec: 0x8000 for int16, 0xFFFF for uint16, ...); read as absent. */
  notImplementedRaw?: number;
  /** Unit of the engineering value, as the port states it (`W`, `fraction`, `Hz`, `°C`). */
  unit: string;
  description: string;
  /** Setpoints: lowest and highest value a write may carry (outside: refused, not clamped). Measurements: plausible range (outside: quality error). */
  min?: number;
  max?: number;
  /** Setpoints: largest change per second between consecutive writes, in unit/s (undefined: none). */
  rampLimitPerS?: number;
  /** Setpoints: shortest time between two writes, s (0: none). */
  minWriteIntervalS: number;
  /** Measurements: a value older than this is stale, s. */
  staleAfterS: number;
  /** Setpoints: the safe value written when an input the controller needs is stale or the link drops. */
  fallback?: number;
  /** Setpoints: a device (and the served twin) goes back to `fallback` when the setpoint is not written again within this time, s. */
  revertAfterS?: number;
}

/** A register the port keeps incrementing so the device knows the controller is alive (SunSpec 802 CtrlHb). */
export interface HeartbeatSpec {
  unitId: number;
  address: number;
  /** Seconds between increments. */
  periodS: number;
}

/** A single register write made when the port arms (enable a control mode, set a reversion timer). */
export interface InitWrite {
  unitId: number;
  address: number;
  /** Raw register value (uint16). */
  raw: number;
  description: string;
}

/** A whole device profile. */
export interface DeviceProfile {
  name: string;
  description: string;
  points: ProfilePoint[];
  heartbeat?: HeartbeatSpec;
  /**
   * Unused registers one read may span to join two points (default 8): fewer round trips, but some
   * PLCs answer exception 02 for unmapped addresses. SunSpec devices map every register of a
   * model, so their profiles use 125.
   */
  maxReadGap?: number;
  /** Writes made once when armed, in order: e.g. SunSpec 704 WSetRvrtTms (the device's own reversion timer) and WSetEna. */
  initWrites: InitWrite[];
  /** A SunSpec device: the chain's base address and model ids in order (the served twin builds the whole chain from them). */
  sunspec?: SunSpecChainSpec;
  /**
   * A device that advances its own time only when told: writing the next period number to this
   * holding register (the register reads the periods done so far) moves it one period (the served
   * twin's clock in lockstep; `dctwin hil --pace lockstep` writes it after each cycle).
   */
  advance?: AdvanceSpec;
}

/** Where a SunSpec chain starts (the `SunS` marker) and which models it holds, in order. */
export interface SunSpecChainSpec {
  base: number;
  models: number[];
}

/** The lockstep advance register of a device. */
export interface AdvanceSpec {
  unitId: number;
  address: number;
}
