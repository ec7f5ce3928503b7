import { loadInputs } from "../../engine/plant/load-inputs.js";
import { fromScenario } from "../../engine/scenario/from-scenario.js";
import { createSimulation } from "../../engine/simulation.js";
import type { Chunk } from "../../engine/sinks/sink.js";
import { EVENTS, GRID_SERIES, SITE_SERIES } from "../../engine/tables.js";
import type { ValidationRow } from "./validation-row.js";

/**
 * The grid side through the engine (a steady 72-rack hall at utilisation 0.8 with a `frequency`
 * section) against closed forms: the swing equation's initial RoCoF after a generation loss,
 * f₀·ΔP / (2·E_kin) (Kundur, Power System Stability and Control, ch. 3 and 11; docs/physics-sources.md
 * §2.2 and §7 V3: 1,000 MW lost on the GB system's 200 GVA·s gives 0.125 Hz/s), and the UPS
 * autonomy E·η / L (a module's stored energy over its share of the load). Moved here from
 * test/engine/plant/site-frequency.test.ts, which keeps the other checks of these runs.
 */
async function run(frequency: Record<string, unknown>, horizon: string) {
  const scenario = fromScenario({ name: "v", horizon, workloads: [{ kind: "steady", id: "s", racks: "all", util: 0.8 }], frequency }, "validation");
  const sim = createSimulation(scenario, "r", { inputs: await loadInputs(scenario) });
  const chunks: Chunk[] = [];
  while (!sim.done) chunks.push(...sim.advance());
  const col = (table: { name: string; columns: readonly { name: string }[] }, name: string): number[] => {
    const i = table.columns.findIndex((c) => c.name === name);
    return chunks.filter((c) => c.table === table.name).flatMap((c) => Array.from((c.columns[i] as Float64Array).subarray(0, c.length)));
  };
  const events = chunks.find((c) => c.table === EVENTS.name)!;
  const eventAt = (kind: string): number => {
    for (let i = 0; i < events.length; i++) if ((events.columns[2] as string[])[i] === kind) return (events.columns[0] as Float64Array)[i]!;
    return NaN;
  };
  return { grid: (n: string) => col(GRID_SERIES, n), site: (n: string) => col(SITE_SERIES, n), eventAt };
}

export async function gridClaims(): Promise<ValidationRow[]> {
  const rows: ValidationRow[] = [];
  const src = "swing equation closed form f₀·ΔP/(2·E_kin) (Kundur ch. 3, 11); docs/physics-sources.md §7 V3";
  // The trip lands at 10 s (tick 250) on a settled grid; the tick mean lags the instantaneous initial
  // RoCoF by what the governors deliver within 40 ms (under 1 %).
  const cases = [
    { name: "islanded 3 × 5 MVA gensets (E_kin 22.5 MVA·s), 2 MW lost", preset: "islanded-3x5mva", tripW: 2e6, rocofHzps: (50 * 2e6) / (2 * 22.5e6), horizon: "20s" },
    { name: "GB system (200 GVA·s), 1,000 MW lost", preset: "gb-200gvas", tripW: 1000e6, rocofHzps: 0.125, horizon: "20s" },
  ];
  for (const c of cases) {
    const r = await run({ preset: c.preset, events: [{ kind: "generator-trip", at: "10s", power: c.tripW }] }, c.horizon);
    rows.push({ claim: `Initial RoCoF, ${c.name}`, source: src, measured: -r.grid("rocof_hzps")[250]!, reference: c.rocofHzps, unit: "Hz/s", tolerance: { kind: "rel", value: 0.01 } });
  }
  // 10 s autonomy at the module's rated 2 MW → E·η = 20 MJ per module; each of the 6 modules carries
  // (IT + busway) / 6 of the steady hall; a full outage from 10 s.
  const r = await run({ preset: "gb-200gvas", events: [{ kind: "voltage-sag", at: "10s", depth: "100%", duration: "25s" }], rideThrough: { upsAutonomy: "10s" } }, "40s");
  const loadW = (r.site("it_power_w")[200]! + r.site("busway_loss_w")[200]!) / 6;
  rows.push({
    claim: "UPS ride-through until the load trips, 10 s autonomy at rating, full outage",
    source: "closed form E·η / L (stored energy over the module's load); tolerance one 40 ms tick",
    measured: r.eventAt("load_trip") - 10,
    reference: (2e6 * 10) / loadW,
    unit: "s",
    tolerance: { kind: "abs", value: 0.04 },
  });
  return rows;
}
