-- Site batteries per time bucket: AC power envelope (+ charging, − discharging) and state of
-- charge. One row per run, battery and bucket. Variables: bucket_s [horizon / 2000], run_ids.
SELECT s.run_id, s.battery,
       floor(s.t_s / coalesce(getvariable('bucket_s'), r.horizon_s / 2000)) * coalesce(getvariable('bucket_s'), r.horizon_s / 2000) AS t_s,
       min(s.power_w) AS power_min_w, max(s.power_w) AS power_max_w, avg(s.power_w) AS power_mean_w,
       min(s.soc) AS soc_min, max(s.soc) AS soc_max, avg(s.soc) AS soc_mean
FROM storage_series s JOIN runs r USING (run_id)
WHERE getvariable('run_ids') IS NULL OR list_contains(getvariable('run_ids'), s.run_id)
GROUP BY ALL
ORDER BY s.run_id, s.battery, t_s;
