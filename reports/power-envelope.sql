-- PCC power and site load (PCC − Σ battery power) of each run as a min / max / mean envelope per
-- time bucket (one chart pixel column): a few thousand rows whatever the run's length, so a 24 h
-- run at 40 ms (2.16 million ticks) draws as fast as a minute. `dctwin report` runs it at several
-- bucket widths (levels) for its zoomable chart. it_mean_w gives PUE per bucket (load / IT).
-- Variables (SET VARIABLE name = value; first; [default]): bucket_s [horizon / 2000],
-- from_s, to_s [the whole run], run_ids [every run], e.g. SET VARIABLE run_ids = ['a', 'b'];
WITH battery AS (
  SELECT run_id, t_s, sum(power_w) AS battery_w FROM storage_series GROUP BY run_id, t_s
), site AS (
  SELECT s.run_id, s.t_s, s.pcc_power_w, s.pcc_power_w - coalesce(b.battery_w, 0) AS load_w, s.it_power_w,
         coalesce(getvariable('bucket_s'), r.horizon_s / 2000) AS bucket_s
  FROM site_series s
  JOIN runs r USING (run_id)
  LEFT JOIN battery b USING (run_id, t_s)
  WHERE (getvariable('run_ids') IS NULL OR list_contains(getvariable('run_ids'), s.run_id))
    AND s.t_s >= coalesce(getvariable('from_s'), 0) AND s.t_s < coalesce(getvariable('to_s'), 'infinity'::DOUBLE)
)
SELECT run_id,
       floor(t_s / bucket_s) * bucket_s AS t_s,
       any_value(bucket_s) AS bucket_s,
       min(pcc_power_w) AS pcc_min_w, max(pcc_power_w) AS pcc_max_w, avg(pcc_power_w) AS pcc_mean_w,
       min(load_w) AS load_min_w, max(load_w) AS load_max_w, avg(load_w) AS load_mean_w,
       avg(it_power_w) AS it_mean_w
FROM site
GROUP BY run_id, floor(t_s / bucket_s), bucket_s
ORDER BY run_id, t_s;
