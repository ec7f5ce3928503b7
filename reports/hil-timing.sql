-- Timing of HIL runs (dctwin hil): cycles, lateness percentiles, deadline misses, skipped cycles,
-- the read / compute / write split, and how the reads and writes went.
--   npx dctwin query results/hil.duckdb reports/hil-timing.sql
SELECT run_id,
       count(*)                                   AS cycles,
       round(quantile_cont(lateness_ms, 0.5), 3)  AS lateness_p50_ms,
       round(quantile_cont(lateness_ms, 0.99), 3) AS lateness_p99_ms,
       round(max(lateness_ms), 3)                 AS lateness_max_ms,
       count(*) FILTER (WHERE lateness_ms < 0)    AS early,
       sum(missed)                                AS deadline_misses,
       sum(skipped)                               AS skipped,
       sum(fallback)                              AS cycles_in_fallback,
       round(quantile_cont(read_ms, 0.5), 3)      AS read_p50_ms,
       round(quantile_cont(compute_ms, 0.5), 3)   AS compute_p50_ms,
       round(quantile_cont(write_ms, 0.5), 3)     AS write_p50_ms,
       (SELECT count(*) FROM hil_io i WHERE i.run_id = c.run_id AND op = 'read' AND quality <> 'ok')    AS reads_not_ok,
       (SELECT count(*) FROM hil_io i WHERE i.run_id = c.run_id AND op = 'write' AND quality = 'accepted') AS writes_accepted,
       (SELECT count(*) FROM hil_io i WHERE i.run_id = c.run_id AND op = 'write' AND quality IN ('refused', 'limited', 'failed')) AS writes_refused_limited_failed
FROM hil_cycles c
GROUP BY run_id
ORDER BY run_id;
