import {
  accumulateBatteryDegradation,
  applyCapacityFade,
  createBatteryDegradation,
  startBatteryDegradation,
  updateBatteryDegradation,
  type BatteryDegradation,
} from "../../models/storage/battery-degradation.js";
import { batteryFigures, createBatteries, LIMITED_SOC, setBatteryParams, stepBatteries, type Batteries } from "../../models/storage/battery.js";
import type { KpiRow } from "../kpis/kpi-row.js";
import { batteryParamsOf } from "../scenario/battery-params.js";
import type { Scenario } from "../scenario/scenario-types.js";
import { UserError } from "../../models/lib/errors.js";
import type { PlantPort } from "../port.js";
import type { SimPort } from "../sim-port.js";
import type { Chunk } from "../sinks/sink.js";
import { STORAGE_SERIES } from "../tables.js";
import { f64Column, i32Column } from "../columns.js";

/**
 * The site's batteries at the PCC (models/storage/battery.ts), stepped once per tick after the
 * electrical chain: PCC = site load + Σ battery AC power (drawn from the grid positive: charging +,
 * discharging −; the AC power includes each battery's auxiliary load).
 *
 * Port, per battery `<id>`:
 * - setpoint `battery.<id>.powerSetW` (W at the inverter's AC terminals, + charge / − discharge),
 *   clamped by the port to [−dischargeMax, chargeMax]; it reaches the cells after the controller's
 *   actuation latency AND the battery's own `latency` (the inverter chain), then its time constant;
 * - measurements `battery.<id>.powerW` (AC power at the PCC, with aux), `.socFrac`,
 *   `.availableChargeW` / `.availableDischargeW` (the inverter power it can hold over the next
 *   tick given its power limits and the energy left to socMax / socMin), and
 *   `.chargeHeadroomWh` / `.dischargeHeadroomWh` (AC energy it can still take / give inside its
 *   state-of-charge window).
 *
 * Degradation: BLAST-Lite LFP-Gr (models/storage/battery-degradation.ts) accumulates every tick and
 * ages hourly (then the faded capacity applies to the battery); at the end of the run the open,
 * partial period is aged too, so `capacity_fade` covers the whole run whatever its length (the
 * power laws are stepped by time hardening, exact at constant stressors for any period).
 */
export interface SiteStorage {
  /** False when the scenario has no batteries: then nothing else need be called. */
  readonly active: boolean;
  readonly batteries: Batteries;
  readonly degradation: BatteryDegradation;
  /** Steps tick k (row = its row in the current chunk) with the site load; returns the PCC power. */
  step(k: number, row: number, loadW: number): number;
  /** Appends the storage_series chunk of the `ticks` ticks since the last call. */
  emit(out: Chunk[], ticks: number): void;
  /** Takes back a storage_series chunk's buffers; false when the chunk is not one of ours. */
  release(chunk: Chunk): boolean;
  /** Closes open events and ages the last partial degradation period; call once after the last tick. */
  finish(): void;
  kpis(): KpiRow[];
  /** Σ battery AC energy at the PCC so far (charged − discharged + aux), Wh: the PCC energy minus the site load's. */
  netEnergyWh(): number;
}

interface StorageColumns {
  t: Float64Array;
  battery: Int32Array;
  power: Float64Array;
  setpoint: Float64Array;
  soc: Float64Array;
}

/** Degradation ages the batteries once per simulated hour (BLAST-Lite's hourly driver). */
const DEGRADATION_PERIOD_S = 3600;

