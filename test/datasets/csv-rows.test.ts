import { test } from "uvu";
import * as assert from "uvu/assert";
import { rejects } from "../helpers.js";
import { UserError } from "../../models/lib/errors.js";
import { csvRowsOf } from "../../datasets/csv-rows.js";
import { fromAzureLlmCsv } from "../../datasets/load-azure-llm.js";
import { fromNesoCarbonCsv } from "../../datasets/load-carbon-intensity.js";
import { fromFrequencyCsv } from "../../datasets/load-frequency-trace.js";
import { fromGpuPowerCsv, fromGpuStepMarksCsv } from "../../datasets/load-gpu-power.js";
import { fromHeatMeterCsv } from "../../datasets/load-heat-demand.js";
import { fromAgileCsv, fromEntsoeDayAheadCsv } from "../../datasets/load-prices.js";
import { fromWeatherCsv } from "../../datasets/load-weather.js";

// What a hand split gets wrong: a byte-order mark, CRLF (or lone CR) line ends, quoted fields
// holding commas. Every loader's parser reads such a file as it reads the plain one.
const BOM = "\uFEFF";
const crlf = (...lines: string[]): string => BOM + lines.join("\r\n") + "\r\n";

test("csvRowsOf: BOM dropped, CRLF / CR / LF ends, quoted commas, quotes and line breaks, cells trimmed, blank rows skipped but counted", async () => {
  const rows = await csvRowsOf(`${BOM}a, b\r\n1,"x, y"\r\n\r\n2,"say ""hi"""\r3,"two\nlines"\n`, "t.csv");
  assert.equal(rows, [
    { row: 1, cells: ["a", "b"] },
    { row: 2, cells: ["1", "x, y"] },
    { row: 4, cells: ["2", 'say "hi"'] },
    { row: 5, cells: ["3", "two\nlines"] },
  ]);
  assert.equal(await csvRowsOf("", "t.csv"), []);
  await rejects(() => csvRowsOf('a,b\n1,"open\n', "t.csv"), (e) => e instanceof UserError && /^t\.csv: not valid CSV/.test((e as Error).message));
});

test("fromNesoCarbonCsv reads a BOM, CRLF and quoted cells", async () => {
  const s = await fromNesoCarbonCsv(crlf('"datetime","Carbon Intensity [kg_CO2/kWh]"', '"2022-01-01 00:00:00",0.072', '2022-01-01 01:00:00,"0.068"'));
  assert.equal(Array.from(s.values), [72, 68]);
  assert.is(s.startMs, Date.UTC(2022, 0, 1));
});

test("fromFrequencyCsv reads a BOM, CRLF and a quoted note column holding a comma", async () => {
  const s = await fromFrequencyCsv(crlf("dtm,f,note", '2023-01-01 00:00:00,50.01,"low, recovering"', '2023-01-01 00:00:01,49.99,""'));
  assert.equal(Array.from(s.values), [50.01, 49.99]);
  assert.is(s.periodS, 1);
});

test("fromAgileCsv reads a BOM, CRLF and a quoted region name holding a comma", async () => {
  const s = await fromAgileCsv(crlf('2020-01-01T00:00:00Z,00:00,A,"Eastern England, East",9.4815', '2020-01-01T00:30:00Z,00:30,A,"Eastern England, East",9.9645'));
  assert.equal(Array.from(s.values), [9.4815, 9.9645]);
  assert.is(s.periodS, 1800);
});

test("fromEntsoeDayAheadCsv reads a BOM, CRLF and a quoted item holding a comma", async () => {
  const s = await fromEntsoeDayAheadCsv(
    crlf("time,item,unit,bidding_zone,value", '2020-01-01T00:00:00Z,"Day-ahead Price, hourly",[EUR/MWh],DE,38.6', '2020-01-01T01:00:00Z,"Day-ahead Price, hourly",[EUR/MWh],DE,36.55'),
  );
  assert.equal(Array.from(s.values), [38.6, 36.55]);
});

test("fromGpuPowerCsv reads a BOM, CRLF and a quoted phase name holding a comma", async () => {
  const t = await fromGpuPowerCsv(crlf("t_s,power_w,phase", '0.00,120.5,"idle, warm"', "0.02,700,step_on", '0.04,119,"idle, warm"'));
  assert.equal(Array.from(t.powerW), [120.5, 700, 119]);
  assert.equal(t.phaseNames, ["idle, warm", "step_on"]);
  assert.equal(Array.from(t.phase), [0, 1, 0]);
});

test("fromGpuStepMarksCsv reads a BOM, CRLF and quoted cells", async () => {
  const m = await fromGpuStepMarksCsv(crlf("step,compute_start_s,compute_end_s,step_end_s,loss", '1,"0.10",0.50,0.60,"2.5"'));
  assert.equal(Array.from(m.step), [1]);
  assert.equal(Array.from(m.computeStartS), [0.1]);
  assert.equal(Array.from(m.loss), [2.5]);
});

test("fromHeatMeterCsv reads a BOM, CRLF and a quoted customer id holding a comma", async () => {
  const header = "customer_id,meter_id,time_rounded,energy_heat_kwh,volume_flow_m3,inlet_flow_energy_m3xC,back_flow_energy_m3xC";
  const t = await fromHeatMeterCsv(crlf(header, '"772, DK",660,2019-01-01T00:00:00Z,10,1,60,30', '"772, DK",660,2019-01-01T01:00:00Z,12.5,1.1,66.5,33'));
  assert.is(t.customerId, "772, DK");
  assert.equal(Array.from(t.heatW), [2500]);
});

test("fromWeatherCsv reads a BOM, CRLF and quoted cells", async () => {
  const header = "ob_time,air_temperature,wetb_temp,dewpoint,rltv_hum,stn_pres,wind_speed";
  const t = await fromWeatherCsv(crlf(header, '"2022-01-01 00:00:00",10,8,6,80,1000,10', '2022-01-01 01:00:00,"12",NA,NA,NA,1000,10', "2022-01-01 02:00:00,14,10,8,70,1000,10"));
  assert.equal(Array.from(t.dryBulbC), [10, 12, 14]);
  assert.is(t.wetBulbC[1], 9);
});

test("fromAzureLlmCsv reads a BOM, CRLF and quoted cells", async () => {
  const t = await fromAzureLlmCsv(crlf("TIMESTAMP,ContextTokens,GeneratedTokens", '"2023-11-16 18:15:46.5",374,44', '2023-11-16 18:15:47.0,"10",2'));
  assert.equal(Array.from(t.arrivalS), [0, 0.5]);
  assert.equal(Array.from(t.contextTokens), [374, 10]);
});

test.run();
