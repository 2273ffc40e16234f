-- mapreduce_memory_over_request_by_job_key: one row per recurring MapReduce job (job key) whose
-- containers asked for much more memory than its tasks used, from the JobHistory detail
-- (app_details: .jhist or the JobHistory server). Per application: the container size asked for a
-- task (mapreduce.map.memory.mb for maps, mapreduce.reduce.memory.mb for reduces, averaged over
-- its tasks) against the physical memory its tasks used (the PHYSICAL_MEMORY_BYTES counter, summed
-- over tasks, ÷ tasks); the GB-hours asked for and not used are that difference × the tasks' run
-- time (MILLIS_MAPS + MILLIS_REDUCES) (figure_macros: mapreduce_task_asked_mb, _used_mb). Over the
-- key's applications that started in the period: the medians of both sizes and of asked ÷ used,
-- and the unused GB-hours. Keys whose median ratio is at least min_ratio, ranked by unused
-- GB-hours. Money: unused GB-hours at the memory price.
-- Owner and team: the most common among the key's applications, a tie to the earliest one's
-- (figure_macros: memory_over_request_by_key, shared with the Spark figure).
-- @param cluster        the cluster
-- @param period_start   the period's first instant, UTC
-- @param period_end     the instant after the period, UTC
-- @param min_ratio      smallest median asked ÷ used to be listed
-- @param top            how many keys to list
with apps as (
  select
    j.job_key, j.job_id, j."user", j.queue, j.account, j.start_time,
    mapreduce_task_asked_mb(d.maps, d.reduces, d.map_memory_mb, d.reduce_memory_mb) as asked_mb,
    mapreduce_task_used_mb(d.maps, d.reduces, d.physical_memory_bytes) as used_mb,
    coalesce(d.task_time_s, 0) / 3600 as hours
  from jobs j
  join app_details d on d.cluster = j.cluster and d.job_id = j.job_id
  where j.cluster = $cluster
    and j.start_time >= cast($period_start as timestamp) and j.start_time < cast($period_end as timestamp)
    and d.framework = 'MAPREDUCE'
    and d.physical_memory_bytes > 0
    and coalesce(d.maps, 0) + coalesce(d.reduces, 0) > 0
    and coalesce(d.map_memory_mb, d.reduce_memory_mb) > 0
)
select * from memory_over_request_by_key(apps, $min_ratio, $top)
