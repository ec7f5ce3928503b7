import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { fromScenario } from "../../../engine/scenario/from-scenario.js";
import { ROOT, tempDir } from "../../helpers.js";
import { issuesOf } from "../scenario/scenario-issues.js";


const base = { name: "t", horizon: "1h", startTime: "2020-07-15T00:00:00Z" };

test("signals.port: price and carbon default to the data named above; stress only when given", () => {
  const s = fromScenario({ ...base, signals: { price: "agile-2020", carbon: "gb-2020", port: { marketPeriod: "15min" } } }, "t");
  assert.is(s.signals.port!.marketPeriod, 900);
  assert.is(s.signals.port!.price!.kind, "dataset");
  assert.is(s.signals.port!.carbon!.kind, "dataset");
  assert.is(s.signals.port!.stress, undefined);
  assert.is(s.signals.port!.price!.forecast.mode, "noisy");
  assert.is(s.signals.port!.price!.forecast.horizon, 48 * 3600);
  const none = fromScenario({ ...base, signals: { price: "agile-2020" } }, "t");
  assert.is(none.signals.port, undefined, "no port section: nothing changes for existing scenarios");
});

test("bad signal fields are reported together, each with its path, value and expectation", () => {
  const issues = issuesOf({
    ...base,
    signals: {
      port: {
        marketPeriod: "20min",
        price: { kind: "dataset" },
        carbon: { kind: "weather" },
        stress: { kind: "static", values: [0.1, 1.5], period: "90.02s" },
        currency: "USD",
      },
    },
  });
  const at = (path: string) => issues.find((i) => i.path === path);
  assert.ok(at("signals.port.marketPeriod")?.expected.includes("15min, 30min or 1h"), JSON.stringify(issues));
  assert.ok(at("signals.port.price.kind")?.expected.includes("signals.price"), JSON.stringify(issues));
  assert.ok(at("signals.port.carbon.kind")?.expected.includes('"dataset", "synthetic", "static", "live"'), JSON.stringify(issues));
  assert.is(at("signals.port.stress.values[1]")?.value, 1.5);
  assert.ok(at("signals.port.stress.period")?.expected.includes("whole number of ticks"), JSON.stringify(issues));
  assert.ok(at("signals.port.currency") !== undefined, JSON.stringify(issues));
  const short = issuesOf({ ...base, signals: { carbon: "gb-2020", port: { carbon: { kind: "dataset", period: "10s" } } } });
  assert.equal(short.map((i) => [i.path, i.expected]), [["signals.port.carbon.period", "at least 60 s"]], "no period under a minute: it would allocate per period");
});

test("a live signal needs exactly one of url and file; a stress dataset does not exist; startTime is required", () => {
  const issues = issuesOf({
    name: "t",
    horizon: "1h",
    signals: { port: { stress: { kind: "live" }, carbon: { kind: "live", url: "http://x/feed.csv", file: "feed.csv" }, price: { kind: "synthetic" } } },
  });
  const paths = issues.map((i) => i.path);
  for (const p of ["startTime", "signals.port.stress.url", "signals.port.carbon.url", "signals.port.price.mean"]) assert.ok(paths.includes(p), `${p} in ${paths.join(", ")}`);
  const stress = issuesOf({ ...base, signals: { port: { stress: { kind: "dataset" } } } });
  assert.ok(stress[0]!.expected.includes("no grid-stress data"), stress[0]!.expected);
});

test("dctwin validate: a bad signals.port field is exit 2 with its path", () => {
  const dir = tempDir();
  try {
    const file = join(dir.path, "bad.yaml");
    writeFileSync(file, `name: t\nhorizon: 1h\nstartTime: "2020-07-15T00:00:00Z"\nsignals:\n  price: agile-2020\n  port:\n    marketPeriod: 5min\n`);
    const r = spawnSync(process.execPath, [`${ROOT}dist/engine/cli/main.js`, "validate", file], { encoding: "utf8" });
    assert.is(r.status, 2, r.stderr + r.stdout);
    assert.match(r.stderr + r.stdout, "signals.port.marketPeriod");
  } finally {
    dir.remove();
  }
});

test.run();
