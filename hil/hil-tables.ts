import type { ColumnSpec, TableSpec } from "../engine/sinks/sink.js";

/**
 * The tables a HIL run writes besides the simulation's own (so the shipped SQL works on both):
 * one row per control cycle with its timing, and one row per point read or write with its quality
 * or outcome. Times: `t_s` is the cycle's planned time since the start (k × period), the `*_ms`
 * columns are wall-clock durations measured with the monotonic clock.
 */
const f64 = (name: string, unit: string, description: string): ColumnSpec => ({ name, type: "f64", unit, description });
const i32 = (name: string, unit: string, description: string): ColumnSpec => ({ name, type: "i32", unit, description });
const text = (name: string, description: string): ColumnSpec => ({ name, type: "utf8", unit: "", description });

export const HIL_CYCLES: TableSpec = {
  name: "hil_cycles",
  description: "HIL runs: one row per control cycle, with its timing; served twins (dctwin serve): one row per period",
  columns: [
    f64("t_s", "s", "planned start of the cycle since the run started, cycle × period"),
    i32("cycle", "", "cycle index"),
    f64("planned_ms", "ms", "planned start, wall clock since the run started (absolute deadline: no drift)"),
    f64("start_ms", "ms", "actual start, wall clock since the run started"),
    f64("lateness_ms", "ms", "start_ms − planned_ms (negative: early)"),
    f64("read_ms", "ms", "time to read every device"),
    f64("compute_ms", "ms", "time the twin and the controllers took for the cycle"),
    f64("write_ms", "ms", "time to write (and read back) the setpoints and heartbeats"),
    i32("missed", "bool", "1 when the cycle ended after the next cycle's planned start (a deadline miss)"),
    i32("skipped", "count", "cycles skipped before this one by the overrun policy (skip)"),
    i32("fallback", "bool", "1 when the setpoints were held at their fallbacks in this cycle"),
  ],
};

export const HIL_IO: TableSpec = {
  name: "hil_io",
  description: "HIL runs: every device point read (value, quality, age) and every setpoint write (accepted or refused and why, readback); served twins: every client write",
  columns: [
    f64("t_s", "s", "planned start of the cycle"),
    i32("cycle", "", "cycle index"),
    text("device", "device name (--device NAME=...)"),
    text("point", "port point name"),
    text("op", "read, write, heartbeat or init"),
    f64("value", "", "read: the engineering value (NaN when absent); write: the value asked for, in the point's unit"),
    text("quality", "read: ok, stale or error; write: accepted, refused (bounds, fallback), limited (ramp limit: a smaller step sent), dry_run or failed"),
    f64("age_s", "s", "read: age of the value; write: NaN"),
    f64("readback", "", "write: the value read back after writing (NaN when not verified)"),
    text("detail", "why: the link or exception error, the bound or limit a write broke"),
    text("client", "served twin (dctwin serve): the address of the client that wrote (host:port or rtu:/dev/…); empty in dctwin hil runs"),
  ],
};

/** Both HIL tables. */
export const HIL_TABLES: readonly TableSpec[] = [HIL_CYCLES, HIL_IO];
