-- Rack inlet and GPU temperatures on the hall's floor plan, in frames: each frame the mean over
-- 1/frames of the run, one row per run, frame and rack, with the rack's row letter and position
-- in the row (rack_id C7: row C, position 7). Variables: frames [48], run_ids.
SELECT t.run_id,
       least(floor(t.t_s / r.horizon_s * coalesce(getvariable('frames'), 48)), coalesce(getvariable('frames'), 48) - 1)::INTEGER AS frame,
       min(t.t_s) AS t_s,
       k.rack_id, k.row_id,
       CAST(regexp_extract(k.rack_id, '([0-9]+)$', 1) AS INTEGER) AS position,
       avg(t.inlet_c) AS inlet_c, avg(t.gpu_c) AS gpu_c, max(t.gpu_c) AS gpu_max_c
FROM rack_thermal_series t
JOIN runs r USING (run_id)
JOIN racks k ON k.run_id = t.run_id AND k.rack = t.rack
WHERE getvariable('run_ids') IS NULL OR list_contains(getvariable('run_ids'), t.run_id)
GROUP BY t.run_id, frame, k.rack_id, k.row_id
ORDER BY t.run_id, frame, k.row_id, position;
