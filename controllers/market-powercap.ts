import type { Controller, ControllerContext, DecisionAlternative } from "../engine/controller.js";
import type { PlantPort } from "../engine/port.js";
import { UserError } from "../models/lib/errors.js";

/**
 * Market-driven power capping: once per market period it maps a grid signal (the price, the carbon
 * intensity, grid stress, or any measurement on the port, such as a renewable volume) to a GPU
 * power cap between capMin and capMax by the rule of three, holds each cap for at least
 * `stabilisation`, and applies it to GPU groups (`gpu.<group>.capW`, per GPU, a fraction of each
 * group's power limit).
 *
 *   x   = (signal − signalLow) ÷ (signalHigh − signalLow), clamped to [0, 1]
 *   cap = capMax − x × (capMax − capMin)   direction inverse (high price or carbon → low cap)
 *   cap = capMin + x × (capMax − capMin)   direction direct  (high renewable volume → high cap)
 *
 * The calculation runs at the first step of each market period (periods counted from t = 0, the
 * scenario's startTime, as the signals' are), where the port already shows the new period's value.
 * A new cap is applied only when the last change is at least `stabilisation` old (else the cap in
 * force holds, and the audit says so); it is then ramped linearly over `rampTime` (a cap step on a
 * hall is a step of MWs at the grid connection). A signal without a value (NaN: a live feed that
 * has given none) holds the cap in force.
 *
 * Every calculation is an audit decision (type `cap`, subject `cap:<groups>`): the period, the
 * signal, the computed and the applied cap, the stabilisation constraint, and the alternatives
 * (applied cap, uncapped, the cap held) with their predicted cost and carbon over the period. The
 * prediction scales the groups' mean power of the last period by new cap ÷ old cap (the model's
 * sustained compute power is proportional to the cap); a period without history assumes every GPU
 * at its cap.
 */
export interface MarketPowercapParams {
  id: string;
  groups: readonly string[];
  /** price, carbon, stress, or a measurement point name. */
  signal: string;
  signalLow: number;
  signalHigh: number;
  direction: "inverse" | "direct";
  /** Fractions of the GPU power limit. */
  capMinFrac: number;
  capMaxFrac: number;
  marketPeriodS: number;
  stabilisationS: number;
  rampTimeS: number;
}

const SIGNAL_POINTS: Record<string, readonly string[]> = {
  price: ["grid.priceGbpPerMWh", "grid.priceEurPerMWh"],
  carbon: ["grid.carbonGPerKWh"],
  stress: ["grid.stressFrac"],
};

/** The rule of three: the cap fraction for a signal value (NaN for NaN). Exported for tests and docs. */
export function capForSignal(p: Pick<MarketPowercapParams, "signalLow" | "signalHigh" | "direction" | "capMinFrac" | "capMaxFrac">, signal: number): number {
  if (Number.isNaN(signal)) return Number.NaN;
  let x = (signal - p.signalLow) / (p.signalHigh - p.signalLow);
  x = x < 0 ? 0 : x > 1 ? 1 : x;
  const span = p.capMaxFrac - p.capMinFrac;
  return p.direction === "inverse" ? p.capMaxFrac - x * span : p.capMinFrac + x * span;
}

