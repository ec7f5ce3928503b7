-- GPU power smoothing: what it buys at the PCC and what it costs in energy.
-- Runs both 1-hour scenarios into one file first:
--   dctwin run scenarios/hall-training-1h.yaml          --out results/smoothing.duckdb
--   dctwin run scenarios/hall-training-1h-smoothed.yaml --out results/smoothing.duckdb
-- then: dctwin query results/smoothing.duckdb reports/smoothing-comparison.sql
PIVOT (
  SELECT run_id, name, value FROM kpis
  WHERE name IN ('pcc_swing_p99', 'pcc_max_ramp_40ms', 'pcc_max_ramp_1s', 'pcc_band_rms_0p1_1hz',
                 'pcc_band_rms_1_5hz', 'pcc_band_rms_5_12p5hz', 'pcc_dominant_frequency',
                 'pcc_energy', 'gpu_burn_energy', 'gpu_energy_overhead',
                 'pcc_ramp_violations', 'pcc_swing_violation_time', 'energy_cost', 'carbon')
) ON name USING first(value)
ORDER BY run_id;
