import { unknownName, UserError } from "../models/lib/errors.js";
import { QUALITY_OK, type ForecastReader, type PlantPort, type PointSpec, type Quality } from "./port.js";

/**
 * The sim port: a PlantPort over engine state. The plant publishes measurements at the end of each
 * tick; a controller stepping at tick k therefore reads tick k−1. Writes are clamped to the point's
 * bounds and queued; they take effect at tick k + latency when the engine calls `applyDue(k)`,
 * which hands each due value to the point's actuator callback. Allocation-free after setup.
 */
export interface SimPort extends PlantPort {
  /** Declares a measurement; returns its handle. */
  addMeasurement(spec: Omit<PointSpec, "kind">): number;
  /** Declares a setpoint and the actuator that applies its value to the plant. */
  addSetpoint(spec: Omit<PointSpec, "kind">, actuate: (value: number) => void): number;
  /** Plant side: sets a measurement's value for tick k, with its quality (default ok). */
  publish(handle: number, value: number, k: number, quality?: Quality): void;
  /** Plant side: attaches the forecasts of the signal points (engine/signals/grid-signals.ts). */
  setForecasts(forecasts: ForecastReader): void;
  /** Sets the latency (ticks) of writes made from now on (per controller). */
  setLatencyTicks(ticks: number): void;
  /** Starts tick k: writes made from now on are stamped with k. */
  beginTick(k: number): void;
  /** Applies every queued write due at or before tick k, through the setpoints' actuators. */
  applyDue(k: number): void;
  /** Writes clamped to a bound so far, per setpoint name. */
  clampedWrites(): Map<string, number>;
}

const QUEUE_CAPACITY = 1 << 14;

export function createSimPort(dtS: number): SimPort {
  const points: PointSpec[] = [];
  const measurementIndex = new Map<string, number>();
  const setpointIndex = new Map<string, number>();
  let measValue: Float64Array<ArrayBuffer> = new Float64Array(16);
  let measK: Float64Array<ArrayBuffer> = new Float64Array(16);
  // Quality per measurement: ok unless the plant says otherwise (a live signal feed lagging behind).
  let measQuality: Uint8Array<ArrayBuffer> = new Uint8Array(16);
  const setpointSpecs: PointSpec[] = [];
  const actuators: ((value: number) => void)[] = [];
  let commandedValue: Float64Array<ArrayBuffer> = new Float64Array(16);
  let clampCount: Float64Array<ArrayBuffer> = new Float64Array(16);
  // Pending writes: a ring of (dueK, handle, value).
  const dueK = new Float64Array(QUEUE_CAPACITY);
  const dueHandle = new Int32Array(QUEUE_CAPACITY);
  const dueValue = new Float64Array(QUEUE_CAPACITY);
  let head = 0;
  let count = 0;
  let currentK = 0;
  let latencyTicks = 0;

  const grow = (a: Float64Array, n: number): Float64Array<ArrayBuffer> => {
    if (n <= a.length) return a as Float64Array<ArrayBuffer>;
    const b = new Float64Array(Math.max(n, a.length * 2));
    b.set(a);
    return b;
  };

  const port: SimPort = {
    points,
    addMeasurement(spec) {
      if (measurementIndex.has(spec.name)) throw new UserError(`measurement point "${spec.name}" is declared twice`);
      const handle = measurementIndex.size;
      measurementIndex.set(spec.name, handle);
      points.push({ ...spec, kind: "measurement" });
      measValue = grow(measValue, handle + 1);
      measK = grow(measK, handle + 1);
      if (handle >= measQuality.length) {
        const q = new Uint8Array(measQuality.length * 2);
        q.set(measQuality);
        measQuality = q;
      }
      measValue[handle] = spec.initial;
      measK[handle] = -1;
      return handle;
    },
    addSetpoint(spec, actuate) {
      if (setpointIndex.has(spec.name)) throw new UserError(`setpoint "${spec.name}" is declared twice`);
      const handle = setpointIndex.size;
      setpointIndex.set(spec.name, handle);
      const full: PointSpec = { ...spec, kind: "setpoint" };
      points.push(full);
      setpointSpecs.push(full);
      actuators.push(actuate);
      commandedValue = grow(commandedValue, handle + 1);
      clampCount = grow(clampCount, handle + 1);
      commandedValue[handle] = spec.initial;
      return handle;
    },
    measurement(name) {
      const handle = measurementIndex.get(name);
      if (handle === undefined) throw unknownName("measurement point", name, [...measurementIndex.keys()]);
      return handle;
    },
    setpoint(name) {
      const handle = setpointIndex.get(name);
      if (handle === undefined) throw unknownName("setpoint", name, [...setpointIndex.keys()]);
      return handle;
    },
    read: (handle) => measValue[handle]!,
    quality: (handle): Quality => measQuality[handle]! as Quality,
    ageS: (handle) => (measK[handle]! < 0 ? Infinity : (currentK - measK[handle]!) * dtS),
    write(handle, value) {
      const spec = setpointSpecs[handle]!;
      let v = value;
      if (Number.isNaN(v)) throw new UserError(`setpoint "${spec.name}": a controller wrote NaN`);
      if (spec.min !== undefined && v < spec.min) v = spec.min;
      if (spec.max !== undefined && v > spec.max) v = spec.max;
      if (v !== value) clampCount[handle]!++;
      commandedValue[handle] = v;
      if (count === QUEUE_CAPACITY) throw new UserError(`more than ${QUEUE_CAPACITY} setpoint writes pending: a controller writes faster than its latency drains`);
      const slot = (head + count) & (QUEUE_CAPACITY - 1);
      dueK[slot] = currentK + latencyTicks;
      dueHandle[slot] = handle;
      dueValue[slot] = v;
      count++;
    },
    commanded: (handle) => commandedValue[handle]!,
    publish(handle, value, k, quality = QUALITY_OK) {
      measValue[handle] = value;
      measK[handle] = k;
      measQuality[handle] = quality;
    },
    setForecasts(forecasts) {
      (port as { forecasts?: ForecastReader }).forecasts = forecasts;
    },
    setLatencyTicks(ticks) {
      latencyTicks = ticks;
    },
    beginTick(k) {
      currentK = k;
    },
    applyDue(k) {
      // Writes are queued in time order per latency; scan all pending so mixed latencies work too.
      let kept = 0;
      const n = count;
      for (let i = 0; i < n; i++) {
        const slot = (head + i) & (QUEUE_CAPACITY - 1);
        if (dueK[slot]! <= k) {
          actuators[dueHandle[slot]!]!(dueValue[slot]!);
        } else {
          const to = (head + kept) & (QUEUE_CAPACITY - 1);
          dueK[to] = dueK[slot]!;
          dueHandle[to] = dueHandle[slot]!;
          dueValue[to] = dueValue[slot]!;
          kept++;
        }
      }
      count = kept;
    },
    clampedWrites() {
      const out = new Map<string, number>();
      setpointSpecs.forEach((spec, handle) => {
        if (clampCount[handle]! > 0) out.set(spec.name, clampCount[handle]!);
      });
      return out;
    },
  };
  return port;
}
