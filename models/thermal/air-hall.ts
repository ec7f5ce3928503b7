import { stepSpeedFrac } from "./affinity.js";
import { crahSupplyC, type CrahParams } from "./crah.js";
import { AIR } from "./fluids.js";

/**
 * The hall's air side, as a structure of arrays: racks (index r; any rack's air share of heat,
 * air-cooled racks all of it), rows (index j; one hot-aisle air volume per row) and CRAH units
 * (index u; each serves one row, in-row or ducted).
 *
 * - Row hot aisle: one well-mixed node with heat capacity C_row (air and what exchanges with it):
 *   C_row·dT_h/dt = Σ rack heat + Σ CRAH fan heat − Σ CRAH duty (the row's air leaves through its
 *   CRAHs at T_h and comes back at their supply temperature).
 * - CRAH: airflow ∝ fan speed, power ∝ speed³, supply air per crah.ts (setpoint, chilled-water
 *   limit, capacity), duty = ρ·cp·V̇·(T_h − T_supply) to the chilled water (`dutyW`).
 * - Rack inlet = supply + recirculation: each rack draws V_r = P / (ρ·cp·ΔT_r) (its servers' air
 *   rise, docs/physics-sources.md §5.3 [D]). The row's supply air is the airflow-weighted mean of its
 *   CRAHs' supply. When the racks draw more than the CRAHs supply, the deficit share
 *   d = 1 − V_supply / ΣV_r must come from the hot aisle; each rack also recirculates a positional
 *   share f_r (higher at row ends, where hot air wraps around the row). Effective hot-air share
 *   f = 1 − (1 − f_r)(1 − d), inlet T_in = T_supply + f·(T_h − T_supply), outlet T_in + ΔT_r.
 *   Hot spots therefore appear at row ends and in rows whose airflow is short.
 * Energy: Σ ∫rack heat dt + Σ ∫fan heat dt = Σ ∫dutyW dt + Δ(airHallStoredHeatJ), to rounding.
 *
 * Time: explicit substeps no longer than the shortest row time constant at rated airflow; inputs
 * held; temperatures at the end of the step (inlets and outlets from the end state); duties and
 * powers means over the step. Power sign: CRAH fans draw from the grid (positive).
 */
export interface AirHall {
  readonly rackCount: number;
  readonly rowCount: number;
  readonly crahCount: number;

  // Rack params, inputs and outputs.
  readonly rackRow: Int32Array;
  /** Positional recirculation share, 0..1. */
  readonly recircFrac: Float64Array;
  /** Air rise through the rack's servers, K. */
  readonly airRiseK: Float64Array;
  /** Heat the rack gives to the air, W (input; mean over the step). */
  readonly heatW: Float64Array;
  /** Inlet and outlet air, °C; airflow the rack draws, m³/s; effective hot-air share: end of step. */
  readonly inletC: Float64Array;
  readonly outletC: Float64Array;
  readonly rackAirflowM3s: Float64Array;
  readonly hotAirFrac: Float64Array;

  // Row params and state.
  readonly rowCapJpK: Float64Array;
  /** Hot-aisle (return) air, °C: end of step. */
  readonly hotAisleC: Float64Array;
  /** Supply air (airflow-weighted over the row's CRAHs; hot aisle when none blow), °C: end of step. */
  readonly rowSupplyC: Float64Array;
  /** Airflow supplied by the row's CRAHs and drawn by its racks, m³/s; deficit share d: end of step. */
  readonly rowSupplyM3s: Float64Array;
  readonly rowDemandM3s: Float64Array;
  readonly rowDeficitFrac: Float64Array;

