import { fileURLToPath } from "node:url";
import { loadAzureLlm } from "../datasets/load-azure-llm.js";
import type { Scenario } from "./scenario/scenario-types.js";
import type { WorkloadInputs } from "./workload-factory.js";

/** The repository root (datasets are found relative to it, whatever the working directory). */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Loads the datasets a scenario's workloads refer to; nothing else. */
export async function loadInputs(scenario: Scenario): Promise<WorkloadInputs> {
  const inputs: WorkloadInputs = {};
  const sources = new Set(scenario.workloads.flatMap((w) => (w.kind === "inference" ? [w.source] : [])));
  if (sources.has("azure-conv")) inputs.azureConv = await loadAzureLlm(`${REPO_ROOT}datasets/llm-inference-azure/AzureLLMInferenceTrace_conv.csv`);
  if (sources.has("azure-code")) inputs.azureCode = await loadAzureLlm(`${REPO_ROOT}datasets/llm-inference-azure/AzureLLMInferenceTrace_code.csv`);
  return inputs;
}
