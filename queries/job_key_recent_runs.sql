-- job_key_recent_runs: the latest runs of recurring jobs (job keys), newest first within each key
-- — the history `gazette explain` and the feedback emails show: when each ran, how it ended and
-- what it used.
-- @param cluster    the cluster
-- @param job_keys   the job keys
-- @param runs       how many runs of each key
select job_key, job_id, state, start_time, end_time, elapsed_s, vcore_hours
from (
  select
    j.job_key, j.job_id, j.state, j.start_time, j.end_time, j.elapsed_s,
    j.vcore_seconds / 3600 as vcore_hours,
    row_number() over (partition by j.job_key order by coalesce(j.start_time, j.submit_time) desc nulls last, j.job_id desc) as n
  from jobs j
  where j.cluster = $cluster and j.job_key in (select unnest(cast($job_keys as varchar[])))
)
where n <= $runs
order by job_key, n
