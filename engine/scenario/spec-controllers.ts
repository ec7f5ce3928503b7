/** Controllers of the scenario format, by kind (see scenario-spec.ts, engine/controller-factory.ts). */
import { bool, num, obj, oneOf, quantity, str, strings, union } from "./spec.js";
import { ID } from "./spec-ids.js";

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
    prepareFor: strings("jobs whose announced starts switch the profile on (from prepareLead before to prepareAfter after; omit: always on)", []),
    prepareLead: quantity("duration", "how long before an announced start it prepares", { min: 0, default: "1min" }),
    prepareAfter: quantity("duration", "how long after the announced start's ramp it keeps preparing", { min: 0, default: "5min" }),
  },
  "GPU power smoothing: floor and ramp limits per GPU group, through the GPU management interface",
  ["id", "groups"],
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
    prepareFor: strings("jobs whose announced starts it charges ahead of (jobs[].announce): SOC target up to prepareSoc over the first half of prepareLead, held to the start, back over prepareLead after it; none: never", []),
    prepareLead: quantity("duration", "how long before an announced start it prepares", { min: 0, default: "30min" }),
    prepareSoc: quantity("fraction", "SOC target ahead of an announced start", { min: 0, max: 1, default: 0.9 }),
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
    prepareFor: strings("jobs whose announced starts it pre-cools for (jobs[].announce): none, never", []),
    prepareLead: quantity("duration", "how long before an announced start it prepares", { min: 0, default: "10min" }),
    prepareAfter: quantity("duration", "how long after the announced start's ramp it keeps preparing", { min: 0, default: "10min" }),
    precool: num("how far below its setpoint at the start of the preparation the supply is held while pre-cooling, K", { min: 0, max: 20, default: 2 }),
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

const marketPowercap = obj(
  {
    id: str("unique controller id", ID),
    groups: strings("GPU groups (workload ids) whose power caps it sets: the cap applies to every GPU of the workload, on all its racks"),
    period: quantity("duration", "control period: a whole number of ticks dividing marketPeriod (the cap ramps at this rate; the calculation is once per market period)", { above: 0, default: "1s" }),
    actuationLatency: quantity("duration", "delay from a write to its effect (a whole number of ticks)", { min: 0, default: 0 }),
    signal: str('signal the cap follows: "price", "carbon", "stress" (the grid signals of signals.port) or a measurement point name', { default: "price", pattern: "^[A-Za-z][A-Za-z0-9_.-]*$", patternDoc: "price, carbon, stress or a point name (letters, digits, dots, dashes)" }),
    signalLow: num("signal value at which the cap is capMax (inverse) or capMin (direct); in the signal's unit (price: currency/MWh, carbon: gCO2/kWh)"),
    signalHigh: num("signal value at which the cap is capMin (inverse) or capMax (direct); above signalLow"),
    direction: oneOf(["inverse", "direct"], "inverse: a high signal gives a low cap (price, carbon); direct: a high signal gives a high cap (renewable volume)", "inverse"),
    capMin: quantity("fraction", "lowest cap, fraction of the GPU power limit", { min: 0.2, max: 1, default: 0.6 }),
    capMax: quantity("fraction", "highest cap, fraction of the GPU power limit", { min: 0.2, max: 1, default: 1 }),
    marketPeriod: quantity("duration", "market period: one calculation per period, from startTime (set it to signals.port.marketPeriod)", { above: 0, default: "15min" }),
    stabilisation: quantity("duration", "a cap holds at least this long before the next change", { min: 0, default: "15min" }),
    rampTime: quantity("duration", "a cap change is ramped linearly over this time (0: a step)", { min: 0, default: "1min" }),
  },
  "market-driven power capping: per market period, a GPU power cap between capMin and capMax by the rule of three on a grid signal, held for a stabilisation time",
  ["id", "groups", "signalLow", "signalHigh"],
);

const carbonAwareScheduler = obj(
  {
    id: str("unique controller id", ID),
    jobs: strings('job ids it schedules, or "all"', ["all"]),
    period: quantity("duration", "control period (a whole number of ticks): it plans at each signal slot and when a job becomes ready", { above: 0, default: "10s" }),
    actuationLatency: quantity("duration", "delay from a write to its effect (a whole number of ticks)", { min: 0, default: 0 }),
    objective: oneOf(["cost", "carbon", "weighted"], "what the plan minimises: energy cost, carbon, or costWeight × cost + (1 − costWeight) × carbon (each over its mean)", "carbon"),
    costWeight: quantity("fraction", "weighted objective: the share of cost", { min: 0, max: 1, default: 0.5 }),
    horizon: quantity("duration", "forecast horizon it plans over", { above: 0, max: 7 * 86400, default: "48h" }),
    margin: quantity("fraction", "run time allowed beyond the work at full speed (start ramps, checkpoints)", { min: 0, max: 1, default: "10%" }),
    stressLimit: quantity("fraction", "grid stress (grid.stressFrac) above which starts are deferred while the deadline allows", { min: 0, max: 1, default: 0.8 }),
    importLimit: quantity("power", "largest PCC import a start may lead to (omit: grid.importCapacity, or none)", { above: 0 }),
  },
  "carbon- and price-aware job scheduling: start, defer, pause, resume or reject each job from the forecasts, its constraints and the grid connection's headroom",
  ["id"],
);

export const controller = union(
  {
    "gpu-smoothing": gpuSmoothing,
    "battery-smoothing": batterySmoothing,
    "demand-response": demandResponse,
    "frequency-response": frequencyResponse,
    "cdu-control": cduControl,
    "crah-control": crahControl,
    "heat-rejection-control": heatRejectionControl,
    "heat-pump-dispatch": heatPumpDispatch,
    "market-powercap": marketPowercap,
    "carbon-aware-scheduler": carbonAwareScheduler,
  },
  "a controller",
);
