-- A large job's start with and without its announcement (scenarios/job-announcement.yaml and the
-- sweep scenarios/sweeps/job-announcement.yaml), one row per run, over the start: from 60 s before
-- the job's earliest start (60 min) to 5 min after it.
--   dctwin batch scenarios/sweeps/job-announcement.yaml --out results/job-announcement.duckdb
--   dctwin query results/job-announcement.duckdb reports/job-announcement.sql
-- Powers in MW, ramps in MW/s (the PCC's change over 1 s and over 60 s, against the grid's 2 MW/s
-- and 10 MW/min), SOC as a fraction, temperatures in °C, energy in kWh.
WITH start AS (SELECT 3600.0 AS t0),
pcc AS (
  SELECT run_id, t_s, pcc_power_w,
         pcc_power_w - lag(pcc_power_w, 25) OVER (PARTITION BY run_id ORDER BY t_s) AS d1s,
         pcc_power_w - lag(pcc_power_w, 1500) OVER (PARTITION BY run_id ORDER BY t_s) AS d60s,
         gpu_burn_w
  FROM site_series
),
pcc_start AS (
  SELECT run_id,
         round(max(abs(d1s)) / 1e6, 2) AS max_ramp_1s,
         round(max(abs(d60s)) / 60 / 1e6, 3) AS max_ramp_60s,
         round(count(*) FILTER (abs(d1s) > 2e6) * 0.04, 2) AS ramp_over_limit_s,
         round(count(*) FILTER (abs(d60s) > 10e6) * 0.04, 2) AS slow_ramp_over_limit_s,
         round(sum(gpu_burn_w) * 0.04 / 3.6e6, 1) AS burn_kwh
  FROM pcc, start WHERE t_s >= t0 - 60 AND t_s < t0 + 300 GROUP BY run_id
),
soc AS (
  SELECT run_id,
         round(max(soc) FILTER (t_s >= t0 - 0.04 AND t_s < t0), 3) AS soc_at_start,
         round(min(soc) FILTER (t_s >= t0 AND t_s < t0 + 300), 3) AS soc_min_after,
         round(min(soc), 3) AS soc_min_run
  FROM storage_series, start GROUP BY run_id
),
thermal AS (
  SELECT run_id,
         round(max(gpu_max_c) FILTER (t_s >= t0 AND t_s < t0 + 600), 2) AS gpu_max_c,
         round(max(coolant_max_c) FILTER (t_s >= t0 AND t_s < t0 + 600), 2) AS coolant_max_c,
         round(max(inlet_max_c) FILTER (t_s >= t0 AND t_s < t0 + 600), 2) AS inlet_max_c,
         round(sum(cooling_power_w) FILTER (t_s >= t0 - 600 AND t_s < t0 + 600) / 3.6e6 * (SELECT any_value(t_s) FILTER (t_s > 0) FROM thermal_series LIMIT 1), 1) AS cooling_kwh
  FROM thermal_series, start GROUP BY run_id
)
SELECT r.run_id, r.params_json AS params, p.max_ramp_1s, p.ramp_over_limit_s, p.max_ramp_60s, p.slow_ramp_over_limit_s,
       s.soc_at_start, s.soc_min_after, s.soc_min_run, t.gpu_max_c, t.coolant_max_c, t.inlet_max_c, p.burn_kwh
FROM runs r JOIN pcc_start p USING (run_id) JOIN soc s USING (run_id) JOIN thermal t USING (run_id)
ORDER BY r.params_json;
