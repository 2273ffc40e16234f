-- spark_memory_over_request_by_job_key: one row per recurring Spark job (job key) whose executors
-- asked for much more memory than they used, from the Spark history (app_details: event logs or
-- the History Server, Spark 3.0 and later, which log executor metrics). Per application: the
-- container each executor asked for (executor_request_mb: spark.executor.memory + overhead +
-- off-heap + PySpark memory) against the largest peak any of its executors reached — the process
-- tree's resident memory where Spark measured it (spark.executor.processTreeMetrics.enabled),
-- else the JVM's heap + off-heap peak. Using the largest executor's peak makes the unused part a
-- floor, not a guess. The GB-hours asked for and not used are that difference × the executors'
-- busy time (the tasks' run time ÷ the cores of an executor): also a floor, since an executor
-- holds its container while idle too. Over the key's applications that started in the period:
-- the medians of both sizes and of asked ÷ used, and the unused GB-hours. Keys whose median ratio
-- is at least min_ratio, ranked by unused GB-hours. Money: unused GB-hours at the memory price.
-- Owner and team: the most common among the key's applications, a tie to the earliest one's
-- (figure_macros: memory_over_request_by_key, shared with the MapReduce figure).
-- @param cluster        the cluster
-- @param period_start   the period's first instant, UTC
-- @param period_end     the instant after the period, UTC
-- @param min_ratio      smallest median asked ÷ used to be listed
-- @param top            how many keys to list
with apps as (
  select
    j.job_key, j.job_id, j."user", j.queue, j.account, j.start_time,
    d.executor_request_mb as asked_mb,
    spark_executor_used_mb(d.executor_peak_rss_bytes, d.executor_peak_heap_bytes, d.executor_peak_offheap_bytes) as used_mb,
    coalesce(d.task_time_s, 0) / coalesce(nullif(d.executor_cores, 0), 1) / 3600 as hours
  from jobs j
  join app_details d on d.cluster = j.cluster and d.job_id = j.job_id
  where j.cluster = $cluster
    and j.start_time >= cast($period_start as timestamp) and j.start_time < cast($period_end as timestamp)
    and d.framework = 'SPARK'
    and d.executor_request_mb > 0
    and coalesce(d.executor_peak_rss_bytes, d.executor_peak_heap_bytes) > 0
)
select * from memory_over_request_by_key(apps, $min_ratio, $top)
