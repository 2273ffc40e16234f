-- warehouse_summary: one row per cluster and source — what the warehouse holds.
-- No parameters.
with jobs_by_source as (
  select
    cluster,
    source,
    count(*) as jobs,
    count(*) filter (where state = 'SUCCEEDED') as succeeded,
    count(*) filter (where state in ('FAILED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL')) as failed,
    count(*) filter (where state in ('KILLED', 'PREEMPTED')) as killed,
    count(*) filter (where state in ('RUNNING', 'PENDING')) as unfinished,
    count(distinct "user") as users,
    count(distinct job_key) as job_keys,
    min(coalesce(start_time, submit_time)) as first_job,
    max(coalesce(end_time, start_time, submit_time)) as last_job,
    sum(vcore_seconds) / 3600 as vcore_hours,
    sum(gpu_seconds) / 3600 as gpu_hours
  from jobs
  group by cluster, source
), rejects as (
  select cluster, count(*) as rejected_rows from rejected_rows group by cluster
)
select j.*, coalesce(r.rejected_rows, 0) as rejected_rows
from jobs_by_source j
left join rejects r using (cluster)
order by cluster, source
