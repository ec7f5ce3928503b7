import { invalidInput, type Issue } from "../../models/lib/errors.js";
import { SIGNAL_COVERAGE, WEATHER_COVERAGE, type Coverage } from "../../datasets/data-coverage.js";
import { validateDemandResponseEvents } from "../../models/signals/demand-response.js";
import { batterySpecIssues } from "./battery-params.js";
import { durationsOf } from "./durations-of.js";
import { findForbiddenKeys } from "./find-forbidden-keys.js";
import { INPUT_LIMITS, type InputLimits } from "./input-limits.js";
import { fromRackSelection } from "./rack-selection.js";
import { checkJobs } from "./check-jobs.js";
import type { EfficiencyPoint, FrequencyResponseSpec, Scenario, SignalSourceSpec } from "./scenario-types.js";
import { signalSource } from "./spec-signals.js";
import { scenarioSpec } from "./scenario-spec.js";
import { validate } from "./validate.js";

/**
 * Rack PSU curve: 80 PLUS Titanium, 230 V internal redundant: 90 / 94 / 96 / 91 % at 10 / 20 / 50 /
 * 100 % load [R] (CLEAResult, 80 PLUS program requirements). A minimum, so real shelves may do better.
 */
export const TITANIUM_PSU_CURVE: EfficiencyPoint[] = [
  { load: 0.1, efficiency: 0.9 },
  { load: 0.2, efficiency: 0.94 },
  { load: 0.5, efficiency: 0.96 },
  { load: 1.0, efficiency: 0.91 },
];

/**
 * Double-conversion UPS: 95.0 / 96.0 / 96.5 / 96.5 % at 25 / 50 / 75 / 100 % load [R] (typical of
 * large modular UPS measured per IEC 62040-3; an assumption to replace with the site's datasheet).
 */
export const DOUBLE_CONVERSION_UPS_CURVE: EfficiencyPoint[] = [
  { load: 0.25, efficiency: 0.95 },
  { load: 0.5, efficiency: 0.96 },
  { load: 0.75, efficiency: 0.965 },
  { load: 1.0, efficiency: 0.965 },
];

/**
 * Validates parsed scenario data (from YAML or JSON) and returns the normalised scenario, or throws
 * a UserError listing every problem with its field path, value and what was expected.
 * `source` names the input in messages (usually the file path).
 */
export function fromScenario(data: unknown, source: string, limits: InputLimits = INPUT_LIMITS): Scenario {
  const issues: Issue[] = [];
  findForbiddenKeys(data, "", issues);
  const raw = validate(scenarioSpec, data, "", issues) as Record<string, any> | undefined;
  if (raw === undefined) throw invalidInput(source, issues);
  checkTicks(raw, limits.maxTicks, issues);
  const { $schema: _schema, dt, horizon, ...rest } = raw;
  const scenario = { ...rest, dtS: dt, horizonS: horizon } as unknown as Scenario;
  if (scenario.electrical !== undefined) {
    scenario.electrical.psuCurve ??= TITANIUM_PSU_CURVE;
    scenario.electrical.upsCurve ??= DOUBLE_CONVERSION_UPS_CURVE;
  }
  scenario.ticks = Math.round(scenario.horizonS / scenario.dtS);
  if (raw.jobsFile !== undefined) {
    issues.push({ path: "jobsFile", value: raw.jobsFile, expected: "a file read when the scenario is loaded from a file (dctwin run, validate, batch); here the data came without its file" });
  }
  delete (scenario as { jobsFile?: unknown }).jobsFile;
  // Relations are checked even when some fields were invalid (those are skipped), so one pass
  // reports every problem in the file. Jobs first: each valid job adds its workload.
  checkJobs(scenario, issues);
  checkRelations(scenario, issues);
  checkSiteRelations(scenario, issues);
  checkSignalsPort(scenario, issues);
  checkFrequencyRelations(scenario, issues);
  checkStorageRelations(scenario, issues);
  checkDemandResponse(scenario, issues);
  checkHeatReuse(scenario, issues);
  checkCoolingRelations(scenario, issues);
  if (issues.length > 0) throw invalidInput(source, issues);
  return scenario;
}

