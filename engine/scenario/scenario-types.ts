/** A validated scenario with every quantity in SI units (seconds, watts, fractions, W/s, VA). */
export interface Scenario {
  name: string;
  description: string;
  seed: number;
  dtS: number;
  horizonS: number;
  /** Whole ticks in the horizon: horizonS / dtS. */
  ticks: number;
  hall: HallSpec;
  electrical: ElectricalSpec;
  /** Includes one workload per job (appended at load, id = the job's id). */
  workloads: WorkloadSpec[];
  /** Jobs with their racks resolved (explicit rack names). */
  jobs: JobSpec[];
  controllers: ControllerSpec[];
  grid?: GridSpec;
  storage?: StorageSpec;
  demandResponse?: DemandResponseSpec;
  heatReuse?: HeatReuseSpec;
  cooling?: CoolingSpec;
  /** UTC ISO time of t = 0 (for signals). */
  startTime?: string;
  signals: SignalsSpec;
  frequency?: FrequencySpec;
  outputs: OutputsSpec;
}

/** External signals: data for the cost and carbon KPIs and, with `port`, signals on the plant port. */
export interface SignalsSpec {
  price: "none" | "agile-2020" | "entsoe-de-2020";
  carbon: "none" | "gb-2020" | "gb-2022";
  port?: PortSignalsSpec;
}

/** Price, carbon and grid stress as port measurements (engine/signals/grid-signals.ts). */
export interface PortSignalsSpec {
  /** Period of the price signal, s: 900, 1800 or 3600. */
  marketPeriod: number;
  currency?: "GBP" | "EUR";
  /** Filled in from signals.price / signals.carbon (a dataset) when left out and that data is set. */
  price?: SignalSourceSpec;
  carbon?: SignalSourceSpec;
  stress?: SignalSourceSpec;
  recordForecasts: boolean;
}

export interface ForecastSpec {
  mode: "noisy" | "perfect" | "persistence";
  /** Relative error standard deviations at lead 0 and 24 h (fractions). */
  error0h: number;
  error24h: number;
  /** Longest lead, s. */
  horizon: number;
}

interface SignalSourceBase {
  /** Period of the signal, s (the price's is marketPeriod). */
  period?: number;
  forecast: ForecastSpec;
}

export type SignalSourceSpec =
  | (SignalSourceBase & { kind: "dataset" })
  | (SignalSourceBase & { kind: "synthetic"; mean: number; daily: number; dailyPeak: number; weekend: number; noise: number; noiseTime: number })
  | (SignalSourceBase & { kind: "static"; values: number[] })
  | (SignalSourceBase & { kind: "live"; url?: string; file?: string; format: "csv" | "json"; timeField: string; valueField: string });

export interface GridSpec {
  importCapacity?: number;
  rampLimit?: number;
  slowRampLimit?: number;
  swingLimit?: number;
  swingWindow: number;
}

/** Grid frequency and voltage at the PCC (engine/plant/site-frequency.ts). Fields left out take the preset's value. */
export interface FrequencySpec {
  source: "swing" | "trace";
  trace?: string;
  preset: "islanded-3x5mva" | "gb-200gvas";
  nominal?: number;
  inertia?: number;
  base?: number;
  loadDamping?: number;
  droop?: number;
  droopBase?: number;
  governorTime?: number;
  headroomUp?: number;
  headroomDown?: number;
  deadband?: number;
  secondaryTime: number;
  dispatch?: number;
  events: GridEventSpec[];
  operationalBand: number;
  statutoryBand: number;
  rocofWindow: number;
  rideThrough: RideThroughSpec;
}

export type GridEventSpec =
  | { kind: "generator-trip"; at: number; power: number }
  | { kind: "load-step"; at: number; power: number; duration?: number }
  | { kind: "voltage-sag"; at: number; depth: number; duration: number };

export interface RideThroughSpec {
  by: "ups" | "rack-bbu";
  sagTolerance: number;
  upsAutonomy: number;
  bbuHoldup: number;
  rechargeFrac?: number;
  dischargeEfficiency?: number;
  chargeEfficiency: number;
  initialSoc: number;
}

export interface DemandResponseSpec {
  events: DemandResponseEventSpec[];
  baselineWindow: number;
  settlementPeriod: number;
}

export interface DemandResponseEventSpec {
  id: string;
  start: number;
  duration: number;
  reduction: number;
  notice: number;
  responseTime: number;
}

export interface StorageSpec {
  batteries: BatterySpec[];
}

/** A site battery; fields left undefined take the preset's value (SI units: J, W, s, fractions, °C). */
export interface BatterySpec {
  id: string;
  preset: string;
  energy?: number;
  chargeMax?: number;
  dischargeMax?: number;
  socMin?: number;
  socMax?: number;
  socInitial?: number;
  chargeEfficiency?: number;
  dischargeEfficiency?: number;
  latency?: number;
  timeConstant?: number;
  aux?: number;
  selfDischarge?: number;
  cellTemperature: number;
  /** A real device in HIL mode (not simulated). */
  external: boolean;
}

