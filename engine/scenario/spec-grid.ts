/** Grid frequency, grid events and sag ride-through (see scenario-spec.ts, engine/plant/site-frequency.ts). */
import { list, num, obj, oneOf, optionalObj, quantity, str, union } from "./spec.js";

const eventAt = quantity("duration", "when it happens (engine time from t = 0)", { min: 0 });

const generatorTrip = obj(
  { at: eventAt, power: quantity("power", "generation lost (lasts to the end of the run)", { above: 0 }) },
  "a generator trip: a lasting loss of generation",
  ["at", "power"],
);

const loadStep = obj(
  {
    at: eventAt,
    power: quantity("power", "other load switched in on the grid (negative: load lost)"),
    duration: quantity("duration", "how long it lasts (omit: to the end of the run)", { above: 0 }),
  },
  "a load step elsewhere on the grid",
  ["at", "power"],
);

const voltageSag = obj(
  {
    at: eventAt,
    depth: quantity("fraction", "fraction of nominal voltage lost (30% = the voltage falls to 70 %)", { above: 0, max: 1 }),
    duration: quantity("duration", "how long the sag lasts", { above: 0 }),
  },
  "a voltage sag at the PCC: the UPS (or the rack BBUs) carries the IT load while it is beyond their tolerance",
  ["at", "depth", "duration"],
);

const rideThrough = obj(
  {
    by: oneOf(["ups", "rack-bbu"], "what carries the IT load through a sag: the UPS modules' batteries or a battery backup unit in every rack", "ups"),
    sagTolerance: quantity("fraction", "deepest sag the supply tolerates without a transfer to battery", { min: 0, max: 1, default: "10%" }),
    upsAutonomy: quantity("duration", "ups: run time of a full UPS battery at the module's rated power (NFPA 110 Class 0.083: 5 min)", { above: 0, default: "5min" }),
    bbuHoldup: quantity("duration", "rack-bbu: run time of a full BBU at the rack's rated DC power", { above: 0, default: "90s" }),
    rechargeFrac: quantity("fraction", "recharge power as a fraction of the UPS module's (or the rack's) rating (default 10 % UPS, 5 % BBU)", { min: 0, max: 1 }),
    dischargeEfficiency: quantity("fraction", "battery → load efficiency on battery (default 0.95 UPS, 0.97 BBU)", { above: 0, max: 1 }),
    chargeEfficiency: quantity("fraction", "upstream → battery efficiency while recharging", { above: 0, max: 1, default: 0.95 }),
    initialSoc: quantity("fraction", "state of charge at t = 0", { min: 0, max: 1, default: 1 }),
  },
  "ride-through of voltage sags by the UPS batteries or rack battery backup units",
);

export const frequency = optionalObj(
  {
    source: oneOf(["swing", "trace"], "swing: an aggregate swing-equation model of a weak or islanded grid, moved by the site's own power; trace: a measured frequency trace", "swing"),
    trace: str("trace source: CSV file with columns dtm (UTC time) and f (Hz), e.g. a NESO 1-s system frequency file; looked up at startTime + t"),
    preset: oneOf(["islanded-3x5mva", "gb-200gvas"], "swing source: starting values of every parameter below (3 × 5 MVA gas gensets, H 1.5 s; or the GB system at 200 GVA·s)", "islanded-3x5mva"),
    nominal: quantity("frequency", "nominal frequency f₀ (default 50Hz)", { above: 0 }),
    inertia: quantity("duration", "inertia constant H on `base` (preset: 1.5 s islanded, 8 s GB)", { above: 0 }),
    base: quantity("apparentPower", "system base S: E_kin = H·S (preset: 15 MVA islanded, 25 GVA GB)", { above: 0 }),
    loadDamping: num("load damping d, per unit on `base`: D = d·S/f₀ (preset: 0 islanded power-electronic load, 1 GB)", { min: 0 }),
    droop: quantity("fraction", "governor droop R (preset 4 %)", { above: 0, max: 1 }),
    droopBase: quantity("power", "generation the droop refers to (preset: 15 MW islanded, 20 GW GB)", { min: 0 }),
    governorTime: quantity("duration", "governor / turbine time constant T_g (preset: 0.5 s islanded, 5 s GB)", { min: 0 }),
    headroomUp: quantity("power", "largest increase of generation from primary response (preset: 5 MW islanded, 1 GW GB)", { min: 0 }),
    headroomDown: quantity("power", "largest decrease of generation from primary response (preset: 10 MW islanded, 1 GW GB)", { min: 0 }),
    deadband: quantity("frequency", "governor deadband (preset 0)", { min: 0 }),
    secondaryTime: quantity("duration", "secondary control (AGC) time constant: generation follows −(D + K)·Δf integrated over this time (0: none)", { min: 0, default: 0 }),
    dispatch: quantity("power", "site power the grid's generation is scheduled for (omit: the first tick's PCC power)"),
    events: list(
      union({ "generator-trip": generatorTrip, "load-step": loadStep, "voltage-sag": voltageSag }, "a grid event"),
      "grid events: generator trips and load steps move the swing model's frequency; voltage sags exercise the ride-through",
      { default: [] },
    ),
    operationalBand: quantity("frequency", "half-width of the operational band (GB: ±0.2 Hz)", { above: 0, default: "0.2Hz" }),
    statutoryBand: quantity("frequency", "half-width of the statutory band (GB: ±0.5 Hz)", { above: 0, default: "0.5Hz" }),
    rocofWindow: quantity("duration", "window of the RoCoF KPI as loss-of-mains relays measure it (GB: 500 ms)", { above: 0, default: "500ms" }),
    rideThrough,
  },
  "grid frequency and voltage at the PCC: a swing-equation model or a measured trace, grid events, and sag ride-through; writes grid_series",
);
