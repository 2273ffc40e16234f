-- top_failing_jobs: one row per recurring job (job key) that failed at least min_failures times
-- among its runs that started in the period, ranked by the resources its failed runs burned —
-- not by how often it failed.
--   runs, failures, failure_rate      of the runs that started in the period (whole runs)
--   failed_vcore_hours, …             what those failed runs used, and as a share of the
--                                     cluster's capacity over the period
--   streak                            failed runs in a row at the end of the key's whole history
--                                     (ended runs, newest first, until one did not fail), and the
--                                     start of the first of them
--   error_signature                   the most common failure text, masked (figure_macros)
--   owner, team                       the user with most runs of the key in the period, and the
--                                     team of the key's most common (user, queue, account)
--                                     (a tie, here and for the example name, queue, account and
--                                     signature: the earliest run's, whatever the threads);
--                                     last_job_id, last_diagnostics: the latest run's (a tie: the
--                                     greatest job id). Sums exact (figure_macros: milli_sum).
-- Failure: figure_macros is_failure (FAILED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL).
-- @param cluster        the cluster
-- @param period_start   the period's first instant, UTC
-- @param period_end     the instant after the period, UTC
-- @param min_failures   fewest failed runs in the period for a key to be listed
-- @param top            how many keys to list
with bounds as (
  select cast($period_start as timestamp) as p_start, cast($period_end as timestamp) as p_end
),
in_period as (
  select j.*, is_failure(j.state) as failed
  from jobs j
  where j.cluster = $cluster and j.job_key is not null
    and j.start_time >= cast($period_start as timestamp) and j.start_time < cast($period_end as timestamp)
),
keys as (
  select
    job_key,
    count(*) as runs,
    count(*) filter (where failed) as failures,
    from_milli(milli_sum(case when failed then coalesce(vcore_seconds, 0) end)) as failed_vcore_seconds,
    from_milli(milli_sum(case when failed then coalesce(memory_mb_seconds, 0) end)) as failed_memory_mb_seconds,
    from_milli(milli_sum(case when failed then coalesce(gpu_seconds, 0) end)) as failed_gpu_seconds,
    min(start_time) filter (where failed) as first_failure,
    max(start_time) filter (where failed) as last_failure
  from in_period
  group by job_key
  having count(*) filter (where failed) >= $min_failures
),
listed as (
  select * from keys
  order by failed_vcore_seconds desc nulls last, failures desc, job_key
  limit $top
),
-- The costly aggregates (modes, signatures) only for the keys listed.
described as (
  select
    job_key,
    mode("user" order by start_time, job_id) as owner,
    mode(struct_pack(u := "user", q := queue, a := account) order by start_time, job_id) as who,
    mode(queue order by start_time, job_id) as queue,
    mode(account order by start_time, job_id) as account,
    mode(name order by start_time, job_id) as example_name,
    last(job_id order by start_time, job_id) as last_job_id,
    mode(error_signature(diagnostics) order by start_time, job_id) filter (where is_failure(state) and diagnostics is not null) as error_signature,
    last(diagnostics order by start_time, job_id) filter (where is_failure(state) and diagnostics is not null) as last_diagnostics
  from jobs
  where cluster = $cluster and job_key in (select job_key from listed)
    and start_time >= cast($period_start as timestamp) and start_time < cast($period_end as timestamp)
  group by job_key
),
ranked as (
  select * from listed join described using (job_key)
),
history as (
  select
    j.job_key, j.start_time, is_failure(j.state) as failed,
    row_number() over (partition by j.job_key order by j.start_time desc, j.job_id desc) as newest
  from jobs j
  where j.cluster = $cluster and j.job_key in (select job_key from ranked) and is_ended(j.state) and j.start_time is not null
),
streaks as (
  select job_key, coalesce(min(newest) filter (where not failed) - 1, count(*)) as streak
  from history
  group by job_key
),
streak_starts as (
  select h.job_key, s.streak, min(h.start_time) filter (where h.newest <= s.streak) as streak_since
  from history h join streaks s using (job_key)
  group by h.job_key, s.streak
),
capacity as (
  select capacity_vcore_seconds(p_start, p_end) as vcore_seconds from bounds
)
select
  r.job_key,
  r.example_name,
  r.owner,
  team_of(r.who.u, r.who.q, r.who.a) as team,
  r.queue,
  r.account,
  r.runs,
  r.failures,
  r.failures / r.runs as failure_rate,
  coalesce(s.streak, 0) as streak,
  s.streak_since,
  r.failed_vcore_seconds / 3600 as failed_vcore_hours,
  r.failed_memory_mb_seconds / 1048576 / 3600 as failed_memory_tb_hours,
  r.failed_gpu_seconds / 3600 as failed_gpu_hours,
  r.failed_vcore_seconds / nullif((select vcore_seconds from capacity), 0) as share_of_capacity,
  use_cost(r.failed_vcore_seconds, r.failed_memory_mb_seconds, r.failed_gpu_seconds, pr.vcore_hour, pr.memory_gb_hour, pr.gpu_hour) as failed_cost,
  pr.currency,
  r.first_failure,
  r.last_failure,
  r.last_job_id,
  r.error_signature,
  r.last_diagnostics
from ranked r
left join streak_starts s using (job_key)
left join prices pr on true
order by r.failed_vcore_seconds desc nulls last, r.failures desc, r.job_key
