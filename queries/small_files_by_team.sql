-- small_files_by_team: one row per team with files in the cluster's newest fsimage rollup dated
-- before the period's end (as cold_data_by_team): its files, the small ones among them (under the
-- settings' small-file size when the image was loaded) and their bytes, the share of its files
-- that are small, and its average file size in bytes (one replica). Teams by the path rule of
-- cold_data_by_team (the longest team_paths path at or above the directory, else 'unassigned').
-- @param cluster     the cluster
-- @param period_end  the day after the period in the cluster's time zone (YYYY-MM-DD): an image dated before it counts (images are dated by local day)
with image as (
  select max(as_of) as as_of
  from storage_rollups
  where cluster = $cluster and as_of < cast($period_end as date)
),
rollup as (
  select r.*
  from storage_rollups r
  join image i on r.as_of = i.as_of
  where r.cluster = $cluster
),
paths as (
  select case when path = '/' then '/' else rtrim(path, '/') end as path, team
  from team_paths
  where path like '/%'
),
dir_team as (
  select d.dir, coalesce(p.team, 'unassigned') as team
  from (select distinct dir from rollup) d
  left join paths p
    on d.dir = p.path or starts_with(d.dir, case when p.path = '/' then '/' else p.path || '/' end)
  qualify row_number() over (partition by d.dir order by length(p.path) desc nulls last, p.team) = 1
),
by_team as (
  select
    t.team,
    sum(r.files) as files,
    sum(r.bytes) as bytes,
    sum(r.small_files) as small_files,
    sum(r.small_file_bytes) as small_file_bytes
  from rollup r
  join dir_team t using (dir)
  group by t.team
)
select
  team,
  cast(files as bigint) as files,
  cast(small_files as bigint) as small_files,
  cast(small_file_bytes as bigint) as small_file_bytes,
  small_files / files as small_file_share,
  bytes / files as avg_file_bytes,
  cast(bytes as bigint) as bytes,
  cast((select as_of from image) as varchar) as as_of
from by_team
where files > 0
order by small_files desc, team
