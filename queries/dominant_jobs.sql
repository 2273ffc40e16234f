-- dominant_jobs: one row per job that started in the period, the ones that took the largest
-- share of the cluster while they ran: their vcore-seconds ÷ the cluster's capacity integrated
-- over their own run. Ranked by that share.
-- @param cluster        the cluster
-- @param period_start   the period's first instant, UTC
-- @param period_end     the instant after the period, UTC
-- @param top            how many jobs to list
with runs as (
  select job_id, name, "user", queue, account, state, start_time,
    run_end(start_time, end_time, elapsed_s) as run_end, vcore_seconds
  from jobs
  where cluster = $cluster
    and start_time >= cast($period_start as timestamp) and start_time < cast($period_end as timestamp)
    and vcore_seconds > 0
),
during as (
  select r.job_id, sum(c.vcores * overlap_seconds(c.since, coalesce(c."until", r.run_end), r.start_time, r.run_end)) as capacity_vcore_seconds
  from runs r
  join capacity_intervals c on c.since < r.run_end and coalesce(c."until", r.run_end) > r.start_time
  where r.run_end > r.start_time
  group by r.job_id
)
select
  r.job_id, r.name, r."user", team_of(r."user", r.queue, r.account) as team, r.queue, r.state,
  r.start_time, r.run_end as end_time,
  (epoch_ms(r.run_end) - epoch_ms(r.start_time)) / 3600000 as hours,
  r.vcore_seconds / 3600 as vcore_hours,
  r.vcore_seconds / d.capacity_vcore_seconds as share_of_capacity_during_run
from runs r
join during d using (job_id)
where d.capacity_vcore_seconds > 0
order by share_of_capacity_during_run desc, r.job_id
limit $top