  // CRAH params, inputs, outputs.
  readonly crahRow: Int32Array;
  readonly crahAirWpK: Float64Array;
  readonly crahRatedAirflowM3s: Float64Array;
  readonly crahFanPowerRatedW: Float64Array;
  readonly crahFanHeatFrac: Float64Array;
  readonly crahFanRampFracPerS: Float64Array;
  readonly crahParams: readonly CrahParams[];
  /** Supply air setpoint, °C; fan speed command, 0..1 (actuators). */
  readonly crahSupplySetC: Float64Array;
  readonly crahFanSpeedCmd: Float64Array;
  /** Chilled water at the coil, °C (from a facility loop). */
  readonly crahChwC: Float64Array;
  /** 1 while the unit has failed (fans stop, no cooling), else 0. */
  readonly crahFailed: Float64Array;
  readonly crahFanSpeedFrac: Float64Array;
  /** Supply air, °C, and airflow, m³/s: end of step. */
  readonly crahSupplyC: Float64Array;
  readonly crahAirflowM3s: Float64Array;
  /** Coil duty (heat to the chilled water) and fan power, W: means over the step. */
  readonly crahDutyW: Float64Array;
  readonly crahFanPowerW: Float64Array;

  readonly maxSubstepS: number;
  /** Scratch: per row, rack heat (W) of the step and energy change of a substep (J); per CRAH, duty and fan energy (J). */
  readonly scratchRowHeatW: Float64Array;
  readonly scratchRowJ: Float64Array;
  readonly scratchCrahDutyJ: Float64Array;
  readonly scratchCrahFanJ: Float64Array;
}

/** One rack on the air side. */
export interface AirRackSpec {
  row: number;
  recircFrac: number;
  airRiseK: number;
}

/** One CRAH unit and the row it serves. */
export interface CrahSpec extends CrahParams {
  row: number;
}

/**
 * Hot-aisle heat capacity of a 12-rack row, J/K: 200 m³ of air (hot aisle ~26 m³ plus its share of
 * the return path, doubled for ducts and surfaces that follow the air): an assumption.
 */
export const ROW_AIR_CAP_JPK = 200 * AIR.densityKgM3 * AIR.cpJpKgK;

/**
 * Positional recirculation share of rack `position` (0-based) in a row of `racksInRow`: 0.15 at
 * the two ends, 0.08 next to them, 0.03 inside (assumptions shaped on the usual CFD finding that hot
 * air wraps around row ends [R]).
 */
export function rowEndRecircFrac(position: number, racksInRow: number): number {
  const fromEnd = Math.min(position, racksInRow - 1 - position);
  return fromEnd <= 0 ? 0.15 : fromEnd === 1 ? 0.08 : 0.03;
}

/**
 * Allocates the air side: racks, `rowCapJpK.length` rows, CRAHs. Every temperature at `initialC`
 * (°C), CRAH setpoints `initialC`, fans commanded to full speed and running, chilled water at
 * `initialC` − 6, no heat. Throws a RangeError when a rack or CRAH names a missing row.
 */
