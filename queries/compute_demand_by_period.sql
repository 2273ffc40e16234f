-- compute_demand_by_period: one row per period — the compute the cluster's jobs used in it, the
-- jobs that started in it and their users, and the cluster's capacity over it.
-- Use is split by time: a run's vcore-, memory- and GPU-seconds are spread evenly over its run
-- and each period gets the part that fell in it (figure_macros: fraction_within). Memory
-- TB-hours count 2^20 MB to the TB (the RM's MB are MiB). Sums are exact to a thousandth of a
-- vcore-second (figure_macros: milli_sum), whatever the threads.
-- @param cluster  the cluster
-- @param labels   the periods' labels, e.g. ['2026-Q3', '2026-Q2', …]
-- @param starts   each period's first instant, UTC (text timestamps, in the order of labels)
-- @param ends     each period's end (the instant after it), UTC
with periods as (
  select
    unnest($labels) as period,
    cast(unnest($starts) as timestamp) as period_start,
    cast(unnest($ends) as timestamp) as period_end
),
runs as (
  select
    "user",
    start_time,
    run_end(start_time, end_time, elapsed_s) as run_end,
    coalesce(vcore_seconds, 0) as vcore_seconds,
    coalesce(memory_mb_seconds, 0) as memory_mb_seconds,
    coalesce(gpu_seconds, 0) as gpu_seconds
  from jobs
  where cluster = $cluster
    and start_time is not null
    -- the bounds from the lists themselves (constants): filtered while scanning, and the planner
    -- knows the runs are many (the periods the side it keeps in memory, the runs streaming past)
    and start_time < cast(list_max($ends) as timestamp)
    and run_end(start_time, end_time, elapsed_s) >= cast(list_min($starts) as timestamp)
),
-- One pass: a run that started in a period also overlaps it. By user first: what the period's
-- users used, how many runs each started in it (active users are those who started one).
use_by_user as (
  select
    p.period,
    r."user",
    milli_sum(r.vcore_seconds * fraction_within(r.start_time, r.run_end, p.period_start, p.period_end)) as vcore_milli,
    milli_sum(r.memory_mb_seconds * fraction_within(r.start_time, r.run_end, p.period_start, p.period_end)) as memory_milli,
    milli_sum(r.gpu_seconds * fraction_within(r.start_time, r.run_end, p.period_start, p.period_end)) as gpu_milli,
    count(*) filter (where r.start_time >= p.period_start) as jobs
  from periods p
  join runs r on r.start_time < p.period_end and r.run_end >= p.period_start
  group by p.period, r."user"
),
use_in_period as (
  select
    period,
    from_milli(sum(vcore_milli)) as vcore_seconds,
    from_milli(sum(memory_milli)) as memory_mb_seconds,
    from_milli(sum(gpu_milli)) as gpu_seconds,
    sum(jobs) as jobs,
    count("user") filter (where jobs > 0) as active_users
  from use_by_user
  group by period
)
select
  p.period,
  p.period_start,
  p.period_end,
  coalesce(u.vcore_seconds, 0) / 3600 as vcore_hours,
  coalesce(u.memory_mb_seconds, 0) / 1048576 / 3600 as memory_tb_hours,
  coalesce(u.gpu_seconds, 0) / 3600 as gpu_hours,
  coalesce(u.jobs, 0) as jobs,
  coalesce(u.active_users, 0) as active_users,
  capacity_vcore_seconds(p.period_start, p.period_end) / 3600 as capacity_vcore_hours,
  capacity_gpu_seconds(p.period_start, p.period_end) / 3600 as capacity_gpu_hours,
  coalesce(u.vcore_seconds, 0) / nullif(capacity_vcore_seconds(p.period_start, p.period_end), 0) as share_of_capacity
from periods p
left join use_in_period u using (period)
order by p.period_start desc
