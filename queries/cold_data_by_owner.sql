-- cold_data_by_owner: one row per file owner, the top `top` by bytes unread for 365+ days, in the
-- cluster's newest fsimage rollup dated before the period's end (as cold_data_by_team): their
-- files and bytes (one replica), bytes unread for 90, 180 and 365 days or more, bytes with no
-- access time recorded, their share of all bytes unread for 365+ days, and the share of their own
-- bytes they are. Their team is the team (by the path rule of cold_data_by_team: the longest
-- team_paths path at or above the directory, else 'unassigned') under whose paths most of their
-- 365+-day cold bytes lie; ties to the team with more of their bytes, then by name. Owners with
-- no bytes unread for 365+ days are left out.
-- @param cluster     the cluster
-- @param period_end  the day after the period in the cluster's time zone (YYYY-MM-DD): an image dated before it counts (images are dated by local day)
-- @param top         how many owners
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
by_owner_team as (
  select
    r.owner,
    t.team,
    sum(r.files) as files,
    sum(r.bytes) as bytes,
    sum(r.bytes_read_90_180d + r.bytes_read_180_365d + r.bytes_read_365d_plus) as cold_90d_bytes,
    sum(r.bytes_read_180_365d + r.bytes_read_365d_plus) as cold_180d_bytes,
    sum(r.bytes_read_365d_plus) as cold_365d_bytes,
    sum(r.bytes_no_atime) as bytes_no_atime
  from rollup r
  join dir_team t using (dir)
  group by r.owner, t.team
),
by_owner as (
  select
    owner,
    first(team order by cold_365d_bytes desc, bytes desc, team) as team,
    sum(files) as files,
    sum(bytes) as bytes,
    sum(cold_90d_bytes) as cold_90d_bytes,
    sum(cold_180d_bytes) as cold_180d_bytes,
    sum(cold_365d_bytes) as cold_365d_bytes,
    sum(bytes_no_atime) as bytes_no_atime
  from by_owner_team
  group by owner
),
total as (
  select sum(bytes_read_365d_plus) as cold_365d_bytes from rollup
)
select
  owner,
  team,
  cast(bytes as bigint) as bytes,
  cast(files as bigint) as files,
  cast(cold_90d_bytes as bigint) as cold_90d_bytes,
  cast(cold_180d_bytes as bigint) as cold_180d_bytes,
  cast(cold_365d_bytes as bigint) as cold_365d_bytes,
  cast(bytes_no_atime as bigint) as bytes_no_atime,
  cold_365d_bytes / nullif((select cold_365d_bytes from total), 0) as share_of_cold_365d,
  cold_365d_bytes / nullif(bytes, 0) as cold_365d_share_of_owner,
  cast((select any_value(as_of) from rollup) as varchar) as as_of
from by_owner
where cold_365d_bytes > 0
order by cold_365d_bytes desc, owner
limit $top