export interface CoolingFailureSpec {
  at: number;
  kind: "cdu-pump-trip" | "chiller-failure" | "crah-failure";
  unit: string;
  duration?: number;
}

/** The cooling plant (temperatures in °C). */
export interface CoolingSpec {
  period: number;
  weather: "bedford-2022" | "constant";
  dryBulb: number;
  wetBulb: number;
  rejection: "dry-cooler" | "cooling-tower";
  liquid: { captureShare: number; presetShares: { preset: string; captureShare: number }[]; racksPerCdu: number; supplyTemp: number; pumpSpeed: number; facilitySupplyTemp: number; gpuLimit: number; gpuSlowdown: number };
  air: {
    crahs: number;
    supplyTemp: number;
    fanSpeed: number;
    chilledWaterTemp: number;
    envelope: "A1" | "A2" | "A3" | "A4";
    rows: { rows: string[]; crahs?: number; supplyTemp?: number; fanSpeed?: number }[];
  };
  failures: CoolingFailureSpec[];
  rackSeries: boolean;
}

export interface HallSpec {
  rows: number;
  racksPerRow: number;
  rackPreset: string;
  overrides: { racks: string[]; preset: string }[];
}

export interface EfficiencyPoint {
  load: number;
  efficiency: number;
}

export interface ElectricalSpec {
  psuCurve: EfficiencyPoint[];
  psuNoLoadLoss: number;
  buswayLossAtRated: number;
  buswayRated: number;
  upsModules: number;
  upsModuleRated: number;
  upsCurve: EfficiencyPoint[];
  upsNoLoadLoss: number;
  transformers: number;
  transformerRated: number;
  transformerNoLoadLoss: number;
  transformerLoadLoss: number;
  powerFactor: number;
  psuBuffer?: PsuBufferSpec;
}

/** The GPU / PSU energy buffer, per GPU, in SI units (J, W, s, fractions). */
export interface PsuBufferSpec {
  energy: number;
  powerMax: number;
  efficiency: number;
  smoothing: number;
  recovery: number;
  target: number;
}

export interface TrainingSpec {
  kind: "training";
  id: string;
  racks: string[];
  start: number;
  stop?: number;
  iterationPeriod: number;
  computeFraction: number;
  commUtil: number;
  checkpointInterval: number;
  checkpointDuration: number;
  startRamp: number;
  jitter: number;
  jitterCohorts: number;
  stragglerProbability: number;
  stragglerDelay: number;
  mtbf: number;
  restartTime: number;
}

export interface InferenceSpec {
  kind: "inference";
  id: string;
  racks: string[];
  source: "azure-conv" | "azure-code" | "diurnal";
  rateScale: number;
  meanRequestsPerS: number;
  peakToTrough: number;
  peakHour: number;
  contextTokensMean: number;
  generatedTokensMean: number;
  prefillTokensPerSPerGpu?: number;
  decodeTokensPerSPerGpu?: number;
  minUtil: number;
  replicas: number;
}

export interface DutyCycleSpec {
  kind: "duty-cycle";
  id: string;
  racks: string[];
  start: number;
  period: number;
  duty: number;
  high: number;
  low: number;
  phaseOffsetPerRack: number;
}

export interface SteadySpec {
  kind: "steady";
  id: string;
  racks: string[];
  util: number;
}

export interface JobSpec {
  id: string;
  kind: "training" | "fine-tuning" | "inference-batch" | "data-processing";
  /** Resolved at load: the rack names the job runs on. */
  racks: string[];
  gpus?: number;
  work: number;
  earliestStart: number;
  deadline: number;
  deferralWindow?: number;
  urgency: "urgent" | "normal" | "flexible";
  carbonCap?: number;
  maxPrice?: number;
  announce: number;
  iterationPeriod: number;
  computeFraction: number;
  checkpointInterval: number;
  checkpointDuration: number;
  mtbf: number;
  util: number;
  requestsPerGpuHour: number;
}

export type WorkloadSpec = TrainingSpec | InferenceSpec | DutyCycleSpec | SteadySpec;

export interface GpuSmoothingSpec {
  kind: "gpu-smoothing";
  id: string;
  groups: string[];
  period: number;
  actuationLatency: number;
  mode: "static" | "adaptive";
  floor: number;
  rampUp: number;
  rampDown: number;
  hold: number;
  targetSwing: number;
  window: number;
  floorMin: number;
  floorMax: number;
  floorStep: number;
  prepareFor: string[];
  prepareLead: number;
  prepareAfter: number;
}

export interface FrequencyResponseSpec {
  kind: "frequency-response";
  id: string;
  period: number;
  actuationLatency: number;
  service: "dynamic-containment" | "dynamic-moderation" | "dynamic-regulation" | "droop";
  lowContract: number;
  highContract: number;
  nominal: number;
  droop: number;
  droopDeadband: number;
  battery?: string;
  gpuGroups: string[];
  tolerance: number;
  deliveryTime: number;
  endurance: number;
}

