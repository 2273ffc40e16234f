-- reliability_by_period: one row per period — availability from incidents and the outcome of
-- the jobs that started in it.
-- Availability is 1 − minutes down ÷ minutes in the period, where minutes down are those covered
-- by a critical or major incident, overlapping incidents counted once. Success rate is
-- succeeded ÷ ended jobs (those not running, pending or unknown); failed counts FAILED,
-- TIMEOUT, OUT_OF_MEMORY and NODE_FAIL (figure_macros: is_failure), killed KILLED and PREEMPTED.
-- Minutes down are summed exactly (figure_macros: milli_sum).
-- @param cluster  the cluster
-- @param labels   the periods' labels
-- @param starts   each period's first instant, UTC
-- @param ends     each period's end, UTC
with periods as (
  select
    unnest($labels) as period,
    cast(unnest($starts) as timestamp) as period_start,
    cast(unnest($ends) as timestamp) as period_end
),
outages as (
  select start_time, end_time
  from incidents
  where cluster = $cluster and severity in ('critical', 'major') and end_time > start_time
),
-- Overlapping outages merged: an outage starts a new island when it begins after every earlier one ended.
marked as (
  select *,
    case when start_time <= max(end_time) over (order by start_time, end_time rows between unbounded preceding and 1 preceding)
         then 0 else 1 end as new_island
  from outages
),
islands as (
  select *, sum(new_island) over (order by start_time, end_time) as island from marked
),
merged as (
  select min(start_time) as down_from, max(end_time) as down_to from islands group by island
),
down as (
  select p.period, from_milli(milli_sum(overlap_seconds(m.down_from, m.down_to, p.period_start, p.period_end))) / 60 as down_minutes
  from periods p
  join merged m on m.down_from < p.period_end and m.down_to > p.period_start
  group by p.period
),
incident_counts as (
  select p.period,
    count(*) as incidents,
    count(*) filter (where i.severity = 'critical') as critical,
    count(*) filter (where i.severity = 'major') as major
  from periods p
  join incidents i on i.cluster = $cluster and i.start_time < p.period_end and i.end_time > p.period_start
  group by p.period
),
outcomes as (
  select p.period,
    count(*) as jobs,
    count(*) filter (where is_ended(j.state)) as ended,
    count(*) filter (where j.state = 'SUCCEEDED') as succeeded,
    count(*) filter (where is_failure(j.state)) as failed,
    count(*) filter (where j.state in ('KILLED', 'PREEMPTED')) as killed,
    count(*) filter (where j.state = 'TIMEOUT') as timeouts,
    count(*) filter (where j.state = 'OUT_OF_MEMORY') as out_of_memory,
    count(*) filter (where j.state = 'NODE_FAIL') as node_failures
  from periods p
  join jobs j on j.cluster = $cluster and j.start_time >= p.period_start and j.start_time < p.period_end
  group by p.period
)
select
  p.period,
  p.period_start,
  p.period_end,
  (epoch_ms(p.period_end) - epoch_ms(p.period_start)) / 60000 as minutes,
  coalesce(d.down_minutes, 0) as down_minutes,
  1 - coalesce(d.down_minutes, 0) / ((epoch_ms(p.period_end) - epoch_ms(p.period_start)) / 60000) as availability,
  coalesce(c.incidents, 0) as incidents,
  coalesce(c.critical, 0) as critical_incidents,
  coalesce(c.major, 0) as major_incidents,
  coalesce(o.jobs, 0) as jobs,
  coalesce(o.ended, 0) as ended,
  coalesce(o.succeeded, 0) as succeeded,
  coalesce(o.failed, 0) as failed,
  coalesce(o.killed, 0) as killed,
  coalesce(o.timeouts, 0) as timeouts,
  coalesce(o.out_of_memory, 0) as out_of_memory,
  coalesce(o.node_failures, 0) as node_failures,
  o.succeeded / nullif(o.ended, 0) as success_rate
from periods p
left join down d using (period)
left join incident_counts c using (period)
left join outcomes o using (period)
order by p.period_start desc
