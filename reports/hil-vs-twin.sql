-- A HIL run next to the twin run of the same scenario: the same hall, its battery a real device
-- in one and simulated in the other. Write both into one file:
--   npx dctwin hil scenarios/hil-battery-smoothing.yaml --device bess1=... --profile bess1=hil/profiles/sunspec-battery.yaml --arm --duration 2min --out results/hil.duckdb
--   npx dctwin run scenarios/hil-battery-smoothing.yaml --simulate-external --out results/hil.duckdb
--   npx dctwin query results/hil.duckdb reports/hil-vs-twin.sql
-- Runs are paired by scenario: the HIL run's id ends in -hil. KPIs at the PCC and the battery's
-- commanded and measured power over the HIL run's duration (the twin may run longer).
WITH hil AS (SELECT run_id, scenario, horizon_s FROM runs WHERE run_id LIKE '%-hil'),
     pairs AS (
       SELECT h.run_id AS hil_run, t.run_id AS twin_run, h.horizon_s
       FROM hil h JOIN runs t ON t.run_id = regexp_replace(h.run_id, '-hil$', '') AND t.status = 'ok'
     ),
     series AS (
       SELECT p.hil_run, s.run_id, s.t_s, s.setpoint_w, s.power_w
       FROM pairs p JOIN storage_series s ON s.run_id IN (p.hil_run, p.twin_run) AND s.t_s < p.horizon_s
     ),
     battery AS (
       SELECT hil_run, run_id,
              round(avg(abs(setpoint_w)) / 1e3, 1)              AS mean_abs_command_kw,
              round(avg(abs(power_w)) / 1e3, 1)                 AS mean_abs_power_kw,
              round(avg(abs(power_w - setpoint_w)) / 1e3, 1)    AS mean_abs_tracking_error_kw,
              round(max(abs(power_w)) / 1e6, 3)                 AS peak_power_mw
       FROM series GROUP BY ALL
     ),
     ramps AS (
       SELECT hil_run, run_id, round(max(abs(pcc - prev)) / 1e6, 3) AS max_pcc_step_mw
       FROM (SELECT p.hil_run, s.run_id, s.pcc_power_w AS pcc, lag(s.pcc_power_w) OVER (PARTITION BY s.run_id ORDER BY s.t_s) AS prev
             FROM pairs p JOIN site_series s ON s.run_id IN (p.hil_run, p.twin_run) AND s.t_s < p.horizon_s)
       GROUP BY ALL
     )
SELECT b.hil_run, CASE WHEN b.run_id = b.hil_run THEN 'hil' ELSE 'twin' END AS side, b.run_id,
       b.mean_abs_command_kw, b.mean_abs_power_kw, b.mean_abs_tracking_error_kw, b.peak_power_mw, r.max_pcc_step_mw
FROM battery b JOIN ramps r USING (hil_run, run_id)
ORDER BY b.hil_run, side;
