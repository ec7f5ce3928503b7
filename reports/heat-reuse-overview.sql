-- Heat reuse per time bucket (runs with heatReuse): heat the district network asks for and gets,
-- heat recovered from the facility water, heat-pump electricity. Variables: bucket_s [horizon / 2000], run_ids.
SELECT h.run_id,
       floor(h.t_s / coalesce(getvariable('bucket_s'), r.horizon_s / 2000)) * coalesce(getvariable('bucket_s'), r.horizon_s / 2000) AS t_s,
       avg(h.demand_w) AS demand_w, avg(h.delivered_w) AS delivered_w,
       avg(h.heat_recovered_w) AS heat_recovered_w, avg(h.hp_power_w) AS hp_power_w, avg(h.supply_c) AS supply_c
FROM heat_series h JOIN runs r USING (run_id)
WHERE getvariable('run_ids') IS NULL OR list_contains(getvariable('run_ids'), h.run_id)
GROUP BY ALL
ORDER BY h.run_id, t_s;
