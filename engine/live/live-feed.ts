import type { Chunk, ColumnData } from "../sinks/sink.js";
import { rackName } from "../scenario/rack-selection.js";
import { DECISIONS, EVENTS, GRID_SERIES, HEAT_SERIES, RACK_THERMAL_SERIES, SITE_SERIES, STORAGE_SERIES, THERMAL_SERIES } from "../tables.js";
import type { TableSpec } from "../sinks/sink.js";
import { createBucketStream, type BucketStats, type BucketStream } from "./bucket-stream.js";

/**
 * The live view's data: the result chunks of a running simulation turned, as they arrive, into the
 * rows the report's charts draw (the same datasets and columns as engine/report/load-report-data.ts,
 * bucketed the same way), kept for pages that connect later and handed to `onRows` for those
 * connected. Costs one pass over each chunk's few columns; nothing is copied per tick.
 */
export interface LiveFeedOptions {
  runId: string;
  horizonS: number;
  /** Bucket of the power, storage and frequency envelopes, s (the report's level 0). */
  bucketS: number;
  /** Frames of the rack heat map over the horizon (the report's 48). */
  frames?: number;
  /** Racks per row of the hall (rack names: index 14 with 12 per row is B3). */
  racksPerRow: number;
  onRows: (dataset: string, rows: Record<string, unknown>[]) => void;
}

export interface LiveFeed {
  /** Reads a chunk (before the engine reuses its buffers). */
  consume(chunk: Chunk): void;
  /** Hands over the open buckets (end of the run). */
  flush(): void;
  /** Every row so far, by dataset (what a page that connects now starts from). */
  snapshot(): Record<string, Record<string, unknown>[]>;
}

const MW = (w: number) => (Number.isFinite(w) ? Math.round(w / 100) / 1e4 : null);
const C2 = (c: number) => (Number.isFinite(c) ? Math.round(c * 100) / 100 : null);
const S = (s: number) => Math.round(s * 1e6) / 1e6;

function column(spec: TableSpec, chunk: Chunk, name: string): ColumnData {
  const i = spec.columns.findIndex((c) => c.name === name);
  if (i < 0) throw new Error(`live feed: ${spec.name} has no column ${name}`);
  return chunk.columns[i]!;
}

