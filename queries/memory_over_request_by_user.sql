-- memory_over_request_by_user: one row per user who asked for much more memory than their jobs
-- used, where the source reports use (Slurm: ReqMem and the largest step MaxRSS).
-- Over the user's jobs that started in the period, ended, ran at least min_run_s and report
-- both figures: requested and used GB-hours (memory × elapsed), the GB-hours asked for but not
-- used, and the median of requested ÷ used per job. Users whose median is at least min_ratio,
-- ranked by GB-hours not used; `cluster_median_ratio` is the same median over every such job
-- of the cluster, for comparison. Money: the unused GB-hours at the memory price. A user's team:
-- that of their longest judged job (a tie: the team's name). Sums exact (figure_macros: milli_sum).
-- @param cluster        the cluster
-- @param period_start   the period's first instant, UTC
-- @param period_end     the instant after the period, UTC
-- @param min_ratio      smallest median requested ÷ used to be listed
-- @param min_run_s      jobs that ran less than this many seconds are not judged
-- @param top            how many users to list
with judged as (
  select "user", queue, account,
    req_memory_mb, max_rss_mb, elapsed_s,
    req_memory_mb / max_rss_mb as ratio
  from jobs
  where cluster = $cluster
    and start_time >= cast($period_start as timestamp) and start_time < cast($period_end as timestamp)
    and is_ended(state)
    and req_memory_mb > 0 and max_rss_mb > 0 and elapsed_s >= $min_run_s
),
by_user as (
  select "user",
    first(team_of("user", queue, account) order by elapsed_s desc, team_of("user", queue, account)) as team,
    count(*) as jobs,
    from_milli(milli_sum(req_memory_mb / 1024 * elapsed_s / 3600)) as requested_gb_hours,
    from_milli(milli_sum(max_rss_mb / 1024 * elapsed_s / 3600)) as used_gb_hours,
    median(ratio) as median_ratio
  from judged
  group by "user"
)
select
  u."user",
  u.team,
  u.jobs,
  u.requested_gb_hours,
  u.used_gb_hours,
  u.requested_gb_hours - u.used_gb_hours as unused_gb_hours,
  u.median_ratio,
  (select median(ratio) from judged) as cluster_median_ratio,
  (u.requested_gb_hours - u.used_gb_hours) * pr.memory_gb_hour as unused_cost,
  pr.currency
from by_user u
left join prices pr on true
where u.median_ratio >= $min_ratio
order by unused_gb_hours desc, u."user"
limit $top
