-- superuser_jobs: one row per superuser account (the settings' superusers: hdfs, yarn, mapred,
-- root by default) that ran jobs starting in the period — platform accounts running user work
-- bypass every permission and quota check. Jobs, their compute (whole runs) and the job keys
-- they ran, most used first; the most common job name (a tie: the earliest run's). The sum is
-- exact (figure_macros: milli_sum).
-- @param cluster        the cluster
-- @param period_start   the period's first instant, UTC
-- @param period_end     the instant after the period, UTC
select
  j."user",
  count(*) as jobs,
  count(distinct j.job_key) as job_keys,
  from_milli(milli_sum(coalesce(j.vcore_seconds, 0))) / 3600 as vcore_hours,
  count(*) filter (where is_failure(j.state)) as failed,
  mode(j.name order by j.start_time, j.job_id) as example_name
from jobs j
join superusers s on s."user" = j."user"
where j.cluster = $cluster
  and j.start_time >= cast($period_start as timestamp) and j.start_time < cast($period_end as timestamp)
group by j."user"
order by vcore_hours desc, j."user"
