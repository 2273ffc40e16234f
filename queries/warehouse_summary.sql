-- warehouse_summary: one row per cluster and source — the jobs the warehouse holds.
-- (Capacity snapshots, incidents and rejected rows: their own *_summary.sql.)
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
)
select *
from jobs_by_source
order by cluster, source
