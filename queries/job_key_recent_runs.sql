-- job_key_recent_runs: the latest runs of a recurring job (its job key), newest first — what
-- `gazette explain` shows as the job's history: when each ran, how it ended and what it used.
-- @param cluster   the cluster
-- @param job_key   the job key
-- @param runs      how many runs
select
  j.job_id, j.state, j.start_time, j.end_time, j.elapsed_s,
  j.vcore_seconds / 3600 as vcore_hours
from jobs j
where j.cluster = $cluster and j.job_key = $job_key
order by coalesce(j.start_time, j.submit_time) desc nulls last, j.job_id desc
limit $runs
