-- Market-driven power capping: cost, energy, carbon and work done against the uncapped hall.
-- Runs both day scenarios into one file first (same hall, prices and seed):
--   dctwin run scenarios/market-powercap-day-uncapped.yaml --out results/powercap.duckdb
--   dctwin run scenarios/market-powercap-day.yaml          --out results/powercap.duckdb
-- then: dctwin query results/powercap.duckdb reports/market-powercap-comparison.sql
-- A cap saves power but slows the training job (models/workloads/training.ts), so the fair
-- comparison is per iteration: energy_per_iteration_wh and cost_per_1k_iterations.
-- Each row is set against the uncapped run (the run whose id ends in -uncapped): the _change columns.
WITH k AS (
  PIVOT (
    SELECT run_id, name, value FROM kpis
    WHERE name IN ('pcc_energy', 'energy_cost', 'carbon', 'pcc_peak_power', 'pcc_mean_power', 'pretrain_iterations', 'pcc_slow_ramp_violations')
  ) ON name USING first(value)
),
r AS (
  SELECT run_id,
         pcc_energy / 1e6 AS energy_mwh,
         energy_cost AS cost_gbp,
         carbon / 1000 AS carbon_t,
         pcc_peak_power / 1e6 AS peak_mw,
         pcc_mean_power / 1e6 AS mean_mw,
         pretrain_iterations AS iterations,
         pcc_energy / nullif(pretrain_iterations, 0) AS energy_per_iteration_wh,
         1000 * energy_cost / nullif(pretrain_iterations, 0) AS cost_per_1k_iterations,
         pcc_slow_ramp_violations AS slow_ramp_violations
  FROM k
),
base AS (SELECT * FROM r WHERE run_id LIKE '%-uncapped')
SELECT r.run_id,
       round(r.energy_mwh, 2) AS energy_mwh,
       round(r.cost_gbp, 0) AS cost_gbp,
       round(r.carbon_t, 2) AS carbon_t,
       round(r.peak_mw, 2) AS peak_mw,
       r.iterations,
       round(r.energy_per_iteration_wh, 1) AS energy_per_iteration_wh,
       round(r.cost_per_1k_iterations, 2) AS cost_per_1k_iterations,
       round(100 * (r.cost_gbp / base.cost_gbp - 1), 2) AS cost_change_pct,
       round(100 * (r.energy_mwh / base.energy_mwh - 1), 2) AS energy_change_pct,
       round(100 * (r.iterations / base.iterations - 1), 2) AS iterations_change_pct,
       round(100 * (r.cost_per_1k_iterations / base.cost_per_1k_iterations - 1), 2) AS cost_per_iteration_change_pct,
       round(100 * (r.energy_per_iteration_wh / base.energy_per_iteration_wh - 1), 2) AS energy_per_iteration_change_pct,
       r.slow_ramp_violations
FROM r LEFT JOIN base ON true
ORDER BY r.run_id DESC;
