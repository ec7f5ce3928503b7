-- Heat reuse on the 72-rack training hall: a summer and a winter day (Bedford 2022 weather), each with
-- and without heat reuse (the same hall, workload, cooling plant and controllers). Random streams depend on
-- the seed, not the run id, so both of a pair have the same job failures and stragglers; each pair
-- runs under one run id (the day) so the query can pair them, into two files:
--   for d in winter summer; do
--     dctwin run scenarios/cooling-hall-$d-24h.yaml            --run-id $d --out results/heat-reuse-without.duckdb
--     dctwin run scenarios/cooling-hall-$d-24h-heat-reuse.yaml --run-id $d --out results/heat-reuse-with.duckdb
--   done
-- then (from the repository root): dctwin query results/heat-reuse-with.duckdb reports/heat-reuse-comparison.sql
-- Energies in MWh. cooling_saved_mwh: cooling energy of the same day without reuse minus this one's.
ATTACH 'results/heat-reuse-without.duckdb' AS without_reuse (READ_ONLY);
WITH all_kpis AS (
  SELECT 'without' AS reuse, run_id, name, value FROM without_reuse.kpis
  UNION ALL
  SELECT 'with' AS reuse, run_id, name, value FROM kpis
),
k AS (
  PIVOT all_kpis ON name IN (
    'it_energy', 'pcc_energy', 'cooling_energy', 'chiller_energy', 'rejection_fan_energy', 'pue', 'ppue_cooling',
    'ppue_heat_pumps', 'ere', 'erf', 'heat_to_liquid', 'heat_recovered', 'heat_pump_energy', 'heat_pump_scop',
    'heat_delivered', 'heat_demand', 'heat_unmet', 'heat_network_loss', 'heat_pump_starts', 'heat_supply_under_target',
    'peak_gpu_temp'
  ) USING first(value)
)
SELECT
  k.run_id AS day,
  k.reuse,
  round(k.it_energy / 1e6, 1) AS it_mwh,
  round(k.pcc_energy / 1e6, 1) AS total_mwh,
  round(k.cooling_energy / 1e6, 3) AS cooling_mwh,
  round((b.cooling_energy - k.cooling_energy) / 1e6, 3) AS cooling_saved_mwh,
  round(k.chiller_energy / 1e6, 3) AS chiller_mwh,
  round(k.rejection_fan_energy / 1e6, 3) AS fan_mwh,
  round(k.pue, 4) AS pue,
  round(k.ppue_cooling, 4) AS ppue_cooling,
  round(k.ppue_heat_pumps, 4) AS ppue_hp,
  round(coalesce(k.ere, k.pue), 4) AS ere,
  round(coalesce(k.erf, 0), 4) AS erf,
  round(k.heat_to_liquid / 1e6, 1) AS liquid_heat_mwh,
  round(coalesce(k.heat_recovered, 0) / 1e6, 1) AS recovered_mwh,
  round(coalesce(k.heat_pump_energy, 0) / 1e6, 1) AS hp_mwh,
  round(k.heat_pump_scop, 2) AS scop,
  round(coalesce(k.heat_demand, 0) / 1e6, 1) AS demand_mwh,
  round(coalesce(k.heat_delivered, 0) / 1e6, 1) AS delivered_mwh,
  round(coalesce(k.heat_network_loss, 0) / 1e6, 1) AS network_loss_mwh,
  k.heat_unmet AS unmet_wh,
  k.heat_supply_under_target AS under_target_s,
  k.heat_pump_starts AS hp_starts,
  round(k.peak_gpu_temp, 1) AS peak_gpu_c
FROM k
JOIN k AS b ON b.run_id = k.run_id AND b.reuse = 'without'
ORDER BY k.run_id, k.reuse DESC;
