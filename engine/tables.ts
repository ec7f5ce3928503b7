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
    f64("ride_through_battery_w", "W", "UPS (AC) or rack BBU (DC) batteries: output to the load − recharge; with the UPS, pcc = it + busway + ups + transformer − this (docs/energy-ledger.md)"),
    f64("ride_through_soc_frac", "fraction", "lowest state of charge of the UPS or BBU batteries"),
    f64("load_unserved_w", "W", "IT load tripped because its battery emptied (or was overloaded): what it would have drawn; it_power_w and gpu_power_w hold only the served share"),
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
  description: "the decision audit: every decision of every controller, append-only and hash-chained per run (docs/audit.md; `dctwin audit verify`)",
  columns: [
    f64("t_s", "s", "simulated time"),
    text("controller", "controller id"),
    text("action", "what it decided"),
    f64("value", "", "the value it set"),
    text("reason", "why"),
    i32("seq", "", "position in the run's chain, from 0"),
    text("type", "kind of decision (cap, start, defer, mode ...; the action when the controller gives none)"),
    text("subject", "what it acts on: cap:<group>, job:<id>, battery:<id> ('' when none)"),
    text("inputs", "JSON object: the grid signals in force (point names) and what else the controller saw (forecast summaries ...)"),
    text("constraints", "JSON array of {name, ok, detail}: the constraints evaluated and their outcome"),
    text("alternatives", "JSON array of {option, cost, carbonKg, chosen, note}: the options weighed with their predicted cost (price currency) and carbon (kg)"),
    f64("saving_cost", "", "predicted saving of the choice against the reference, in the price's currency (NaN: none claimed)"),
    f64("saving_carbon_kg", "kg", "predicted carbon saving of the choice (NaN: none claimed)"),
    text("prev_hash", "hash of the previous row of the run (64 zeros for the first)"),
    text("hash", "SHA-256 (hex) of the row's canonical serialisation, prev_hash included (engine/audit/audit-chain.ts)"),
  ],
};

export const KPIS: TableSpec = {
  name: "kpis",
  description: "one row per run and metric",
  columns: [text("name", "metric name"), f64("value", "", "value, in unit"), text("unit", "unit of value")],
};

export const HEAT_SERIES: TableSpec = {
  name: "heat_series",
  description: "heat reuse per heat step (default 1 s; only with heatReuse): reuse exchanger, heat pumps, district network; powers and heats are means over the step",
  columns: [
    f64("t_s", "s", "start of the heat step"),
    f64("facility_water_c", "°C", "facility water arriving at the reuse exchanger"),
    f64("facility_water_out_c", "°C", "facility water leaving the reuse exchanger (back to the cooling plant)"),
    f64("heat_recovered_w", "W", "heat taken from the facility water by the reuse exchanger"),
    f64("source_loop_c", "°C", "heat-pump source water leaving the evaporators (back to the exchanger)"),
    i32("hp_running", "count", "heat pumps running"),
    f64("hp_heat_w", "W", "heat the heat pumps deliver into the network's supply"),
    f64("hp_power_w", "W", "electricity the heat pumps draw (a site load at the PCC when inside the boundary)"),
    f64("hp_pcc_power_w", "W", "heat pumps' electricity the PCC carried over this step: hp_power_w of this step without a cooling plant, of the previous step with one (0 outside the boundary)"),
    f64("hp_cop", "", "hp_heat_w ÷ hp_power_w (0 when none runs)"),
    f64("hp_outlet_c", "°C", "water leaving the heat pumps' condensers into the supply (mean of the running units; the return temperature when none runs)"),
    f64("supply_c", "°C", "network supply (flow) temperature, end of the step"),
    f64("return_c", "°C", "network return temperature, end of the step"),
    f64("network_flow_kg_s", "kg/s", "network loop flow"),
    f64("demand_w", "W", "heat the consumers ask for (real data, scaled)"),
    f64("delivered_w", "W", "heat the consumers get"),
    f64("unmet_w", "W", "demand_w − delivered_w"),
    f64("network_loss_w", "W", "heat the network's pipes lose to the ground"),
  ],
};