export function createAirHall(racks: readonly AirRackSpec[], rowCapJpK: readonly number[], crahs: readonly CrahSpec[], initialC = 20): AirHall {
  const n = racks.length;
  const m = rowCapJpK.length;
  const k = crahs.length;
  const fn = (): Float64Array => new Float64Array(n);
  const fm = (): Float64Array => new Float64Array(m);
  const fk = (): Float64Array => new Float64Array(k);
  const s = {
    rackCount: n, rowCount: m, crahCount: k,
    rackRow: new Int32Array(n), recircFrac: fn(), airRiseK: fn(), heatW: fn(), inletC: fn(), outletC: fn(), rackAirflowM3s: fn(), hotAirFrac: fn(),
    rowCapJpK: Float64Array.from(rowCapJpK), hotAisleC: fm(), rowSupplyC: fm(), rowSupplyM3s: fm(), rowDemandM3s: fm(), rowDeficitFrac: fm(),
    crahRow: new Int32Array(k), crahAirWpK: fk(), crahRatedAirflowM3s: fk(), crahFanPowerRatedW: fk(), crahFanHeatFrac: fk(), crahFanRampFracPerS: fk(),
    crahParams: crahs.map((c) => c as CrahParams),
    crahSupplySetC: fk(), crahFanSpeedCmd: fk(), crahChwC: fk(), crahFailed: fk(), crahFanSpeedFrac: fk(),
    crahSupplyC: fk(), crahAirflowM3s: fk(), crahDutyW: fk(), crahFanPowerW: fk(),
    maxSubstepS: Infinity,
    scratchRowHeatW: fm(), scratchRowJ: fm(), scratchCrahDutyJ: fk(), scratchCrahFanJ: fk(),
  };
  for (let r = 0; r < n; r++) {
    const p = racks[r];
    if (!Number.isInteger(p.row) || p.row < 0 || p.row >= m) throw new RangeError(`createAirHall: rack ${r} names row ${p.row}, outside 0..${m - 1}`);
    if (!(p.airRiseK > 0)) throw new RangeError(`createAirHall: rack ${r} needs airRiseK > 0, got ${p.airRiseK}`);
    s.rackRow[r] = p.row;
    s.recircFrac[r] = p.recircFrac > 0 ? (p.recircFrac < 1 ? p.recircFrac : 1) : 0;
    s.airRiseK[r] = p.airRiseK;
    s.inletC[r] = initialC;
    s.outletC[r] = initialC;
  }
  const rowAirWpK = new Float64Array(m);
  for (let u = 0; u < k; u++) {
    const p = crahs[u];
    if (!Number.isInteger(p.row) || p.row < 0 || p.row >= m) throw new RangeError(`createAirHall: CRAH ${u} names row ${p.row}, outside 0..${m - 1}`);
    s.crahRow[u] = p.row;
    s.crahAirWpK[u] = AIR.densityKgM3 * AIR.cpJpKgK * p.ratedAirflowM3s;
    s.crahRatedAirflowM3s[u] = p.ratedAirflowM3s;
    s.crahFanPowerRatedW[u] = p.ratedFanPowerW;
    s.crahFanHeatFrac[u] = p.fanHeatFrac;
    s.crahFanRampFracPerS[u] = p.fanRampFracPerS;
    s.crahSupplySetC[u] = initialC;
    s.crahFanSpeedCmd[u] = 1;
    s.crahChwC[u] = initialC - 6;
    s.crahFanSpeedFrac[u] = 1;
    s.crahSupplyC[u] = initialC;
    s.crahAirflowM3s[u] = p.ratedAirflowM3s;
    rowAirWpK[p.row] += s.crahAirWpK[u];
  }
  let maxSubstepS = Infinity;
  for (let j = 0; j < m; j++) {
    if (!(rowCapJpK[j] > 0)) throw new RangeError(`createAirHall: row ${j} needs a positive heat capacity, got ${rowCapJpK[j]}`);
    s.hotAisleC[j] = initialC;
    s.rowSupplyC[j] = initialC;
    const tauS = rowAirWpK[j] > 0 ? rowCapJpK[j] / rowAirWpK[j] : Infinity;
    if (tauS < maxSubstepS) maxSubstepS = tauS;
  }
  s.maxSubstepS = maxSubstepS;
  return s;
}

/**
 * Advances the air side by dtS seconds (allocation-free), in ceil(dtS / maxSubstepS) equal substeps:
 * per substep h, each CRAH's fan speed (ramp, or stop when failed), airflow, supply air (crahSupplyC
 * on its row's hot aisle), duty and fan heat; then each row's hot aisle
 * C_row·ΔT_h = (rack heat + fan heat − duty)·h. Afterwards, rows' supply and deficit and racks' inlet,
 * outlet and airflow from the end state. dtS ≤ 0 (or NaN) leaves the state unchanged.
 */
