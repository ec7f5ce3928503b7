/** The cooling plant and heat reuse (see scenario-spec.ts, engine/plant/site-thermal.ts, engine/plant/site-heat.ts). */
import { RACK_PRESET_NAMES } from "../../models/hall/rack-presets.js";
import { bool, list, num, obj, oneOf, optionalObj, quantity, str, strings } from "./spec.js";

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

export const cooling = optionalObj(
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
        gpuSlowdown: quantity(
          "temperature",
          "GPU temperature at which the GPU's firmware slows it down (power falls until it holds there; a synchronous job slows as a whole) [R: nvidia-smi's GPU slowdown temperature of H100-class GPUs, ~87-90 °C]",
          { min: 30, max: 150, default: "87C" },
        ),
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

export const heatReuse = optionalObj(
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
);
