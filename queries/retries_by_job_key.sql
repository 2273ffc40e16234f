-- retries_by_job_key: one row per recurring job (job key) that was re-run after failing: a retry
-- is a run that started within retry_window_s seconds of the end of a failed run of the same
-- key (someone or something submitted it again). Over the retries that started in the period:
-- how many, how many failed again, and what they used (whole runs) as hours, share of the
-- cluster's capacity over the period and, with prices set, money. Ranked by vcore-hours.
-- Failure: figure_macros is_failure.
-- @param cluster          the cluster
-- @param period_start     the period's first instant, UTC
-- @param period_end       the instant after the period, UTC
-- @param retry_window_s   a run this soon after a failed run of its key is a retry
-- @param top              how many keys to list
with bounds as (
  select cast($period_start as timestamp) as p_start, cast($period_end as timestamp) as p_end
),
runs as (
  select
    job_key, job_id, "user", queue, account, state, start_time, coalesce(vcore_seconds, 0) as vcore_seconds,
    coalesce(memory_mb_seconds, 0) as memory_mb_seconds, coalesce(gpu_seconds, 0) as gpu_seconds,
    lag(is_failure(state)) over w as previous_failed,
    lag(run_end(start_time, end_time, elapsed_s)) over w as previous_end
  from jobs
  where cluster = $cluster and job_key is not null and start_time is not null
  window w as (partition by job_key order by start_time, job_id)
),
retries as (
  select r.*
  from runs r, bounds
  where r.previous_failed
    and r.start_time >= p_start and r.start_time < p_end
    and epoch_ms(r.start_time) - epoch_ms(r.previous_end) <= $retry_window_s * 1000
),
by_key as (
  select job_key,
    mode("user") as owner,
    mode(struct_pack(u := "user", q := queue, a := account)) as who,
    count(*) as retries,
    count(*) filter (where is_failure(state)) as failed_again,
    sum(vcore_seconds) as vcore_seconds,
    sum(memory_mb_seconds) as memory_mb_seconds,
    sum(gpu_seconds) as gpu_seconds
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
  (k.vcore_seconds / 3600 * pr.vcore_hour
     + k.memory_mb_seconds / 1024 / 3600 * coalesce(pr.memory_gb_hour, 0)
     + k.gpu_seconds / 3600 * coalesce(pr.gpu_hour, 0)) as cost,
  pr.currency
from by_key k
left join prices pr on true
order by k.vcore_seconds desc, k.job_key
limit $top
