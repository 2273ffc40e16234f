-- capacity_intervals: one row per stretch of time in which the cluster's capacity was constant:
-- [since, until) in UTC (until null: in force still), vcores, memory in MB and GPUs.
-- From the ResourceManager metrics snapshots (`--format yarn-metrics`), each in force until the
-- next, where the cluster has any; otherwise from the dated capacity in the settings
-- (cluster_capacity: cpus count as vcores). Before the first entry the capacity is unknown and
-- counts as none.
-- @param cluster  the cluster
with snapshots as (
  select
    taken_at as since,
    lead(taken_at) over (order by taken_at) as "until",
    cast(total_vcores as double) as vcores,
    cast(total_memory_mb as double) as memory_mb,
    cast(coalesce(total_gpus, 0) as double) as gpus,
    'yarn-metrics' as source
  from capacity_snapshots
  where cluster = $cluster
),
dated as (
  select
    since,
    lead(since) over (order by since) as "until",
    cast(cpus as double) as vcores,
    memory_gb * 1024 as memory_mb,
    cast(coalesce(gpus, 0) as double) as gpus,
    'settings' as source
  from cluster_capacity
  where cluster = $cluster
)
select * from snapshots
union all
select * from dated where not exists (select 1 from snapshots)
