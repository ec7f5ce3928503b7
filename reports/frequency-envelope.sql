-- Grid frequency at the PCC per time bucket (runs with a `frequency` section): min / max / mean,
-- and the IT load tripped for lack of ride-through. Variables: bucket_s [horizon / 2000], run_ids.
SELECT g.run_id,
       floor(g.t_s / coalesce(getvariable('bucket_s'), r.horizon_s / 2000)) * coalesce(getvariable('bucket_s'), r.horizon_s / 2000) AS t_s,
       min(g.frequency_hz) AS frequency_min_hz, max(g.frequency_hz) AS frequency_max_hz, avg(g.frequency_hz) AS frequency_mean_hz,
       max(g.load_unserved_w) AS load_unserved_max_w
FROM grid_series g JOIN runs r USING (run_id)
WHERE getvariable('run_ids') IS NULL OR list_contains(getvariable('run_ids'), g.run_id)
GROUP BY ALL
ORDER BY g.run_id, t_s;
