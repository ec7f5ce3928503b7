-- The same controller in-process, and closed over the wire through a served twin
-- (hil/closed-loop.ts attaches the four result files as inproc, tcp, rtu and realtime).
-- KPIs side by side, with each wire run's difference from the in-process run in percent.
SELECT k.name,
       k.unit,
       k.value                                                        AS inproc,
       t.value                                                        AS tcp_lockstep,
       r.value                                                        AS rtu_lockstep,
       w.value                                                        AS tcp_realtime,
       round(100 * (t.value - k.value) / nullif(abs(k.value), 0), 2) AS tcp_pct,
       round(100 * (r.value - k.value) / nullif(abs(k.value), 0), 2) AS rtu_pct,
       round(100 * (w.value - k.value) / nullif(abs(k.value), 0), 2) AS realtime_pct
  FROM inproc.kpis k
  JOIN tcp.kpis t USING (name)
  JOIN rtu.kpis r USING (name)
  JOIN realtime.kpis w USING (name)
 WHERE k.name LIKE 'pcc_%' OR k.name LIKE 'battery_%'
 ORDER BY k.name;