export const THERMAL_SERIES: TableSpec = {
  name: "thermal_series",
  description: "cooling plant, site level, per thermal step (default 1 s; only when cooling is configured); powers and heats are means over the step",
  columns: [
    f64("t_s", "s", "start of the thermal step"),
    f64("it_heat_w", "W", "IT heat: rack IT power (PSU input) averaged over the step"),
    f64("liquid_heat_w", "W", "IT heat captured by the cold plates"),
    f64("air_heat_w", "W", "IT heat to the room air"),
    f64("cooling_power_w", "W", "electrical power of the cooling plant (pumps, fans, chillers): added to the PCC over the next step"),
    f64("cooling_pcc_power_w", "W", "cooling load the PCC carried over this step: cooling_power_w of the previous step (the first step: pumps and fans at their initial speeds)"),
    f64("cdu_pump_power_w", "W", "CDU pumps"),
    f64("crah_fan_power_w", "W", "CRAH fans"),
    f64("facility_pump_power_w", "W", "facility loop pumps"),
    f64("rejection_fan_power_w", "W", "dry-cooler or cooling-tower fans"),
    f64("chiller_power_w", "W", "trim chillers"),
    f64("free_cooling_w", "W", "heat rejected by dry coolers or towers"),
    f64("chiller_duty_w", "W", "heat removed by the chillers (their condensers reject it plus their power)"),
    f64("heat_reused_w", "W", "heat taken from the warm loop by heat reuse (0 without it)"),
    f64("stored_heat_j", "J", "heat held by coolant, air and water relative to the start"),
    f64("water_kg_s", "kg/s", "cooling-tower makeup water"),
    f32("warm_supply_c", "°C", "warm facility loop supply (NaN without liquid racks)"),
    f32("warm_return_c", "°C", "warm facility loop return"),
    f32("chilled_supply_c", "°C", "chilled-water loop supply"),
    f32("chilled_return_c", "°C", "chilled-water loop return"),
    f32("dry_bulb_c", "°C", "outdoor dry bulb"),
    f32("wet_bulb_c", "°C", "outdoor wet bulb"),
    f32("inlet_max_c", "°C", "hottest rack inlet (air)"),
    f32("coolant_max_c", "°C", "hottest rack coolant outlet (NaN without liquid racks)"),
    f32("gpu_max_c", "°C", "hottest GPU cold-plate node (NaN without liquid racks)"),
  ],
};

export const RACK_THERMAL_SERIES: TableSpec = {
  name: "rack_thermal_series",
  description: "per rack per thermal step (only when cooling is configured and cooling.rackSeries): temperatures at the end of the step",
  columns: [
    f64("t_s", "s", "start of the thermal step"),
    i32("rack", "", "rack index (see the racks table)"),
    f32("it_heat_w", "W", "rack IT heat, mean over the step"),
    f32("inlet_c", "°C", "air inlet temperature"),
    f32("coolant_c", "°C", "coolant at the rack outlet (NaN for air-cooled racks)"),
    f32("gpu_c", "°C", "GPU cold-plate node (NaN for air-cooled racks)"),
  ],
};

export const COOLING_UNIT_SERIES: TableSpec = {
  name: "cooling_unit_series",
  description: "per cooling unit (CDU, CRAH, facility loop) per thermal step (only when cooling is configured)",
  columns: [
    f64("t_s", "s", "start of the thermal step"),
    i32("unit", "", "unit index (see cooling_units)"),
    f32("supply_c", "°C", "supply temperature: CDU secondary supply, CRAH supply air, loop supply water"),
    f32("return_c", "°C", "return temperature: CDU secondary return, row hot aisle, loop return water"),
    f32("setpoint_c", "°C", "supply setpoint (CDU, CRAH; loops: chiller setpoint)"),
    f32("speed_frac", "fraction", "pump (CDU) or fan (CRAH, loop rejection) speed"),
    f32("power_w", "W", "electrical power: CDU pump, CRAH fans, loop pump + fans + chillers"),
    f32("duty_w", "W", "heat moved: CDU exchanger, CRAH coil, loop heat taken from the water (free cooling + chiller duty)"),
  ],
};

export const COOLING_UNITS: TableSpec = {
  name: "cooling_units",
  description: "the cooling units of a run (only when cooling is configured)",
  columns: [
    i32("unit", "", "unit index"),
    text("unit_id", "point name prefix, e.g. cdu.c1, crah.e2, facility.warm"),
    text("kind", "cdu, crah or loop"),
    text("row_id", "row served ('' for loops)"),
  ],
};

