import type { ColumnSpec, TableSpec } from "./sinks/sink.js";

/**
 * The result tables every run writes (besides `runs`, which the sinks own). Column names carry
 * their unit; power is positive when drawn from the grid.
 */
const f64 = (name: string, unit: string, description: string): ColumnSpec => ({ name, type: "f64", unit, description });
const f32 = (name: string, unit: string, description: string): ColumnSpec => ({ name, type: "f32", unit, description });
const i32 = (name: string, unit: string, description: string): ColumnSpec => ({ name, type: "i32", unit, description });
const text = (name: string, description: string): ColumnSpec => ({ name, type: "utf8", unit: "", description });

export const SITE_SERIES: TableSpec = {
  name: "site_series",
  description: "site channels at full tick resolution (default 40 ms)",
  columns: [
    f64("t_s", "s", "simulated time at the start of the tick, k × dt"),
    f64("pcc_power_w", "W", "power drawn at the point of common coupling"),
    f64("it_power_w", "W", "IT power: rack PSU input (AC), as PUE counts it"),
    f64("gpu_power_w", "W", "power drawn by all GPUs"),
    f64("gpu_demand_w", "W", "GPU power the work alone would draw (without smoothing)"),
    f64("gpu_burn_w", "W", "GPU power drawn above demand by smoothing (floor / ramp-down): energy without work"),
    f64("psu_loss_w", "W", "rack PSU conversion loss"),
    f64("busway_loss_w", "W", "row busway I²R loss"),
    f64("ups_loss_w", "W", "UPS conversion loss"),
    f64("transformer_loss_w", "W", "MV/LV transformer core and copper loss"),
  ],
};

export const GRID_SERIES: TableSpec = {
  name: "grid_series",
  description: "grid frequency and sag ride-through at full tick resolution; only runs with a `frequency` section",
  columns: [
    f64("t_s", "s", "simulated time at the start of the tick, k × dt"),
    f64("frequency_hz", "Hz", "grid frequency at the PCC, mean over the tick (swing model or measured trace)"),
    f64("rocof_hzps", "Hz/s", "rate of change of frequency over the tick"),
    f64("primary_response_w", "W", "swing model: extra generation from the governors' primary response (0 for a trace)"),
    f64("dispatch_w", "W", "swing model: site power the generation is scheduled for (moved by secondary control); NaN for a trace"),
    f64("sag_depth_frac", "fraction", "voltage sag in effect: fraction of nominal voltage lost (0: none)"),
    f64("ride_through_battery_w", "W", "UPS (AC) or rack BBU (DC) batteries: output to the load − recharge; with the UPS, pcc = it + busway + ups + transformer − this − load_unserved"),
    f64("ride_through_soc_frac", "fraction", "lowest state of charge of the UPS or BBU batteries"),
    f64("load_unserved_w", "W", "IT load tripped because its battery emptied (or was overloaded)"),
  ],
};

export const RACK_SERIES: TableSpec = {
  name: "rack_series",
  description: "per-rack IT power aggregated over windows (default 1 s)",
  columns: [
    f64("t_s", "s", "start of the window"),
    i32("rack", "", "rack index (see the racks table)"),
    // FLOAT (24-bit mantissa): ~0.01 W resolution at rack scale, half the bytes of DOUBLE.
    f32("power_mean_w", "W", "mean rack IT power (PSU input) over the window"),
    f32("power_min_w", "W", "lowest tick value in the window"),
    f32("power_max_w", "W", "highest tick value in the window"),
  ],
};

export const STORAGE_SERIES: TableSpec = {
  name: "storage_series",
  description: "site batteries at full tick resolution, one row per battery per tick (only when the scenario has batteries)",
  columns: [
    f64("t_s", "s", "simulated time at the start of the tick, k × dt"),
    i32("battery", "", "battery index, in the order of storage.batteries"),
    f64("power_w", "W", "battery AC power at the PCC, with aux, mean over the tick (+ charging, − discharging); pcc_power_w − Σ power_w is the site load"),
    f64("setpoint_w", "W", "inverter power command in force at the tick (before latency, lag and limits)"),
    f64("soc", "fraction", "state of charge at the end of the tick"),
  ],
};

export const RACKS: TableSpec = {
  name: "racks",
  description: "the hall's racks: one row per rack per run",
  columns: [
    i32("rack", "", "rack index"),
    text("rack_id", "rack name: row letter and number, e.g. C7"),
    text("row_id", "row letter"),
    text("preset", "rack preset"),
    i32("gpus", "count", "GPUs in the rack"),
    text("workload", "workload placed on the rack ('' when idle)"),
  ],
};

export const EVENTS: TableSpec = {
  name: "events",
  description: "discrete events: job starts, checkpoints, failures, limit violations, mode changes",
  columns: [
    f64("t_s", "s", "simulated time"),
    text("source", "component that raised it"),
    text("kind", "event kind, e.g. checkpoint_start"),
    f64("value", "", "a number that goes with the event (see kind)"),
    text("detail", "free text"),
  ],
};

export const DECISIONS: TableSpec = {
  name: "decisions",
  description: "the controllers' audit log: each decision with its value and reason",
  columns: [
    f64("t_s", "s", "simulated time"),
    text("controller", "controller id"),
    text("action", "what it decided"),
    f64("value", "", "the value it set"),
    text("reason", "why"),
  ],
};

export const KPIS: TableSpec = {
  name: "kpis",
  description: "one row per run and metric",
  columns: [text("name", "metric name"), f64("value", "", "value, in unit"), text("unit", "unit of value")],
};

export const RUN_TABLES: readonly TableSpec[] = [SITE_SERIES, RACK_SERIES, STORAGE_SERIES, RACKS, EVENTS, DECISIONS, KPIS, GRID_SERIES];
