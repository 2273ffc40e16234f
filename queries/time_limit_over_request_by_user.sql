-- time_limit_over_request_by_user: one row per user whose jobs' time limits were far above what
-- they ran (Slurm Timelimit vs Elapsed): over the user's jobs that started in the period, ended
-- (not by hitting the limit), ran at least min_run_s and have a limit — limit hours, elapsed
-- hours, and the median of limit ÷ elapsed per job. Users whose median is at least min_ratio,
-- ranked by that median; `cluster_median_ratio` is the median over every such job of the cluster.
-- A far-too-long limit keeps a job waiting for a slot it does not need and blocks backfill.
-- A user's team: that of their longest judged job (a tie: the team's name). Sums exact
-- (figure_macros: milli_sum).
-- @param cluster        the cluster
-- @param period_start   the period's first instant, UTC
-- @param period_end     the instant after the period, UTC
-- @param min_ratio      smallest median limit ÷ elapsed to be listed
-- @param min_run_s      jobs that ran less than this many seconds are not judged
-- @param top            how many users to list
with judged as (
  select "user", queue, account, time_limit_s, elapsed_s, time_limit_s / elapsed_s as ratio
  from jobs
  where cluster = $cluster
    and start_time >= cast($period_start as timestamp) and start_time < cast($period_end as timestamp)
    and is_ended(state) and state <> 'TIMEOUT'
    and time_limit_s > 0 and elapsed_s >= $min_run_s
),
by_user as (
  select "user",
    first(team_of("user", queue, account) order by elapsed_s desc, team_of("user", queue, account)) as team,
    count(*) as jobs,
    from_milli(milli_sum(time_limit_s)) / 3600 as time_limit_hours,
    from_milli(milli_sum(elapsed_s)) / 3600 as elapsed_hours,
    median(ratio) as median_ratio
  from judged
  group by "user"
)
select
  u.*,
  (select median(ratio) from judged) as cluster_median_ratio
from by_user u
where u.median_ratio >= $min_ratio
order by u.median_ratio desc, u."user"
limit $top