/**
 * Refuses runs of more than maxTicks ticks (horizon ÷ dt), and durations that span more than
 * maxTicks ticks (windows become ring buffers of that many ticks), with the tick count they would be.
 */
function checkTicks(raw: Record<string, unknown>, maxTicks: number, issues: Issue[]): void {
  const { dt, horizon } = raw;
  if (typeof dt !== "number") return;
  const limit = `${maxTicks.toLocaleString("en")} ticks`;
  if (typeof horizon !== "number") return;
  if (horizon / dt > maxTicks) {
    const ticks = Math.round(horizon / dt);
    issues.push({
      path: "horizon",
      value: `${horizon}s`,
      expected: `at most ${limit} of dt = ${dt}s, i.e. ${maxTicks * dt}s; it would be ${ticks.toLocaleString("en")} ticks (raise dt, shorten the horizon, or raise the limit: --max-ticks)`,
    });
    return;
  }
  // Within a horizon that passed, only a duration longer than the horizon can span too many ticks.
  for (const { path, valueS } of durationsOf(scenarioSpec, raw, "")) {
    if (path === "dt" || path === "horizon" || !(valueS / dt > maxTicks)) continue;
    issues.push({ path, value: `${valueS}s`, expected: `a duration of at most ${limit} of dt = ${dt}s; it would be ${Math.round(valueS / dt).toLocaleString("en")} ticks` });
  }
}

