-- retries_by_job_key: one row per recurring job (job key) that was re-run after failing: a retry
-- is a run that started within retry_window_s seconds of the end of a failed run of the same
-- key (someone or something submitted it again). Over the retries that started in the period:
-- how many, how many failed again, and what they used (whole runs) as hours, share of the
-- cluster's capacity over the period and, with prices set, money. Ranked by vcore-hours.
-- Failure: figure_macros is_failure. Owner and team: the most common among the retries, a tie to
-- the earliest retry's. Sums exact (figure_macros: milli_sum).
-- @param cluster          the cluster
-- @param period_start     the period's first instant, UTC
-- @param period_end       the instant after the period, UTC
-- @param retry_window_s   a run this soon after a failed run of its key is a retry
-- @param top              how many keys to list
with bounds as (
  select cast($period_start as timestamp) as p_start, cast($period_end as timestamp) as p_end
),
-- A run before the period can only be followed by a retry in it if it ended at most
-- retry_window_s before the period began. The first of those to start is as far back as the
-- runs need to go: an older run's next run of its key ended too early to count, and the runs
-- from it on are all in. (Ended and still-running runs apart: plain filters, cheap to apply.)
reach as (
  select least(
    (select min(start_time) from jobs
     where cluster = $cluster and job_key is not null and start_time < cast($period_start as timestamp)
       and end_time >= cast($period_start as timestamp) - to_microseconds(cast($retry_window_s * 1e6 as bigint))),
    (select min(start_time) from jobs
     where cluster = $cluster and job_key is not null and start_time < cast($period_start as timestamp) and end_time is null
       and run_end(start_time, end_time, elapsed_s) >= cast($period_start as timestamp) - to_microseconds(cast($retry_window_s * 1e6 as bigint))),
    cast($period_start as timestamp)) as since
),
runs as (
  select
    job_key, job_id, start_time,
    lag(is_failure(state)) over w as previous_failed,
    lag(run_end(start_time, end_time, elapsed_s)) over w as previous_end
  from jobs j
  join reach on j.start_time >= reach.since
  where cluster = $cluster and job_key is not null and start_time is not null and start_time < cast($period_end as timestamp)
  window w as (partition by job_key order by start_time, job_id)
),
retried as (
  select job_id
  from runs
  where previous_failed
    and start_time >= cast($period_start as timestamp) and start_time < cast($period_end as timestamp)
    and epoch_ms(start_time) - epoch_ms(previous_end) <= $retry_window_s * 1000
),
retries as (
  select job_key, job_id, "user", queue, account, state, start_time, coalesce(vcore_seconds, 0) as vcore_seconds,
    coalesce(memory_mb_seconds, 0) as memory_mb_seconds, coalesce(gpu_seconds, 0) as gpu_seconds
  from jobs
  join retried using (job_id)
  where cluster = $cluster and start_time >= cast($period_start as timestamp) and start_time < cast($period_end as timestamp)
),
by_key as (
  select job_key,
    mode("user" order by start_time, job_id) as owner,
    mode(struct_pack(u := "user", q := queue, a := account) order by start_time, job_id) as who,
    count(*) as retries,
    count(*) filter (where is_failure(state)) as failed_again,
    from_milli(milli_sum(vcore_seconds)) as vcore_seconds,
    from_milli(milli_sum(memory_mb_seconds)) as memory_mb_seconds,
    from_milli(milli_sum(gpu_seconds)) as gpu_seconds
  from retries
  group by job_key
)
select
  k.job_key,
  k.owner,
  team_of(k.who.u, k.who.q, k.who.a) as team,
  k.retries,
  k.failed_again,
  k.vcore_seconds / 3600 as retry_vcore_hours,
  k.vcore_seconds / nullif((select capacity_vcore_seconds(p_start, p_end) from bounds), 0) as share_of_capacity,
  use_cost(k.vcore_seconds, k.memory_mb_seconds, k.gpu_seconds, pr.vcore_hour, pr.memory_gb_hour, pr.gpu_hour) as cost,
  pr.currency
from by_key k
left join prices pr on true
order by k.vcore_seconds desc, k.job_key
limit $top
