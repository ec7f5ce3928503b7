-- Heat reuse on the 72-rack training hall: a summer and a winter day (Bedford 2022 weather), each with
-- and without heat reuse (the same hall, workload, cooling plant and controllers). Run all four into
-- one file first:
--   for s in cooling-hall-winter-24h cooling-hall-winter-24h-heat-reuse cooling-hall-summer-24h cooling-hall-summer-24h-heat-reuse; do
--     dctwin run scenarios/$s.yaml --out results/heat-reuse.duckdb; done
-- then: dctwin query results/heat-reuse.duckdb reports/heat-reuse-comparison.sql
-- Energies in MWh; cooling_saved_mwh is the cooling energy of the same day without reuse minus this run's.
WITH k AS (
  PIVOT (SELECT run_id, name, value FROM kpis) ON name IN (
    'it_energy', 'pcc_energy', 'cooling_energy', 'rejection_fan_energy', 'chiller_energy', 'pue', 'ppue_cooling',
    'ppue_heat_pumps', 'ere', 'erf', 'heat_to_liquid', 'heat_recovered', 'heat_pump_energy', 'heat_pump_scop',
    'heat_delivered', 'heat_demand', 'heat_unmet', 'heat_network_loss', 'heat_pump_starts', 'heat_supply_under_target',
    'peak_gpu_temp', 'heat_balance_residual'
  ) USING first(value)
)
SELECT
  k.run_id,
  round(k.it_energy / 1e6, 1) AS it_mwh,
  round(k.pcc_energy / 1e6, 1) AS total_mwh,
  round(k.cooling_energy / 1e6, 3) AS cooling_mwh,
  round((b.cooling_energy - k.cooling_energy) / 1e6, 3) AS cooling_saved_mwh,
  round(k.chiller_energy / 1e6, 3) AS chiller_mwh,
  round(k.pue, 4) AS pue,
  round(k.ppue_cooling, 4) AS ppue_cooling,
  round(k.ppue_heat_pumps, 4) AS ppue_heat_pumps,
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
LEFT JOIN k AS b ON b.run_id = replace(k.run_id, '-heat-reuse', '')
ORDER BY k.run_id;
