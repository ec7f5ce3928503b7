import { RACK_PRESET_NAMES } from "../../models/hall/rack-presets.js";
import { bool, list, num, obj, oneOf, optionalObj, quantity, str } from "./spec.js";
import { controller } from "./spec-controllers.js";
import { cooling, heatReuse } from "./spec-cooling.js";
import { frequency } from "./spec-grid.js";
import { signalsPort } from "./spec-signals.js";
import { ID, racks } from "./spec-ids.js";
import { demandResponse, storage } from "./spec-storage.js";
import { workload } from "./spec-workloads.js";
import { jobs, jobsFile } from "./spec-jobs.js";

/**
 * The scenario file format, as one spec (see spec.ts). Quantities take units (`40ms`, `9.5MW`); the
 * normalised result (scenario-types.ts) holds SI values. `npx dctwin schema` prints it as JSON Schema.
 */

const efficiencyPoint = obj(
  {
    load: quantity("fraction", "load as a fraction of rating", { min: 0, max: 2 }),
    efficiency: quantity("fraction", "output ÷ input at that load", { above: 0, max: 1 }),
  },
  "one point of an efficiency curve",
  ["load", "efficiency"],
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
        upsModules: num("UPS modules sharing the hall load", { integer: true, min: 1, max: 1000, default: 6 }),
        upsModuleRated: quantity("power", "rated output of one UPS module", { above: 0, default: "2MW" }),
        upsCurve: list(efficiencyPoint, "UPS efficiency by load (default: double conversion)", { minItems: 2 }),
        upsNoLoadLoss: quantity("fraction", "UPS loss at zero load, as a fraction of its rating", { min: 0, max: 0.1, default: 0.01 }),
        transformers: num("MV/LV transformers sharing the hall load", { integer: true, min: 1, max: 1000, default: 4 }),
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
    workloads: list(workload, "workloads", { default: [] }),
    jobs,
    jobsFile,
    controllers: list(controller, "controllers (real control software, through the plant port)", { default: [] }),
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
    storage,
    demandResponse,
    heatReuse,
    cooling,
    startTime: str("UTC date and time of t = 0, e.g. 2020-07-15T00:00:00Z (needed by price and carbon signals and the weather)", {
      pattern: "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2})?Z$",
      patternDoc: 'a UTC time such as "2020-07-15T00:00:00Z"',
    }),
    signals: obj(
      {
        price: oneOf(["none", "agile-2020", "entsoe-de-2020"], "energy price: GB Octopus Agile region A (p/kWh) or ENTSO-E DE-LU day-ahead (EUR/MWh), 2020", "none"),
        carbon: oneOf(["none", "gb-2020", "gb-2022"], "GB national carbon intensity (NESO), hourly", "none"),
        port: signalsPort,
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