function checkRelations(s: Scenario, issues: Issue[]): void {
  const dtS = s.dtS;
  const wholeTicks = (valueS: number | undefined, path: string, what: string) => checkWholeTicks(valueS, dtS, path, what, issues);
  wholeTicks(s.horizonS, "horizon", "a horizon");
  wholeTicks(s.outputs?.rackAggregation, "outputs.rackAggregation", "a window");
  const segment = s.outputs?.spectrumSegment;
  if (typeof segment === "number" && (segment & (segment - 1)) !== 0) {
    issues.push({ path: "outputs.spectrumSegment", value: segment, expected: "a power of two, e.g. 4096" });
  }
  checkCurve(s.electrical?.psuCurve, "electrical.psuCurve", issues);
  checkCurve(s.electrical?.upsCurve, "electrical.upsCurve", issues);

  const { rows, racksPerRow } = s.hall ?? {};
  if (typeof rows !== "number" || typeof racksPerRow !== "number") return;
  (s.hall.overrides ?? []).forEach((override, i) => {
    if (override?.racks === undefined) return;
    const selection = fromRackSelection(override.racks, rows, racksPerRow);
    if ("error" in selection) issues.push({ path: `hall.overrides[${i}].racks`, value: selection.item, expected: selection.error });
  });

  const owner = new Map<number, string>();
  const ids = new Set<string>();
  (s.workloads ?? []).forEach((w, i) => {
    const path = `workloads[${i}]`;
    if (w === undefined || w.racks === undefined) return;
    if (ids.has(w.id)) issues.push({ path: `${path}.id`, value: w.id, expected: "an id not used by another workload" });
    ids.add(w.id);
    const selection = fromRackSelection(w.racks, rows, racksPerRow);
    if ("error" in selection) {
      issues.push({ path: `${path}.racks`, value: selection.item, expected: selection.error });
    } else {
      for (const rack of selection.indices) {
        const other = owner.get(rack);
        if (other !== undefined) {
          issues.push({ path: `${path}.racks`, value: w.racks, expected: `racks not already used by workload "${other}"` });
          break;
        }
        owner.set(rack, w.id);
      }
    }
    if (w.kind === "training" && typeof dtS === "number") {
      if (w.iterationPeriod < 2 * dtS) {
        issues.push({ path: `${path}.iterationPeriod`, value: `${w.iterationPeriod}s`, expected: `at least two ticks (${2 * dtS}s)` });
      }
      if (w.stop !== undefined && w.stop <= w.start) {
        issues.push({ path: `${path}.stop`, value: `${w.stop}s`, expected: `a time after start (${w.start}s)` });
      }
      if (w.checkpointInterval > 0 && w.checkpointDuration >= w.checkpointInterval) {
        issues.push({ path: `${path}.checkpointDuration`, value: `${w.checkpointDuration}s`, expected: `less than checkpointInterval (${w.checkpointInterval}s)` });
      }
    }
  });

  const controllerIds = new Set<string>();
  const batteryIds = new Set((s.storage?.batteries ?? []).flatMap((b) => (b?.id === undefined ? [] : [b.id])));
  const batteryOwner = new Map<string, string>();
  const needBattery = (value: string | undefined, path: string) => {
    if (value === undefined) return;
    if (!batteryIds.has(value)) {
      issues.push({ path, value, expected: `a battery id (${[...batteryIds].join(", ") || "none defined in storage.batteries"})` });
    } else if (batteryOwner.has(value)) {
      issues.push({ path, value, expected: `a battery no other controller commands (${batteryOwner.get(value)} does)` });
    } else {
      batteryOwner.set(value, path.replace(/\.battery$/, ""));
    }
  };
  const declaredJobIds = new Set((s.jobs ?? []).flatMap((j) => (typeof j?.id === "string" ? [j.id] : [])));
  // Controllers that prepare for announced job starts (controllers/announcements.ts).
  const needJobs = (c: { prepareFor?: string[] }, path: string) =>
    (c.prepareFor ?? []).forEach((id, j) => {
      if (!declaredJobIds.has(id)) issues.push({ path: `${path}.prepareFor[${j}]`, value: id, expected: `a job id (${[...declaredJobIds].join(", ") || "no jobs defined"})` });
    });
  (s.controllers ?? []).forEach((c, i) => {
    const path = `controllers[${i}]`;
    if (c === undefined || c.id === undefined) return;
    if (c.kind === "gpu-smoothing" || c.kind === "battery-smoothing" || c.kind === "cdu-control") needJobs(c, path);
    if (controllerIds.has(c.id)) issues.push({ path: `${path}.id`, value: c.id, expected: "an id not used by another controller" });
    controllerIds.add(c.id);
    wholeTicks(c.period, `${path}.period`, "a period");
    wholeTicks(c.actuationLatency, `${path}.actuationLatency`, "a latency");
    switch (c.kind) {
      case "gpu-smoothing":
        // A job's GPUs are a group of their own (gpu.<job id>.*), like a workload's.
        (c.groups ?? []).forEach((group, j) => {
          if (!ids.has(group) && !declaredJobIds.has(group)) {
            issues.push({ path: `${path}.groups[${j}]`, value: group, expected: `a workload or job id (${[...ids, ...declaredJobIds].join(", ") || "none defined"})` });
          }
        });
        if (c.floorMin > c.floorMax) {
          issues.push({ path: `${path}.floorMin`, value: c.floorMin, expected: `at most floorMax (${c.floorMax})` });
        }
        break;
      case "carbon-aware-scheduler": {
        const jobIds = new Set((s.jobs ?? []).map((j) => j?.id));
        (c.jobs ?? []).forEach((id, j) => {
          if (id !== "all" && !jobIds.has(id)) issues.push({ path: `${path}.jobs[${j}]`, value: id, expected: `a job id (${[...jobIds].join(", ") || "no jobs defined"})` });
        });
        if ((s.jobs ?? []).length === 0) issues.push({ path: `${path}.kind`, value: c.kind, expected: "a scenario with jobs (or a jobsFile) to schedule" });
        if (s.signals?.port === undefined) issues.push({ path: `${path}.kind`, value: c.kind, expected: "signals.port in the scenario (it plans on the price and carbon forecasts)" });
        c.importLimit ??= s.grid?.importCapacity;
        if (s.controllers.filter((x) => x?.kind === "carbon-aware-scheduler").length > 1) issues.push({ path: `${path}.kind`, value: c.kind, expected: "one carbon-aware-scheduler per scenario (two would fight over the jobs)" });
        break;
      }
      case "market-powercap": {
        (c.groups ?? []).forEach((group, j) => {
          if (!ids.has(group)) issues.push({ path: `${path}.groups[${j}]`, value: group, expected: `a workload id (${[...ids].join(", ") || "none defined"})` });
        });
        if (typeof c.signalLow === "number" && typeof c.signalHigh === "number" && !(c.signalHigh > c.signalLow)) {
          issues.push({ path: `${path}.signalHigh`, value: c.signalHigh, expected: `more than signalLow (${c.signalLow})` });
        }
        if (c.capMin > c.capMax) issues.push({ path: `${path}.capMin`, value: c.capMin, expected: `at most capMax (${c.capMax})` });
        const ratio = c.marketPeriod / c.period;
        if (typeof c.period === "number" && typeof c.marketPeriod === "number" && Math.abs(ratio - Math.round(ratio)) > 1e-9) {
          issues.push({ path: `${path}.marketPeriod`, value: `${c.marketPeriod}s`, expected: `a whole number of controller periods (${c.period}s)` });
        }
        const port = s.signals?.port;
        if (["price", "carbon", "stress"].includes(c.signal) && port === undefined) {
          issues.push({ path: `${path}.signal`, value: c.signal, expected: "signals.port in the scenario (the grid signals on the plant port)" });
        } else if (c.signal === "price" && port !== undefined && typeof port.marketPeriod === "number" && typeof c.marketPeriod === "number" && port.marketPeriod !== c.marketPeriod) {
          issues.push({ path: `${path}.marketPeriod`, value: `${c.marketPeriod}s`, expected: `signals.port.marketPeriod (${port.marketPeriod}s): one calculation per price period` });
        }
        break;
      }
      case "demand-response": {
        needBattery(c.battery, `${path}.battery`);
        (c.defer ?? []).forEach((id, j) => {
          const w = (s.workloads ?? []).find((x) => x?.id === id);
          if (w === undefined || w.kind !== "training") issues.push({ path: `${path}.defer[${j}]`, value: id, expected: "a training workload id (only training jobs can be paused)" });
        });
        (c.capGroups ?? []).forEach((group, j) => {
          if (!ids.has(group)) issues.push({ path: `${path}.capGroups[${j}]`, value: group, expected: `a workload id (${[...ids].join(", ") || "none defined"})` });
        });
        if (s.demandResponse === undefined) issues.push({ path: `${path}`, value: c.kind, expected: "demandResponse.events in the scenario (the events it answers)" });
        break;
      }
      case "frequency-response":
        // One controller per battery: two writing one setpoint would fight (the last write wins).
        needBattery(c.battery, `${path}.battery`);
        checkFrequencyResponse(s, c, path, ids, issues);
        break;
      case "heat-pump-dispatch":
        if (s.heatReuse === undefined) issues.push({ path: `${path}.kind`, value: c.kind, expected: "a heatReuse section for the heat pumps it dispatches" });
        else if (typeof c.period === "number" && typeof s.heatReuse.period === "number" && c.period < s.heatReuse.period) {
          issues.push({ path: `${path}.period`, value: `${c.period}s`, expected: `at least heatReuse.period (${s.heatReuse.period}s): the network is measured once per heat step` });
        }
        break;
      case "cdu-control":
      case "crah-control":
      case "heat-rejection-control":
        if (s.cooling === undefined) issues.push({ path: `${path}.kind`, value: c.kind, expected: "a controller whose plant exists: a cooling section is needed for cooling controllers" });
        break;
      case "battery-smoothing": {
        needBattery(c.battery, `${path}.battery`);
        (c.enforce ?? []).forEach((limit, j) => {
          if (!["ramp", "slow-ramp", "swing"].includes(limit)) issues.push({ path: `${path}.enforce[${j}]`, value: limit, expected: 'one of "ramp", "slow-ramp", "swing"' });
        });
        // Limits left out are the grid connection's.
        c.rampLimit ??= s.grid?.rampLimit;
        c.slowRampLimit ??= s.grid?.slowRampLimit;
        c.swingLimit ??= s.grid?.swingLimit;
        c.swingWindow ??= s.grid?.swingWindow;
        break;
      }
    }
  });
}

