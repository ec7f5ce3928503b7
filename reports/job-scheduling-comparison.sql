-- Job scheduling against its baseline: per job and in total, the scheduled run next to the same
-- scenario without its scheduler (every job started at its earliest start, same seed).
-- `dctwin run SCENARIO --baseline` writes both runs (RUN and RUN-baseline) and prints this; or
--   dctwin query results/FILE.duckdb reports/job-scheduling-comparison.sql
-- cost in the price's currency, carbon in kg CO2. Per job they count its racks' power while it ran;
-- the total row is the whole site (energy_cost and carbon KPIs: idle racks, losses, everything).
-- predicted_* is the saving the scheduler logged at its first decision on the job (decisions,
-- subject job:<id>): the plan chosen against starting at once and running through.
WITH s AS (SELECT * FROM jobs WHERE run_id || '-baseline' IN (SELECT run_id FROM jobs)),
b AS (SELECT * FROM jobs WHERE run_id LIKE '%-baseline'),
pred AS (
  SELECT run_id, substr(subject, 5) AS job,
         arg_min(saving_cost, seq) AS predicted_saving_cost,
         arg_min(saving_carbon_kg, seq) AS predicted_saving_carbon_kg
  FROM decisions WHERE subject LIKE 'job:%' AND type IN ('start', 'defer', 'pause', 'resume', 'reject', 'wait_headroom')
  GROUP BY 1, 2
),
per_job AS (
  SELECT s.run_id, s.job, s.kind, s.urgency, s.state,
         round(b.first_start_s / 3600, 2) AS baseline_start_h,
         round(s.first_start_s / 3600, 2) AS start_h,
         round(s.completed_s / 3600, 2) AS done_h,
         round(s.deadline_s / 3600, 2) AS deadline_h,
         s.deadline_missed AS missed,
         round(b.energy_cost, 2) AS baseline_cost,
         round(s.energy_cost, 2) AS cost,
         round(b.carbon_kg, 1) AS baseline_carbon_kg,
         round(s.carbon_kg, 1) AS carbon_kg,
         round(s.cost_per_gpu_h, 4) AS cost_per_gpu_h,
         s.cost_per_inference * 1000 AS cost_per_1k_inferences,
         round(b.energy_cost - s.energy_cost, 2) AS realised_saving_cost,
         round(p.predicted_saving_cost, 2) AS predicted_saving_cost,
         round(b.carbon_kg - s.carbon_kg, 1) AS realised_saving_carbon_kg,
         round(p.predicted_saving_carbon_kg, 1) AS predicted_saving_carbon_kg
  FROM s JOIN b ON b.run_id = s.run_id || '-baseline' AND b.job = s.job
  LEFT JOIN pred p ON p.run_id = s.run_id AND p.job = s.job
)
SELECT * FROM per_job
UNION ALL
SELECT s.run_id, '(site total)', NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       (SELECT sum(missed) FROM per_job WHERE per_job.run_id = s.run_id),
       round(max(CASE WHEN k.run_id <> s.run_id THEN k.value END) FILTER (WHERE k.name = 'energy_cost'), 2),
       round(max(CASE WHEN k.run_id = s.run_id THEN k.value END) FILTER (WHERE k.name = 'energy_cost'), 2),
       round(max(CASE WHEN k.run_id <> s.run_id THEN k.value END) FILTER (WHERE k.name = 'carbon'), 1),
       round(max(CASE WHEN k.run_id = s.run_id THEN k.value END) FILTER (WHERE k.name = 'carbon'), 1),
       NULL, NULL,
       round(max(CASE WHEN k.run_id <> s.run_id THEN k.value END) FILTER (WHERE k.name = 'energy_cost') - max(CASE WHEN k.run_id = s.run_id THEN k.value END) FILTER (WHERE k.name = 'energy_cost'), 2),
       (SELECT round(sum(predicted_saving_cost), 2) FROM per_job WHERE per_job.run_id = s.run_id),
       round(max(CASE WHEN k.run_id <> s.run_id THEN k.value END) FILTER (WHERE k.name = 'carbon') - max(CASE WHEN k.run_id = s.run_id THEN k.value END) FILTER (WHERE k.name = 'carbon'), 1),
       (SELECT round(sum(predicted_saving_carbon_kg), 1) FROM per_job WHERE per_job.run_id = s.run_id)
FROM (SELECT DISTINCT run_id FROM s) s JOIN kpis k ON k.run_id IN (s.run_id, s.run_id || '-baseline')
GROUP BY s.run_id
ORDER BY 1, 2;
