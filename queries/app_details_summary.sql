-- app_details_summary: one row per cluster and framework with Spark or MapReduce history
-- loaded — how many applications, how many failed, the first start and last end, and how
-- many the scheduler's own records (RM, Slurm, a file) also hold.
-- No parameters.
select
  d.cluster,
  lower(d.framework) as framework,
  count(*) as applications,
  count(*) filter (where d.outcome = 'FAILED') as failed,
  min(d.start_time) as first_start,
  max(coalesce(d.end_time, d.start_time)) as last_end,
  count(j.job_id) as with_scheduler_record
from app_details d
left join jobs j on j.cluster = d.cluster and j.job_id = d.job_id and j.source not in ('spark', 'mapreduce')
group by d.cluster, d.framework
order by 1, 2
