-- small_files_by_team: one row per team with files in the cluster's newest fsimage rollup dated
-- before the period's end (as cold_data_by_team): its files, the small ones among them (under the
-- settings' small-file size when the image was loaded) and their bytes, the share of its files
-- that are small, and its average file size in bytes (one replica). Teams by the path rule of
-- cold_data_by_team (the longest team_paths path at or above the directory, else 'unassigned').
-- @param cluster     the cluster
-- @param period_end  the day after the period in the cluster's time zone (YYYY-MM-DD): an image dated before it counts (images are dated by local day)
with rollup as (
  -- the newest image dated before the period's end day
  select * from storage_rollups
  where cluster = $cluster
    and as_of = (select max(as_of) from storage_rollups where cluster = $cluster and as_of < cast($period_end as date))
),
dir_team as (
  select d.dir, team_of_path(d.dir) as team
  from (select distinct dir from rollup) d
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
  cast((select any_value(as_of) from rollup) as varchar) as as_of
from by_team
where files > 0
order by small_files desc, team
