import { DYNAMIC_CONTAINMENT, responseFraction } from "../../models/grid/frequency-response.js";
import { carnotCop, heatPumpCop } from "../../models/heat/heat-pump.js";
import { ASHRAE_ALLOWABLE, ASHRAE_RECOMMENDED } from "../../models/thermal/ashrae.js";
import type { ValidationRow } from "./validation-row.js";

/**
 * Published curves the models implement: the heat pumps' COP against the worked Carnot and real-COP
 * table of docs/physics-sources.md §5.1 (Carnot fraction 0.5), and the Dynamic Containment delivery
 * curve against ★ V3's table (docs/physics-sources.md §7, NESO service terms), and the ASHRAE TC 9.9
 * inlet envelopes the thermal stage counts against (docs/physics-sources.md §5.3). Moved here from
 * test/models/heat/heat-pump.test.ts, test/models/grid/frequency-response.test.ts and
 * test/models/thermal/ashrae.test.ts.
 */
const WORKED_COP = [
  { sourceC: 27, sinkC: 75, copCarnot: 7.25, cop050: 3.6 },
  { sourceC: 30, sinkC: 70, copCarnot: 8.58, cop050: 4.3 },
  { sourceC: 45, sinkC: 80, copCarnot: 10.1, cop050: 5.0 },
  { sourceC: 50, sinkC: 90, copCarnot: 9.1, cop050: 4.5 },
];
const DC_TABLE = [
  { absDfHz: 0.1, deliveryPct: 2.297 },
  { absDfHz: 0.3, deliveryPct: 36.67 },
  { absDfHz: 0.4, deliveryPct: 68.33 },
];

export function publishedCurveClaims(): ValidationRow[] {
  const rows: ValidationRow[] = [];
  for (const w of WORKED_COP) {
    rows.push({
      claim: `Heat-pump Carnot COP, ${w.sourceC} → ${w.sinkC} °C`,
      source: "docs/physics-sources.md §5.1 worked table",
      measured: carnotCop(w.sourceC, w.sinkC),
      reference: w.copCarnot,
      unit: "",
      tolerance: { kind: "rel", value: 0.01 },
    });
    rows.push({
      claim: `Heat-pump COP at Carnot fraction 0.5, ${w.sourceC} → ${w.sinkC} °C`,
      source: "docs/physics-sources.md §5.1 worked table",
      measured: heatPumpCop(0.5, 0, w.sourceC, w.sinkC),
      reference: w.cop050,
      unit: "",
      tolerance: { kind: "rel", value: 0.01 },
    });
  }
  for (const d of DC_TABLE) {
    rows.push({
      claim: `Dynamic Containment delivery at |Δf| = ${d.absDfHz} Hz`,
      source: "NESO Dynamic Containment curve, docs/physics-sources.md §7 V3 table",
      measured: 100 * responseFraction(-d.absDfHz, DYNAMIC_CONTAINMENT),
      reference: d.deliveryPct,
      unit: "%",
      tolerance: { kind: "abs", value: 0.01 },
    });
  }
  const ashrae = "ASHRAE TC 9.9 thermal guidelines (2021), docs/physics-sources.md §5.3";
  const envelopes: [string, { minC: number; maxC: number }, number, number][] = [
    ["recommended", ASHRAE_RECOMMENDED, 18, 27],
    ["allowable A1", ASHRAE_ALLOWABLE.A1, 15, 32],
    ["allowable A2", ASHRAE_ALLOWABLE.A2, 10, 35],
    ["allowable A3", ASHRAE_ALLOWABLE.A3, 5, 40],
    ["allowable A4", ASHRAE_ALLOWABLE.A4, 5, 45],
  ];
  for (const [name, env, minC, maxC] of envelopes) {
    rows.push({ claim: `ASHRAE ${name} inlet envelope, lower limit`, source: ashrae, measured: env.minC, reference: minC, unit: "°C", tolerance: { kind: "abs", value: 0 } });
    rows.push({ claim: `ASHRAE ${name} inlet envelope, upper limit`, source: ashrae, measured: env.maxC, reference: maxC, unit: "°C", tolerance: { kind: "abs", value: 0 } });
  }
  return rows;
}
