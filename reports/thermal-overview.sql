-- The cooling plant per time bucket: loop supply and return temperatures, the hottest rack inlet
-- and GPU, IT heat and cooling power (means over the bucket). Variables: bucket_s [horizon / 2000], run_ids.
SELECT t.run_id,
       floor(t.t_s / coalesce(getvariable('bucket_s'), r.horizon_s / 2000)) * coalesce(getvariable('bucket_s'), r.horizon_s / 2000) AS t_s,
       avg(t.warm_supply_c) AS warm_supply_c, avg(t.warm_return_c) AS warm_return_c,
       avg(t.chilled_supply_c) AS chilled_supply_c, avg(t.chilled_return_c) AS chilled_return_c,
       max(t.inlet_max_c) AS inlet_max_c, max(t.gpu_max_c) AS gpu_max_c, avg(t.dry_bulb_c) AS dry_bulb_c,
       avg(t.it_heat_w) AS it_heat_w, avg(t.cooling_power_w) AS cooling_power_w
FROM thermal_series t JOIN runs r USING (run_id)
WHERE getvariable('run_ids') IS NULL OR list_contains(getvariable('run_ids'), t.run_id)
GROUP BY ALL
ORDER BY t.run_id, t_s;
