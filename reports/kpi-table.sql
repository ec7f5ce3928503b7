-- Every KPI of every run with its unit, in the engine's order of names per run.
-- Variables: run_ids [every run].
SELECT run_id, name, value, unit
FROM kpis
WHERE getvariable('run_ids') IS NULL OR list_contains(getvariable('run_ids'), run_id)
ORDER BY run_id, rowid;
