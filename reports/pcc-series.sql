-- The PCC power of each run tick by tick, in time order: the input of the Welch power spectrum
-- that `dctwin report` draws (engine/kpis/welch-psd.ts, the estimator of the band KPIs).
-- Variables: run_ids [every run].
SELECT run_id, t_s, pcc_power_w
FROM site_series
WHERE getvariable('run_ids') IS NULL OR list_contains(getvariable('run_ids'), run_id)
ORDER BY run_id, t_s;
