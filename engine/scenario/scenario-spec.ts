import { RACK_PRESET_NAMES } from "../../models/hall/rack-presets.js";
import { BATTERY_PRESETS } from "../../models/storage/battery.js";
import { bool, list, num, obj, oneOf, optionalObj, quantity, str, strings, union } from "./spec.js";

/**
 * The scenario file format, as one spec (see spec.ts). Quantities take units (`40ms`, `9.5MW`); the
 * normalised result (scenario-types.ts) holds SI values. `npx dctwin schema` prints it as JSON Schema.
 */

const ID = { pattern: "^[a-z][a-z0-9-]*$", patternDoc: "a lower-case id of letters, digits and dashes, e.g. \"llm-pretrain\"" };

const racks = strings(
  'which racks: "all", a rack such as "C7", a row such as "row:C", a range such as "A1-B12" (row-major), or a list of these',
  ["all"],
);

const training = obj(
  {
    id: str("unique workload id; also names its GPU group for controllers", ID),
    racks,
    start: quantity("duration", "when the job starts", { min: 0, default: 0 }),
    stop: quantity("duration", "when the job ends (omit: runs to the horizon)", { min: 0 }),
    iterationPeriod: quantity("duration", "nominal iteration period (compute + communication)", { above: 0, default: "1.2s" }),
    computeFraction: quantity("fraction", "share of the iteration spent in compute", { min: 0.01, max: 1, default: 0.7 }),
    commUtil: quantity("fraction", "GPU utilisation during communication (all-reduce waits: near 0)", { min: 0, max: 1, default: 0.05 }),
    checkpointInterval: quantity("duration", "time between checkpoints (0: none)", { min: 0, default: "15min" }),
    checkpointDuration: quantity("duration", "how long a checkpoint holds the GPUs idle", { min: 0, default: "20s" }),
    startRamp: quantity("duration", "time from launch to full synchronous load (utilisation ramps up)", { min: 0, default: "10s" }),
    jitter: quantity("duration", "standard deviation of per-node compute time per iteration", { min: 0, default: "10ms" }),
    jitterCohorts: num("node groups used to represent per-node jitter (each steps as one)", { integer: true, min: 1, max: 64, default: 8 }),
    stragglerProbability: quantity("fraction", "chance per iteration that one node group straggles", { min: 0, max: 1, default: 0 }),
    stragglerDelay: quantity("duration", "extra compute time of a straggler", { min: 0, default: "200ms" }),
    mtbf: quantity("duration", "mean time between job failures (0: never fails)", { min: 0, default: 0 }),
    restartTime: quantity("duration", "time from a failure until the job restarts", { min: 0, default: "5min" }),
  },
  "a synchronous training job: all its GPUs compute, then communicate, in lock-step",
  ["id"],
);

const inference = obj(
  {
    id: str("unique workload id", ID),
    racks,
    source: oneOf(["azure-conv", "azure-code", "diurnal"], "request source: the Azure LLM trace (conversation or code) or a diurnal rate", "azure-conv"),
    rateScale: quantity("fraction", "multiplier on the trace's request rate", { min: 0, default: 1 }),
    meanRequestsPerS: num("diurnal source: mean requests per second", { min: 0, default: 5 }),
    peakToTrough: num("diurnal source: ratio of peak to trough rate", { min: 1, default: 3 }),
    peakHour: quantity("duration", "diurnal source: time of day of the peak", { min: 0, max: 86400, default: "14h" }),
    contextTokensMean: num("diurnal source: mean prompt tokens per request", { min: 0, default: 1000 }),
    generatedTokensMean: num("diurnal source: mean generated tokens per request", { min: 0, default: 250 }),
    prefillTokensPerSPerGpu: num("prefill capacity of one GPU at full load, tokens/s", { min: 1 }),
    decodeTokensPerSPerGpu: num("decode capacity of one GPU at full load, tokens/s", { min: 1 }),
    minUtil: quantity("fraction", "utilisation of a loaded but idle server", { min: 0, max: 1, default: 0.05 }),
    replicas: num("replica groups (cohorts) sharing the load", { integer: true, min: 1, max: 64, default: 4 }),
  },
  "an LLM inference service driven by request arrivals",
  ["id"],
);

const dutyCycle = obj(
  {
    id: str("unique workload id", ID),
    racks,
    start: quantity("duration", "when the duty cycle starts", { min: 0, default: 0 }),
    period: quantity("duration", "cycle period", { above: 0, default: "2s" }),
    duty: quantity("fraction", "share of the period at the high level", { min: 0, max: 1, default: 0.5 }),
    high: quantity("fraction", "utilisation at the high level", { min: 0, max: 1, default: 1 }),
    low: quantity("fraction", "utilisation at the low level", { min: 0, max: 1, default: 0 }),
    phaseOffsetPerRack: quantity("duration", "phase delay added per rack, in selection order", { min: 0, default: 0 }),
  },
  "a synthetic square wave of utilisation, for validation",
  ["id"],
);

