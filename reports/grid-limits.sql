-- The PCC limits each run was held to, as its limit-violation events state them ("ramp: worst …
-- against 2000000 for 0.12 s"): kind, limit (W, W/s or W/min), episodes. A limit never violated
-- leaves no event, so it is not listed. Variables: run_ids [every run].
SELECT run_id,
       regexp_extract(detail, '^([a-z-]+):', 1) AS kind,
       max(CAST(regexp_extract(detail, 'against ([0-9.eE+-]+)', 1) AS DOUBLE)) AS limit_value,
       count(*) AS episodes
FROM events
WHERE kind = 'pcc_limit_violation'
  AND (getvariable('run_ids') IS NULL OR list_contains(getvariable('run_ids'), run_id))
GROUP BY ALL
ORDER BY run_id, kind;
