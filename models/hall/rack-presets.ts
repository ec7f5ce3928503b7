/**
 * Rack presets: what one rack holds and draws. Power figures are DC at the PSU output; the PSU
 * efficiency curve (models/electrical/loss-curve.ts) adds the conversion loss on the AC side.
 *
 * Non-GPU power (CPUs, memory, NICs, NVLink switch trays, fans) is modelled as an idle part plus a
 * part that follows GPU load: otherW = otherIdleW + (otherFullW - otherIdleW) × gpuLoadFrac.
 */
export interface RackPreset {
  description: string;
  /** Key of GPU_PRESETS (models/gpu/gpu-params.ts). */
  gpu: string;
  gpusPerRack: number;
  /** Compute trays (nodes); per-node jitter is drawn per tray. */
  traysPerRack: number;
  /** Non-GPU DC power with GPUs idle, W. */
  otherIdleW: number;
  /** Non-GPU DC power with GPUs at full load, W. */
  otherFullW: number;
  /** Rated DC output of the rack's PSUs (all shelves), W. */
  psuRatedW: number;
  cooling: "liquid" | "air";
}

export const RACK_PRESETS: Record<string, RackPreset> = {
  // GB200 NVL72-class: 18 compute trays × 4 GPUs, ~6.5 kW per tray, 9 NVLink switch trays ~3.6 kW,
  // 8 power shelves with 132 kW DC output [S] (docs/physics-sources.md §1.3, introl.com citing Supermicro).
  // Per tray beyond its 4 GPUs at 1,200 W: ~1.7 kW at full load (2 Grace CPUs, memory, NICs) and
  // ~0.7 kW idle (assumption scaled from CPU idle/full ratios); switches 3.6 kW full, 2.5 kW idle.
  // Full load: 72 × 1,193 W + 18 × 1.7 kW + 3.6 kW ≈ 120 kW DC, ≈ 130 kW AC at the PSU curve.
  "nvl72-liquid": {
    description: "Liquid-cooled NVL72-class training rack: 18 trays × 4 GPUs (1,200 W), ~120 kW DC, ~130 kW AC",
    gpu: "b200",
    gpusPerRack: 72,
    traysPerRack: 18,
    otherIdleW: 18 * 700 + 2_500,
    otherFullW: 18 * 1_700 + 3_600,
    psuRatedW: 132_000,
    cooling: "liquid",
  },
  // Air-cooled inference rack, ~12 kW: two 8-GPU PCIe servers (H100 PCIe, 350 W [P], docs/physics-sources.md
  // §1.3) with their hosts (CPUs, memory, NVMe, fans: ~2.5 kW each at load, ~1 kW idle; assumption)
  // and a ToR switch. Full load ≈ 5.5 kW GPUs + 5.9 kW other ≈ 11.4 kW DC, ≈ 12 kW AC.
  "inference-air": {
    description: "Air-cooled inference rack: 2 servers × 8 PCIe GPUs (350 W), ~12 kW",
    gpu: "h100Pcie",
    gpusPerRack: 16,
    traysPerRack: 2,
    otherIdleW: 2 * 1_000 + 500,
    otherFullW: 2 * 2_500 + 900,
    psuRatedW: 16_000,
    cooling: "air",
  },
  // Air-cooled AI training rack: 4 DGX H100-class servers (8 × H100 SXM at 700 W [P]); a DGX H100
  // draws at most 10.2 kW [P-abs] (docs/physics-sources.md §1.3), so beyond its GPUs up to 4.6 kW per server
  // (CPUs, memory, NICs, fans) at full load and ~1.8 kW idle (assumption). ≈ 40 kW DC, ≈ 42 kW AC.
  "dgx-h100-air": {
    description: "Air-cooled AI rack: 4 DGX H100-class servers (32 × H100 SXM, 700 W), ~42 kW",
    gpu: "h100Sxm",
    gpusPerRack: 32,
    traysPerRack: 4,
    otherIdleW: 4 * 1_800,
    otherFullW: 4 * 4_600,
    psuRatedW: 4 * 10_200,
    cooling: "air",
  },
  // One H100 SXM on its own, with no other load: the bench setup of datasets/gpu-power, for
  // calibration scenarios (the PSU is sized to the GPU so the chain stays in its curve).
  "single-h100": {
    description: "One H100 SXM (700 W) and nothing else, for calibration against datasets/gpu-power",
    gpu: "h100Sxm",
    gpusPerRack: 1,
    traysPerRack: 1,
    otherIdleW: 0,
    otherFullW: 0,
    psuRatedW: 1_000,
    cooling: "liquid",
  },
};

export const RACK_PRESET_NAMES = Object.keys(RACK_PRESETS);