export const SIGNAL_SERIES: TableSpec = {
  name: "signal_series",
  description: "grid signals on the plant port, one row per signal per period (only with signals.port): each value holds from t_s for the signal's period",
  columns: [
    f64("t_s", "s", "start of the signal period (from startTime)"),
    text("signal", "point name with its unit: grid.priceGbpPerMWh or grid.priceEurPerMWh, grid.carbonGPerKWh, grid.stressFrac"),
    f64("value", "", "value published for the period, in the unit of the point's name (held from the last period when stale; NaN before any)"),
    i32("quality", "", "0 ok, 1 stale (a live feed lagging behind: the last value held), 2 error (no value yet)"),
  ],
};

export const SIGNAL_FORECASTS: TableSpec = {
  name: "signal_forecasts",
  description: "forecasts controllers read through the port (only with signals.port and recordForecasts): one row per lead, recorded once per controller, signal and period",
  columns: [
    f64("t_s", "s", "simulated time of the (first) read in the period; the forecast was issued at the period's start"),
    text("controller", "controller id that read it"),
    text("signal", "point name of the signal"),
    f64("lead_s", "s", "lead time: start of the forecast period − start of the period the forecast was issued in"),
    f64("target_s", "s", "start of the forecast period"),
    f64("value", "", "forecast value, in the unit of the point's name"),
  ],
};

export const JOB_STATES: TableSpec = {
  name: "job_states",
  description: "each job's lifecycle: one row per state change, with its reason (only with jobs)",
  columns: [
    f64("t_s", "s", "simulated time of the change"),
    text("job", "job id"),
    text("state", "pending, queued, running, completed, failed, deferred_carbon, deferred_price, deferred_stress or rejected"),
    text("reason", "why: the deciding controller's audit reason (decisions, subject job:<id>) or the engine's"),
  ],
};

export const JOBS: TableSpec = {
  name: "jobs",
  description: "one row per job per run (only with jobs): its constraints, what happened, and what it cost; energy, cost and carbon count its racks' IT power while it ran",
  columns: [
    text("job", "job id"),
    text("kind", "training, fine-tuning, inference-batch or data-processing"),
    text("urgency", "urgent, normal or flexible"),
    i32("gpus", "count", "GPUs (whole racks)"),
    text("racks", "rack names, comma-separated"),
    f64("work_gpu_h", "GPU-h", "work asked for"),
    f64("earliest_start_s", "s", "earliest start"),
    f64("deadline_s", "s", "deadline"),
    f64("carbon_cap_g_per_kwh", "gCO2/kWh", "carbon cap (NaN: none)"),
    f64("max_price_per_mwh", "", "maximum price, in the price's currency per MWh (NaN: none)"),
    text("state", "state at the end of the run"),
    f64("first_start_s", "s", "first time it ran (NaN: never)"),
    f64("completed_s", "s", "time its work was done (NaN: not done)"),
    f64("run_s", "s", "time it ran"),
    f64("progress_gpu_h", "GPU-h", "work done"),
    f64("energy_wh", "Wh", "its racks' IT power (PSU input) integrated while it ran"),
    f64("energy_cost", "", "energy × the price on the port, in the price's currency (NaN without signals.port prices)"),
    f64("carbon_kg", "kg", "energy × the carbon intensity on the port (NaN without signals.port carbon)"),
    f64("cost_per_gpu_h", "", "energy_cost ÷ progress_gpu_h"),
    f64("inferences", "count", "inference-batch: requests served (progress × requestsPerGpuHour); NaN for other kinds"),
    f64("cost_per_inference", "", "inference-batch: energy_cost ÷ inferences"),
    i32("deadline_missed", "", "1 when the work was not done by the deadline (done later, or not within the run while the deadline fell inside it)"),
    f64("lateness_s", "s", "completed_s − deadline_s when done late; NaN otherwise"),
  ],
};

export const RUN_TABLES: readonly TableSpec[] = [
  SITE_SERIES,
  RACK_SERIES,
  STORAGE_SERIES,
  RACKS,
  EVENTS,
  DECISIONS,
  KPIS,
  GRID_SERIES,
  THERMAL_SERIES,
  RACK_THERMAL_SERIES,
  COOLING_UNIT_SERIES,
  COOLING_UNITS,
  HEAT_SERIES,
  SIGNAL_SERIES,
  SIGNAL_FORECASTS,
  JOB_STATES,
  JOBS,
];
