-- storage_listings_summary: one row per cluster and source of directory-level storage data —
-- du, count and XDMoD rows (storage_usage) and fsimage rollups (storage_rollups): how many
-- dates, the first and last, how many paths (or rollup directories) the latest date has, and
-- the bytes it counts.
-- No parameters.
with usage_latest as (
  select cluster, source, count(distinct path) as paths, sum(bytes) as bytes
  from storage_usage
  where (cluster, source, as_of) in (select (cluster, source, max(as_of)) from storage_usage group by cluster, source)
  group by cluster, source
),
rollup_latest as (
  select cluster, count(distinct dir) as paths, sum(bytes) as bytes, sum(files) as files
  from storage_rollups
  where (cluster, as_of) in (select (cluster, max(as_of)) from storage_rollups group by cluster)
  group by cluster
)
select u.cluster, u.source, count(distinct u.as_of) as dates, min(u.as_of) as first_date, max(u.as_of) as last_date,
       any_value(l.paths) as latest_paths, any_value(l.bytes) as latest_bytes, null::bigint as latest_files
from storage_usage u join usage_latest l using (cluster, source)
group by u.cluster, u.source
union all
select r.cluster, 'fsimage', count(distinct r.as_of), min(r.as_of), max(r.as_of),
       any_value(l.paths), any_value(l.bytes), any_value(l.files)
from storage_rollups r join rollup_latest l using (cluster)
group by r.cluster
order by 1, 2
