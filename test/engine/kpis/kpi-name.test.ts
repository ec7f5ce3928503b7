import { test } from "uvu";
import * as assert from "uvu/assert";
import { bandName, durationName, kpiName, nameNumber } from "../../../engine/kpis/kpi-name.js";

test("kpi-name helpers write numbers with p for the point and pick ms below 1 s", () => {
  const rows: [call: string, got: string, expected: string][] = [
    ["kpiName(pcc, energy)", kpiName("pcc", "energy"), "pcc_energy"],
    ["kpiName('', energy)", kpiName("", "energy"), "energy"],
    ["nameNumber(12.5)", nameNumber(12.5), "12p5"],
    ["nameNumber(0.1)", nameNumber(0.1), "0p1"],
    ["nameNumber(-2)", nameNumber(-2), "m2"],
    ["durationName(0.04)", durationName(0.04), "40ms"],
    ["durationName(0.07)", durationName(0.07), "70ms"],
    ["durationName(1)", durationName(1), "1s"],
    ["durationName(60)", durationName(60), "60s"],
    ["durationName(1.5)", durationName(1.5), "1p5s"],
    ["bandName(0.1, 1)", bandName(0.1, 1), "0p1_1hz"],
    ["bandName(5, 12.5)", bandName(5, 12.5), "5_12p5hz"],
  ];
  for (const [call, got, expected] of rows) assert.is(got, expected, call);
});

test.run();
