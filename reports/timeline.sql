-- Events and controller decisions on one timeline: one row per run, lane (event source/kind or
-- controller/action) and time bucket, with how many fell in it and one example's text, so a run
-- with thousands of limit violations stays a readable strip. Variables: bucket_s [horizon / 2000], run_ids.
WITH items AS (
  SELECT run_id, t_s, 'event' AS category, source || ' ' || kind AS lane, value, detail AS text FROM events
  UNION ALL
  SELECT run_id, t_s, 'decision', controller || ' ' || action, value, reason FROM decisions
)
SELECT i.run_id, i.category, i.lane,
       floor(i.t_s / coalesce(getvariable('bucket_s'), r.horizon_s / 2000)) * coalesce(getvariable('bucket_s'), r.horizon_s / 2000) AS t_s,
       count(*) AS count, min(i.t_s) AS first_s, arg_min(i.text, i.t_s) AS first_text, max(abs(i.value)) AS largest_abs_value
FROM items i JOIN runs r USING (run_id)
WHERE getvariable('run_ids') IS NULL OR list_contains(getvariable('run_ids'), i.run_id)
GROUP BY ALL
ORDER BY i.run_id, i.category, i.lane, t_s;
