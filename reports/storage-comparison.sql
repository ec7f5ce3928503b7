-- Storage and smoothing at the PCC of the 72-rack training hall, one row per run: no mitigation,
-- a 65 J/GPU PSU buffer, GPU smoothing, the battery alone, both, and both with a fast inverter.
-- Runs every scenario into one file first:
--   for s in hall-training-1h hall-training-1h-psu-buffer hall-training-1h-smoothed \
--            hall-training-1h-battery hall-training-1h-both hall-training-1h-both-fast; do
--     dctwin run scenarios/$s.yaml --out results/storage.duckdb
--   done
-- then: dctwin query results/storage.duckdb reports/storage-comparison.sql
-- Powers in MW, ramps in MW/s, energies in MWh / kWh, cost in GBP (Agile, 15 Jul 2020).
-- Random streams depend on the seed, not the run id: every run here has the same stragglers.
SELECT
  run_id,
  round(max(value) FILTER (name = 'pcc_max_ramp_40ms') / 1e6, 1) AS ramp_40ms,
  round(max(value) FILTER (name = 'pcc_max_ramp_1s') / 1e6, 2) AS ramp_1s,
  round(max(value) FILTER (name = 'pcc_max_ramp_60s') * 60 / 1e6, 2) AS ramp_60s_mw_per_min,
  round(max(value) FILTER (name = 'pcc_swing_p99') / 1e6, 2) AS swing_p99,
  round(max(value) FILTER (name = 'pcc_swing_max') / 1e6, 2) AS swing_max,
  round(max(value) FILTER (name = 'pcc_band_rms_0p1_1hz') / 1e6, 3) AS rms_0p1_1hz,
  round(max(value) FILTER (name = 'pcc_band_rms_1_5hz') / 1e6, 3) AS rms_1_5hz,
  round(max(value) FILTER (name = 'pcc_band_rms_5_12p5hz') / 1e6, 3) AS rms_5_12p5hz,
  max(value) FILTER (name = 'pcc_ramp_violations')::INTEGER AS ramp_viol,
  round(max(value) FILTER (name = 'pcc_ramp_violation_time'), 2) AS ramp_viol_s,
  max(value) FILTER (name = 'pcc_slow_ramp_violations')::INTEGER AS slow_ramp_viol,
  round(max(value) FILTER (name = 'pcc_swing_violation_time'), 1) AS swing_viol_s,
  round(max(value) FILTER (name = 'pcc_energy') / 1e6, 3) AS pcc_mwh,
  round(max(value) FILTER (name = 'gpu_burn_energy') / 1e6, 3) AS burn_mwh,
  round(max(value) FILTER (name LIKE 'battery_%_loss_energy') / 1e3, 1) AS battery_loss_kwh,
  round(max(value) FILTER (name LIKE 'battery_%_aux_energy') / 1e3, 1) AS battery_aux_kwh,
  round(max(value) FILTER (name LIKE 'battery_%_throughput') / 1e3, 1) AS battery_throughput_kwh,
  round(max(value) FILTER (name LIKE 'battery_%_stored_energy_change') / 1e3, 1) AS battery_stored_change_kwh,
  round(max(value) FILTER (name = 'energy_cost'), 2) AS cost_gbp
FROM kpis
GROUP BY run_id
ORDER BY run_id;
