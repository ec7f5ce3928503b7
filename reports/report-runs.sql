-- The runs a report can show: identity, swept parameters, tick and horizon, and which optional
-- tables hold rows for each (what `dctwin report` draws depends on them).
SELECT r.run_id, r.scenario, r.params_json, r.dt_s, r.horizon_s, r.ticks, r.status,
       EXISTS (SELECT 1 FROM storage_series s WHERE s.run_id = r.run_id) AS has_storage,
       EXISTS (SELECT 1 FROM grid_series g WHERE g.run_id = r.run_id) AS has_frequency,
       EXISTS (SELECT 1 FROM thermal_series t WHERE t.run_id = r.run_id) AS has_thermal,
       EXISTS (SELECT 1 FROM rack_thermal_series t WHERE t.run_id = r.run_id) AS has_rack_thermal,
       EXISTS (SELECT 1 FROM heat_series h WHERE h.run_id = r.run_id) AS has_heat
FROM runs r
ORDER BY r.run_id;