export interface BatterySmoothingSpec {
  kind: "battery-smoothing";
  id: string;
  battery: string;
  period: number;
  actuationLatency: number;
  /** Filled from grid when left out (fromScenario); undefined = no limit. */
  rampLimit?: number;
  rampWindow: number;
  slowRampLimit?: number;
  slowRampWindow: number;
  swingLimit?: number;
  swingWindow?: number;
  enforce: string[];
  margin: number;
  allowance: number;
  confirm: number;
  referenceTime: number;
  referenceRate: number;
  socTarget: number;
  socBand: number;
  recoveryMax: number;
  prepareFor: string[];
  prepareLead: number;
  prepareSoc: number;
}

export interface DemandResponseControllerSpec {
  kind: "demand-response";
  id: string;
  period: number;
  actuationLatency: number;
  defer: string[];
  capGroups: string[];
  battery?: string;
  capMin: number;
  overDelivery: number;
  prepareSoc: number;
  socTarget: number;
  chargePower: number;
  release: number;
}

export interface HeatPumpDispatchSpec {
  kind: "heat-pump-dispatch";
  id: string;
  period: number;
  actuationLatency: number;
  /** K per K. */
  gain: number;
  /** s (0: no integral action). */
  resetTime: number;
  /** K. */
  band: number;
  stageDelay: number;
}


/** Heat reuse (engine/plant/site-heat.ts); temperatures °C, differences K, powers W, times s. */
export interface HeatReuseSpec {
  period: number;
  boundary: "inside" | "outside";
  exchanger: { ratedDuty: number; approach: number; range: number };
  heatPumps: {
    units: number;
    capacity: number;
    minPartLoad: number;
    carnotFraction: number;
    pinch: number;
    maxSupply: number;
    minSourceOut: number;
  };
  network: {
    houses: number;
    smoothing: number;
    supplyTarget: number;
    supplyMin: number;
    targetTolerance: number;
    returnDesign: number;
    ground: number;
    lossFraction: number;
    flowMargin: number;
  };
  facilityWater?: { temp: number; range: number; liquidFraction: number };
}

interface CoolingControllerBase {
  id: string;
  period: number;
  actuationLatency: number;
}

export interface CduControlSpec extends CoolingControllerBase {
  kind: "cdu-control";
  cdus: string[];
  gpuTarget: number;
  supplyMin: number;
  supplyMax: number;
  supplyRate: number;
  supplyFallRate: number;
  supplyKp: number;
  supplyKi: number;
  riseTarget: number;
  pumpMin: number;
  pumpRate: number;
  pumpFallRate: number;
  pumpKp: number;
  pumpKi: number;
  filter: number;
  prepareFor: string[];
  prepareLead: number;
  prepareAfter: number;
  precool: number;
}

export interface CrahControlSpec extends CoolingControllerBase {
  kind: "crah-control";
  crahs: string[];
  inletTarget: number;
  inletLow: number;
  overrideMargin: number;
  fanMin: number;
  fanRate: number;
  fanKp: number;
  fanKi: number;
  supplyMin: number;
  supplyMax: number;
  supplyRate: number;
  supplyKp: number;
  supplyKi: number;
  filter: number;
}

export interface HeatRejectionControlSpec extends CoolingControllerBase {
  kind: "heat-rejection-control";
  loops: string[];
  margin: number;
  warmReset: boolean;
  cduApproach: number;
  warmMin: number;
  warmMax: number;
  fanRate: number;
  kp: number;
  ki: number;
}

export interface MarketPowercapSpec {
  kind: "market-powercap";
  id: string;
  groups: string[];
  period: number;
  actuationLatency: number;
  signal: string;
  signalLow: number;
  signalHigh: number;
  direction: "inverse" | "direct";
  capMin: number;
  capMax: number;
  marketPeriod: number;
  stabilisation: number;
  rampTime: number;
}

export interface CarbonAwareSchedulerSpec {
  kind: "carbon-aware-scheduler";
  id: string;
  jobs: string[];
  period: number;
  actuationLatency: number;
  objective: "cost" | "carbon" | "weighted";
  costWeight: number;
  horizon: number;
  margin: number;
  stressLimit: number;
  importLimit?: number;
}

export type ControllerSpec =
  | GpuSmoothingSpec
  | CarbonAwareSchedulerSpec
  | MarketPowercapSpec
  | BatterySmoothingSpec
  | DemandResponseControllerSpec
  | FrequencyResponseSpec
  | CduControlSpec
  | CrahControlSpec
  | HeatRejectionControlSpec
  | HeatPumpDispatchSpec;

export interface OutputsSpec {
  siteSeries: boolean;
  rackSeries: boolean;
  storageSeries: boolean;
  rackAggregation: number;
  swingWindow: number;
  spectrumSegment: number;
}