const steady = obj(
  {
    id: str("unique workload id", ID),
    racks,
    util: quantity("fraction", "constant utilisation", { min: 0, max: 1, default: 0.5 }),
  },
  "a constant load",
  ["id"],
);

const gpuSmoothing = obj(
  {
    id: str("unique controller id", ID),
    groups: strings("GPU groups (workload ids) the controller manages"),
    period: quantity("duration", "control period (a whole number of ticks)", { above: 0, default: "40ms" }),
    actuationLatency: quantity("duration", "delay from a write to its effect (a whole number of ticks)", { min: 0, default: 0 }),
    mode: oneOf(["static", "adaptive"], "static: apply the settings once; adaptive: move the floor to keep the PCC swing at its target", "static"),
    floor: quantity("fraction", "power floor as a fraction of the GPU power limit (NVML PERCENT_TMP_FLOOR)", { min: 0, max: 0.9, default: 0.6 }),
    rampUp: quantity("rampRate", "per-GPU ramp-up limit", { above: 0, default: "2000W/s" }),
    rampDown: quantity("rampRate", "per-GPU ramp-down limit", { above: 0, default: "1000W/s" }),
    hold: quantity("duration", "ramp-down hysteresis: how long a fall waits before ramping", { min: 0, default: "1s" }),
    targetSwing: quantity("power", "adaptive: PCC peak-to-peak target over the window", { min: 0, default: "1MW" }),
    window: quantity("duration", "adaptive: window over which the swing is measured", { above: 0, default: "5s" }),
    floorMin: quantity("fraction", "adaptive: lowest floor", { min: 0, max: 0.9, default: 0 }),
    floorMax: quantity("fraction", "adaptive: highest floor (NVIDIA allows up to 90 %)", { min: 0, max: 0.9, default: 0.9 }),
    floorStep: quantity("fraction", "adaptive: floor change per window", { above: 0, max: 0.9, default: 0.05 }),
  },
  "GPU power smoothing: floor and ramp limits per GPU group, through the GPU management interface",
  ["id", "groups"],
);

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

