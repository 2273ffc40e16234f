-- job_key_recent_runs: the latest runs of recurring jobs (job keys), newest first within each key
-- — the history `gazette explain` and the feedback emails show: when each ran, how it ended and
-- what it used (failed: is_failure, figure_macros). Latest by start (submit where it never started), then job id; a run with neither
-- time is left out. Each key's latest ids come from max_by (a small heap per key), then their rows:
-- cheaper than numbering every run of every key.
-- Needs figure_macros (prepareJobQueries).
-- @param cluster    the cluster
-- @param job_keys   the job keys
-- @param runs       how many runs of each key
with latest as (
  select j.job_key, max_by(j.job_id, struct_pack(t := coalesce(j.start_time, j.submit_time), id := j.job_id), $runs) as ids
  from jobs j
  where j.cluster = $cluster and j.job_key in (select unnest(cast($job_keys as varchar[])))
    and coalesce(j.start_time, j.submit_time) is not null
  group by j.job_key
)
select j.job_key, j.job_id, j.state, is_failure(j.state) as failed, j.start_time, j.end_time, j.elapsed_s, j.vcore_seconds / 3600 as vcore_hours
from (select unnest(ids) as job_id from latest) l
join jobs j on j.cluster = $cluster and j.job_id = l.job_id
order by j.job_key, coalesce(j.start_time, j.submit_time) desc, j.job_id desc
