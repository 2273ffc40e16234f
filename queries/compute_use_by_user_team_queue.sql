-- compute_use_by_user_team_queue: one row per user, per team and per queue (column `dimension`)
-- — the compute each used in the period and in the one before it, split by time (figure_macros:
-- fraction_within), its share of the cluster's capacity over the period, and its growth.
-- A job's team is team_of(user, queue, account): 'unassigned' when none applies, never dropped.
-- A user's team: the team of the (queue, account) they used most in the period (then the one
-- before), ties to the team's name. Ranked within each dimension by vcore-hours in the period, ties
-- by name. Sums are exact to a thousandth of a vcore-second (figure_macros: milli_sum).
-- @param cluster          the cluster
-- @param period_start     the period's first instant, UTC
-- @param period_end       the instant after the period, UTC
-- @param previous_start   the previous period's first instant, UTC
-- @param previous_end     the instant after the previous period (its start), UTC
with bounds as (
  select
    cast($period_start as timestamp) as p_start, cast($period_end as timestamp) as p_end,
    cast($previous_start as timestamp) as q_start, cast($previous_end as timestamp) as q_end
),
runs as (
  select
    "user", queue, account, start_time,
    run_end(start_time, end_time, elapsed_s) as run_end,
    coalesce(vcore_seconds, 0) as vcore_seconds,
    coalesce(memory_mb_seconds, 0) as memory_mb_seconds,
    coalesce(gpu_seconds, 0) as gpu_seconds
  from jobs, bounds
  where cluster = $cluster
    and start_time is not null
    and start_time < greatest(p_end, q_end)
    and run_end(start_time, end_time, elapsed_s) >= least(p_start, q_start)
),
-- Use by (user, queue, account) first: few rows, so the team lookup is cheap. In thousandths of a
-- second (milli_sum) until the final select.
by_owner as (
  select
    "user", queue, account,
    milli_sum(vcore_seconds * fraction_within(start_time, run_end, p_start, p_end)) as vcore_seconds,
    milli_sum(memory_mb_seconds * fraction_within(start_time, run_end, p_start, p_end)) as memory_mb_seconds,
    milli_sum(gpu_seconds * fraction_within(start_time, run_end, p_start, p_end)) as gpu_seconds,
    count(*) filter (where start_time >= p_start and start_time < p_end) as jobs,
    milli_sum(vcore_seconds * fraction_within(start_time, run_end, q_start, q_end)) as previous_vcore_seconds
  from runs, bounds
  group by all
),
labelled as (
  select *, team_of("user", queue, account) as team from by_owner
),
grouped as (
  select 'user' as dimension, coalesce("user", '(none)') as name,
         first(team order by vcore_seconds desc, previous_vcore_seconds desc, team) as team,
         sum(vcore_seconds) as vcore_seconds, sum(memory_mb_seconds) as memory_mb_seconds, sum(gpu_seconds) as gpu_seconds,
         sum(jobs) as jobs, sum(previous_vcore_seconds) as previous_vcore_seconds
  from labelled group by "user"
  union all
  select 'team', team, team,
         sum(vcore_seconds), sum(memory_mb_seconds), sum(gpu_seconds), sum(jobs), sum(previous_vcore_seconds)
  from labelled group by team
  union all
  select 'queue', coalesce(queue, '(none)'), null,
         sum(vcore_seconds), sum(memory_mb_seconds), sum(gpu_seconds), sum(jobs), sum(previous_vcore_seconds)
  from labelled group by queue
),
capacity as (
  select capacity_vcore_seconds(p_start, p_end) as vcore_seconds from bounds
)
select
  dimension,
  name,
  team,
  from_milli(vcore_seconds) / 3600 as vcore_hours,
  from_milli(memory_mb_seconds) / 1048576 / 3600 as memory_tb_hours,
  from_milli(gpu_seconds) / 3600 as gpu_hours,
  jobs,
  from_milli(vcore_seconds) / nullif((select vcore_seconds from capacity), 0) as share_of_capacity,
  from_milli(previous_vcore_seconds) / 3600 as previous_vcore_hours,
  case when previous_vcore_seconds > 0 then vcore_seconds / previous_vcore_seconds - 1 end as growth,
  row_number() over (partition by dimension order by vcore_seconds desc, name) as rank
from grouped
where vcore_seconds > 0 or previous_vcore_seconds > 0
order by dimension, rank