export function createLiveFeed(o: LiveFeedOptions): LiveFeed {
  const frames = o.frames ?? 48;
  const kept: Record<string, Record<string, unknown>[]> = {};
  const pending: Record<string, Record<string, unknown>[]> = {};
  const add = (dataset: string, row: Record<string, unknown>) => {
    (kept[dataset] ??= []).push(row);
    (pending[dataset] ??= []).push(row);
  };
  const send = () => {
    for (const [dataset, rows] of Object.entries(pending)) if (rows.length > 0) o.onRows(dataset, rows.splice(0));
  };
  const runId = o.runId;
  const bucketS = o.bucketS;

  const power = createBucketStream(bucketS, 2, (b: BucketStats) =>
    add("power", { run_id: runId, level: 0, t_s: S(b.tS), bucket_s: bucketS, pcc_min_mw: MW(b.min[0]!), pcc_max_mw: MW(b.max[0]!), pcc_mean_mw: MW(b.mean[0]!), it_mean_mw: MW(b.mean[1]!) }),
  );
  const storage = createBucketStream(bucketS, 2, (b) =>
    add("storage", { run_id: runId, battery: b.key, t_s: S(b.tS), power_min_mw: MW(b.min[0]!), power_max_mw: MW(b.max[0]!), power_mean_mw: MW(b.mean[0]!), soc_pct: Number.isFinite(b.mean[1]!) ? Math.round(b.mean[1]! * 10000) / 100 : null }),
  );
  const r4 = (x: number) => (Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : null);
  const frequency = createBucketStream(bucketS, 1, (b) =>
    add("frequency", { run_id: runId, t_s: S(b.tS), frequency_min_hz: r4(b.min[0]!), frequency_max_hz: r4(b.max[0]!), frequency_mean_hz: r4(b.mean[0]!) }),
  );
  const THERMAL = ["warm_supply_c", "warm_return_c", "chilled_supply_c", "chilled_return_c", "inlet_max_c", "gpu_max_c", "dry_bulb_c"];
  const thermal = createBucketStream(bucketS, THERMAL.length + 2, (b) => {
    const row: Record<string, unknown> = { run_id: runId, t_s: S(b.tS) };
    THERMAL.forEach((name, i) => (row[name] = name.endsWith("max_c") ? C2(b.max[i]!) : C2(b.mean[i]!)));
    row.it_heat_mw = MW(b.mean[THERMAL.length]!);
    row.cooling_power_mw = MW(b.mean[THERMAL.length + 1]!);
    add("thermal", row);
  });
  const HEAT = ["demand_w", "delivered_w", "heat_recovered_w", "hp_power_w"];
  const heat = createBucketStream(bucketS, HEAT.length, (b) => {
    const row: Record<string, unknown> = { run_id: runId, t_s: S(b.tS) };
    HEAT.forEach((name, i) => (row[name.replace(/_w$/, "_mw")] = MW(b.mean[i]!)));
    add("heat", row);
  });
  const frameS = o.horizonS / frames;
  let racks: BucketStream | undefined;
  const racksStream = () =>
    (racks ??= createBucketStream(frameS, 2, (b) => {
      const id = rackName(b.key, o.racksPerRow);
      const frame = Math.min(frames - 1, Math.round(b.tS / frameS));
      add("racks", { run_id: runId, frame, t_s: S(b.tS), rack_id: id, row_id: id.replace(/[0-9]+$/, ""), position: Number(/([0-9]+)$/.exec(id)?.[1] ?? b.key), inlet_c: C2(b.mean[0]!), gpu_c: C2(b.mean[1]!) });
    }));

  /** Events and decisions, counted per lane and bucket as reports/timeline.sql does. */
  const timeline = (category: string, t: Float64Array, lanes: string[], texts: string[], length: number) => {
    const groups = new Map<string, { t_s: number; count: number; first_s: number; first_text: string; lane: string }>();
    for (let i = 0; i < length; i++) {
      const bucket = Math.floor(t[i]! / bucketS);
      const id = `${lanes[i]}\u0000${bucket}`;
      const g = groups.get(id);
      if (g === undefined) groups.set(id, { t_s: S(bucket * bucketS), count: 1, first_s: S(t[i]!), first_text: texts[i]!, lane: lanes[i]! });
      else if (++g.count && t[i]! < g.first_s) [g.first_s, g.first_text] = [S(t[i]!), texts[i]!];
    }
    for (const g of groups.values()) add("timeline", { run_id: runId, category, ...g });
  };

  return {
    consume(chunk: Chunk): void {
      const n = chunk.length;
      switch (chunk.table) {
        case SITE_SERIES.name: {
          const t = column(SITE_SERIES, chunk, "t_s") as Float64Array;
          const pcc = column(SITE_SERIES, chunk, "pcc_power_w") as Float64Array;
          const it = column(SITE_SERIES, chunk, "it_power_w") as Float64Array;
          power.addRows(undefined, t, [pcc, it], n);
          break;
        }
        case STORAGE_SERIES.name: {
          const t = column(STORAGE_SERIES, chunk, "t_s") as Float64Array;
          const battery = column(STORAGE_SERIES, chunk, "battery") as Int32Array;
          const p = column(STORAGE_SERIES, chunk, "power_w") as Float64Array;
          const soc = column(STORAGE_SERIES, chunk, "soc") as Float64Array;
          storage.addRows(battery, t, [p, soc], n);
          break;
        }
        case GRID_SERIES.name: {
          const t = column(GRID_SERIES, chunk, "t_s") as Float64Array;
          const f = column(GRID_SERIES, chunk, "frequency_hz") as Float64Array;
          frequency.addRows(undefined, t, [f], n);
          break;
        }
        case THERMAL_SERIES.name: {
          const t = column(THERMAL_SERIES, chunk, "t_s") as Float64Array;
          const cols = [...THERMAL, "it_heat_w", "cooling_power_w"].map((name) => column(THERMAL_SERIES, chunk, name) as Float64Array | Float32Array);
          thermal.addRows(undefined, t, cols, n);
          break;
        }
        case HEAT_SERIES.name: {
          const t = column(HEAT_SERIES, chunk, "t_s") as Float64Array;
          const cols = HEAT.map((name) => column(HEAT_SERIES, chunk, name) as Float64Array);
          heat.addRows(undefined, t, cols, n);
          break;
        }
        case RACK_THERMAL_SERIES.name: {
          const t = column(RACK_THERMAL_SERIES, chunk, "t_s") as Float64Array;
          const rack = column(RACK_THERMAL_SERIES, chunk, "rack") as Int32Array;
          const inlet = column(RACK_THERMAL_SERIES, chunk, "inlet_c") as Float32Array;
          const gpu = column(RACK_THERMAL_SERIES, chunk, "gpu_c") as Float32Array;
          racksStream().addRows(rack, t, [inlet, gpu], n);
          break;
        }
        case EVENTS.name: {
          const source = column(EVENTS, chunk, "source") as string[];
          const kind = column(EVENTS, chunk, "kind") as string[];
          timeline("event", column(EVENTS, chunk, "t_s") as Float64Array, source.slice(0, n).map((s, i) => `${s} ${kind[i]}`), column(EVENTS, chunk, "detail") as string[], n);
          break;
        }
        case DECISIONS.name: {
          const controller = column(DECISIONS, chunk, "controller") as string[];
          const action = column(DECISIONS, chunk, "action") as string[];
          timeline("decision", column(DECISIONS, chunk, "t_s") as Float64Array, controller.slice(0, n).map((c, i) => `${c} ${action[i]}`), column(DECISIONS, chunk, "reason") as string[], n);
          break;
        }
        default:
          return;
      }
      send();
    },
    flush(): void {
      power.flush();
      storage.flush();
      frequency.flush();
      thermal.flush();
      heat.flush();
      racks?.flush();
      send();
    },
    snapshot(): Record<string, Record<string, unknown>[]> {
      return Object.fromEntries(Object.entries(kept).map(([name, rows]) => [name, rows.slice()]));
    },
  };
}
