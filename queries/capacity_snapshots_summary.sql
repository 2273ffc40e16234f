-- capacity_snapshots_summary: one row per cluster with ResourceManager metrics snapshots —
-- how many, the first and last moment, and the capacity the latest one reports.
-- No parameters.
with latest as (
  select cluster, total_vcores, total_memory_mb, total_gpus, total_nodes
  from capacity_snapshots
  qualify row_number() over (partition by cluster order by taken_at desc) = 1
)
select
  s.cluster,
  count(*) as snapshots,
  min(s.taken_at) as first_snapshot,
  max(s.taken_at) as last_snapshot,
  any_value(l.total_vcores) as latest_vcores,
  any_value(l.total_memory_mb) as latest_memory_mb,
  any_value(l.total_gpus) as latest_gpus,
  any_value(l.total_nodes) as latest_nodes
from capacity_snapshots s
join latest l using (cluster)
group by s.cluster
order by s.cluster
