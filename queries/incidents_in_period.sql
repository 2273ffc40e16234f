-- incidents_in_period: one row per incident of the cluster that overlaps the period, with the
-- minutes of it inside the period. Oldest first (then by end, title and severity).
-- @param cluster       the cluster
-- @param period_start  the period's first instant, UTC
-- @param period_end    the instant after the period, UTC
select
  start_time,
  end_time,
  severity,
  title,
  (epoch_ms(end_time) - epoch_ms(start_time)) / 60000 as minutes,
  overlap_seconds(start_time, end_time, cast($period_start as timestamp), cast($period_end as timestamp)) / 60 as minutes_in_period
from incidents
where cluster = $cluster
  and start_time < cast($period_end as timestamp)
  and end_time > cast($period_start as timestamp)
order by start_time, end_time, title, severity