function checkFrequencyResponse(s: Scenario, c: FrequencyResponseSpec, path: string, workloadIds: Set<string>, issues: Issue[]): void {
  if (s.frequency === undefined) {
    issues.push({ path: `${path}.kind`, value: c.kind, expected: "a scenario with a frequency section (the controller reads grid.frequencyHz)" });
  }
  (c.gpuGroups ?? []).forEach((group, j) => {
    if (!workloadIds.has(group)) {
      issues.push({ path: `${path}.gpuGroups[${j}]`, value: group, expected: `a workload id (${[...workloadIds].join(", ") || "none defined"})` });
    }
  });
  if (c.battery === undefined && (c.gpuGroups ?? []).length === 0) {
    issues.push({ path: `${path}.battery`, value: undefined, expected: "a battery id, or gpuGroups: something must deliver the response" });
  }
  if (c.lowContract === 0 && c.highContract === 0) {
    issues.push({ path: `${path}.lowContract`, value: 0, expected: "a contracted power above 0 W (lowContract or highContract)" });
  }
}

function checkSiteRelations(s: Scenario, issues: Issue[]): void {
  const signals = s.signals;
  if (signals !== undefined && (signals.price !== "none" || signals.carbon !== "none") && s.startTime === undefined) {
    issues.push({ path: "startTime", value: undefined, expected: "a UTC start time, because signals.price or signals.carbon is set" });
  }
  if (typeof s.startTime === "string" && Number.isNaN(Date.parse(s.startTime))) {
    issues.push({ path: "startTime", value: s.startTime, expected: "a real date and time" });
    return;
  }
  // The data each signal reads must cover startTime to startTime + horizon (else the run fails when it loads it).
  const needs: [string, Coverage | undefined][] = [
    [`signals.price is ${signals?.price}`, own(SIGNAL_COVERAGE.price, signals?.price)],
    [`signals.carbon is ${signals?.carbon}`, own(SIGNAL_COVERAGE.carbon, signals?.carbon)],
    [`cooling.weather is ${s.cooling?.weather}`, own(WEATHER_COVERAGE, s.cooling?.weather)],
  ];
  if (typeof s.startTime !== "string" || typeof s.horizonS !== "number") return;
  const startMs = Date.parse(s.startTime);
  for (const [why, span] of needs) {
    if (span === undefined) continue;
    const fromMs = Date.parse(span.fromUtc);
    const toMs = Date.parse(span.toUtc);
    if (startMs < fromMs || startMs + s.horizonS * 1000 > toMs) {
      const latest = new Date(toMs - s.horizonS * 1000).toISOString().replace(".000Z", "Z");
      issues.push({ path: "startTime", value: s.startTime, expected: `a time from ${span.fromUtc} to ${latest} (the data ends ${span.toUtc}, and the run lasts ${s.horizonS} s), because ${why}` });
    }
  }
}