const frequency = optionalObj(
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

const frequencyResponse = obj(
  {
    id: str("unique controller id", ID),
    period: quantity("duration", "control period (a whole number of ticks)", { above: 0, default: "40ms" }),
    actuationLatency: quantity("duration", "delay from a write to its effect (a whole number of ticks)", { min: 0, default: 0 }),
    service: oneOf(
      ["dynamic-containment", "dynamic-moderation", "dynamic-regulation", "droop"],
      "delivery curve: GB Dynamic Containment (±0.015 Hz deadband, 5 % at ±0.2 Hz, 100 % at ±0.5 Hz), Moderation, Regulation, or a plain droop",
      "dynamic-containment",
    ),
    lowContract: quantity("power", "low-frequency contract: largest reduction of PCC power", { min: 0, default: 0 }),
    highContract: quantity("power", "high-frequency contract: largest increase of PCC power", { min: 0, default: 0 }),
    nominal: quantity("frequency", "nominal frequency", { above: 0, default: "50Hz" }),
    droop: quantity("fraction", "droop service: R (the contract is delivered at R × f₀ beyond the deadband)", { above: 0, max: 1, default: "4%" }),
    droopDeadband: quantity("frequency", "droop service: deadband", { min: 0, default: "15mHz" }),
    battery: str("site battery that delivers the response (its points battery.<id>.*); omit: none", ID),
    gpuGroups: strings("GPU groups whose power caps deliver what the battery cannot (low frequency only)", []),
    tolerance: quantity("fraction", "delivery tolerance for the compliance KPI, fraction of the contract", { min: 0, max: 1, default: "3%" }),
    deliveryTime: quantity("duration", "time allowed to reach a new required level (DC: full delivery within 1 s)", { above: 0, default: "1s" }),
    endurance: quantity("duration", "availability: the battery must hold the full contract this long (DC: 15 min)", { above: 0, default: "15min" }),
  },
  "frequency response (GB dynamic services or droop) delivered by the site battery and GPU power caps, through the plant port",
  ["id"],
);

const batterySmoothing = obj(
  {
    id: str("unique controller id", ID),
    battery: str("id of the battery it commands (storage.batteries)", ID),
    period: quantity("duration", "control period (a whole number of ticks)", { above: 0, default: "40ms" }),
    actuationLatency: quantity("duration", "delay from a write to the battery's command input (whole ticks; the battery's own latency comes after)", { min: 0, default: 0 }),
    rampLimit: quantity("rampRate", "PCC ramp limit over rampWindow (omit: grid.rampLimit, or none)", { above: 0 }),
    rampWindow: quantity("duration", "window of the ramp limit", { above: 0, default: "1s" }),
    slowRampLimit: quantity("rampRate", "PCC ramp limit over slowRampWindow (omit: grid.slowRampLimit, or none)", { above: 0 }),
    slowRampWindow: quantity("duration", "window of the slow ramp limit", { above: 0, default: "60s" }),
    swingLimit: quantity("power", "PCC peak-to-peak limit over swingWindow (omit: grid.swingLimit, or none)", { above: 0 }),
    swingWindow: quantity("duration", "window of the swing limit (omit: grid.swingWindow)", { above: 0 }),
    enforce: strings('which limits it holds: "ramp", "slow-ramp", "swing" (a battery too slow for the fast edges should hold only the slow ones)', ["ramp", "slow-ramp", "swing"]),
    margin: quantity("fraction", "share of each limit the planned PCC may use; the rest absorbs the battery's lag", { above: 0, max: 1, default: 0.8 }),
    allowance: quantity("power", "how far the PCC may stray from its reference (the load's slow mean): smaller load changes pass (left to GPU smoothing), larger ones engage the battery at once", { min: 0, default: "2MW" }),
    confirm: quantity("duration", "how long a new excursion beyond the limits must last before the battery answers it (a shorter dip would be answered after it is over)", { min: 0, max: 5, default: 0 }),
    referenceTime: quantity("duration", "time constant of the reference (a low-pass of the load: its mean under a periodic load)", { min: 0, default: "10s" }),
    referenceRate: quantity("rampRate", "how fast the reference follows the load: slow, so that the battery carries a checkpoint's dip", { above: 0, default: "2MW/min" }),
    socTarget: quantity("fraction", "state of charge the battery returns to between events", { min: 0, max: 1, default: 0.5 }),
    socBand: quantity("fraction", "SOC error at which recovery reaches full power", { above: 0, max: 1, default: 0.1 }),
    recoveryMax: quantity("power", "largest SOC-recovery power", { min: 0, default: "500kW" }),
  },
  "battery smoothing at the PCC: the battery takes the part of the site load's changes beyond the ramp, slow-ramp and swing limits",
  ["id", "battery"],
);

const demandResponse = obj(
  {
    id: str("unique controller id", ID),
    period: quantity("duration", "control period (a whole number of ticks); it averages the load over each second and decides once a second", { above: 0, default: "40ms" }),
    actuationLatency: quantity("duration", "delay from a write to its effect (a whole number of ticks)", { min: 0, default: 0 }),
    defer: strings("flexible training workloads it may pause during an event (deferral: no work lost)", []),
    capGroups: strings("GPU groups (workload ids) whose power caps it may lower", []),
    battery: str("battery it may discharge (omit: none)", ID),
    capMin: quantity("fraction", "lowest GPU cap, as a fraction of the GPU power limit", { min: 0.2, max: 1, default: 0.5 }),
    overDelivery: quantity("fraction", "aims this much above the requested reduction", { min: 0, max: 0.5, default: 0.05 }),
    prepareSoc: quantity("fraction", "SOC the battery is charged to between the announcement and the start", { min: 0, max: 1, default: 0.9 }),
    socTarget: quantity("fraction", "SOC the battery returns to after an event", { min: 0, max: 1, default: 0.5 }),
    chargePower: quantity("power", "battery charging power while preparing or recovering", { min: 0, default: "2MW" }),
    release: quantity("duration", "time over which caps and the battery are released after an event", { min: 0, default: "2min" }),
  },
  "demand response: meets a declared reduction by deferring flexible jobs, discharging the battery and lowering GPU caps, in that order",
  ["id"],
);

const heatPumpDispatch = obj(
  {
    id: str("unique controller id", ID),
    period: quantity("duration", "control period (a whole number of ticks)", { above: 0, default: "10s" }),
    actuationLatency: quantity("duration", "delay from a write to its effect (a whole number of ticks)", { min: 0, default: 0 }),
    gain: num("proportional gain of the outlet-temperature trim: K of outlet setpoint per K of supply below target (summer's small flows need the outlet well above the target to cover the supply pipes' losses)", { min: 0, default: 3 }),
    resetTime: quantity("duration", "integral time of the outlet-temperature trim (0: no integral action)", { min: 0, default: "30min" }),
    band: num("on/off band around the supply target when the need is below one unit's minimum load, K", { min: 0.1, default: 2 }),
    stageDelay: quantity("duration", "how long the need must call for one unit more (or less) before a unit starts (or stops)", { min: 0, default: "5min" }),
  },
  "heat-pump dispatch: stages and modulates the heat pumps to hold the district network's supply temperature and meet its demand (needs heatReuse)",
  ["id"],
);

const unitList = (what: string) => strings(`${what} ids (e.g. c1) or "all"`, ["all"]);

const cduControl = obj(
  {
    id: str("unique controller id", ID),
    cdus: unitList("CDU"),
    period: quantity("duration", "control period (a whole number of ticks; the thermal step is a natural choice)", { above: 0, default: "1s" }),
    actuationLatency: quantity("duration", "delay from a write to its effect (a whole number of ticks)", { min: 0, default: 0 }),
    gpuTarget: quantity("temperature", "hottest GPU node (filtered) the supply temperature is set for: the 85 °C case limit less the ~7 K a training iteration swings it", { min: 30, max: 100, default: "78C" }),
    supplyMin: quantity("temperature", "lowest CDU supply setpoint", { min: 5, max: 60, default: "25C" }),
    supplyMax: quantity("temperature", "highest CDU supply setpoint", { min: 5, max: 60, default: "40C" }),
    supplyRate: num("largest supply setpoint rise, K/s", { min: 0.001, max: 5, default: 0.05 }),
    supplyFallRate: num("largest supply setpoint fall, K/s (cut fast when a GPU runs hot)", { min: 0.001, max: 10, default: 1 }),
    supplyKp: num("supply loop proportional gain, K per K of GPU error", { min: 0, default: 0.3 }),
    supplyKi: num("supply loop integral gain, K per K·s", { min: 0, default: 0.02 }),
    riseTarget: num("rack coolant rise (hottest rack outlet − CDU supply) the pump holds, K", { min: 1, max: 30, default: 10 }),
    pumpMin: quantity("fraction", "lowest pump speed", { min: 0.1, max: 1, default: 0.3 }),
    pumpRate: num("largest pump speed rise, fraction per second (the CDU's VFD ramps 10 %/s)", { min: 0.001, max: 1, default: 0.1 }),
    pumpFallRate: num("largest pump speed fall, fraction per second", { min: 0.001, max: 1, default: 0.01 }),
    pumpKp: num("pump loop proportional gain, speed per K", { min: 0, default: 0.05 }),
    pumpKi: num("pump loop integral gain, speed per K·s", { min: 0, default: 0.01 }),
    filter: quantity("duration", "first-order filter on the GPU temperatures (they swing with every training iteration)", { min: 0, default: "5s" }),
  },
  "CDU supply temperature (on the hottest GPU) and pump speed (on the secondary rise), PID with anti-windup and rate limits",
  ["id"],
);

const crahControl = obj(
  {
    id: str("unique controller id", ID),
    crahs: unitList("CRAH"),
    period: quantity("duration", "control period (a whole number of ticks)", { above: 0, default: "1s" }),
    actuationLatency: quantity("duration", "delay from a write to its effect (a whole number of ticks)", { min: 0, default: 0 }),
    inletTarget: quantity("temperature", "hottest rack inlet of a row the fans hold (filtered; leave room below 27 °C for the swings of training loads)", { min: 15, max: 35, default: "24C" }),
    inletLow: quantity("temperature", "coldest rack inlet of a row below which the supply air is raised", { min: 10, max: 30, default: "20C" }),
    overrideMargin: num("hottest inlet above inletTarget at which the supply air is lowered, K", { min: 0, max: 10, default: 1 }),
    fanMin: quantity("fraction", "lowest fan speed", { min: 0.1, max: 1, default: 0.3 }),
    fanRate: num("largest fan speed change, fraction per second", { min: 0.001, max: 1, default: 0.02 }),
    fanKp: num("fan loop proportional gain, speed per K", { min: 0, default: 0.05 }),
    fanKi: num("fan loop integral gain, speed per K·s", { min: 0, default: 0.01 }),
    supplyMin: quantity("temperature", "lowest supply-air setpoint", { min: 10, max: 30, default: "16C" }),
    supplyMax: quantity("temperature", "highest supply-air setpoint", { min: 10, max: 30, default: "24C" }),
    supplyRate: num("largest supply-air setpoint change, K/s", { min: 0.001, max: 5, default: 0.05 }),
    supplyKp: num("supply loops proportional gain, K per K", { min: 0, default: 0.3 }),
    supplyKi: num("supply loops integral gain, K per K·s", { min: 0, default: 0.02 }),
    filter: quantity("duration", "first-order filter on the inlet measurements", { min: 0, default: "5s" }),
  },
  "CRAH fan speed (on each row's hottest inlet) and supply-air temperature (coldest inlet, with a hot override), PID with anti-windup and rate limits",
  ["id"],
);

const heatRejectionControl = obj(
  {
    id: str("unique controller id", ID),
    loops: strings('facility loops (warm, chilled) or "all"', ["all"]),
    period: quantity("duration", "control period (a whole number of ticks)", { above: 0, default: "1s" }),
    actuationLatency: quantity("duration", "delay from a write to its effect (a whole number of ticks)", { min: 0, default: 0 }),
    margin: num("supply water the fans aim for, K below the chiller setpoint", { min: 0, max: 10, default: 1 }),
    warmReset: bool("reset the warm loop's chiller setpoint to the coldest CDU supply setpoint less cduApproach (warmer water, less chiller work)", true),
    cduApproach: num("allowance for the CDU exchangers' approach in the reset, K (IN_ROW_CDU: 3 K at rated flows)", { min: 0, max: 15, default: 3 }),
    warmMin: quantity("temperature", "lowest warm-loop chiller setpoint of the reset", { min: 5, max: 50, default: "20C" }),
    warmMax: quantity("temperature", "highest warm-loop chiller setpoint of the reset (ASHRAE W32: 32 °C)", { min: 5, max: 50, default: "32C" }),
    fanRate: num("largest fan speed change, fraction per second", { min: 0.001, max: 1, default: 0.02 }),
    kp: num("proportional gain, speed per K", { min: 0, default: 0.2 }),
    ki: num("integral gain, speed per K·s", { min: 0, default: 0.02 }),
  },
  "dry-cooler / tower fan speed on the facility supply water, so the trim chillers only trim",
  ["id"],
);

const efficiencyPoint = obj(
  {
    load: quantity("fraction", "load as a fraction of rating", { min: 0, max: 2 }),
    efficiency: quantity("fraction", "output ÷ input at that load", { above: 0, max: 1 }),
  },
  "one point of an efficiency curve",
  ["load", "efficiency"],
);

const battery = obj(
  {
    id: str("unique battery id; names its port points battery.<id>.*", ID),
    preset: oneOf(Object.keys(BATTERY_PRESETS), "parameter set the fields below override (models/storage/battery.ts)", "siteBess10MWh"),
    energy: quantity("energy", "nameplate energy of the cells, SOC 0 to 1 (preset: 10MWh)", { above: 0 }),
    chargeMax: quantity("power", "largest charging power at the inverter's AC terminals (preset: 10MW)", { min: 0 }),
    dischargeMax: quantity("power", "largest discharging power at the inverter's AC terminals (preset: 10MW)", { min: 0 }),
    socMin: quantity("fraction", "lowest state of charge the inverter allows (preset: 5%)", { min: 0, max: 1 }),
    socMax: quantity("fraction", "highest state of charge the inverter allows (preset: 95%)", { min: 0, max: 1 }),
    socInitial: quantity("fraction", "state of charge at t = 0 (preset: 50%)", { min: 0, max: 1 }),
    chargeEfficiency: quantity("fraction", "one-way efficiency AC → cells (preset: √0.85 = 92.2%)", { above: 0, max: 1 }),
    dischargeEfficiency: quantity("fraction", "one-way efficiency cells → AC (preset: √0.85 = 92.2%)", { above: 0, max: 1 }),
    latency: quantity("duration", "measurement → controller → inverter delay, whole ticks (preset: 120ms)", { min: 0, max: 60 }),
    timeConstant: quantity("duration", "first-order time constant of the inverter's power response (preset: 50ms)", { min: 0, max: 60 }),
    aux: quantity("power", "auxiliary load (HVAC, controls), drawn at all times (preset: 30kW)", { min: 0 }),
    selfDischarge: quantity("fraction", "cell self-discharge per day (preset: 0)", { min: 0, max: 0.5 }),
    cellTemperature: quantity("temperature", "cell temperature for the degradation model (BLAST-Lite, fitted 10-45 °C)", { min: -20, max: 60, default: "25C" }),
  },
  "a site battery (BESS) at the PCC; fields left out take the preset's value",
  ["id"],
);

const coolingFailure = obj(
  {
    at: quantity("duration", "when the unit fails", { min: 0 }),
    kind: oneOf(["cdu-pump-trip", "chiller-failure", "crah-failure"], "what fails: a CDU's pump trips (it coasts down), a facility loop's chillers stop, or a CRAH stops"),
    unit: str("the unit: a CDU id (row letter and number, e.g. c1), a facility loop (warm or chilled) or a CRAH id (e.g. c2)", {
      pattern: "^([a-z][0-9]+|warm|chilled)$",
      patternDoc: 'a CDU or CRAH id such as "c1", or a loop "warm" / "chilled"',
    }),
    duration: quantity("duration", "time until the unit is back (omit: until the end)", { above: 0 }),
  },
  "an equipment failure at a given time",
  ["at", "kind", "unit"],
);

const coolingRow = obj(
  {
    rows: strings("row letters these settings apply to, e.g. [C, D]"),
    crahs: num("CRAH units serving each of these rows", { integer: true, min: 0, max: 20 }),
    supplyTemp: quantity("temperature", "CRAH supply-air setpoint of these rows"),
    fanSpeed: quantity("fraction", "CRAH fan speed of these rows (until a controller writes it)", { min: 0, max: 1 }),
  },
  "air-side settings that differ for some rows",
  ["rows"],
);

const cooling = optionalObj(
  {
    period: quantity("duration", "thermal step (a whole number of ticks); rack power is averaged over it", { above: 0, default: "1s" }),
    weather: oneOf(["bedford-2022", "constant"], "outdoor air: Met Office hourly observations at Bedford, 2022 (at startTime + t), or constant", "bedford-2022"),
    dryBulb: quantity("temperature", "constant weather: outdoor dry bulb", { min: -40, max: 55, default: "20C" }),
    wetBulb: quantity("temperature", "constant weather: outdoor wet bulb (at most the dry bulb)", { min: -40, max: 40, default: "15C" }),
    rejection: oneOf(["dry-cooler", "cooling-tower"], "heat rejection of the facility loops (1 MW units, sized to the load), each with 1 MW trim chillers", "dry-cooler"),
    liquid: obj(
      {
        captureShare: quantity("fraction", "share of a liquid-cooled rack's IT heat captured by its cold plates (the rest goes to the room air); NVL72-class 0.85 [S]", { min: 0, max: 1, default: 0.85 }),
        presetShares: list(
          obj(
            {
              preset: oneOf(RACK_PRESET_NAMES, "a liquid-cooled rack preset"),
              captureShare: quantity("fraction", "its liquid capture share (e.g. 0.945 for HPE Cray EX, Frontier [P])", { min: 0, max: 1 }),
            },
            "capture share of one rack preset",
            ["preset", "captureShare"],
          ),
          "capture shares that differ by rack preset",
          { default: [] },
        ),
        racksPerCdu: num("liquid racks per in-row CDU (each row's liquid racks are split into CDUs in order)", { integer: true, min: 1, max: 99, default: 6 }),
        supplyTemp: quantity("temperature", "CDU secondary (rack inlet) supply setpoint", { min: 5, max: 60, default: "35C" }),
        pumpSpeed: quantity("fraction", "CDU pump speed (until a controller writes it)", { min: 0, max: 1, default: 1 }),
        facilitySupplyTemp: quantity("temperature", "warm facility loop: supply setpoint of its trim chillers", { min: 5, max: 50, default: "30C" }),
        gpuLimit: quantity("temperature", "GPU case temperature above which a violation is recorded", { min: 30, max: 120, default: "85C" }),
      },
      "liquid cooling: cold plates, CDUs and the warm facility loop",
    ),
    air: obj(
      {
        crahs: num("CRAH units (100 kW each) per row (0: sized to the row's air heat at full load plus 25 %)", { integer: true, min: 0, max: 20, default: 0 }),
        supplyTemp: quantity("temperature", "CRAH supply-air setpoint", { min: 10, max: 35, default: "22C" }),
        fanSpeed: quantity("fraction", "CRAH fan speed (until a controller writes it)", { min: 0, max: 1, default: 1 }),
        chilledWaterTemp: quantity("temperature", "chilled-water loop: supply setpoint of its trim chillers", { min: 4, max: 25, default: "14C" }),
        envelope: oneOf(["A1", "A2", "A3", "A4"], "ASHRAE allowable class the rack inlets are checked against (recommended: 18-27 °C)", "A1"),
        rows: list(coolingRow, "rows whose air side differs", { default: [] }),
      },
      "air cooling: CRAHs per row, hot aisles, rack inlets, the chilled-water loop",
    ),
    failures: list(coolingFailure, "equipment failures", { default: [] }),
    rackSeries: bool("write rack_thermal_series (one row per rack per thermal step)", true),
  },
  "the cooling plant (omit: no thermal model): liquid racks on CDUs and a warm-water facility loop, air on CRAHs and a chilled-water loop, heat rejected outdoors on real weather",
);

export const scenarioSpec = obj(
  {
    $schema: str("JSON Schema reference (ignored by the engine)"),
    name: str("scenario name", ID),
    description: str("what the scenario shows", { default: "" }),
    seed: num("random seed; every random stream derives from it", { integer: true, min: 0, max: 2 ** 32 - 1, default: 1 }),
    dt: quantity("duration", "base tick", { above: 0, max: 1, default: "40ms" }),
    horizon: quantity("duration", "simulated time", { above: 0, max: 366 * 86400 }),
    hall: obj(
      {
        rows: num("rows of racks (lettered A, B, ...)", { integer: true, min: 1, max: 26, default: 6 }),
        racksPerRow: num("racks per row (numbered from 1)", { integer: true, min: 1, max: 99, default: 12 }),
        rackPreset: oneOf(RACK_PRESET_NAMES, "preset of every rack not overridden", "nvl72-liquid"),
        overrides: list(
          obj({ racks, preset: oneOf(RACK_PRESET_NAMES, "rack preset for these racks") }, "racks of another preset", ["racks", "preset"]),
          "racks that differ from rackPreset",
          { default: [] },
        ),
      },
      "the hall: rows × racks",
    ),
    electrical: obj(
      {
        psuCurve: list(efficiencyPoint, "rack PSU efficiency by load (default: 80 PLUS Titanium, 230 V internal redundant)", { minItems: 2 }),
        psuNoLoadLoss: quantity("fraction", "PSU loss at zero load, as a fraction of its rating", { min: 0, max: 0.1, default: 0.008 }),
        buswayLossAtRated: quantity("fraction", "row busway I²R loss at rated load, as a fraction of rated power", { min: 0, max: 0.1, default: 0.005 }),
        buswayRated: quantity("power", "rated power of one row busway", { above: 0, default: "1.8MW" }),
        upsModules: num("UPS modules sharing the hall load", { integer: true, min: 1, default: 6 }),
        upsModuleRated: quantity("power", "rated output of one UPS module", { above: 0, default: "2MW" }),
        upsCurve: list(efficiencyPoint, "UPS efficiency by load (default: double conversion)", { minItems: 2 }),
        upsNoLoadLoss: quantity("fraction", "UPS loss at zero load, as a fraction of its rating", { min: 0, max: 0.1, default: 0.01 }),
        transformers: num("MV/LV transformers sharing the hall load", { integer: true, min: 1, default: 4 }),
        transformerRated: quantity("apparentPower", "rating of one transformer", { above: 0, default: "3.5MVA" }),
        transformerNoLoadLoss: quantity("fraction", "core (no-load) loss as a fraction of rating", { min: 0, max: 0.05, default: 0.001 }),
        transformerLoadLoss: quantity("fraction", "copper loss at rated load as a fraction of rating", { min: 0, max: 0.05, default: 0.008 }),
        powerFactor: quantity("fraction", "load power factor seen by the transformers", { above: 0, max: 1, default: 0.98 }),
        psuBuffer: optionalObj(
          {
            energy: quantity("energy", "usable buffer energy per GPU (GB300 NVL72 power shelves: ~65 J)", { above: 0, max: 1e5, default: "65J" }),
            powerMax: quantity("power", "largest buffer charge or discharge power per GPU", { above: 0, default: "1400W" }),
            efficiency: quantity("fraction", "one-way efficiency into and out of the buffer", { above: 0, max: 1, default: 1 }),
            smoothing: quantity("duration", "time constant of the PSU-side low-pass of the GPU power", { min: 0, max: 60, default: "1s" }),
            recovery: quantity("duration", "time constant of the pull back to the target charge", { above: 0, max: 3600, default: "4s" }),
            target: quantity("fraction", "charge the buffer rests at, and starts with", { min: 0, max: 1, default: 0.5 }),
          },
          "GPU / PSU energy buffer between every GPU and its rack PSU, absorbing sub-second edges (models/storage/gpu-energy-buffer.ts; omit: none)",
        ),
      },
      "the electrical chain from rack PSUs to the point of common coupling",
    ),
    workloads: list(union({ training, inference, "duty-cycle": dutyCycle, steady }, "a workload placed on racks"), "workloads", { default: [] }),
    controllers: list(
      union(
        {
          "gpu-smoothing": gpuSmoothing,
          "battery-smoothing": batterySmoothing,
          "demand-response": demandResponse,
          "frequency-response": frequencyResponse,
          "cdu-control": cduControl,
          "crah-control": crahControl,
          "heat-rejection-control": heatRejectionControl,
          "heat-pump-dispatch": heatPumpDispatch,
        },
        "a controller",
      ),
      "controllers (real control software, through the plant port)",
      { default: [] },
    ),
    grid: optionalObj(
      {
        importCapacity: quantity("power", "largest import at the PCC (omit: none)", { above: 0 }),
        rampLimit: quantity("rampRate", "largest ramp at the PCC over 1 s (omit: none)", { above: 0 }),
        slowRampLimit: quantity("rampRate", "largest ramp at the PCC over 60 s, e.g. 10MW/min (omit: none)", { above: 0 }),
        swingLimit: quantity("power", "largest peak-to-peak power over swingWindow (omit: none)", { above: 0 }),
        swingWindow: quantity("duration", "window of the swing limit", { above: 0, default: "5s" }),
      },
      "limits of the grid connection at the PCC; each violation is an event and is counted in the KPIs",
    ),
    storage: optionalObj(
      {
        batteries: list(battery, "site batteries at the PCC, each with setpoint battery.<id>.powerSetW", { default: [] }),
      },
      "energy storage of the site",
    ),
    demandResponse: optionalObj(
      {
        events: list(
          obj(
            {
              id: str("event name, for the events table and the decisions", ID),
              start: quantity("duration", "start of the reduction window, from t = 0", { min: 0 }),
              duration: quantity("duration", "length of the reduction window", { above: 0 }),
              reduction: quantity("power", "reduction asked of the PCC power against the baseline", { above: 0 }),
              notice: quantity("duration", "how long before start the event is announced", { min: 0, default: 0 }),
              responseTime: quantity("duration", "time after start by which the full reduction must be reached", { min: 0, default: "30s" }),
            },
            "one demand-response event: reduce by `reduction` within `responseTime` of `start`, for `duration`",
            ["id", "start", "duration", "reduction"],
          ),
          "demand-response events",
          { minItems: 1 },
        ),
        baselineWindow: quantity("duration", "the baseline is the mean PCC power over this window before the announcement", { above: 0, default: "15min" }),
        settlementPeriod: quantity("duration", "delivery is judged on the mean reduction over each period of this length", { above: 0, default: "1min" }),
      },
      "demand-response events declared for the run; the engine meters what the site delivered (omit: none)",
    ),
    heatReuse: optionalObj(
      {
        period: quantity("duration", "heat stage period (a whole number of ticks; with a cooling section, equal to cooling.period)", { above: 0, default: "1s" }),
        boundary: oneOf(
          ["inside", "outside"],
          "who owns the heat pumps: inside the data-centre boundary (their electricity is a site load at the PCC; reuse = the heat they deliver) or outside (a utility's; reuse = the exchanger's export)",
          "inside",
        ),
        exchanger: obj(
          {
            ratedDuty: quantity("power", "duty at the rating point", { above: 0, default: "10MW" }),
            approach: num("approach at the rating point (facility water in − source loop out), K", { min: 0.1, default: 3 }),
            range: num("temperature change of each stream at the rating point, K (also sets the source loop flow: ratedDuty / range)", { min: 0.1, default: 10 }),
          },
          "the reuse heat exchanger between the facility water and the heat pumps' source loop (counterflow, ε-NTU)",
        ),
        heatPumps: obj(
          {
            units: num("identical heat pumps in parallel", { integer: true, min: 1, max: 64, default: 3 }),
            capacity: quantity("power", "largest heat output of one unit", { above: 0, default: "5MW" }),
            minPartLoad: quantity("fraction", "smallest heat output of a running unit, as a fraction of capacity", { min: 0, max: 1, default: 0.3 }),
            carnotFraction: quantity("fraction", "real COP ÷ Carnot COP of the lift (0.45-0.6)", { above: 0, max: 1, default: 0.5 }),
            pinch: num("refrigerant-to-water temperature difference at evaporator and condenser, K", { min: 0, default: 0 }),
            maxSupply: quantity("temperature", "highest condenser outlet", { default: "90C" }),
            minSourceOut: quantity("temperature", "lowest evaporator outlet", { default: "5C" }),
          },
          "electric heat pumps lifting the recovered heat to district-heating temperature (Odense-like 5 MW units by default)",
        ),
        network: obj(
          {
            houses: num("district-heated houses: the 2019 Danish house's hourly demand times this", { min: 1, default: 2500 }),
            smoothing: num("centred moving average over the hourly demand, hours (odd; 1 = none): a stand-in for the diversity of many houses", { integer: true, min: 1, max: 49, default: 5 }),
            supplyTarget: quantity("temperature", "supply temperature the network operator asks for", { default: "75C" }),
            supplyMin: quantity("temperature", "supply temperature the consumers need at least (time below it is counted)", { default: "60C" }),
            targetTolerance: num("supply below target by more than this raises an event, K", { min: 0.1, default: 2 }),
            returnDesign: quantity("temperature", "temperature at which the substations return water", { default: "35C" }),
            ground: quantity("temperature", "ground around the pipes", { default: "8C" }),
            lossFraction: quantity("fraction", "share of the heat put in that the pipes lose over a year at design temperatures (sizes their loss conductance)", { min: 0, max: 0.9, default: 0.2 }),
            flowMargin: num("largest flow ÷ the flow that meets the peak at design temperatures", { min: 1, default: 1.25 }),
          },
          "the district-heating network: demand from real data, sized from it (sizeDistrictNetwork)",
        ),
        facilityWater: optionalObj(
          {
            temp: quantity("temperature", "facility water temperature arriving at the exchanger"),
            range: num("facility water range: its flow is the liquid-cooled IT heat ÷ (cp × range), K", { min: 0.1, default: 10 }),
            liquidFraction: quantity("fraction", "share of the IT power captured by liquid", { min: 0, max: 1, default: 0.85 }),
          },
          "stand-in facility water, only when the scenario has no cooling section: fixed temperature, flow that carries the liquid share of the IT heat",
          ["temp"],
        ),
      },
      "heat reuse: a reuse exchanger on the facility water, heat pumps, and a district-heating network on real demand",
    ),
    cooling,
    startTime: str("UTC date and time of t = 0, e.g. 2020-07-15T00:00:00Z (needed by price and carbon signals and the weather)", {
      pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2})?Z$",
      patternDoc: 'a UTC time such as "2020-07-15T00:00:00Z"',
    }),
    signals: obj(
      {
        price: oneOf(["none", "agile-2020", "entsoe-de-2020"], "energy price: GB Octopus Agile region A (p/kWh) or ENTSO-E DE-LU day-ahead (EUR/MWh), 2020", "none"),
        carbon: oneOf(["none", "gb-2020", "gb-2022"], "GB national carbon intensity (NESO), hourly", "none"),
      },
      "external signals from real data, looked up at startTime + t",
    ),
    frequency,
    outputs: obj(
      {
        siteSeries: bool("write site_series at full tick resolution", true),
        rackSeries: bool("write rack_series", true),
        storageSeries: bool("write storage_series (one row per battery per tick) when the scenario has batteries", true),
        rackAggregation: quantity("duration", "rack_series window (a whole number of ticks)", { above: 0, default: "1s" }),
        swingWindow: quantity("duration", "window of the swing KPI (peak-to-peak)", { above: 0, default: "5s" }),
        spectrumSegment: num("Welch segment length in ticks (a power of two)", { integer: true, min: 64, max: 1 << 20, default: 4096 }),
      },
      "what the run writes",
    ),
  },
  "a dctwin scenario: one run of the hall twin",
  ["name", "horizon"],
);
