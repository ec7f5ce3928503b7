/**
 * A discrete PID controller in velocity (incremental) form, as building-automation and process
 * controllers implement it (Åström & Hägglund, "Advanced PID Control", 2006, §3.5 [R]):
 *
 *   e_k  = sign·(setpoint − y_k)            (sign +1 reverse acting, −1 direct acting)
 *   Δu_k = kp·(e_k − e_{k−1}) + ki·e_k·dt − kd·sign·(y_k − 2·y_{k−1} + y_{k−2})/dt
 *   u_k  = clamp(u_{k−1} + clamp(Δu_k, ±rate·dt), min, max)
 *
 * Properties that follow from the form, each tested:
 * - anti-windup: the state is the (clamped) output itself, so nothing accumulates while the output
 *   sits at a limit; it leaves the limit on the first step the error changes sign;
 * - rate limit: u_k − u_{k−1} ≤ rate·dt and ≥ −fallRate·dt (actuator protection: valves, VFDs,
 *   chillers; fallRate defaults to rate, a faster fall lets a supply setpoint cut quickly and rise slowly);
 * - bumpless: `trackPid` sets the output to a value applied from elsewhere (manual mode, another
 *   controller winning a min / max selection, start-up from the current setpoint), and the next step
 *   continues from it without a jump;
 * - derivative on the measurement, not the error: no kick when the setpoint moves;
 * - optional first-order filter of the measurement (time constant filterS; y_f += (y − y_f)·dt/(filterS + dt)),
 *   as process controllers apply to noisy process values: a GPU temperature that swings with every
 *   training iteration would otherwise drive rate-limited, biased increments.
 * Allocation-free; `direct` acting means the output rises when the measurement rises above the
 * setpoint (a fan on a temperature), reverse acting the opposite (a supply setpoint on a temperature).
 */
export interface PidParams {
  /** Proportional gain, output units per measurement unit. */
  kp: number;
  /** Integral gain, output units per measurement unit per second. */
  ki: number;
  /** Derivative gain, output units per (measurement unit per second); default 0. */
  kd?: number;
  outMin: number;
  outMax: number;
  /** Largest output rise per second (Infinity: none). */
  ratePerS: number;
  /** Largest output fall per second (default: ratePerS). */
  fallRatePerS?: number;
  /** True: output rises with the measurement (cooling actuator); false: output falls. */
  direct: boolean;
  /** Measurement filter time constant, s (0: none). */
  filterS?: number;
}

export interface Pid {
  readonly p: Readonly<Required<PidParams>>;
  output: number;
  /** Error and measurements of the previous steps (NaN before the first). */
  prevError: number;
  prevY: number;
  prevPrevY: number;
  /** True when the last step ended at a limit (output bound or rate). */
  saturated: boolean;
  /** Filtered measurement (NaN before the first step). */
  filtered: number;
}

export function createPid(params: PidParams, initialOutput: number): Pid {
  if (!(params.outMax >= params.outMin)) throw new RangeError(`createPid: outMax (${params.outMax}) below outMin (${params.outMin})`);
  if (!(params.ratePerS > 0)) throw new RangeError(`createPid: ratePerS must be > 0, got ${params.ratePerS}`);
  if (params.fallRatePerS !== undefined && !(params.fallRatePerS > 0)) throw new RangeError(`createPid: fallRatePerS must be > 0, got ${params.fallRatePerS}`);
  const p = { kd: 0, filterS: 0, fallRatePerS: params.ratePerS, ...params };
  return { p, output: clamp(initialOutput, p.outMin, p.outMax), prevError: NaN, prevY: NaN, prevPrevY: NaN, saturated: false, filtered: NaN };
}

/** One step of dtS seconds with `setpoint` and measurement `y`; returns the new output. A NaN measurement holds the output. */
export function stepPid(pid: Pid, setpoint: number, yRaw: number, dtS: number): number {
  if (Number.isNaN(yRaw) || !(dtS > 0)) return pid.output;
  const { kp, ki, kd, outMin, outMax, ratePerS, fallRatePerS, direct, filterS } = pid.p;
  const y = filterS > 0 && !Number.isNaN(pid.filtered) ? pid.filtered + ((yRaw - pid.filtered) * dtS) / (filterS + dtS) : yRaw;
  pid.filtered = y;
  const sign = direct ? -1 : 1;
  const e = sign * (setpoint - y);
  let du = ki * e * dtS;
  if (!Number.isNaN(pid.prevError)) du += kp * (e - pid.prevError);
  if (kd !== 0 && !Number.isNaN(pid.prevPrevY)) du -= (kd * sign * (y - 2 * pid.prevY + pid.prevPrevY)) / dtS;
  const maxRise = ratePerS * dtS;
  const maxFall = fallRatePerS * dtS;
  let saturated = false;
  if (du > maxRise) { du = maxRise; saturated = true; }
  else if (du < -maxFall) { du = -maxFall; saturated = true; }
  let u = pid.output + du;
  if (u > outMax) { u = outMax; saturated = true; }
  else if (u < outMin) { u = outMin; saturated = true; }
  pid.output = u;
  pid.saturated = saturated;
  pid.prevError = e;
  pid.prevPrevY = pid.prevY;
  pid.prevY = y;
  return u;
}

/** Bumpless transfer: makes `value` (clamped to the limits) the output the next step starts from. */
export function trackPid(pid: Pid, value: number): void {
  pid.output = clamp(value, pid.p.outMin, pid.p.outMax);
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