export function stepAirHall(state: AirHall, dtS: number): void {
  if (!(dtS > 0)) return;
  const n = state.rackCount;
  const m = state.rowCount;
  const k = state.crahCount;
  const substeps = state.maxSubstepS < dtS ? Math.ceil(dtS / state.maxSubstepS) : 1;
  const h = dtS / substeps;
  const { rackRow, recircFrac, airRiseK, heatW, inletC, outletC, rackAirflowM3s, hotAirFrac } = state;
  const { rowCapJpK, hotAisleC, rowSupplyC, rowSupplyM3s, rowDemandM3s, rowDeficitFrac } = state;
  const { crahRow, crahAirWpK, crahRatedAirflowM3s, crahFanPowerRatedW, crahFanHeatFrac, crahFanRampFracPerS, crahParams } = state;
  const { crahSupplySetC, crahFanSpeedCmd, crahChwC, crahFailed, crahFanSpeedFrac, crahSupplyC: supC, crahAirflowM3s, crahDutyW, crahFanPowerW } = state;
  const { scratchRowHeatW: rowHeatW, scratchRowJ: rowJ, scratchCrahDutyJ: dutyJ, scratchCrahFanJ: fanJ } = state;

  for (let j = 0; j < m; j++) rowHeatW[j] = 0;
  for (let r = 0; r < n; r++) rowHeatW[rackRow[r]] += heatW[r];
  for (let u = 0; u < k; u++) { dutyJ[u] = 0; fanJ[u] = 0; }

  for (let step = 0; step < substeps; step++) {
    for (let j = 0; j < m; j++) rowJ[j] = rowHeatW[j] * h;
    for (let u = 0; u < k; u++) {
      const failed = crahFailed[u] > 0;
      const speed = stepSpeedFrac(crahFanSpeedFrac[u], crahFanSpeedCmd[u], crahFanRampFracPerS[u], failed ? 1 : 0, 0, h);
      crahFanSpeedFrac[u] = speed;
      const airWpK = crahAirWpK[u] * speed;
      const j = crahRow[u];
      const tRet = hotAisleC[j];
      const tSup = failed ? tRet : crahSupplyC(crahParams[u], crahSupplySetC[u], tRet, crahChwC[u], airWpK);
      supC[u] = tSup;
      const dW = airWpK * (tRet - tSup);
      const fanW = crahFanPowerRatedW[u] * speed * speed * speed;
      const fanHeatW = crahFanHeatFrac[u] * fanW;
      dutyJ[u] += dW * h;
      fanJ[u] += fanW * h;
      rowJ[j] += (fanHeatW - dW) * h;
    }
    for (let j = 0; j < m; j++) hotAisleC[j] += rowJ[j] / rowCapJpK[j];
  }

  // Outputs from the end state.
  for (let j = 0; j < m; j++) { rowSupplyM3s[j] = 0; rowSupplyC[j] = 0; rowDemandM3s[j] = 0; }
  for (let u = 0; u < k; u++) {
    const j = crahRow[u];
    const flow = crahRatedAirflowM3s[u] * crahFanSpeedFrac[u];
    crahAirflowM3s[u] = flow;
    const failed = crahFailed[u] > 0;
    supC[u] = failed ? hotAisleC[j] : crahSupplyC(crahParams[u], crahSupplySetC[u], hotAisleC[j], crahChwC[u], crahAirWpK[u] * crahFanSpeedFrac[u]);
    rowSupplyM3s[j] += flow;
    rowSupplyC[j] += flow * supC[u];
    crahDutyW[u] = dutyJ[u] / dtS;
    crahFanPowerW[u] = fanJ[u] / dtS;
  }
  const perM3sK = AIR.densityKgM3 * AIR.cpJpKgK;
  for (let r = 0; r < n; r++) {
    const q = heatW[r] > 0 ? heatW[r] : 0;
    const v = q / (perM3sK * airRiseK[r]);
    rackAirflowM3s[r] = v;
    rowDemandM3s[rackRow[r]] += v;
  }
  for (let j = 0; j < m; j++) {
    const supply = rowSupplyM3s[j];
    rowSupplyC[j] = supply > 0 ? rowSupplyC[j] / supply : hotAisleC[j];
    const demand = rowDemandM3s[j];
    rowDeficitFrac[j] = demand > supply ? 1 - supply / demand : 0;
  }
  for (let r = 0; r < n; r++) {
    const j = rackRow[r];
    const f = 1 - (1 - recircFrac[r]) * (1 - rowDeficitFrac[j]);
    hotAirFrac[r] = f;
    const tIn = rowSupplyC[j] + f * (hotAisleC[j] - rowSupplyC[j]);
    inletC[r] = tIn;
    outletC[r] = rackAirflowM3s[r] > 0 ? tIn + airRiseK[r] : tIn;
  }
}

/** Heat held by the rows' air relative to 0 °C, J: Σ C_row·T_h. */
export function airHallStoredHeatJ(state: AirHall): number {
  let sumJ = 0;
  for (let j = 0; j < state.rowCount; j++) sumJ += state.rowCapJpK[j] * state.hotAisleC[j];
  return sumJ;
}