export function createMarketPowercap(p: MarketPowercapParams): Controller {
  const n = p.groups.length;
  const capHandles = new Int32Array(n);
  const powerHandles = new Int32Array(n);
  const gpusHandles = new Int32Array(n);
  const limitW = new Float64Array(n);
  let hSignal = -1;
  let signalName = "";
  let hPrice = -1;
  let hCarbon = -1;
  const subject = `cap:${p.groups.join(",")}`;

  let period = -1;
  /** Cap in force (the target of the ramp), fraction of the limit. */
  let capFrac = p.capMaxFrac;
  let rampFromFrac = p.capMaxFrac;
  let rampStartS = 0;
  let lastChangeS = Number.NEGATIVE_INFINITY;
  // Mean GPU power of the groups over the current period, W (for the next prediction), and the cap it ran at.
  let powerSumW = 0;
  let powerSteps = 0;
  let periodCapFrac = Number.NaN;
  let changes = 0;
  let held = 0;
  let writtenFrac = Number.NaN;

  const writeCaps = (port: PlantPort, frac: number) => {
    for (let i = 0; i < n; i++) port.write(capHandles[i]!, frac * limitW[i]!);
  };
  /** Cap being written at time tS (the ramp toward capFrac). */
  const rampedFrac = (tS: number) => {
    if (p.rampTimeS <= 0 || tS - rampStartS >= p.rampTimeS) return capFrac;
    return rampFromFrac + ((capFrac - rampFromFrac) * (tS - rampStartS)) / p.rampTimeS;
  };

  const decidePeriod = (port: PlantPort, ctx: ControllerContext) => {
    const signal = port.read(hSignal);
    const wanted = capForSignal(p, signal);
    const sinceChangeS = ctx.tS - lastChangeS;
    const stable = sinceChangeS >= p.stabilisationS - 1e-9;
    const previousFrac = capFrac;
    let action: string;
    let reason: string;
    if (Number.isNaN(wanted)) {
      action = "hold_cap";
      reason = `no ${signalName} value (quality ${port.quality(hSignal)}): the cap in force holds`;
      held++;
    } else if (Math.abs(wanted - capFrac) < 1e-12) {
      action = "keep_cap";
      reason = `${signalName} ${fmt(signal)} → cap ${pct(wanted)}, the cap in force`;
    } else if (!stable) {
      action = "hold_cap";
      reason = `${signalName} ${fmt(signal)} → cap ${pct(wanted)}, but the cap in force (${pct(capFrac)}) has held only ${fmt(sinceChangeS)} s of the ${fmt(p.stabilisationS)} s stabilisation`;
      held++;
    } else {
      action = "set_cap";
      reason = `${signalName} ${fmt(signal)} in [${fmt(p.signalLow)}, ${fmt(p.signalHigh)}] (${p.direction}) → cap ${pct(wanted)} of the GPU power limit`;
      rampFromFrac = rampedFrac(ctx.tS);
      capFrac = wanted;
      rampStartS = ctx.tS;
      lastChangeS = ctx.tS;
      changes++;
    }
    // Predicted cost and carbon of the period at a cap: last period's mean power scaled by the cap.
    const hours = p.marketPeriodS / 3600;
    const price = hPrice >= 0 ? port.read(hPrice) : Number.NaN;
    const carbon = hCarbon >= 0 ? port.read(hCarbon) : Number.NaN;
    let gpus = 0;
    let capW = 0;
    for (let i = 0; i < n; i++) {
      const g = port.read(gpusHandles[i]!);
      gpus += g;
      capW += g * limitW[i]!;
    }
    const meanW = powerSteps > 0 ? powerSumW / powerSteps : Number.NaN;
    const powerAt = (frac: number) => (Number.isNaN(meanW) || !(periodCapFrac > 0) ? capW * frac : (meanW * Math.min(frac, 1)) / periodCapFrac);
    const alternative = (option: string, frac: number, chosen: boolean): DecisionAlternative => {
      const mwh = (powerAt(frac) * hours) / 1e6;
      return { option, cost: mwh * price, carbonKg: mwh * carbon, chosen };
    };
    const alternatives = [alternative(`cap ${pct(capFrac)}`, capFrac, true), alternative(`uncapped (${pct(p.capMaxFrac)})`, p.capMaxFrac, false)];
    if (!Number.isNaN(wanted) && wanted !== capFrac) alternatives.push(alternative(`cap ${pct(wanted)} now`, wanted, false));
    const uncapped = alternatives[1]!;
    const chosen = alternatives[0]!;
    ctx.decide(action, capFrac, reason, {
      type: "cap",
      subject,
      inputs: { period, signal: signalName, signalValue: signal, computedCapFrac: wanted, previousCapFrac: previousFrac, gpus, meanGpuPowerLastPeriodW: meanW },
      constraints: [
        { name: "stabilisation", ok: stable, detail: `${fmt(Math.min(sinceChangeS, 1e12))} s since the last change, ${fmt(p.stabilisationS)} s required` },
        { name: "cap range", ok: true, detail: `[${pct(p.capMinFrac)}, ${pct(p.capMaxFrac)}] of the limit` },
      ],
      alternatives,
      savingCost: uncapped.cost! - chosen.cost!,
      savingCarbonKg: uncapped.carbonKg! - chosen.carbonKg!,
    });
    powerSumW = 0;
    powerSteps = 0;
    periodCapFrac = capFrac;
  };

  return {
    id: p.id,
    start(port, ctx) {
      const candidates = SIGNAL_POINTS[p.signal] ?? [p.signal];
      const found = candidates.find((name) => port.points.some((x) => x.name === name && x.kind === "measurement"));
      if (found === undefined) {
        throw new UserError(`controller ${p.id}: signal "${p.signal}" is not on the port (${candidates.join(" or ")}); price, carbon and stress need signals.port in the scenario`);
      }
      signalName = found;
      hSignal = port.measurement(found);
      const has = (name: string) => port.points.some((x) => x.name === name && x.kind === "measurement");
      const priceName = SIGNAL_POINTS.price!.find(has);
      if (priceName !== undefined) hPrice = port.measurement(priceName);
      if (has("grid.carbonGPerKWh")) hCarbon = port.measurement("grid.carbonGPerKWh");
      p.groups.forEach((group, i) => {
        const name = `gpu.${group}.capW`;
        capHandles[i] = port.setpoint(name);
        limitW[i] = port.points.find((x) => x.name === name)!.max!;
        powerHandles[i] = port.measurement(`gpu.${group}.powerW`);
        gpusHandles[i] = port.measurement(`gpu.${group}.gpus`);
      });
      ctx.decide("enable_market_powercap", p.capMaxFrac, `${signalName} in [${fmt(p.signalLow)}, ${fmt(p.signalHigh)}] → cap from ${pct(p.direction === "inverse" ? p.capMaxFrac : p.capMinFrac)} to ${pct(p.direction === "inverse" ? p.capMinFrac : p.capMaxFrac)} (${p.direction}), every ${fmt(p.marketPeriodS)} s, held at least ${fmt(p.stabilisationS)} s, ramped over ${fmt(p.rampTimeS)} s`, { type: "mode", subject });
    },
    step(port, ctx) {
      // Market period of this step (float noise in k × dt never moves it: periods are whole ticks).
      const current = Math.floor((ctx.tS + 0.5 * ctx.dtS) / p.marketPeriodS);
      if (current !== period) {
        period = current;
        decidePeriod(port, ctx);
      }
      let w = 0;
      for (let i = 0; i < n; i++) w += port.read(powerHandles[i]!) * port.read(gpusHandles[i]!);
      powerSumW += w;
      powerSteps++;
      const frac = rampedFrac(ctx.tS);
      if (frac !== writtenFrac) {
        writeCaps(port, frac);
        writtenFrac = frac;
      }
    },
    finish(_port, ctx) {
      ctx.decide("final_cap", capFrac, `${changes} cap changes, ${held} periods held by stabilisation or a missing signal`, { type: "mode", subject });
    },
    kpis: () => [
      { name: `${p.id}_cap_changes`, value: changes, unit: "count" },
      { name: `${p.id}_cap_holds`, value: held, unit: "count" },
    ],
  };
}

const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toPrecision(4).replace(/\.?0+$/, ""));
const pct = (frac: number) => `${fmt(Math.round(frac * 1e4) / 100)} %`;
