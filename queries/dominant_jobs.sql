-- dominant_jobs: one row per job that started in the period, the ones that took the largest
-- share of the cluster while they ran: their vcore-seconds ÷ the cluster's capacity integrated
-- over their own run. Ranked by that share, ties by job id. The capacity over a run is summed
-- exactly (figure_macros: milli_sum).
-- @param cluster        the cluster
-- @param period_start   the period's first instant, UTC
-- @param period_end     the instant after the period, UTC
-- @param top            how many jobs to list
with runs as (
  select job_id, start_time, run_end(start_time, end_time, elapsed_s) as run_end, vcore_seconds
  from jobs
  where cluster = $cluster
    and start_time >= cast($period_start as timestamp) and start_time < cast($period_end as timestamp)
    and vcore_seconds > 0
),
-- Integrating the capacity over every run of the period is costly, so bounds first. Capacity is
-- known without a gap from the first interval on: over a run that started since then it lies
-- between the run's seconds × the fewest and × the most vcores of the intervals the period's runs
-- overlap, and the run's share between vcore_seconds ÷ those. Only runs whose most can reach the
-- top-th largest least can be in the top; they, and runs without bounds, are integrated exactly.
span as (
  select
    (select min(since) from capacity_intervals) as first_since,
    min(c.vcores) as fewest,
    max(c.vcores) as most
  from capacity_intervals c
  where c.since < (select max(run_end) from runs) and coalesce(c."until", 'infinity'::timestamp) > (select min(start_time) from runs)
),
bounded as (
  select r.job_id, r.start_time, r.run_end, r.vcore_seconds,
    case when r.start_time >= s.first_since and s.fewest > 0
      then r.vcore_seconds / (s.fewest * (epoch_ms(r.run_end) - epoch_ms(r.start_time)) / 1000.0) end as share_at_most,
    case when r.start_time >= s.first_since and s.fewest > 0
      then r.vcore_seconds / (s.most * (epoch_ms(r.run_end) - epoch_ms(r.start_time)) / 1000.0) end as share_at_least
  from runs r, span s
  where r.run_end > r.start_time
),
threshold as (
  select share_at_least as share
  from bounded
  where share_at_least is not null
  order by share_at_least desc
  limit 1 offset greatest($top - 1, 0)
),
candidates as materialized (
  select job_id, start_time, run_end, vcore_seconds
  from bounded
  where share_at_most is null
     or (select share from threshold) is null
     or share_at_most >= (select share from threshold) * (1 - 1e-9)
),
during as (
  select r.job_id, from_milli(milli_sum(c.vcores * overlap_seconds(c.since, coalesce(c."until", r.run_end), r.start_time, r.run_end))) as capacity_vcore_seconds
  from candidates r
  -- "until" null (in force still) as infinity: two plain inequalities, a range join (IEJoin), not
  -- a nested loop over every run × every capacity interval
  join capacity_intervals c on c.since < r.run_end and coalesce(c."until", 'infinity'::timestamp) > r.start_time
  group by r.job_id
),
ranked as (
  select r.job_id, r.start_time, r.run_end, r.vcore_seconds, r.vcore_seconds / d.capacity_vcore_seconds as share_of_capacity_during_run
  from candidates r
  join during d using (job_id)
  where d.capacity_vcore_seconds > 0
  order by share_of_capacity_during_run desc, r.job_id
  limit $top
)
select
  r.job_id, j.name, j."user", team_of(j."user", j.queue, j.account) as team, j.queue, j.state,
  r.start_time, r.run_end as end_time,
  (epoch_ms(r.run_end) - epoch_ms(r.start_time)) / 3600000 as hours,
  r.vcore_seconds / 3600 as vcore_hours,
  r.share_of_capacity_during_run
from ranked r
join jobs j on j.cluster = $cluster and j.job_id = r.job_id
  and j.start_time >= cast($period_start as timestamp) and j.start_time < cast($period_end as timestamp)
order by r.share_of_capacity_during_run desc, r.job_id
