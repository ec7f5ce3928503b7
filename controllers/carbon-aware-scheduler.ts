import type { Controller, ControllerContext, DecisionAlternative, DecisionConstraint } from "../engine/controller.js";
import type { PlantPort } from "../engine/port.js";
import { UserError } from "../models/lib/errors.js";

/**
 * Carbon- and price-aware job scheduling: decides when each job runs (start, defer, pause, resume,
 * reject) from the price and carbon forecasts on the port (48 h by default), each job's constraints
 * (earliest start, deadline, deferral window, urgency, carbon cap, maximum price) and the grid
 * connection's headroom, minimising cost, carbon or a weighted sum. It sees jobs only through their
 * points (`job.<id>.*`, engine/plant/site-jobs.ts) and commands them through `job.<id>.command`.
 *
 * The plan, per job, at every planning slot (the shortest period of the price and carbon signals)
 * and whenever a job becomes ready:
 * - Run time needed: remaining GPU-hours ÷ GPUs × (1 + margin).
 * - Slots up to the deadline (the current one from now to its end), each with its price and carbon:
 *   the measured value for the current period, the forecast after it (the last forecast value
 *   beyond the forecast's horizon). A slot above the job's carbon cap or maximum price is used only
 *   when the deadline cannot be met without it, the least far above its caps first (a cap is a
 *   constraint before the objective).
 * - flexible jobs (may be paused): the best slots by the objective until the run time is covered;
 *   normal jobs (run to the end once started): the best contiguous window; both starting no later
 *   than the deferral window allows. Urgent jobs start at once.
 * - The job runs now when the plan uses the current slot; otherwise it is deferred, and the reason
 *   is the constraint that excluded the current slot (carbon cap, maximum price, grid stress above
 *   stressLimit) or, when none did, the objective's part that makes later slots better (carbon or
 *   price). A start that would take the PCC above importLimit waits (queued) for headroom.
 * - A job whose run time no longer fits before its deadline is rejected with the figures, before it
 *   starts; a started one runs on (the audit says the deadline will be missed).
 *
 * Every change of a job's command is an audit decision (subject `job:<id>`) with the inputs (slot,
 * work left, run time, slack, forecast minimum and mean), the constraints evaluated, the
 * alternatives (start now and run through, the plan chosen, the lowest-cost and the lowest-carbon
 * plans) with their predicted cost and carbon, and the predicted saving against starting now.
 */
export interface CarbonAwareSchedulerParams {
  id: string;
  /** Job ids, or ["all"]. */
  jobs: readonly string[];
  objective: "cost" | "carbon" | "weighted";
  /** Weighted objective: share of cost (the rest is carbon), each normalised by its mean over the horizon. */
  costWeight: number;
  horizonH: number;
  marginFrac: number;
  stressLimitFrac: number;
  /** Largest PCC import, W (Infinity: none). */
  importLimitW: number;
}

const CMD_HOLD = 0;
const CMD_RUN = 1;
const CMD_REJECT = 2;
const CMD_DEFER_CARBON = 3;
const CMD_DEFER_PRICE = 4;
const CMD_DEFER_STRESS = 5;
const STATE_PENDING = 0;
const STATE_RUNNING = 2;
const STATE_COMPLETED = 3;
const STATE_FAILED = 4;
const STATE_REJECTED = 8;
const URGENT = 2;
const FLEXIBLE = 0;

interface JobPoints {
  id: string;
  command: number;
  state: number;
  remainingGpuH: number;
  gpus: number;
  earliestStartS: number;
  deadlineS: number;
  deferralEndS: number;
  urgency: number;
  carbonCap: number;
  maxPrice: number;
  powerW: number;
  /** Last command written (-1: none). */
  written: number;
  lastState: number;
  started: boolean;
}

interface Plan {
  /** Seconds run in each slot. */
  runS: Float64Array;
  cost: number;
  carbonKg: number;
  /** Seconds in slots above a cap. */
  cappedS: number;
  feasible: boolean;
  firstSlot: number;
}

