import { readdirSync, readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { UserError } from "../../../models/lib/errors.js";
import { fromScenario } from "../../../engine/scenario/from-scenario.js";
import { loadScenario } from "../../../engine/scenario/load-scenario.js";
import { scenarioJsonSchema } from "../../../engine/cli/schema-command.js";
import { ROOT } from "../../helpers.js";
import { issuesOf } from "./scenario-issues.js";

const minimal = { name: "t", horizon: "10s" };


test("fromScenario(minimal) fills defaults in SI units", () => {
  const s = fromScenario(minimal, "t");
  assert.is(s.dtS, 0.04);
  assert.is(s.horizonS, 10);
  assert.is(s.ticks, 250);
  assert.is(s.hall.rows, 6);
  assert.is(s.hall.racksPerRow, 12);
  assert.is(s.outputs.rackAggregation, 1);
  assert.is(s.electrical.psuCurve.length, 4);
  assert.equal(s.workloads, []);
});

test("every scenario in scenarios/ validates", () => {
  const files = readdirSync(`${ROOT}scenarios`).filter((f) => f.endsWith(".yaml") || f.endsWith(".json")).filter((f) => !f.endsWith(".schema.json"));
  assert.ok(files.length >= 4, `found ${files.length} scenarios`);
  for (const file of files) {
    const s = loadScenario(`${ROOT}scenarios/${file}`);
    assert.ok(s.ticks > 0, file);
  }
});

test("fromScenario(bad) reports every problem with path, value and expectation", () => {
  const issues = issuesOf({
    name: "Bad Name",
    horizon: "ten minutes",
    dt: "40ms",
    hall: { rows: 30, racksPerRow: 12, colour: "blue" },
    workloads: [{ kind: "training", id: "job", iterationPeriod: "fast", computeFraction: "150%" }, { kind: "mining", id: "x" }],
  });
  const byPath = new Map(issues.map((i) => [i.path, i]));
  assert.ok(byPath.has("name"), "name pattern");
  assert.ok(byPath.get("horizon")?.expected.includes("duration"), "horizon unit");
  assert.is(byPath.get("horizon")?.value, "ten minutes");
  assert.ok(byPath.get("hall.rows")?.expected.includes("at most 26"));
  assert.ok(byPath.get("hall.colour")?.expected.includes("known fields"));
  assert.ok(byPath.has("workloads[0].iterationPeriod"));
  assert.ok(byPath.get("workloads[0].computeFraction")?.expected.includes("at most 1"));
  assert.ok(byPath.get("workloads[1].kind")?.expected.includes('"training"'));
  assert.ok(issues.length >= 7, `got ${issues.length} issues`);
});

test("fromScenario checks relations: whole ticks, overlapping racks, controller groups", () => {
  const issues = issuesOf({
    name: "t",
    horizon: "10.01s",
    workloads: [
      { kind: "steady", id: "a", racks: "row:A" },
      { kind: "steady", id: "b", racks: ["A3", "Z9"] },
      { kind: "steady", id: "c", racks: ["row:A"] },
    ],
    controllers: [{ kind: "gpu-smoothing", id: "s", groups: ["nope"], period: "50ms" }],
  });
  const paths = issues.map((i) => i.path);
  assert.ok(paths.includes("horizon"), "horizon not whole ticks");
  assert.ok(paths.includes("workloads[1].racks"), "bad rack Z9");
  assert.ok(issues.find((i) => i.path === "workloads[2].racks")?.expected.includes('"a"'), "overlap names the owner");
  assert.ok(paths.includes("controllers[0].groups[0]"));
  assert.ok(paths.includes("controllers[0].period"), "50 ms is not whole 40 ms ticks");
});

test("fromScenario never crashes on malformed input: any wrong type gives a UserError with its path", () => {
  const wrong = [null, 5, "text", [], [1, 2], { x: 1 }, true];
  const fields = ["name", "seed", "dt", "horizon", "hall", "electrical", "workloads", "controllers", "outputs", "storage", "demandResponse", "frequency", "cooling", "heatReuse"];
  for (const field of fields) {
    for (const value of wrong) {
      const data: Record<string, unknown> = { name: "t", horizon: "10s", [field]: value };
      try {
        fromScenario(data, "t");
      } catch (error) {
        assert.instance(error, UserError, `${field} = ${JSON.stringify(value)}: ${(error as Error).message}`);
        assert.ok((error as UserError).issues.some((i) => i.path.startsWith(field)), `${field} = ${JSON.stringify(value)}`);
      }
    }
  }
  for (const value of [null, 5, "x", [], { kind: "training" }, { kind: "training", id: "a", racks: 5 }, { kind: "steady", id: "b", util: "lots" }]) {
    assert.throws(() => fromScenario({ name: "t", horizon: "10s", workloads: [value] }, "t"), (e: Error) => e instanceof UserError, JSON.stringify(value));
  }
  const nestedStorage: Record<string, unknown>[] = [
    { storage: { batteries: [null] } },
    { storage: { batteries: [5, "x", [], { id: 5 }, { id: "b", energy: [] }] } },
    { electrical: { psuBuffer: 5 } },
    { electrical: { psuBuffer: { energy: "lots", recovery: 0 } } },
    { demandResponse: { events: [] } },
    { demandResponse: { events: [5, { id: "e" }, { id: "f", start: "x", duration: null, reduction: [] }] } },
    { controllers: [{ kind: "battery-smoothing" }, { kind: "battery-smoothing", id: "x", battery: 5, enforce: ["fast"] }] },
    { controllers: [{ kind: "demand-response", id: "y", defer: 5, capGroups: [{}], battery: [] }] },
  ];
  for (const data of nestedStorage) {
    assert.throws(() => fromScenario({ name: "t", horizon: "10s", ...data }, "t"), (e: Error) => e instanceof UserError, JSON.stringify(data));
  }
  // Every field of the frequency section, its events and ride-through, and the frequency-response
  // controller: a wrong type is a UserError naming that field.
  const wrongTypes = ["text", [], { x: 1 }, true, null];
  const nested: [string, (v: unknown) => Record<string, unknown>][] = [
    ...["source", "trace", "preset", "nominal", "inertia", "base", "loadDamping", "droop", "droopBase", "governorTime", "headroomUp", "headroomDown", "deadband", "secondaryTime", "dispatch", "events", "operationalBand", "statutoryBand", "rocofWindow", "rideThrough"].map(
      (f): [string, (v: unknown) => Record<string, unknown>] => [`frequency.${f}`, (v) => ({ frequency: { [f]: v } })],
    ),
    ...["by", "sagTolerance", "upsAutonomy", "bbuHoldup", "rechargeFrac", "dischargeEfficiency", "chargeEfficiency", "initialSoc"].map(
      (f): [string, (v: unknown) => Record<string, unknown>] => [`frequency.rideThrough.${f}`, (v) => ({ frequency: { rideThrough: { [f]: v } } })],
    ),
    ...["at", "power", "depth", "duration"].map((f): [string, (v: unknown) => Record<string, unknown>] => [
      `frequency.events[0].${f}`,
      (v) => ({ frequency: { events: [{ kind: "voltage-sag", at: "1s", depth: "10%", duration: "1s", [f]: v }] } }),
    ]),
    ...["service", "lowContract", "highContract", "nominal", "droop", "droopDeadband", "battery", "gpuGroups", "tolerance", "deliveryTime", "endurance", "period"].map(
      (f): [string, (v: unknown) => Record<string, unknown>] => [
        `controllers[0].${f}`,
        (v) => ({ frequency: {}, controllers: [{ kind: "frequency-response", id: "fr", lowContract: "1MW", gpuGroups: [], [f]: v }] }),
      ],
    ),
  ];
  for (const [path, make] of nested) {
    for (const value of wrongTypes) {
      try {
        fromScenario({ name: "t", horizon: "10s", ...make(value) }, "t");
      } catch (error) {
        assert.instance(error, UserError, `${path} = ${JSON.stringify(value)}: ${(error as Error).message}`);
        continue;
      }
      // Accepted only where the value is a valid one (null = left out, a string for trace, an empty list).
      const valid = value === null || (path.endsWith(".trace") && typeof value === "string") || (Array.isArray(value) && /events|gpuGroups/.test(path));
      assert.ok(valid, `${path} = ${JSON.stringify(value)} was accepted`);
    }
  }
});

test("heatReuse: every field of a wrong type or out of range is named with its path", () => {
  const base = { name: "t", horizon: "10s", startTime: "2022-12-13T00:00:00Z" };
  const wrong = [null, 5, "text", [], [1, 2], { x: 1 }, true];
  const leaves: Record<string, string[]> = {
    "": ["period", "boundary", "exchanger", "heatPumps", "network", "facilityWater"],
    exchanger: ["ratedDuty", "approach", "range"],
    heatPumps: ["units", "capacity", "minPartLoad", "carnotFraction", "pinch", "maxSupply", "minSourceOut"],
    network: ["houses", "smoothing", "supplyTarget", "supplyMin", "targetTolerance", "returnDesign", "ground", "lossFraction", "flowMargin"],
    facilityWater: ["temp", "range", "liquidFraction"],
  };
  for (const [group, names] of Object.entries(leaves)) {
    for (const name of names) {
      for (const value of wrong) {
        if (value === null || typeof value === "number") continue; // null = absent (default); numbers are SI values (ranges below)
        const section: Record<string, unknown> = { facilityWater: { temp: "40C" } };
        if (group === "") section[name] = value;
        else section[group] = { ...(section[group] as object | undefined), [name]: value };
        const path = group === "" ? `heatReuse.${name}` : `heatReuse.${group}.${name}`;
        let issues: { path: string }[] = [];
        try {
          fromScenario({ ...base, heatReuse: section }, "t");
        } catch (error) {
          assert.instance(error, UserError, `${path} = ${JSON.stringify(value)}`);
          issues = [...(error as UserError).issues];
        }
        // Objects are accepted where a mapping is expected only if their fields are valid; every other shape is named.
        if (issues.length === 0) continue;
        assert.ok(issues.some((i) => i.path.startsWith(path)), `${path} = ${JSON.stringify(value)}: ${JSON.stringify(issues)}`);
      }
    }
  }
  const range = issuesOf({ ...base, heatReuse: { facilityWater: { temp: "40C" }, heatPumps: { units: 0, carnotFraction: 1.5, minPartLoad: "150%" }, network: { houses: 0, lossFraction: 2 } } });
  const paths = range.map((i) => i.path);
  for (const p of ["heatReuse.heatPumps.units", "heatReuse.heatPumps.carnotFraction", "heatReuse.heatPumps.minPartLoad", "heatReuse.network.houses", "heatReuse.network.lossFraction"]) {
    assert.ok(paths.includes(p), p);
  }
});

test("heatReuse relations: start time, a facility water source, periods, temperatures, the dispatcher's plant", () => {
  const withCooling = { name: "t", horizon: "10s", startTime: "2022-12-13T00:00:00Z", cooling: {} };
  const byPath = (data: unknown) => new Map(issuesOf(data).map((i) => [i.path, i]));
  let p = byPath({ name: "t", horizon: "10s", heatReuse: {} });
  assert.ok(p.get("startTime")?.expected.includes("heatReuse"));
  assert.ok(p.get("heatReuse.facilityWater")?.expected.includes("no cooling section"));
  p = byPath({ ...withCooling, heatReuse: { facilityWater: { temp: "40C" }, period: "2s" } });
  assert.ok(p.get("heatReuse.facilityWater")?.expected.includes("warm facility loop"));
  assert.ok(p.get("heatReuse.period")?.expected.includes("cooling period"));
  p = byPath({ ...withCooling, heatReuse: { period: "1.02s", network: { smoothing: 4, supplyTarget: "95C", supplyMin: "30C", returnDesign: "35C" } } });
  assert.ok(p.has("heatReuse.period"), "not whole ticks");
  assert.ok(p.get("heatReuse.network.smoothing")?.expected.includes("odd"));
  assert.ok(p.get("heatReuse.network.supplyTarget")?.expected.includes("maxSupply"));
  assert.ok(p.get("heatReuse.network.supplyMin")?.expected.includes("returnDesign"));
  p = byPath({ ...withCooling, heatReuse: { heatPumps: { minSourceOut: "95C" } } });
  assert.ok(p.get("heatReuse.heatPumps.minSourceOut")?.expected.includes("maxSupply"));
  p = byPath({ ...withCooling, controllers: [{ kind: "heat-pump-dispatch", id: "h" }] });
  assert.ok(p.get("controllers[0].kind")?.expected.includes("heatReuse"));
  p = byPath({ ...withCooling, heatReuse: {}, controllers: [{ kind: "heat-pump-dispatch", id: "h", period: "40ms" }] });
  assert.ok(p.get("controllers[0].period")?.expected.includes("heatReuse.period"));
  // A valid one passes, with SI values.
  const s = fromScenario({ ...withCooling, heatReuse: { heatPumps: { capacity: "4MW" } }, controllers: [{ kind: "heat-pump-dispatch", id: "h" }] }, "t");
  assert.is(s.heatReuse!.heatPumps.capacity, 4e6);
  assert.is(s.heatReuse!.network.supplyTarget, 75);
  assert.is(s.heatReuse!.boundary, "inside");
});

test("cooling: every field rejects wrong types with its path; relations are checked", () => {
  const wrong = [null, 5, "text", [], { x: 1 }, true];
  const cooling = { weather: "constant" };
  const fields = ["period", "weather", "dryBulb", "wetBulb", "rejection", "liquid", "air", "failures", "rackSeries"];
  for (const field of fields) {
    for (const value of wrong) {
      try {
        fromScenario({ name: "t", horizon: "10s", startTime: "2022-07-19T00:00:00Z", cooling: { ...cooling, [field]: value } }, "t");
      } catch (error) {
        assert.instance(error, UserError, `cooling.${field} = ${JSON.stringify(value)}`);
        // 5 is a valid dry bulb (5 °C): then the default wet bulb (15 °C) is the problem.
        const paths = (error as UserError).issues.map((i) => i.path);
        assert.ok(paths.some((p) => p.startsWith(`cooling.${field}`) || (field === "dryBulb" && p === "cooling.wetBulb")), `cooling.${field} = ${JSON.stringify(value)}: ${paths}`);
      }
    }
  }
  for (const [sub, keys] of [["liquid", ["captureShare", "presetShares", "racksPerCdu", "supplyTemp", "pumpSpeed", "facilitySupplyTemp", "gpuLimit"]], ["air", ["crahs", "supplyTemp", "fanSpeed", "chilledWaterTemp", "envelope", "rows"]]] as const) {
    for (const key of keys) {
      const issues = issuesOf({ name: "t", horizon: "10s", cooling: { ...cooling, [sub]: { [key]: "wrong" } } });
      assert.ok(issues.some((i) => i.path.startsWith(`cooling.${sub}.${key}`)), `cooling.${sub}.${key}`);
    }
  }
  const issues = issuesOf({
    name: "t",
    horizon: "10s",
    cooling: {
      period: "50ms",
      weather: "bedford-2022",
      air: { rows: [{ rows: ["Z"], crahs: 2 }], supplyTemp: "50C" },
      failures: [{ at: "1s", kind: "cdu-pump-trip", unit: "CDU 1" }, { at: "1s", kind: "meltdown", unit: "a1" }],
    },
    controllers: [{ kind: "cdu-control", id: "c", gpuTarget: "hot" }],
  });
  const byPath = new Map(issues.map((i) => [i.path, i]));
  assert.ok(byPath.get("cooling.period")?.expected.includes("whole number of ticks"));
  assert.ok(byPath.get("startTime")?.expected.includes("bedford-2022"));
  assert.ok(byPath.get("cooling.air.rows[0].rows[0]")?.expected.includes("row letter"));
  assert.ok(byPath.get("cooling.air.supplyTemp")?.expected.includes("at most 35"));
  assert.ok(byPath.has("cooling.failures[0].unit") && byPath.has("cooling.failures[1].kind"));
  assert.ok(byPath.has("controllers[0].gpuTarget"));
  const wet = issuesOf({ name: "t", horizon: "10s", cooling: { weather: "constant", dryBulb: "10C", wetBulb: "12C" } });
  assert.ok(wet.some((i) => i.path === "cooling.wetBulb" && i.expected.includes("at most the dry bulb")));
  const noPlant = issuesOf({ name: "t", horizon: "10s", controllers: [{ kind: "crah-control", id: "c" }] });
  assert.ok(noPlant.some((i) => i.path === "controllers[0].kind" && i.expected.includes("cooling section")));
});

test("the UserError message lists each issue on its own line", () => {
  try {
    fromScenario({ name: "t", horizon: -5 }, "bad.yaml");
    assert.unreachable();
  } catch (error) {
    const message = (error as Error).message;
    assert.match(message, /^bad\.yaml: 1 problem:/);
    assert.match(message, /horizon: got -5, expected more than 0 s/);
  }
});

test("scenarios/scenario.schema.json is the exported JSON Schema (regenerate with: dctwin schema --out)", () => {
  const committed = readFileSync(`${ROOT}scenarios/scenario.schema.json`, "utf8");
  assert.is(committed, scenarioJsonSchema());
  const schema = JSON.parse(committed);
  assert.is(schema.type, "object");
  assert.ok(schema.required.includes("horizon"));
  assert.ok(schema.properties.workloads.items.oneOf.length >= 4);
});

test.run();
