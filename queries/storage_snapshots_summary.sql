-- storage_snapshots_summary: one row per cluster with NameNode /jmx snapshots — how many, the
-- first and last moment, and what the latest one reports (capacity, used, files).
-- No parameters.
with latest as (
  select cluster, capacity_bytes, used_bytes, files
  from storage_snapshots
  qualify row_number() over (partition by cluster order by taken_at desc) = 1
)
select
  s.cluster,
  count(*) as snapshots,
  min(s.taken_at) as first_snapshot,
  max(s.taken_at) as last_snapshot,
  any_value(l.capacity_bytes) as latest_capacity_bytes,
  any_value(l.used_bytes) as latest_used_bytes,
  any_value(l.files) as latest_files
from storage_snapshots s
join latest l using (cluster)
group by s.cluster
order by s.cluster
