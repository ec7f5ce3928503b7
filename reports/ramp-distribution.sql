-- How often the PCC power ramps how fast: histograms of |P(t) − P(t − w)| / w over every tick,
-- for w = one tick (40 ms) and w = 1 s (the windows of the pcc_max_ramp_40ms / _1s KPIs), in
-- 50 bins from 0 to the run's largest ramp of that window. One row per run, window and bin.
-- Variables: run_ids [every run], bins [50].
WITH series AS (
  SELECT s.run_id, s.t_s, s.pcc_power_w, r.dt_s, greatest(1, round(1 / r.dt_s))::INTEGER AS ticks_1s
  FROM site_series s JOIN runs r USING (run_id)
  WHERE getvariable('run_ids') IS NULL OR list_contains(getvariable('run_ids'), s.run_id)
), ramps AS (
  SELECT run_id, 'tick' AS window_name, abs(pcc_power_w - lag(pcc_power_w) OVER (PARTITION BY run_id ORDER BY t_s)) / dt_s AS ramp_w_per_s FROM series
  UNION ALL
  SELECT run_id, '1 s', abs(pcc_power_w - lag(pcc_power_w, ticks_1s) OVER (PARTITION BY run_id ORDER BY t_s)) / (ticks_1s * dt_s) FROM series
), bounded AS (
  SELECT *, max(ramp_w_per_s) OVER (PARTITION BY run_id, window_name) AS top_w_per_s, coalesce(getvariable('bins'), 50) AS bins
  FROM ramps WHERE ramp_w_per_s IS NOT NULL
)
SELECT run_id, window_name,
       least(floor(ramp_w_per_s / nullif(top_w_per_s, 0) * bins), bins - 1)::INTEGER AS bin,
       min(ramp_w_per_s) AS ramp_from_w_per_s,
       any_value(top_w_per_s / bins) AS bin_width_w_per_s,
       count(*) AS ticks
FROM bounded
GROUP BY run_id, window_name, bin
ORDER BY run_id, window_name, bin;
