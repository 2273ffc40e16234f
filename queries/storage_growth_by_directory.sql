-- storage_growth_by_directory: one row per directory (dimension 'directory') and per team
-- (dimension 'team') — how the bytes the du/count listings (storage_usage: hdfs-du, else
-- hdfs-count, whichever the cluster has) report grew over the period: the newest listing dated
-- before the period's end against the newest dated on or before its first day. A directory in
-- only one of the two counts from or to 0. Team: the longest team_paths path that is the
-- directory or above it, else 'unassigned'. Ranked within each dimension by growth in bytes.
-- @param cluster        the cluster
-- @param period_start   the period's first day in the cluster's time zone (YYYY-MM-DD)
-- @param period_end     the day after the period (YYYY-MM-DD)
-- @param top            how many directories to list (every team is listed)
with source as (
  select source from storage_usage
  where cluster = $cluster and source in ('hdfs-du', 'hdfs-count')
  group by source
  order by case source when 'hdfs-du' then 0 else 1 end
  limit 1
),
dates as (
  select
    max(as_of) filter (where as_of < cast($period_end as date)) as end_date,
    max(as_of) filter (where as_of <= cast($period_start as date)) as start_date
  from storage_usage
  where cluster = $cluster and source = (select source from source)
),
listing as (
  select u.path, u.as_of, u.bytes
  from storage_usage u, dates d
  where u.cluster = $cluster and u.source = (select source from source)
    and u.as_of in (d.start_date, d.end_date)
),
dirs as (
  select
    path,
    coalesce(sum(bytes) filter (where as_of = (select start_date from dates)), 0) as bytes_at_start,
    coalesce(sum(bytes) filter (where as_of = (select end_date from dates)), 0) as bytes_at_end
  from listing
  group by path
),
dir_team as (
  select d.path as dir, team_of_path(d.path) as team
  from dirs d
),
grouped as (
  select 'directory' as dimension, d.path as name, t.team, d.bytes_at_start, d.bytes_at_end
  from dirs d join dir_team t on t.dir = d.path
  union all
  select 'team', t.team, t.team, sum(d.bytes_at_start), sum(d.bytes_at_end)
  from dirs d join dir_team t on t.dir = d.path
  group by t.team
),
ranked as (
  select *,
    bytes_at_end - bytes_at_start as growth_bytes,
    row_number() over (partition by dimension order by bytes_at_end - bytes_at_start desc, name) as rank
  from grouped
)
select
  dimension, name, team,
  cast((select start_date from dates) as varchar) as start_date,
  cast((select end_date from dates) as varchar) as end_date,
  bytes_at_start, bytes_at_end, growth_bytes,
  case when bytes_at_start > 0 then bytes_at_end / bytes_at_start - 1 end as growth,
  rank
from ranked
where (select start_date from dates) is not null and (select end_date from dates) is not null
  and (dimension = 'team' or rank <= $top)
order by dimension, rank