export function createSiteStorage(
  scenario: Scenario,
  runId: string,
  port: SimPort,
  chunkTicks: number,
  event: (source: string, kind: string, value: number, detail: string) => void,
  device?: PlantPort,
): SiteStorage {
  const specs = scenario.storage?.batteries ?? [];
  const n = specs.length;
  // External batteries (HIL): real devices behind `device`. Their model stays idle (its setpoint is
  // never actuated); the measured AC power enters the PCC sum instead, and storage_series records
  // what the device reports.
  const external = specs.map((s) => s.external === true);
  const ext = specs.map((s, i) => {
    if (!external[i]) return undefined;
    const where = `storage.batteries[${i}].external`;
    if (device === undefined) {
      throw new UserError(`${where}: battery ${JSON.stringify(s.id)} is a real device, so it runs only under \`dctwin hil\` with a device profile that declares battery.${s.id}.powerW, socFrac and powerSetW`);
    }
    return {
      power: device.measurement(`battery.${s.id}.powerW`),
      soc: device.measurement(`battery.${s.id}.socFrac`),
      set: device.setpoint(`battery.${s.id}.powerSetW`),
    };
  });
  const extEnergyWh = new Float64Array(n);
  const dtS = scenario.dtS;
  const dtH = dtS / 3600;
  const params = specs.map(batteryParamsOf);
  const ringTicks = Math.max(64, ...params.map((p) => Math.round(p.latencyS / dtS) + 2));
  const batteries = createBatteries(n, ringTicks);
  params.forEach((p, i) => setBatteryParams(batteries, i, p));
  const degradation = createBatteryDegradation(n);
  specs.forEach((s, i) => (degradation.tempC[i] = s.cellTemperature));
  startBatteryDegradation(degradation, batteries.socFrac);
  const degradationTicks = Math.max(1, Math.round(DEGRADATION_PERIOD_S / dtS));

  const ids = specs.map((s) => s.id);
  const handles = specs.map((s, i) => {
    const p = params[i]!;
    port.addSetpoint(
      { name: `battery.${s.id}.powerSetW`, unit: "W", description: "inverter power command (+ charge, − discharge)", min: -p.dischargeMaxW, max: p.chargeMaxW, initial: 0 },
      (value) => {
        if (!external[i]) batteries.setpointW[i] = value;
      },
    );
    const m = (name: string, unit: string, description: string, initial: number) => port.addMeasurement({ name: `battery.${s.id}.${name}`, unit, description, initial });
    return {
      power: m("powerW", "W", "battery AC power at the PCC, with aux (+ charging, − discharging)", 0),
      soc: m("socFrac", "fraction", "state of charge", p.socInit),
      availableCharge: m("availableChargeW", "W", "charging power the battery can hold over the next tick (power limit, energy to socMax)", p.chargeMaxW),
      availableDischarge: m("availableDischargeW", "W", "discharging power the battery can hold over the next tick (power limit, energy to socMin)", p.dischargeMaxW),
      chargeHeadroom: m("chargeHeadroomWh", "Wh", "AC energy the battery can still take before socMax", ((p.socMax - p.socInit) * p.capacityWh) / p.chargeEff),
      dischargeHeadroom: m("dischargeHeadroomWh", "Wh", "AC energy the battery can still give before socMin", (p.socInit - p.socMin) * p.capacityWh * p.dischargeEff),
    };
  });

  // Run statistics.
  const socMinSeen = Float64Array.from(params, (p) => p.socInit);
  const socMaxSeen = Float64Array.from(params, (p) => p.socInit);
  for (let i = 0; i < n; i++) {
    if (!external[i]) continue;
    socMinSeen[i] = Infinity;
    socMaxSeen[i] = -Infinity;
  }
  const socLimitSinceS = new Float64Array(n).fill(NaN);
  const socLimitTimeS = new Float64Array(n);
  const socLimitEvents = new Float64Array(n);

  // storage_series buffers: one row per battery per tick, tick-major.
  const record = n > 0 && scenario.outputs.storageSeries;
  const rows = Math.min(chunkTicks, scenario.ticks) * n;
  const free: StorageColumns[] = [];
  const take = (): StorageColumns =>
    free.pop() ?? { t: f64Column(rows), battery: i32Column(rows), power: f64Column(rows), setpoint: f64Column(rows), soc: f64Column(rows) };
  let cols = record ? take() : undefined;

  const publish = (k: number) => {
    const { socFrac, storedWh, capacityWh, capacityFrac, socMin, socMax, chargeEff, dischargeEff, chargeMaxW, dischargeMaxW, acPowerW } = batteries;
    for (let i = 0; i < n; i++) {
      const h = handles[i]!;
      const capWh = capacityWh[i]! * capacityFrac[i]!;
      const toMaxWh = Math.max(0, socMax[i]! * capWh - storedWh[i]!) / chargeEff[i]!;
      const toMinWh = Math.max(0, storedWh[i]! - socMin[i]! * capWh) * dischargeEff[i]!;
      port.publish(h.power, acPowerW[i]!, k);
      port.publish(h.soc, socFrac[i]!, k);
      port.publish(h.availableCharge, Math.min(chargeMaxW[i]!, toMaxWh / dtH), k);
      port.publish(h.availableDischarge, Math.min(dischargeMaxW[i]!, toMinWh / dtH), k);
      port.publish(h.chargeHeadroom, toMaxWh, k);
      port.publish(h.dischargeHeadroom, toMinWh, k);
    }
  };

  const closeSocLimit = (i: number, endS: number) => {
    const startS = socLimitSinceS[i]!;
    socLimitTimeS[i] += endS - startS;
    socLimitSinceS[i] = NaN;
    event(ids[i]!, "battery_soc_limit_end", endS - startS, `${ids[i]}: back inside its state-of-charge window after ${(endS - startS).toFixed(2)} s at the limit (SOC ${batteries.socFrac[i]!.toFixed(4)})`);
  };

  return {
    active: n > 0,
    batteries,
    degradation,
    step(k, row, loadW) {
      stepBatteries(batteries, dtS);
      accumulateBatteryDegradation(degradation, batteries.socFrac, dtS);
      if ((k + 1) % degradationTicks === 0) {
        updateBatteryDegradation(degradation);
        applyCapacityFade(degradation, batteries);
      }
      let pccW = loadW;
      const tS = k * dtS;
      for (let i = 0; i < n; i++) {
        const x = ext[i];
        if (x !== undefined) {
          // A device value that was never read is NaN: it adds nothing until the first reading.
          const measuredW = device!.read(x.power);
          const acW = measuredW === measuredW ? measuredW : 0;
          pccW += acW;
          extEnergyWh[i] += acW * dtH;
          const soc = device!.read(x.soc);
          if (soc < socMinSeen[i]!) socMinSeen[i] = soc;
          if (soc > socMaxSeen[i]!) socMaxSeen[i] = soc;
          if (cols !== undefined) {
            const r = row * n + i;
            cols.t[r] = tS;
            cols.battery[r] = i;
            cols.power[r] = acW;
            cols.setpoint[r] = device!.commanded(x.set);
            cols.soc[r] = soc;
          }
          continue;
        }
        const acW = batteries.acPowerW[i]!;
        pccW += acW;
        const soc = batteries.socFrac[i]!;
        if (soc < socMinSeen[i]!) socMinSeen[i] = soc;
        if (soc > socMaxSeen[i]!) socMaxSeen[i] = soc;
        const atLimit = (batteries.limited[i]! & LIMITED_SOC) !== 0;
        const open = socLimitSinceS[i] === socLimitSinceS[i];
        if (atLimit && !open) {
          socLimitSinceS[i] = tS;
          socLimitEvents[i]++;
          const high = batteries.inverterPowerW[i]! >= 0 && soc > 0.5 * (batteries.socMin[i]! + batteries.socMax[i]!);
          event(ids[i]!, "battery_soc_limit", soc, `${ids[i]}: ${high ? `full (socMax ${batteries.socMax[i]}): charging` : `empty (socMin ${batteries.socMin[i]}): discharging`} cut to ${acW.toFixed(0)} W`);
        } else if (!atLimit && open) {
          closeSocLimit(i, tS);
        }
        if (cols !== undefined) {
          const r = row * n + i;
          cols.t[r] = tS;
          cols.battery[r] = i;
          cols.power[r] = acW;
          cols.setpoint[r] = batteries.setpointW[i]!;
          cols.soc[r] = soc;
        }
      }
      publish(k);
      return pccW;
    },
    emit(out, ticks) {
      if (cols === undefined) return;
      out.push({ table: STORAGE_SERIES.name, runId, length: ticks * n, columns: [cols.t, cols.battery, cols.power, cols.setpoint, cols.soc] });
      cols = take();
    },
    release(chunk) {
      if (chunk.table !== STORAGE_SERIES.name) return false;
      const c = chunk.columns;
      if ((c[0] as Float64Array).length === rows) {
        free.push({ t: c[0] as Float64Array, battery: c[1] as Int32Array, power: c[2] as Float64Array, setpoint: c[3] as Float64Array, soc: c[4] as Float64Array });
      }
      return true;
    },
    finish() {
      const endS = scenario.ticks * dtS;
      for (let i = 0; i < n; i++) if (socLimitSinceS[i] === socLimitSinceS[i]) closeSocLimit(i, endS);
      if (scenario.ticks % degradationTicks !== 0) updateBatteryDegradation(degradation);
    },
    netEnergyWh() {
      let wh = 0;
      for (let i = 0; i < n; i++) wh += external[i] ? extEnergyWh[i]! : batteries.chargedWh[i]! - batteries.dischargedWh[i]! + batteries.auxWh[i]!;
      return wh;
    },
    kpis() {
      const out: KpiRow[] = [];
      for (let i = 0; i < n; i++) {
        const name = (metric: string) => `battery_${ids[i]!.replaceAll("-", "_")}_${metric}`;
        const row = (metric: string, value: number, unit: string) => out.push({ name: name(metric), value, unit });
        if (external[i]) {
          // A real device: only what it reported (its model never ran).
          row("external", 1, "count");
          row("net_energy", extEnergyWh[i]!, "Wh");
          row("soc_min", socMinSeen[i]!, "fraction");
          row("soc_max", socMaxSeen[i]!, "fraction");
          row("soc_final", device!.read(ext[i]!.soc), "fraction");
          continue;
        }
        const f = batteryFigures(batteries, i);
        row("charged_energy", batteries.chargedWh[i]!, "Wh");
        row("discharged_energy", batteries.dischargedWh[i]!, "Wh");
        row("aux_energy", batteries.auxWh[i]!, "Wh");
        row("loss_energy", f.lossWh, "Wh");
        row("stored_energy_change", f.storedChangeWh, "Wh");
        row("energy_balance_error", f.balanceErrorWh, "Wh");
        row("throughput", f.throughputWh, "Wh");
        row("equivalent_full_cycles", f.equivalentFullCycles, "count");
        row("round_trip_efficiency", f.roundTripEff, "fraction");
        row("round_trip_efficiency_with_aux", f.roundTripEffWithAux, "fraction");
        row("soc_min", socMinSeen[i]!, "fraction");
        row("soc_max", socMaxSeen[i]!, "fraction");
        row("soc_final", batteries.socFrac[i]!, "fraction");
        row("soc_limit_events", socLimitEvents[i]!, "count");
        row("soc_limit_time", socLimitTimeS[i]!, "s");
        row("limited_time", batteries.limitedTicks[i]! * dtS, "s");
        row("capacity_fade", 1 - degradation.capacityFrac[i]!, "fraction");
        row("capacity_fade_calendar", degradation.qLossCal[i]!, "fraction");
        row("capacity_fade_cycle", degradation.qLossCyc[i]!, "fraction");
        row("degradation_dod", degradation.dodFrac[i]!, "fraction");
      }
      return out;
    },
  };
}