/** Market periods the price signal may have, s. */
const MARKET_PERIODS_S = [900, 1800, 3600];

/**
 * signals.port: the market period, each signal's provider against the data named above, periods in
 * whole ticks, live sources; fills in `{ kind: dataset }` for price and carbon when they are left
 * out and their data is set.
 */
function checkSignalsPort(s: Scenario, issues: Issue[]): void {
  const port = s.signals?.port;
  if (port === undefined) return;
  const path = "signals.port";
  if (s.startTime === undefined) issues.push({ path: "startTime", value: undefined, expected: "a UTC start time, because signals.port puts signals on the port from startTime" });
  if (typeof port.marketPeriod === "number" && !MARKET_PERIODS_S.includes(port.marketPeriod)) {
    issues.push({ path: `${path}.marketPeriod`, value: `${port.marketPeriod}s`, expected: "15min, 30min or 1h" });
  }
  const fill = (name: "price" | "carbon", data: string) => {
    if (port[name] === undefined && data !== "none") port[name] = validate(signalSource, { kind: "dataset" }, `${path}.${name}`, issues) as SignalSourceSpec;
  };
  fill("price", s.signals.price);
  fill("carbon", s.signals.carbon);
  if (port.price === undefined && port.carbon === undefined && port.stress === undefined) {
    issues.push({ path, value: "{}", expected: "at least one signal: price, carbon or stress (or signals.price / signals.carbon set to data)" });
  }
  const data = { price: s.signals.price, carbon: s.signals.carbon, stress: "none" };
  for (const name of ["price", "carbon", "stress"] as const) {
    const src = port[name];
    if (src === undefined) continue;
    const at = `${path}.${name}`;
    if (src.kind === "dataset" && data[name] === "none") {
      issues.push({
        path: `${at}.kind`,
        value: "dataset",
        expected: name === "stress" ? "synthetic, static or live (no grid-stress data is committed)" : `synthetic, static or live, or set signals.${name} to data`,
      });
    }
    if (name === "price" && src.period !== undefined) {
      issues.push({ path: `${at}.period`, value: `${src.period}s`, expected: "no period: the price holds for signals.port.marketPeriod" });
    }
    checkWholeTicks(name === "price" ? port.marketPeriod : src.period, s.dtS, name === "price" ? `${path}.marketPeriod` : `${at}.period`, "a period", issues);
    if (src.kind === "live" && (src.url === undefined) === (src.file === undefined)) {
      issues.push({ path: `${at}.url`, value: src.url, expected: "either url or file (exactly one)" });
    }
    if (name === "stress" && src.kind === "static") {
      src.values.forEach((v, i) => {
        if (typeof v === "number" && !(v >= 0 && v <= 1)) issues.push({ path: `${at}.values[${i}]`, value: v, expected: "a grid-stress fraction from 0 to 1" });
      });
    }
    if (src.kind === "synthetic" && name === "stress" && typeof src.mean === "number" && !(src.mean >= 0 && src.mean <= 1)) {
      issues.push({ path: `${at}.mean`, value: src.mean, expected: "a grid-stress fraction from 0 to 1" });
    }
  }
  if (port.currency !== undefined && port.price?.kind === "dataset" && s.signals.price !== "none") {
    const dataCurrency = s.signals.price === "agile-2020" ? "GBP" : "EUR";
    if (port.currency !== dataCurrency) issues.push({ path: `${path}.currency`, value: port.currency, expected: `${dataCurrency} (the currency of signals.price ${s.signals.price}) or no currency` });
  }
}

