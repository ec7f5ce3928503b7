-- Peak PCC ramp over 1 s windows, per run, straight from site_series (no KPI table needed):
-- the largest |P(t) − P(t − 1 s)| in MW/s. For a 40 ms tick, 1 s is 25 rows back.
-- (The window runs in a subquery: an aggregate cannot contain a window function.)
SELECT run_id,
       max(abs(step_1s_w)) / 1e6 AS max_ramp_1s_mw_per_s
FROM (SELECT run_id, pcc_power_w - lag(pcc_power_w, 25) OVER (PARTITION BY run_id ORDER BY t_s) AS step_1s_w
        FROM site_series)
GROUP BY run_id
ORDER BY run_id;
