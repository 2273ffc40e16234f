-- cold_data_by_team: one row per team with data in the cluster's newest fsimage rollup dated before
-- the period's end (storage_rollups; dated by the cluster's local day): its files and bytes
-- (file sizes, one replica), the bytes nobody has read for 90, 180 and 365 days or more (by the
-- days since last access at the image's date: cold_90d = 90–180 + 180–365 + 365+ days, cold_180d =
-- 180–365 + 365+, cold_365d = 365+), the bytes with no access time recorded, the team's share of
-- all bytes unread for 365+ days, and the share of its own bytes they are.
-- A directory is the team's whose settings path (team_paths) is the longest that is the directory
-- itself or an ancestor of it; directories under no team's path count as 'unassigned'. A team
-- path deeper than the rollup depth matches no rollup directory. Teams with no bytes are left out.
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
    sum(r.bytes_read_90_180d + r.bytes_read_180_365d + r.bytes_read_365d_plus) as cold_90d_bytes,
    sum(r.bytes_read_180_365d + r.bytes_read_365d_plus) as cold_180d_bytes,
    sum(r.bytes_read_365d_plus) as cold_365d_bytes,
    sum(r.bytes_no_atime) as bytes_no_atime
  from rollup r
  join dir_team t using (dir)
  group by t.team
),
total as (
  select sum(bytes_read_365d_plus) as cold_365d_bytes from rollup
)
select
  team,
  cast(bytes as bigint) as bytes,
  cast(files as bigint) as files,
  cast(cold_90d_bytes as bigint) as cold_90d_bytes,
  cast(cold_180d_bytes as bigint) as cold_180d_bytes,
  cast(cold_365d_bytes as bigint) as cold_365d_bytes,
  cast(bytes_no_atime as bigint) as bytes_no_atime,
  cold_365d_bytes / nullif((select cold_365d_bytes from total), 0) as share_of_cold_365d,
  cold_365d_bytes / nullif(bytes, 0) as cold_365d_share_of_team,
  cast((select any_value(as_of) from rollup) as varchar) as as_of
from by_team
where bytes > 0
order by cold_365d_bytes desc, team