export function createCarbonAwareScheduler(p: CarbonAwareSchedulerParams): Controller {
  const jobs: JobPoints[] = [];
  let hPrice = -1;
  let hCarbon = -1;
  let hStress = -1;
  let hPcc = -1;
  let fPrice = -1;
  let fCarbon = -1;
  let pricePeriodS = Infinity;
  let carbonPeriodS = Infinity;
  let slotS = 0;
  let slots = 0;
  let priceBuf = new Float64Array(0);
  let carbonBuf = new Float64Array(0);
  let slotPrice = new Float64Array(0);
  let slotCarbon = new Float64Array(0);
  let slotCap = new Float64Array(0);
  let lastSlot = -1;
  let decisions = 0;

  const has = (port: PlantPort, name: string) => port.points.some((x) => x.name === name && x.kind === "measurement");

  /** Fills slotPrice / slotCarbon for the slots from the current one on. */
  const fillSlots = (port: PlantPort, tS: number) => {
    const slotStartS = Math.floor(tS / slotS + 1e-9) * slotS;
    const fill = (h: number, f: number, periodS: number, buf: Float64Array, out: Float64Array) => {
      if (h < 0) {
        out.fill(0);
        return;
      }
      const now = port.read(h);
      const n = f >= 0 ? port.forecasts!.read(f, p.horizonH, buf) : 0;
      const current = Math.floor(tS / periodS + 1e-9);
      for (let j = 0; j < slots; j++) {
        const idx = Math.floor((slotStartS + j * slotS) / periodS + 1e-9) - current;
        out[j] = idx <= 0 || n === 0 ? now : buf[Math.min(idx, n) - 1]!;
      }
    };
    fill(hPrice, fPrice, pricePeriodS, priceBuf, slotPrice);
    fill(hCarbon, fCarbon, carbonPeriodS, carbonBuf, slotCarbon);
    return slotStartS;
  };

  const mean = (a: Float64Array, n: number) => {
    let s = 0;
    for (let j = 0; j < n; j++) s += a[j]!;
    return n > 0 ? s / n : 0;
  };

  /**
   * A plan for `needS` seconds of running from now, slots [0, usable), by `objective`: the best
   * slots (preemptible) or the best contiguous window starting by `startByS`.
   */
  const plan = (job: JobPoints, tS: number, slotStartS: number, needS: number, objective: "cost" | "carbon" | "weighted", preemptible: boolean, startByS: number): Plan => {
    const usable = Math.min(slots, Math.max(0, Math.ceil((job.deadlineS - slotStartS) / slotS - 1e-9)));
    const cap = (j: number) => slotStartS + (j + 1) * slotS <= tS ? 0 : Math.max(0, Math.min(slotStartS + (j + 1) * slotS, job.deadlineS) - Math.max(slotStartS + j * slotS, tS));
    const meanPrice = mean(slotPrice, usable) || 1;
    const meanCarbon = mean(slotCarbon, usable) || 1;
    const score = (j: number) => (objective === "cost" ? slotPrice[j]! : objective === "carbon" ? slotCarbon[j]! : (p.costWeight * slotPrice[j]!) / meanPrice + ((1 - p.costWeight) * slotCarbon[j]!) / meanCarbon);
    const capped = (j: number) => excess(j) > 0;
    // How far a slot is above the job's caps (relative): capped slots are used least-violating first.
    function excess(j: number): number {
      const c = job.carbonCap === job.carbonCap ? Math.max(0, slotCarbon[j]! / job.carbonCap - 1) : 0;
      const m = job.maxPrice === job.maxPrice ? Math.max(0, (slotPrice[j]! - job.maxPrice) / (Math.abs(job.maxPrice) || 1)) : 0;
      return c + m;
    }
    for (let j = 0; j < slots; j++) slotCap[j] = j < usable ? cap(j) : 0;
    const runS = new Float64Array(slots);
    let total = 0;
    for (let j = 0; j < usable; j++) total += slotCap[j]!;
    const result: Plan = { runS, cost: 0, carbonKg: 0, cappedS: 0, feasible: total >= needS - 1e-6, firstSlot: -1 };
    if (!result.feasible) return result;
    if (preemptible) {
      const order = Array.from({ length: usable }, (_, j) => j).filter((j) => slotCap[j]! > 0);
      order.sort((a, b) => excess(a) - excess(b) || score(a) - score(b) || a - b);
      let left = needS;
      for (const j of order) {
        if (left <= 1e-9) break;
        const take = Math.min(left, slotCap[j]!);
        runS[j] = take;
        left -= take;
      }
      // The deferral window: the first slot must start by startByS; else start now.
      let first = 0;
      while (first < usable && runS[first] === 0) first++;
      if (first > 0 && slotStartS + first * slotS > startByS + 1e-9) {
        // Move the last-chosen (worst) run time to the current slot.
        let give = Math.min(slotCap[0]!, needS);
        for (let k = order.length - 1; k >= 0 && give > 1e-9; k--) {
          const j = order[k]!;
          const take = Math.min(runS[j]!, give);
          runS[j] -= take;
          give -= take;
          runS[0] += take;
        }
      }
    } else {
      // Contiguous windows starting at now or at a later slot's start, ending by the deadline.
      let best = -1;
      let bestCapped = Infinity;
      let bestScore = Infinity;
      for (let s = 0; s < usable; s++) {
        const startS = s === 0 ? tS : slotStartS + s * slotS;
        if (startS > startByS + 1e-9 && s > 0) break;
        if (startS + needS > job.deadlineS + 1e-6) break;
        let left = needS;
        let sc = 0;
        let cs = 0;
        for (let j = s; j < usable && left > 1e-9; j++) {
          const take = Math.min(left, slotCap[j]!);
          sc += take * score(j);
          cs += take * excess(j);
          left -= take;
        }
        if (left > 1e-6) continue;
        if (cs < bestCapped - 1e-6 || (Math.abs(cs - bestCapped) <= 1e-6 && sc < bestScore - 1e-9)) {
          best = s;
          bestCapped = cs;
          bestScore = sc;
        }
      }
      if (best < 0) {
        result.feasible = false;
        return result;
      }
      let left = needS;
      for (let j = best; j < usable && left > 1e-9; j++) {
        const take = Math.min(left, slotCap[j]!);
        runS[j] = take;
        left -= take;
      }
    }
    for (let j = 0; j < slots; j++) {
      const s = runS[j]!;
      if (s <= 0) continue;
      if (result.firstSlot < 0) result.firstSlot = j;
      const mwh = (job.powerW * s) / 3.6e9;
      result.cost += mwh * slotPrice[j]!;
      result.carbonKg += mwh * slotCarbon[j]!; // MWh × gCO2/kWh = kg
      if (capped(j)) result.cappedS += s;
    }
    return result;
  };

  const write = (port: PlantPort, job: JobPoints, command: number) => {
    job.written = command;
    port.write(job.command, command);
  };

  const decideJob = (port: PlantPort, ctx: ControllerContext, job: JobPoints, slotStartS: number) => {
    const tS = ctx.tS;
    const state = port.read(job.state);
    const remainingGpuH = port.read(job.remainingGpuH);
    if (!(remainingGpuH > 0)) return; // done: the jobs stage completes it
    const needS = ((remainingGpuH / job.gpus) * 3600 * (1 + p.marginFrac));
    const preemptible = job.urgency === FLEXIBLE;
    const running = state === STATE_RUNNING || state === STATE_FAILED;
    const usable = Math.min(slots, Math.max(0, Math.ceil((job.deadlineS - slotStartS) / slotS - 1e-9)));
    const fc = (a: Float64Array) => {
      let min = Infinity;
      for (let j = 0; j < usable; j++) if (a[j]! < min) min = a[j]!;
      return { min: usable > 0 ? min : Number.NaN, mean: mean(a, usable) };
    };
    const carbonFc = fc(slotCarbon);
    const priceFc = fc(slotPrice);
    const slackH = (job.deadlineS - tS - needS) / 3600;
    const inputs = {
      slotStartS,
      remainingGpuH,
      runTimeH: needS / 3600,
      slackH,
      [`carbon.min${p.horizonH}h`]: carbonFc.min,
      [`carbon.mean${p.horizonH}h`]: carbonFc.mean,
      [`price.min${p.horizonH}h`]: priceFc.min,
      [`price.mean${p.horizonH}h`]: priceFc.mean,
      jobPowerW: job.powerW,
    };
    const startByS = running ? Infinity : job.deferralEndS;
    const now = plan(job, tS, slotStartS, needS, p.objective, false, tS); // start now and run through
    const chosen = job.urgency === URGENT && !running ? now : plan(job, tS, slotStartS, needS, p.objective, preemptible, startByS);
    const byCost = plan(job, tS, slotStartS, needS, "cost", preemptible, startByS);
    const byCarbon = plan(job, tS, slotStartS, needS, "carbon", preemptible, startByS);
    const stress = hStress >= 0 ? port.read(hStress) : 0;
    const pcc = hPcc >= 0 ? port.read(hPcc) : 0;
    const headroomOk = running || pcc + job.powerW <= p.importLimitW;
    const carbonOk = !(job.carbonCap === job.carbonCap && slotCarbon[0]! > job.carbonCap);
    const priceOk = !(job.maxPrice === job.maxPrice && slotPrice[0]! > job.maxPrice);
    const stressOk = !(stress > p.stressLimitFrac);
    const constraints: DecisionConstraint[] = [
      { name: "earliest start", ok: tS >= job.earliestStartS - 1e-9, detail: `${job.earliestStartS} s` },
      { name: "deadline", ok: now.feasible, detail: `needs ${(needS / 3600).toFixed(3)} h, ${((job.deadlineS - tS) / 3600).toFixed(3)} h left` },
      { name: "deferral window", ok: running || tS <= job.deferralEndS + 1e-9, detail: `start by ${job.deferralEndS} s` },
      { name: "carbon cap", ok: carbonOk, detail: job.carbonCap === job.carbonCap ? `${fmt(slotCarbon[0]!)} vs cap ${job.carbonCap} gCO2/kWh now; ${chosen.cappedS.toFixed(0)} s of the plan above a cap` : "none" },
      { name: "maximum price", ok: priceOk, detail: job.maxPrice === job.maxPrice ? `${fmt(slotPrice[0]!)} vs ${job.maxPrice} per MWh now` : "none" },
      { name: "grid stress", ok: stressOk, detail: hStress >= 0 ? `${stress} vs limit ${p.stressLimitFrac}` : "no stress signal" },
      { name: "headroom", ok: headroomOk, detail: p.importLimitW < Infinity ? `PCC ${Math.round(pcc)} W + job ${Math.round(job.powerW)} W vs ${p.importLimitW} W` : "no import limit" },
    ];
    const alt = (option: string, x: Plan, isChosen: boolean): DecisionAlternative => ({ option, cost: x.cost, carbonKg: x.carbonKg, chosen: isChosen, note: x.feasible ? `first slot ${x.firstSlot}, ${x.cappedS.toFixed(0)} s above a cap` : "infeasible" });
    const alternatives = [alt("start now, run through", now, false), alt(`plan (${p.objective})`, chosen, true), alt("lowest-cost plan", byCost, false), alt("lowest-carbon plan", byCarbon, false)];

    let command: number;
    let action: string;
    let reason: string;
    if (!chosen.feasible && !running) {
      command = CMD_REJECT;
      action = "reject";
      reason = `infeasible: needs ${(needS / 3600).toFixed(2)} h of running (${remainingGpuH.toFixed(1)} GPU-h on ${job.gpus} GPUs, margin ${p.marginFrac}) but ${((job.deadlineS - tS) / 3600).toFixed(2)} h are left before the deadline`;
    } else if (!chosen.feasible && running) {
      command = CMD_RUN;
      action = "run_late";
      reason = `the deadline can no longer be met (${(needS / 3600).toFixed(2)} h needed, ${((job.deadlineS - tS) / 3600).toFixed(2)} h left): running on`;
    } else if (job.urgency === URGENT || chosen.runS[0]! > 0) {
      if (!running && !headroomOk) {
        command = CMD_HOLD;
        action = "wait_headroom";
        reason = `would start, but the PCC (${Math.round(pcc)} W) plus the job (${Math.round(job.powerW)} W) exceeds the import limit ${p.importLimitW} W`;
      } else if (!running && !stressOk && job.urgency !== URGENT && (chosen.feasible && slackH > slotS / 3600)) {
        command = CMD_DEFER_STRESS;
        action = "defer";
        reason = `grid stress ${stress} above ${p.stressLimitFrac}: deferred while the deadline leaves ${slackH.toFixed(2)} h of slack`;
      } else {
        command = CMD_RUN;
        action = running ? "continue" : job.started ? "resume" : "start";
        reason = job.urgency === URGENT ? "urgent: started at its earliest start" : `the ${p.objective} plan uses the current slot (price ${fmt(slotPrice[0]!)}, carbon ${fmt(slotCarbon[0]!)}): ${(needS / 3600).toFixed(2)} h to run, predicted ${chosen.cost.toFixed(2)} in cost and ${chosen.carbonKg.toFixed(1)} kg CO2 against ${now.cost.toFixed(2)} and ${now.carbonKg.toFixed(1)} starting now`;
      }
    } else {
      // Deferred: say why the current slot is not used.
      if (!carbonOk) command = CMD_DEFER_CARBON;
      else if (!priceOk) command = CMD_DEFER_PRICE;
      else if (!stressOk) command = CMD_DEFER_STRESS;
      else if (p.objective === "carbon") command = CMD_DEFER_CARBON;
      else if (p.objective === "cost") command = CMD_DEFER_PRICE;
      else {
        const priceGain = (slotPrice[0]! - priceFc.mean) / (Math.abs(priceFc.mean) || 1);
        const carbonGain = (slotCarbon[0]! - carbonFc.mean) / (carbonFc.mean || 1);
        command = p.costWeight * priceGain >= (1 - p.costWeight) * carbonGain ? CMD_DEFER_PRICE : CMD_DEFER_CARBON;
      }
      action = running ? "pause" : "defer";
      const why = command === CMD_DEFER_CARBON ? (carbonOk ? `carbon now ${fmt(slotCarbon[0]!)} g/kWh, the ${p.objective} plan is better later` : `carbon now ${fmt(slotCarbon[0]!)} g/kWh above the cap ${job.carbonCap}`) : command === CMD_DEFER_PRICE ? (priceOk ? `price now ${fmt(slotPrice[0]!)}, the ${p.objective} plan is better later` : `price now ${fmt(slotPrice[0]!)} above the maximum ${job.maxPrice}`) : `grid stress ${stress} above ${p.stressLimitFrac}`;
      reason = `${why}: first slot ${chosen.firstSlot} (t = ${slotStartS + chosen.firstSlot * slotS} s), predicted ${chosen.cost.toFixed(2)} in cost and ${chosen.carbonKg.toFixed(1)} kg CO2 against ${now.cost.toFixed(2)} and ${now.carbonKg.toFixed(1)} starting now; ${slackH.toFixed(2)} h of slack`;
    }
    // A normal job runs to the end once started.
    if (running && job.urgency !== FLEXIBLE && command !== CMD_RUN) return;
    if (command === job.written) return;
    if (command === CMD_RUN && job.written === CMD_RUN) return;
    write(port, job, command);
    if (command === CMD_RUN) job.started = true;
    decisions++;
    ctx.decide(action, command, reason, {
      type: action,
      subject: `job:${job.id}`,
      inputs,
      constraints,
      alternatives,
      savingCost: now.feasible && chosen.feasible ? now.cost - chosen.cost : Number.NaN,
      savingCarbonKg: now.feasible && chosen.feasible ? now.carbonKg - chosen.carbonKg : Number.NaN,
    });
  };

  return {
    id: p.id,
    start(port, ctx) {
      const known: string[] = [];
      for (const point of port.points) {
        const m = /^job\.([a-z][a-z0-9-]*)\.command$/.exec(point.name);
        if (m && point.kind === "setpoint") known.push(m[1]!);
      }
      const ids = p.jobs.length === 1 && p.jobs[0] === "all" ? known : p.jobs;
      for (const id of ids) {
        if (!known.includes(id)) throw new UserError(`controller ${p.id}: job "${id}" is not on the port; expected one of ${known.join(", ") || "(no jobs)"}`);
        const m = (name: string) => port.measurement(`job.${id}.${name}`);
        jobs.push({
          id,
          command: port.setpoint(`job.${id}.command`),
          state: m("state"),
          remainingGpuH: m("remainingGpuH"),
          gpus: port.read(m("gpus")),
          earliestStartS: port.read(m("earliestStartS")),
          deadlineS: port.read(m("deadlineS")),
          deferralEndS: port.read(m("deferralEndS")),
          urgency: port.read(m("urgency")),
          carbonCap: port.read(m("carbonCapGPerKWh")),
          maxPrice: port.read(m("maxPricePerMWh")),
          powerW: port.read(m("powerW")),
          written: -1,
          lastState: -1,
          started: false,
        });
      }
      const priceName = ["grid.priceGbpPerMWh", "grid.priceEurPerMWh"].find((n) => has(port, n));
      if (priceName !== undefined) hPrice = port.measurement(priceName);
      if (has(port, "grid.carbonGPerKWh")) hCarbon = port.measurement("grid.carbonGPerKWh");
      if (has(port, "grid.stressFrac")) hStress = port.measurement("grid.stressFrac");
      if (has(port, "pcc.powerW")) hPcc = port.measurement("pcc.powerW");
      if (hPrice < 0 && hCarbon < 0) throw new UserError(`controller ${p.id}: needs a price or a carbon signal on the port (signals.port)`);
      const f = port.forecasts;
      if (f !== undefined && priceName !== undefined && f.names.includes(priceName)) {
        fPrice = f.handle(priceName);
        pricePeriodS = f.periodS(fPrice);
      }
      if (f !== undefined && f.names.includes("grid.carbonGPerKWh")) {
        fCarbon = f.handle("grid.carbonGPerKWh");
        carbonPeriodS = f.periodS(fCarbon);
      }
      if (fPrice < 0 && fCarbon < 0) throw new UserError(`controller ${p.id}: needs forecasts of price or carbon on the port`);
      slotS = Math.min(pricePeriodS, carbonPeriodS);
      slots = Math.ceil((p.horizonH * 3600) / slotS) + 1;
      priceBuf = new Float64Array(Math.ceil((p.horizonH * 3600) / Math.min(pricePeriodS, 1e12)) + 1);
      carbonBuf = new Float64Array(Math.ceil((p.horizonH * 3600) / Math.min(carbonPeriodS, 1e12)) + 1);
      slotPrice = new Float64Array(slots);
      slotCarbon = new Float64Array(slots);
      slotCap = new Float64Array(slots);
      ctx.decide("enable_scheduler", jobs.length, `${jobs.length} jobs (${jobs.map((j) => j.id).join(", ")}); objective ${p.objective}${p.objective === "weighted" ? ` (cost ${p.costWeight}, carbon ${1 - p.costWeight})` : ""}; ${slotS} s slots over ${p.horizonH} h of forecasts`, { type: "mode" });
    },
    step(port, ctx) {
      const slot = Math.floor(ctx.tS / slotS + 1e-9);
      const newSlot = slot !== lastSlot;
      let filled = false;
      let slotStartS = 0;
      for (const job of jobs) {
        const state = port.read(job.state);
        const changed = state !== job.lastState;
        job.lastState = state;
        if (state === STATE_PENDING || state === STATE_COMPLETED || state === STATE_REJECTED) continue;
        if (!newSlot && !changed) continue;
        if ((state === STATE_RUNNING || state === STATE_FAILED) && job.urgency !== FLEXIBLE && job.written === CMD_RUN) continue;
        if (!filled) {
          slotStartS = fillSlots(port, ctx.tS);
          filled = true;
        }
        decideJob(port, ctx, job, slotStartS);
      }
      lastSlot = slot;
    },
    finish(_port, ctx) {
      ctx.decide("final", decisions, `${decisions} job decisions`, { type: "mode" });
    },
    kpis: () => [{ name: `${p.id}_decisions`, value: decisions, unit: "count" }],
  };
}

const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));
