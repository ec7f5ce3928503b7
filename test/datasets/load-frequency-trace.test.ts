import { test } from "uvu";
import * as assert from "uvu/assert";
import { rejects } from "../helpers.js";
import { fromFrequencyCsv } from "../../datasets/load-frequency-trace.js";
import { utcMsOf } from "../../datasets/time-series-csv.js";
import { createSignal, signalAt, signalAtS } from "../../models/signals/signal.js";

test("fromFrequencyCsv(text) reads a 1 s trace as point samples; a linear signal interpolates between readings at 40 ms", async () => {
  const s = await fromFrequencyCsv("dtm,f\n2023-01-01 00:00:00,50.010\n2023-01-01 00:00:01,49.990\n2023-01-01 00:00:02,49.950\n");
  assert.is(s.sampling, "point");
  assert.is(s.periodS, 1);
  assert.is(s.startMs, Date.UTC(2023, 0, 1));
  const sig = createSignal(s, { startMs: s.startMs, dtS: 0.04, interp: "linear" });
  assert.ok(Math.abs(signalAtS(sig, 1.5) - 49.97) < 1e-12);
  // Tick 25 covers [1.00, 1.04) s: mean = value at 1.02 s.
  assert.ok(Math.abs(signalAt(sig, 25) - (49.99 - 0.04 * 0.02)) < 1e-12);
});

test("fromFrequencyCsv(text, options) takes other column names and a zone offset; refuses a gap and an implausible frequency", async () => {
  const s = await fromFrequencyCsv("t,hz\n2023-06-01T01:00:00+01:00,50\n2023-06-01T01:00:01+01:00,50.1\n", { timeColumn: "t", valueColumn: "hz" });
  assert.is(s.startMs, Date.UTC(2023, 5, 1, 0));
  await rejects(() => fromFrequencyCsv("dtm,f\n2023-01-01 00:00:00,50\n2023-01-01 00:00:01,50\n2023-01-01 00:00:03,50"), /row 4: .* 2 s after/);
  await rejects(() => fromFrequencyCsv("dtm,f\n2023-01-01 00:00:00,5000"), /row 2, column f: got 5000/);
  await rejects(() => fromFrequencyCsv("time,freq\n2023-01-01 00:00:00,50"), /expected columns "dtm" and "f"/);
});

test("utcMsOf(text) reads space or T separators, fractions and zones, and refuses impossible dates", () => {
  const rows: ReadonlyArray<[text: string, ms: number]> = [
    ["2022-01-01 01:00:00", Date.UTC(2022, 0, 1, 1)],
    ["2022-01-01T01:00:00Z", Date.UTC(2022, 0, 1, 1)],
    ["2022-01-01T01:00", Date.UTC(2022, 0, 1, 1)],
    ["2022-07-01T01:00:00+0100", Date.UTC(2022, 6, 1, 0)],
    ["2022-07-01 01:00:00.250-02:30", Date.UTC(2022, 6, 1, 3, 30, 0, 250)],
  ];
  for (const [text, ms] of rows) assert.is(utcMsOf(text), ms, text);
  assert.is(utcMsOf("2022-07-01 01:00:00", 60), Date.UTC(2022, 6, 1, 0));
  assert.ok(Number.isNaN(utcMsOf("2022-02-31 00:00:00")));
  assert.ok(Number.isNaN(utcMsOf("yesterday")));
});

test.run();
