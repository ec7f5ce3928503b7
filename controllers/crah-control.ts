import type { Controller } from "../engine/controller.js";
import { createPid, stepPid, trackPid, type Pid } from "./pid.js";
import { fresh, unitIds } from "./point-ids.js";

/**
 * CRAH control on rack inlet temperatures, per row, through the port:
 * - fan speed: a direct-acting PID on the row's hottest rack inlet (`row.<r>.inletTempMaxC`)
 *   against `inletTargetC` (inside the ASHRAE recommended 18-27 °C, docs/physics-sources.md §5.3): just
 *   enough air for the racks (fan power ∝ speed³), more when recirculation heats the inlets;
 * - supply-air setpoint: the lower of two reverse-acting PIDs (a select-low override), one raising
 *   the supply while the row's coldest inlet (`row.<r>.inletTempMinC`) is below `inletLowC` (no
 *   over-cooling), one lowering it when the hottest inlet exceeds inletTargetC + `overrideMarginK`
 *   once the fans are at full speed (sequenced: air first, colder air only when the fans alone
 *   cannot hold the row); the loop not selected tracks the applied value (bumpless).
 * Each CRAH of a row gets its row's commands. Rate limits protect fans and coils; PIDs in velocity
 * form (pid.ts). A stale measurement holds the row's outputs and is logged once.
 */
export interface CrahControlParams {
  id: string;
  crahs: readonly string[];
  inletTargetC: number;
  inletLowC: number;
  overrideMarginK: number;
  fanMinFrac: number;
  fanRateFracPerS: number;
  fanKp: number;
  fanKi: number;
  supplyMinC: number;
  supplyMaxC: number;
  supplyRateKps: number;
  supplyKp: number;
  supplyKi: number;
  /** Measurement filter, s (pid.ts). */
  filterS: number;
}

interface RowLoop {
  row: string;
  inletMax: number;
  inletMin: number;
  fanCmd: number[];
  supplySet: number[];
  fanPid: Pid;
  lowPid: Pid;
  highPid: Pid;
  fanAtLimit: boolean;
  override: boolean;
  stale: boolean;
}

export function createCrahControl(p: CrahControlParams): Controller {
  const rows: RowLoop[] = [];
  return {
    id: p.id,
    start(port, ctx) {
      const byRow = new Map<string, string[]>();
      for (const id of unitIds(port, "crah", "fanSpeedCmd", p.crahs, `controller ${p.id}`)) {
        const row = id.replace(/[0-9]+$/, "");
        byRow.set(row, [...(byRow.get(row) ?? []), id]);
      }
      for (const [row, ids] of byRow) {
        const fanCmd = ids.map((id) => port.setpoint(`crah.${id}.fanSpeedCmd`));
        const supplySet = ids.map((id) => port.setpoint(`crah.${id}.supplyTempSetC`));
        const supply0 = port.commanded(supplySet[0]!);
        const supplyPid = (direct: boolean) => createPid({ kp: p.supplyKp, ki: p.supplyKi, outMin: p.supplyMinC, outMax: p.supplyMaxC, ratePerS: p.supplyRateKps, direct, filterS: p.filterS }, supply0);
        rows.push({
          row,
          inletMax: port.measurement(`row.${row}.inletTempMaxC`),
          inletMin: port.measurement(`row.${row}.inletTempMinC`),
          fanCmd,
          supplySet,
          fanPid: createPid({ kp: p.fanKp, ki: p.fanKi, outMin: p.fanMinFrac, outMax: 1, ratePerS: p.fanRateFracPerS, direct: true, filterS: p.filterS }, port.commanded(fanCmd[0]!)),
          lowPid: supplyPid(false),
          highPid: supplyPid(false),
          fanAtLimit: false,
          override: false,
          stale: false,
        });
      }
      ctx.decide("start", rows.length, `rows ${rows.map((r) => r.row).join(", ")}: inlet target ${p.inletTargetC} °C, low ${p.inletLowC} °C, fans ≥ ${p.fanMinFrac}`);
    },
    step(port, ctx) {
      const maxAgeS = 3 * ctx.periodS;
      for (const r of rows) {
        if (!fresh(port, r.inletMax, maxAgeS) || !fresh(port, r.inletMin, maxAgeS)) {
          // Before the plant's first thermal step nothing has been measured yet: wait silently.
          if (!r.stale && Number.isFinite(port.ageS(r.inletMax))) ctx.decide("hold", r.fanPid.output, `row ${r.row}: inlet measurements not fresh, outputs held`);
          r.stale = true;
          continue;
        }
        r.stale = false;
        const hot = port.read(r.inletMax);
        const cold = port.read(r.inletMin);
        const fan = stepPid(r.fanPid, p.inletTargetC, hot, ctx.periodS);
        for (const h of r.fanCmd) port.write(h, fan);
        const low = stepPid(r.lowPid, p.inletLowC, cold, ctx.periodS);
        const high = fan >= 1 ? stepPid(r.highPid, p.inletTargetC + p.overrideMarginK, hot, ctx.periodS) : Infinity;
        const supply = low < high ? low : high;
        trackPid(r.lowPid, supply);
        trackPid(r.highPid, supply);
        for (const h of r.supplySet) port.write(h, supply);
        const fanLimit = fan <= p.fanMinFrac || fan >= 1;
        if (fanLimit !== r.fanAtLimit) {
          r.fanAtLimit = fanLimit;
          ctx.decide(fanLimit ? "fans_at_limit" : "fans_in_range", fan, `row ${r.row}: hottest inlet ${hot.toFixed(2)} °C against ${p.inletTargetC} °C`);
        }
        const override = high < low;
        if (override !== r.override) {
          r.override = override;
          ctx.decide(override ? "supply_override_hot" : "supply_on_low_limit", supply, `row ${r.row}: hottest inlet ${hot.toFixed(2)} °C, coldest ${cold.toFixed(2)} °C`);
        }
      }
    },
    finish(_port, ctx) {
      for (const r of rows) ctx.decide("final", r.fanPid.output, `row ${r.row}: fans ${r.fanPid.output.toFixed(3)}, supply ${r.lowPid.output.toFixed(2)} °C`);
    },
  };
}