function own<T>(record: Readonly<Record<string, T>>, key: string | undefined): T | undefined {
  return key !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

function checkFrequencyRelations(s: Scenario, issues: Issue[]): void {
  const f = s.frequency;
  if (f === undefined || f === null || typeof f !== "object") return;
  if (f.source === "trace") {
    if (f.trace === undefined) issues.push({ path: "frequency.trace", value: undefined, expected: "a CSV file of measured frequency (columns dtm, f), because frequency.source is trace" });
    if (s.startTime === undefined) issues.push({ path: "startTime", value: undefined, expected: "a UTC start time, because frequency.source is trace" });
  } else if (f.source === "swing" && f.trace !== undefined) {
    issues.push({ path: "frequency.trace", value: f.trace, expected: "nothing: a trace is read only with frequency.source: trace" });
  }
  const horizonS = s.horizonS;
  (f.events ?? []).forEach((e, i) => {
    if (e === undefined) return;
    const path = `frequency.events[${i}]`;
    if (typeof e.at === "number" && typeof horizonS === "number" && e.at >= horizonS) {
      issues.push({ path: `${path}.at`, value: `${e.at}s`, expected: `a time within the horizon (${horizonS}s)` });
    }
    if (f.source === "trace" && e.kind !== "voltage-sag") {
      issues.push({ path: `${path}.kind`, value: e.kind, expected: "voltage-sag: a measured trace cannot be moved by trips or load steps (use source: swing)" });
    }
  });
}

function checkDemandResponse(s: Scenario, issues: Issue[]): void {
  const events = s.demandResponse?.events;
  if (events === undefined || events.some((e) => e === undefined)) return;
  const asModel = events.map((e) => ({ id: e.id, startS: e.start, durationS: e.duration, reductionW: e.reduction, noticeS: e.notice }));
  const field: Record<string, string> = { startS: "start", durationS: "duration", reductionW: "reduction", noticeS: "notice", id: "id" };
  const reported = new Set(issues.map((issue) => issue.path));
  for (const issue of validateDemandResponseEvents(asModel, s.horizonS, "demandResponse.events")) {
    const path = issue.path.replace(/\.(\w+)$/, (_, f: string) => `.${field[f] ?? f}`);
    if (!reported.has(path)) issues.push({ ...issue, path });
  }
  events.forEach((e, i) => {
    if (typeof e.responseTime === "number" && typeof e.duration === "number" && e.responseTime >= e.duration) {
      issues.push({ path: `demandResponse.events[${i}].responseTime`, value: `${e.responseTime}s`, expected: `less than the event's duration (${e.duration}s)` });
    }
  });
}

function checkStorageRelations(s: Scenario, issues: Issue[]): void {
  const ids = new Set<string>();
  (s.storage?.batteries ?? []).forEach((b, i) => {
    const path = `storage.batteries[${i}]`;
    if (b === undefined || typeof b.id !== "string") return;
    if (ids.has(b.id)) issues.push({ path: `${path}.id`, value: b.id, expected: "an id not used by another battery" });
    ids.add(b.id);
    const reported = new Set(issues.map((issue) => issue.path));
    issues.push(...batterySpecIssues(b, path).filter((issue) => !reported.has(issue.path)));
    checkWholeTicks(b.latency, s.dtS, `${path}.latency`, "a latency", issues);
  });
}

/** Relations inside heatReuse (fields that failed validation are skipped). */
function checkHeatReuse(s: Scenario, issues: Issue[]): void {
  const h = s.heatReuse;
  if (h === undefined) return;
  checkWholeTicks(h.period, s.dtS, "heatReuse.period", "a period", issues);
  if (s.startTime === undefined) {
    issues.push({ path: "startTime", value: undefined, expected: "a UTC start time, because heatReuse looks its demand up at startTime + t" });
  }
  if (s.cooling === undefined && h.facilityWater === undefined) {
    issues.push({ path: "heatReuse.facilityWater", value: undefined, expected: "a stand-in facility water source (temp, range), because the scenario has no cooling section" });
  }
  if (s.cooling !== undefined && h.facilityWater !== undefined) {
    issues.push({ path: "heatReuse.facilityWater", value: h.facilityWater, expected: "no stand-in: the cooling section's warm facility loop feeds the reuse exchanger" });
  }
  if (s.cooling !== undefined && typeof s.cooling.period === "number" && typeof h.period === "number" && Math.abs(h.period - s.cooling.period) > 1e-9) {
    issues.push({ path: "heatReuse.period", value: `${h.period}s`, expected: `the cooling period (${s.cooling.period}s): the reuse exchanger steps with the warm loop` });
  }
  const n = h.network;
  if (n !== undefined) {
    if (typeof n.smoothing === "number" && n.smoothing % 2 !== 1) {
      issues.push({ path: "heatReuse.network.smoothing", value: n.smoothing, expected: "an odd number of hours (1, 3, 5 ...)" });
    }
    const above = (path: string, value: number | undefined, floor: number | undefined, what: string) => {
      if (typeof value === "number" && typeof floor === "number" && !(value > floor)) {
        issues.push({ path: `heatReuse.${path}`, value, expected: `above ${what} (${floor} °C)` });
      }
    };
    above("network.returnDesign", n.returnDesign, n.ground, "network.ground");
    above("network.supplyMin", n.supplyMin, n.returnDesign, "network.returnDesign");
    above("network.supplyTarget", n.supplyTarget, n.supplyMin, "network.supplyMin");
    if (typeof n.supplyTarget === "number" && typeof h.heatPumps?.maxSupply === "number" && !(n.supplyTarget < h.heatPumps.maxSupply)) {
      issues.push({ path: "heatReuse.network.supplyTarget", value: n.supplyTarget, expected: `below heatPumps.maxSupply (${h.heatPumps.maxSupply} °C)` });
    }
  }
  const hp = h.heatPumps;
  if (hp !== undefined && typeof hp.minSourceOut === "number" && typeof hp.maxSupply === "number" && !(hp.minSourceOut < hp.maxSupply)) {
    issues.push({ path: "heatReuse.heatPumps.minSourceOut", value: hp.minSourceOut, expected: `below heatPumps.maxSupply (${hp.maxSupply} °C)` });
  }
}

function checkCoolingRelations(s: Scenario, issues: Issue[]): void {
  const c = s.cooling;
  if (c === undefined) return;
  checkWholeTicks(c.period, s.dtS, "cooling.period", "a period", issues);
  if (c.weather === "constant" && typeof c.wetBulb === "number" && typeof c.dryBulb === "number" && c.wetBulb > c.dryBulb) {
    issues.push({ path: "cooling.wetBulb", value: `${c.wetBulb}C`, expected: `a wet bulb at most the dry bulb (${c.dryBulb}C)` });
  }
  if (c.weather === "bedford-2022" && s.startTime === undefined) {
    issues.push({ path: "startTime", value: undefined, expected: "a UTC start time in 2022, because cooling.weather is bedford-2022" });
  }
  const rows = s.hall?.rows;
  (c.air?.rows ?? []).forEach((r, i) => {
    (r?.rows ?? []).forEach((letter, j) => {
      const index = typeof letter === "string" && /^[A-Za-z]$/.test(letter) ? letter.toUpperCase().charCodeAt(0) - 65 : -1;
      if (typeof rows === "number" && !(index >= 0 && index < rows)) {
        issues.push({ path: `cooling.air.rows[${i}].rows[${j}]`, value: letter, expected: `a row letter from A to ${String.fromCharCode(64 + rows)}` });
      }
    });
  });
}

function checkCurve(points: EfficiencyPoint[] | undefined, path: string, issues: Issue[]): void {
  if (points === undefined || points.some((p) => p === undefined)) return;
  for (let i = 1; i < points.length; i++) {
    if (!(points[i]!.load > points[i - 1]!.load)) {
      issues.push({ path: `${path}[${i}].load`, value: points[i]!.load, expected: `a load above the previous point's (${points[i - 1]!.load})` });
    }
  }
}

/** Reports a duration that is not a whole number of ticks (skipped when either failed validation). */
function checkWholeTicks(valueS: number | undefined, dtS: number | undefined, path: string, what: string, issues: Issue[]): void {
  if (typeof valueS !== "number" || typeof dtS !== "number") return;
  const ticks = valueS / dtS;
  if (Math.abs(ticks - Math.round(ticks)) > 1e-6 * Math.max(1, ticks)) {
    issues.push({ path, value: `${valueS}s`, expected: `${what} that is a whole number of ticks (dt = ${dtS}s)` });
  }
}
