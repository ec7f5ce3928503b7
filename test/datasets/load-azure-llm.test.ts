import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { UserError } from "../../models/lib/errors.js";
import { fromAzureLlmCsv, loadAzureLlm } from "../../datasets/load-azure-llm.js";

// Compiled to dist/test/datasets/: three levels up is the repo root.
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const DIR = `${ROOT}datasets/llm-inference-azure/`;

function isSorted(a: Float64Array): boolean {
  for (let i = 1; i < a.length; i++) if (a[i - 1]! > a[i]!) return false;
  return true;
}

test("loadAzureLlm(conv) reads 19,366 requests with the first and last rows of SOURCE.md", async () => {
  const t = await loadAzureLlm(`${DIR}AzureLLMInferenceTrace_conv.csv`);
  assert.is(t.arrivalS.length, 19_366);
  assert.is(t.contextTokens.length, 19_366);
  assert.is(t.generatedTokens.length, 19_366);
  assert.is(t.startUtc, "2023-11-16T18:15:46.6805900Z");
  assert.is(t.arrivalS[0], 0);
  assert.is(t.contextTokens[0], 374);
  assert.is(t.generatedTokens[0], 44);
  const last = t.arrivalS.length - 1;
  // 19:14:08.4025270 − 18:15:46.6805900
  assert.ok(Math.abs(t.arrivalS[last]! - 3501.721937) < 1e-9, `last arrival ${t.arrivalS[last]}`);
  assert.is(t.contextTokens[last], 197);
  assert.is(t.generatedTokens[last], 183);
  assert.ok(isSorted(t.arrivalS));
});

test("loadAzureLlm(code) reads 8,819 requests with the first and last rows of SOURCE.md", async () => {
  const t = await loadAzureLlm(`${DIR}AzureLLMInferenceTrace_code.csv`);
  assert.is(t.arrivalS.length, 8_819);
  assert.is(t.startUtc, "2023-11-16T18:17:03.9799600Z");
  assert.is(t.contextTokens[0], 4808);
  assert.is(t.generatedTokens[0], 10);
  const last = t.arrivalS.length - 1;
  assert.ok(Math.abs(t.arrivalS[last]! - 3435.948056) < 1e-9, `last arrival ${t.arrivalS[last]}`);
  assert.is(t.contextTokens[last], 549);
  assert.is(t.generatedTokens[last], 173);
  // Second row: 18:17:04.0319600 − 18:17:03.9799600 = 0.052 s, kept to the trace's 100 ns digits.
  assert.ok(Math.abs(t.arrivalS[1]! - 0.052) < 1e-9);
});

test("fromAzureLlmCsv(text) sorts rows out of time order and accepts LF line ends", async () => {
  const t = await fromAzureLlmCsv(
    "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:47.25,10,2\n2023-11-16 18:15:46.5,374,44\n\n2023-11-16 18:15:47,5,1\n",
  );
  assert.equal(Array.from(t.arrivalS), [0, 0.5, 0.75]);
  assert.equal(Array.from(t.contextTokens), [374, 5, 10]);
  assert.equal(Array.from(t.generatedTokens), [44, 1, 2]);
  assert.is(t.startUtc, "2023-11-16T18:15:46.5000000Z");
});

test("fromAzureLlmCsv(text) throws a UserError naming the line, the text and what was expected", async () => {
  const header = "TIMESTAMP,ContextTokens,GeneratedTokens\r\n";
  const cases: [string, RegExp][] = [
    [`${header}2023-11-16 18:15:46.5,374,44\r\n2023-11-16 18:15:47,ten,2`, /line 3: got "2023-11-16 18:15:47,ten,2", expected whole token counts/],
    [`${header}16/11/2023 18:15,1,2`, /line 2: .*expected a timestamp/],
    [`${header}2023-11-16 18:15:46.5,374`, /line 2: .*expected 3 comma-separated fields/],
    ["time,in,out\n2023-11-16 18:15:46.5,374,44", /line 1: .*expected the header/],
    [header, /no request rows/],
  ];
  for (const [text, message] of cases) {
    try {
      await fromAzureLlmCsv(text, "t.csv");
      assert.unreachable(`accepted ${JSON.stringify(text)}`);
    } catch (error) {
      assert.instance(error, UserError);
      assert.match((error as Error).message, /^t\.csv: /);
      assert.match((error as Error).message, message);
    }
  }
});

test("loadAzureLlm(path) throws a UserError naming a missing file", async () => {
  try {
    await loadAzureLlm(`${DIR}no-such-file.csv`);
    assert.unreachable("loaded a missing file");
  } catch (error) {
    assert.instance(error, UserError);
    assert.match((error as Error).message, /no-such-file\.csv/);
  }
});

test.run();
