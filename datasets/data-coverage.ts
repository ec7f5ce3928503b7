/**
 * The UTC span each built-in time series covers, [from, to), so a scenario's startTime + horizon can
 * be checked when the scenario is validated instead of when the data is loaded at run time.
 * test/datasets/data-coverage.test.ts checks these against the loaded files.
 */
export interface Coverage {
  fromUtc: string;
  toUtc: string;
}

export const SIGNAL_COVERAGE: Readonly<Record<"price" | "carbon", Readonly<Record<string, Coverage>>>> = Object.freeze({
  price: Object.freeze({
    "agile-2020": { fromUtc: "2020-01-01T00:00:00Z", toUtc: "2021-01-01T00:00:00Z" },
    "entsoe-de-2020": { fromUtc: "2020-01-01T00:00:00Z", toUtc: "2021-01-01T00:00:00Z" },
  }),
  carbon: Object.freeze({
    "gb-2020": { fromUtc: "2020-01-01T00:00:00Z", toUtc: "2021-01-01T00:00:00Z" },
    "gb-2022": { fromUtc: "2022-01-01T00:00:00Z", toUtc: "2023-01-01T00:00:00Z" },
  }),
});

/** Bedford 2022 hourly weather: the first observation to one hour after the last. */
export const WEATHER_COVERAGE: Readonly<Record<string, Coverage>> = Object.freeze({
  "bedford-2022": { fromUtc: "2022-01-01T00:00:00Z", toUtc: "2023-01-01T00:00:00Z" },
});
