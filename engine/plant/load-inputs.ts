import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadAzureLlm } from "../../datasets/load-azure-llm.js";
import { loadHeatDemand } from "../../datasets/load-heat-demand.js";
import { loadCarbonIntensity } from "../../datasets/load-carbon-intensity.js";
import { loadFrequencyTrace } from "../../datasets/load-frequency-trace.js";
import { loadWeather } from "../../datasets/load-weather.js";
import { loadAgilePrices, loadEntsoeDayAhead } from "../../datasets/load-prices.js";
import type { Scenario } from "../scenario/scenario-types.js";
import type { WorkloadInputs } from "./workload-factory.js";

/** The repository root (datasets are found relative to it, whatever the working directory). */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Loads the datasets a scenario refers to (workload traces, price and carbon signals, a frequency trace, weather, heat demand); nothing else. */
/**
 * What loadInputs reads for a scenario, as a string: scenarios with the same key need the same
 * inputs, so a batch worker can load them once (engine/pool/run-task.ts). Kept next to loadInputs so
 * the two cannot drift apart.
 */
export function inputsKey(scenario: Scenario): string {
  return JSON.stringify([
    scenario.workloads.map((w) => (w.kind === "inference" ? w.source : "")),
    scenario.signals,
    scenario.cooling?.weather ?? "",
    scenario.heatReuse !== undefined,
  ]);
}

export async function loadInputs(scenario: Scenario): Promise<WorkloadInputs> {
  const inputs: WorkloadInputs = {};
  const sources = new Set(scenario.workloads.flatMap((w) => (w.kind === "inference" ? [w.source] : [])));
  if (sources.has("azure-conv")) inputs.azureConv = await loadAzureLlm(`${REPO_ROOT}datasets/llm-inference-azure/AzureLLMInferenceTrace_conv.csv`);
  if (sources.has("azure-code")) inputs.azureCode = await loadAzureLlm(`${REPO_ROOT}datasets/llm-inference-azure/AzureLLMInferenceTrace_code.csv`);
  const { price, carbon } = scenario.signals;
  if (price === "agile-2020") inputs.price = await loadAgilePrices();
  if (price === "entsoe-de-2020") inputs.price = await loadEntsoeDayAhead("DE");
  if (carbon !== "none") inputs.carbon = await loadCarbonIntensity(carbon === "gb-2020" ? 2020 : 2022);
  const f = scenario.frequency;
  if (f?.source === "trace" && f.trace !== undefined) inputs.frequency = await loadFrequencyTrace(isAbsolute(f.trace) ? f.trace : resolve(f.trace));
  if (scenario.heatReuse !== undefined) inputs.heatDemand = await loadHeatDemand();
  if (scenario.cooling?.weather === "bedford-2022") inputs.weather = await loadWeather();
  return inputs;
}
