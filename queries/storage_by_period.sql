-- storage_by_period: one row per period — HDFS used and capacity at the period's end as the NameNode
-- reported them (storage_snapshots: the last snapshot taken before the end, if it was taken in the
-- period), used at its start (the last snapshot taken before the start), the growth of used over the
-- period and the share of capacity used at the end. A period with no snapshot in it has nulls for
-- its end figures; one with no snapshot before it, nulls for its start and growth. Bytes are the
-- NameNode's (DFS used: every replica). Periods in the order given (newest first).
-- @param cluster  the cluster
-- @param labels   the periods' labels, e.g. ['2026-Q3', '2026-Q2', …]
-- @param starts   each period's first instant, UTC (text timestamps, in the order of labels)
-- @param ends     each period's end (the instant after it), UTC
with periods as (
  select
    unnest(range(1, len($labels) + 1)) as k,
    unnest($labels) as period,
    cast(unnest($starts) as timestamp) as period_start,
    cast(unnest($ends) as timestamp) as period_end
),
snapshots as (
  select taken_at, capacity_bytes, used_bytes
  from storage_snapshots
  where cluster = $cluster and used_bytes is not null
),
at_end as (
  select p.k, s.taken_at, s.capacity_bytes, s.used_bytes
  from periods p
  asof join snapshots s on p.period_end > s.taken_at
  where s.taken_at >= p.period_start
),
at_start as (
  select p.k, s.used_bytes
  from periods p
  asof join snapshots s on p.period_start > s.taken_at
)
select
  p.period,
  p.period_start,
  p.period_end,
  e.used_bytes,
  e.capacity_bytes,
  e.used_bytes / nullif(e.capacity_bytes, 0) as used_share,
  s.used_bytes as used_bytes_at_start,
  e.used_bytes - s.used_bytes as growth_bytes,
  e.used_bytes / nullif(s.used_bytes, 0) - 1 as growth,
  e.taken_at as snapshot_at
from periods p
left join at_end e using (k)
left join at_start s using (k)
order by p.k
