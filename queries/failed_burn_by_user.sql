-- failed_burn_by_user: one row per user whose runs that started in the period failed — what
-- those failed runs used (whole runs), as hours, as a share of the cluster's capacity over the
-- period and, with prices set, as money. Ranked by vcore-hours burned.
-- Failure: figure_macros is_failure. A user's team: that of the (queue, account) of most of their
-- failed runs, ties to the team's name. Sums exact (figure_macros: milli_sum); ties by user.
-- @param cluster        the cluster
-- @param period_start   the period's first instant, UTC
-- @param period_end     the instant after the period, UTC
-- @param top            how many users to list
with bounds as (
  select cast($period_start as timestamp) as p_start, cast($period_end as timestamp) as p_end
),
failed as (
  select "user", queue, account,
    count(*) as failed_runs,
    count(distinct job_key) as job_keys,
    milli_sum(coalesce(vcore_seconds, 0)) as vcore_milli,
    milli_sum(coalesce(memory_mb_seconds, 0)) as memory_milli,
    milli_sum(coalesce(gpu_seconds, 0)) as gpu_milli
  from jobs, bounds
  where cluster = $cluster and is_failure(state) and start_time >= p_start and start_time < p_end
  group by all
),
by_user as (
  select "user",
    first(team_of("user", queue, account) order by failed_runs desc, team_of("user", queue, account)) as team,
    sum(failed_runs) as failed_runs,
    sum(job_keys) as job_keys,
    from_milli(sum(vcore_milli)) as vcore_seconds,
    from_milli(sum(memory_milli)) as memory_mb_seconds,
    from_milli(sum(gpu_milli)) as gpu_seconds
  from failed
  group by "user"
)
select
  u."user",
  u.team,
  u.failed_runs,
  u.vcore_seconds / 3600 as failed_vcore_hours,
  u.memory_mb_seconds / 1048576 / 3600 as failed_memory_tb_hours,
  u.gpu_seconds / 3600 as failed_gpu_hours,
  u.vcore_seconds / nullif((select capacity_vcore_seconds(p_start, p_end) from bounds), 0) as share_of_capacity,
  use_cost(u.vcore_seconds, u.memory_mb_seconds, u.gpu_seconds, pr.vcore_hour, pr.memory_gb_hour, pr.gpu_hour) as cost,
  pr.currency
from by_user u
left join prices pr on true
order by u.vcore_seconds desc, u."user"
limit $top
