-- The cost-carbon trade-off of a carbon cap (scenarios/sweeps/scheduler-carbon-cap.yaml):
--   dctwin batch scenarios/sweeps/scheduler-carbon-cap.yaml --threads 2
--   dctwin query results/scheduler-carbon-cap.duckdb reports/scheduler-carbon-cap.sql
-- Per run: the capped job's (pretrain-flex) cost, carbon and time above its cap, and the site's.
-- cost in GBP (Agile), carbon in kg CO2; a cap of 1000 g/kWh is no cap.
WITH cap AS (
  SELECT run_id, CAST(json_extract(params_json, '$."jobs[0].carbonCap"') AS DOUBLE) AS carbon_cap_g_per_kwh FROM runs
),
job AS (
  SELECT run_id, energy_cost, carbon_kg, energy_wh, completed_s, deadline_s, deadline_missed FROM jobs WHERE job = 'pretrain-flex'
),
site AS (
  SELECT run_id,
         max(value) FILTER (WHERE name = 'energy_cost') AS site_cost,
         max(value) FILTER (WHERE name = 'carbon') AS site_carbon_kg,
         max(value) FILTER (WHERE name = 'jobs_deadline_missed') AS deadline_misses
  FROM kpis GROUP BY run_id
)
SELECT cap.carbon_cap_g_per_kwh,
       round(job.energy_cost, 2) AS job_cost_gbp,
       round(job.carbon_kg, 1) AS job_carbon_kg,
       round(1000 * job.carbon_kg / (job.energy_wh / 1000), 1) AS job_g_per_kwh,
       round(job.completed_s / 3600, 2) AS job_done_h,
       round(site.site_cost, 2) AS site_cost_gbp,
       round(site.site_carbon_kg, 1) AS site_carbon_kg,
       site.deadline_misses,
       cap.run_id
FROM cap JOIN job USING (run_id) JOIN site USING (run_id)
ORDER BY cap.carbon_cap_g_per_kwh DESC;
